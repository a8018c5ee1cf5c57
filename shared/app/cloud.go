package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Snapshots fetches and publishes snapshots of the search index (on AWS: through S3).
type Snapshots interface {
	// Fetch downloads the snapshot p into a new folder of its own and returns the folder,
	// from which search.OpenWith opens the index.
	Fetch(ctx context.Context, p *store.SnapshotPointer) (dir string, err error)
	// Publish uploads the current state of ix as a snapshot covering the changes up to
	// seq, reusing what prev already uploaded, and returns the pointer to make current.
	Publish(ctx context.Context, ix *search.Index, seq uint64, prev *store.SnapshotPointer) (store.SnapshotPointer, error)
	// Prune removes snapshots that neither keep nor a snapshot younger than an hour need.
	Prune(ctx context.Context, keep ...*store.SnapshotPointer) error
}

// Cloud configures an instance without an in-process change feed (AWS Lambda).
type Cloud struct {
	// Log is the store's change log, through which the instance learns of writes on
	// other instances. Required.
	Log store.ChangeLog
	// Snapshots loads the published index at start instead of building it from the
	// table. nil: built from the table (tests, tools).
	Snapshots Snapshots
	// Writer makes the instance the one writer of the index (the indexer function): it
	// follows every change into its index and publishes snapshots (IndexChanges).
	Writer bool
	// FromTable builds the index from the table even if a usable snapshot exists: for a
	// writer that is to publish a rebuilt index (infra/admin reindex).
	FromTable bool
	// WithoutIndex starts without a search index (an empty one) and never reads the
	// change log: for tools that only read and write the store (infra/admin).
	WithoutIndex bool
}

// cloudState is what an App on AWS keeps besides its index.
type cloudState struct {
	Cloud
	follow *follower

	swapMu   sync.Mutex             // guards the fields below
	loaded   *store.SnapshotPointer // the snapshot the index started from; nil: built from the table
	fetching bool                   // a newer snapshot is being fetched
	ready    *fetched               // a fetched snapshot to swap to at the next poll
	lastSwap time.Time
}

type fetched struct {
	dir     string
	pointer *store.SnapshotPointer
}

// swapInterval is the least time between two snapshot swaps of a web instance: between
// them, the instance stays current through the change log alone.
const swapInterval = 30 * time.Second

// Start builds an App for AWS Lambda. Its search index is the newest published snapshot
// (never a scan of the table, unless none was published yet or it is too old to catch up
// from the change log), kept current by reading the change log once per request that uses
// the index, before it does; it also takes this instance's own writes at once. A writer
// (the indexer) publishes snapshots instead (IndexChanges). At the end it creates the first
// coordinator of o.Bootstrap while no account exists.
func Start(ctx context.Context, stores store.Stores, cloud Cloud, o Options) (*App, error) {
	if cloud.Log == nil {
		return nil, fmt.Errorf("start: no change log")
	}
	o.IndexOnWrite = !cloud.Writer
	a := New(stores, nil, o)
	a.cloud = &cloudState{Cloud: cloud}
	if err := a.cat.load(ctx, stores.Municipalities, stores.Topics); err != nil {
		return nil, err
	}
	if cloud.WithoutIndex {
		a.indexOnWrite = false
		ix, err := search.OpenMemory()
		if err != nil {
			return nil, err
		}
		a.index = ix
		a.closers = append(a.closers, ix.Close)
		if err := a.loadWordLists(ctx); err != nil {
			a.Close()
			return nil, err
		}
		return a.bootstrapped(ctx, o.Bootstrap)
	}
	page, err := cloud.Log.Changes(ctx, math.MaxUint64, 1)
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	if err := a.openIndex(ctx, page); err != nil {
		a.Close()
		return nil, fmt.Errorf("start: %w", err)
	}
	if err := a.loadWordLists(ctx); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.protectWords(); err != nil {
		a.Close()
		return nil, err
	}
	if cloud.Writer && a.index.NeedsRebuild() && a.cloud.loaded != nil {
		a.log.Info("published index was built with other protected words; rebuilding")
		if err := a.rebuild(ctx); err != nil {
			a.Close()
			return nil, err
		}
	}
	if err := a.fresh(ctx); err != nil {
		a.Close()
		return nil, fmt.Errorf("start: %w", err)
	}
	return a.bootstrapped(ctx, o.Bootstrap)
}

// bootstrapped creates the first coordinator u, if given and no account exists yet, and
// returns a; on failure it closes a.
func (a *App) bootstrapped(ctx context.Context, u *NewUser) (*App, error) {
	if err := a.Bootstrap(ctx, u); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// openIndex opens the published snapshot, or builds the index from the table if there is
// none that can be brought up to date; see Start.
func (a *App) openIndex(ctx context.Context, page *store.ChangePage) error {
	c := a.cloud
	p := page.Snapshot
	usable := p != nil && c.Snapshots != nil && !c.FromTable && a.snapshotUsable(p, page.Counter)
	if usable {
		dir, err := c.Snapshots.Fetch(ctx, p)
		if err != nil {
			return fmt.Errorf("fetch index snapshot %s: %w", p.ID, err)
		}
		ix, err := search.OpenWith(dir, search.Options{Protected: a.protectedWordsUnlocked()})
		if err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("open index snapshot %s: %w", p.ID, err)
		}
		a.index = ix
		a.closers = append(a.closers, ix.Close)
		c.loaded, c.lastSwap = p, a.now()
		c.follow = newFollower(c.Log, p.Seq, !c.Writer)
		a.log.Info("index snapshot loaded", "snapshot", p.ID, "seq", p.Seq, "docs", p.Docs)
		return nil
	}
	if p != nil && c.Snapshots != nil && !c.FromTable {
		a.log.Warn("index snapshot too old to catch up from the change log; building the index from the table",
			"snapshot", p.ID, "published", p.Published, "seq", p.Seq, "counter", page.Counter)
	}
	var (
		ix  *search.Index
		tmp string // the folder of an index built on disk here, removed with the App
		err error
	)
	if c.Writer && c.Snapshots != nil {
		if tmp, err = os.MkdirTemp("", "wissensnetz-index-"); err != nil {
			return err
		}
		ix, err = search.OpenWith(filepath.Join(tmp, "index"), search.Options{Protected: a.protectedWordsUnlocked()})
	} else {
		ix, err = search.OpenMemoryWith(search.Options{Protected: a.protectedWordsUnlocked()})
	}
	if err != nil {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
		return err
	}
	a.index = ix
	a.closers = append(a.closers, ix.Close) // closers run in order: the index first
	if tmp != "" {
		a.closers = append(a.closers, func() error { return os.RemoveAll(tmp) })
	}
	// Every change the log still holds is read again after the build: a write whose
	// change was logged before the scan may land after the scan passed its entry.
	c.follow = newFollower(c.Log, 0, !c.Writer)
	if err := a.Reindex(ctx, nil); err != nil {
		return err
	}
	if c.Snapshots != nil && !c.Writer {
		// Ask the indexer for a snapshot, so that the next cold start need not scan.
		if err := c.Log.LogChange(ctx, store.RebuildRequested, ""); err != nil {
			a.log.Error("request index rebuild", "err", err)
		}
	}
	return nil
}

// snapshotUsable reports whether the snapshot p can be brought up to date from the change
// log: every change after it is still there (changes expire after
// store.ChangeRetention), and it was built with this program's mapping.
func (a *App) snapshotUsable(p *store.SnapshotPointer, counter uint64) bool {
	if !search.CompatibleVersion(p.Version) {
		return false
	}
	return p.Seq >= counter || a.now().Sub(p.Published) < store.ChangeRetention-24*time.Hour
}

// protectedWordsUnlocked returns protectedWordsLocked, taking the lock.
func (a *App) protectedWordsUnlocked() []string {
	a.words.mu.Lock()
	defer a.words.mu.Unlock()
	return a.protectedWordsLocked()
}

// requestTimeKey is the context key of the time a request started.
type requestTimeKey struct{}

// WithRequestTime returns ctx carrying the time its request started: a search on AWS
// then reads the change log at most once per request, and never reflects less than the
// table held at that time.
func WithRequestTime(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, requestTimeKey{}, t)
}

// Refresh brings the catalog, the word lists and the search index up to what the table
// holds at the start of ctx's request; see WithRequestTime. On AWS it reads the change log
// once per request; in local mode it does nothing.
func (a *App) Refresh(ctx context.Context) error { return a.fresh(ctx) }

// fresh brings the index up to what the table holds at the start of ctx's request (now, if
// ctx carries no time): one read of the change log, unless a poll that began after the
// request started already did it. Then it reads the entries that changed and puts them
// into the index. A no-op in local mode.
func (a *App) fresh(ctx context.Context) error {
	if a.cloud == nil || a.cloud.follow == nil {
		return nil
	}
	f := a.cloud.follow
	start, _ := ctx.Value(requestTimeKey{}).(time.Time)
	f.mu.Lock()
	defer f.mu.Unlock()
	if !start.IsZero() && !f.polled.IsZero() && !f.polled.Before(start) {
		return nil
	}
	now := a.now()
	a.swapReady(ctx)
	cs, err := f.read(ctx, now)
	if err != nil {
		return err
	}
	if !cs.empty() {
		if _, err := a.applyChanges(ctx, f, cs, now); err != nil {
			return err
		}
	}
	f.polled = now
	a.fetchNewer(now)
	return nil
}

// applyChanges applies a poll's changes: the catalog and word lists first, since the
// documents of the changed entries use them, then the entries. It returns the entries the
// index refused. The caller holds f.mu.
func (a *App) applyChanges(ctx context.Context, f *follower, cs *changeSet, now time.Time) (poison []string, err error) {
	if cs.catalog {
		before := a.cat.names()
		if err := a.cat.load(ctx, a.stores.Municipalities, a.stores.Topics); err != nil {
			return nil, err
		}
		if err := a.protectWords(); err != nil {
			return nil, err
		}
		for _, k := range changedNames(before, a.cat.names()) {
			ids, err := a.indexedEntries(ctx, k)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				if _, ok := cs.entries[id]; !ok {
					cs.entries[id] = entryChange{} // names changed: index again as it is
				}
			}
		}
	}
	if cs.words {
		w, err := a.stores.WordLists.WordLists(ctx)
		if err != nil {
			return nil, fmt.Errorf("read word lists: %w", err)
		}
		if err := a.applyWordLists(ctx, w); err != nil {
			return nil, err
		}
	}
	if a.cloud.Writer && (cs.rebuild || a.index.NeedsRebuild()) {
		return nil, a.rebuild(ctx)
	}
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	poison, err = a.applyEntries(ctx, f, cs, now)
	if err != nil && len(poison) == 0 {
		return nil, err
	}
	if len(poison) > 0 {
		a.log.Error("entries the index refused", "entries", poison)
	}
	return poison, nil
}

// changedNames returns the keys ("municipality:<ags>", "topic:<slug>") whose names
// differ between two states of the catalog (catalog.names).
func changedNames(before, after map[string]string) []string {
	var keys []string
	for k, name := range after {
		if old, ok := before[k]; ok && old != name {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// indexedEntries returns the ids of the entries in the index that a catalog change of key
// ("municipality:<ags>", "topic:<slug>") concerns.
func (a *App) indexedEntries(ctx context.Context, key string) ([]string, error) {
	kind, value, _ := strings.Cut(key, ":")
	q := search.Query{Sort: search.SortOldest, PerPage: search.MaxPerPage}
	switch kind {
	case "municipality":
		q.Municipality = value
	case "topic":
		q.Topic = value
	default:
		return nil, nil
	}
	var ids []string
	for q.Page = 1; ; q.Page++ {
		res, err := a.index.Search(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < q.PerPage || uint64(len(ids)) >= res.Total {
			return ids, nil
		}
	}
}

// rebuild builds the writer's index anew from the table. The follower keeps its place:
// changes read again after it are harmless.
func (a *App) rebuild(ctx context.Context) error {
	start := time.Now()
	if err := a.Reindex(ctx, nil); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	a.log.Info("index rebuilt from the table", "ms", time.Since(start).Milliseconds())
	return nil
}

// swapReady swaps the index for a fetched newer snapshot, with this instance's documents
// that the snapshot does not have yet put over it first. The caller holds the follower's
// lock.
func (a *App) swapReady(ctx context.Context) {
	c := a.cloud
	c.swapMu.Lock()
	r := c.ready
	c.ready = nil
	c.swapMu.Unlock()
	if r == nil {
		return
	}
	f := c.follow
	var b search.Batch
	for id, o := range f.overlay {
		if o.seq <= r.pointer.Seq {
			delete(f.overlay, id)
			continue
		}
		if o.doc == nil {
			b.Delete = append(b.Delete, id)
		} else {
			b.Put = append(b.Put, *o.doc)
		}
	}
	err := func() error {
		ix, err := search.OpenWith(r.dir, search.Options{Protected: a.protectedWordsUnlocked()})
		if err != nil {
			return err
		}
		if len(b.Put)+len(b.Delete) > 0 {
			b.Seq = r.pointer.Seq
			if err := ix.Apply(ctx, b); err != nil {
				ix.Close()
				return err
			}
		}
		if err := ix.Close(); err != nil {
			return err
		}
		a.indexMu.Lock()
		defer a.indexMu.Unlock()
		return a.index.Replace(r.dir)
	}()
	if err != nil {
		a.log.Error("swap to newer index snapshot", "snapshot", r.pointer.ID, "err", err)
		os.RemoveAll(r.dir)
		return
	}
	c.swapMu.Lock()
	c.loaded, c.lastSwap = r.pointer, a.now()
	c.swapMu.Unlock()
	a.log.Info("index snapshot swapped", "snapshot", r.pointer.ID, "seq", r.pointer.Seq, "overlay", len(f.overlay))
}

// fetchNewer starts fetching a newer published snapshot in the background, if there is one
// and the last swap is swapInterval ago. The caller holds the follower's lock.
func (a *App) fetchNewer(now time.Time) {
	c := a.cloud
	p := c.follow.pointer
	if c.Writer || c.Snapshots == nil || p == nil || !search.CompatibleVersion(p.Version) {
		return
	}
	c.swapMu.Lock()
	defer c.swapMu.Unlock()
	if c.fetching || c.ready != nil || now.Sub(c.lastSwap) < swapInterval || (c.loaded != nil && (c.loaded.ID == p.ID || c.loaded.Seq >= p.Seq)) {
		return
	}
	c.fetching = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		dir, err := c.Snapshots.Fetch(ctx, p)
		c.swapMu.Lock()
		defer c.swapMu.Unlock()
		c.fetching = false
		if err != nil {
			a.log.Error("fetch newer index snapshot", "snapshot", p.ID, "err", err)
			c.lastSwap = a.now() // try again after swapInterval
			return
		}
		c.ready = &fetched{dir: dir, pointer: p}
	}()
}

// IndexReport tells what IndexChanges did.
type IndexReport struct {
	Changes   int                    // changes applied
	Poison    []string               // entries the index refused; left out
	Published *store.SnapshotPointer // the snapshot published; nil if nothing changed
	Lag       time.Duration          // age of the oldest change applied, when it was published
}

// IndexChanges is the index writer's step (the indexer function, woken by the table's
// stream): it reads every change since the last step, applies it, rebuilds the index from
// the table if asked to or if the protected words changed, and publishes a snapshot. Only
// for an App started with Cloud.Writer.
func (a *App) IndexChanges(ctx context.Context) (*IndexReport, error) {
	c := a.cloud
	if c == nil || !c.Writer {
		return nil, errors.New("app: IndexChanges needs an index writer")
	}
	f := c.follow
	f.mu.Lock()
	defer f.mu.Unlock()
	now := a.now()
	rep := &IndexReport{}
	cs := &changeSet{entries: map[string]entryChange{}}
	for range pollPages {
		part, err := f.read(ctx, now)
		if err != nil {
			return nil, err
		}
		merge(cs, part)
		if f.cursor >= f.counter || part.read == 0 {
			break
		}
	}
	changed := !cs.empty()
	if changed {
		poison, err := a.applyChanges(ctx, f, cs, now)
		if err != nil {
			return nil, err
		}
		rep.Poison = poison
		rep.Changes = len(cs.entries)
	}
	f.polled = now
	seq := f.covered()
	if c.Snapshots == nil || (!changed && c.loaded != nil && c.loaded.Seq >= seq) {
		return rep, nil
	}
	// The pointer moves only from the snapshot this index started from; an index built
	// from the table replaces whatever is current.
	prev := c.loaded
	if prev == nil {
		prev = f.pointer
	}
	p, err := c.Snapshots.Publish(ctx, a.index, seq, prev)
	if err != nil {
		return nil, fmt.Errorf("publish index snapshot: %w", err)
	}
	if err := c.Log.PublishSnapshot(ctx, p, prev); err != nil {
		if wiki.ErrorCode(err) != wiki.ECONFLICT {
			return nil, err
		}
		// Another writer published in between (two indexers by mistake, or a rebuild by
		// infra/admin): the published snapshot wins. Continue from it.
		a.log.Warn("another index writer published a snapshot; continuing from it", "ours", p.ID)
		if err := a.adoptCurrent(ctx); err != nil {
			return nil, err
		}
		return rep, nil
	}
	c.loaded = &p
	rep.Published = &p
	if !cs.oldest.IsZero() {
		rep.Lag = a.now().Sub(cs.oldest)
	}
	if err := c.Snapshots.Prune(ctx, &p, prev); err != nil {
		a.log.Warn("prune index snapshots", "err", err)
	}
	return rep, nil
}

// adoptCurrent makes the writer continue from the published snapshot instead of its own
// index: it fetches it, swaps it in and reads the change log again from where it stands.
// The caller holds the follower's lock.
func (a *App) adoptCurrent(ctx context.Context) error {
	c, f := a.cloud, a.cloud.follow
	page, err := c.Log.Changes(ctx, math.MaxUint64, 1)
	if err != nil {
		return err
	}
	p := page.Snapshot
	if p == nil {
		return nil
	}
	dir, err := c.Snapshots.Fetch(ctx, p)
	if err != nil {
		return fmt.Errorf("fetch index snapshot %s: %w", p.ID, err)
	}
	a.indexMu.Lock()
	err = a.index.Replace(dir)
	a.indexMu.Unlock()
	if err != nil {
		os.RemoveAll(dir)
		return err
	}
	c.loaded = p
	f.cursor, f.seen, f.pending = min(f.cursor, p.Seq), map[uint64]time.Time{}, map[string]pendingEntry{}
	return nil
}

// merge adds the changes of part to cs.
func merge(cs, part *changeSet) {
	for id, c := range part.entries {
		old := cs.entries[id]
		cs.entries[id] = entryChange{version: max(old.version, c.version), seq: max(old.seq, c.seq)}
	}
	cs.catalog = cs.catalog || part.catalog
	cs.words = cs.words || part.words
	cs.rebuild = cs.rebuild || part.rebuild
	if !part.oldest.IsZero() && (cs.oldest.IsZero() || part.oldest.Before(cs.oldest)) {
		cs.oldest = part.oldest
	}
}
