package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// How an instance follows the change log (store.ChangeLog).
const (
	// gapTimeout is how long a number handed to a writer may stay without its change in
	// the log while a later change is there: then the writer is taken to have died before
	// logging, and readers go on past the number. Writers write within
	// store.ChangeWriteWindow of logging or not at all.
	gapTimeout = 30 * time.Second
	// pendingTimeout is how long a reader keeps reading an entry whose logged version is
	// not in the table yet (its write is under way, or failed).
	pendingTimeout = 60 * time.Second
	// pollLimit is the number of changes read per Query; a poll reads on while there are
	// more.
	pollLimit = 1000
	// pollPages bounds the pages one poll reads; the next poll goes on where it stopped.
	pollPages = 100
)

// follower is where an instance stands in the change log.
type follower struct {
	log store.ChangeLog

	mu      sync.Mutex           // held by a poll
	cursor  uint64               // every change up to cursor was seen
	seen    map[uint64]time.Time // changes after cursor that were seen, with their time
	pending map[string]pendingEntry
	polled  time.Time // when the last successful poll started
	counter uint64    // the counter as last read
	// unsettled are the catalog and word-list changes (by kind and key) whose write was
	// announced but not yet reported done, with the time of the announcement: a reader
	// may have read between the two, so every poll reads them again until the write is
	// done or pendingTimeout has passed.
	unsettled map[settleKey]time.Time
	pointer   *store.SnapshotPointer

	// overlay are the documents this instance put over the snapshot it loaded, by entry
	// id, to be put again over a newer snapshot that does not have them yet. nil for the
	// index writer, whose index is the snapshot.
	overlay map[string]overlayDoc
}

// settleKey names a change of the catalog or the word lists.
type settleKey struct {
	kind store.ChangeKind
	key  string
}

// pendingEntry is an entry whose logged version was not yet in the table when it was read.
type pendingEntry struct {
	version int
	seq     uint64    // of the change that announced it
	since   time.Time // when it was first read without that version
}

// overlayDoc is a document put over the loaded snapshot: doc nil for a removed entry.
type overlayDoc struct {
	seq uint64
	doc *search.Document
}

func newFollower(log store.ChangeLog, cursor uint64, overlay bool) *follower {
	f := &follower{log: log, cursor: cursor, seen: map[uint64]time.Time{}, pending: map[string]pendingEntry{}, unsettled: map[settleKey]time.Time{}}
	if overlay {
		f.overlay = map[string]overlayDoc{}
	}
	return f
}

// changeSet is what one poll found to do.
type changeSet struct {
	entries map[string]entryChange // by entry id
	catalog bool                   // the catalog is to be read again
	words   bool
	rebuild bool
	oldest  time.Time // the time of the oldest change found; zero if none
	read    int       // changes read that had not been seen
}

type entryChange struct {
	version int
	seq     uint64
}

func (c *changeSet) empty() bool {
	return len(c.entries) == 0 && !c.catalog && !c.words && !c.rebuild
}

// read reads the changes after the cursor and moves the cursor over what it has seen, and
// over gaps that are old enough. Pending entries are added to the set. The caller holds
// f.mu.
func (f *follower) read(ctx context.Context, now time.Time) (*changeSet, error) {
	cs := &changeSet{entries: map[string]entryChange{}}
	after := f.cursor
	for range pollPages {
		page, err := f.log.Changes(ctx, after, pollLimit)
		if err != nil {
			return nil, fmt.Errorf("read change log: %w", err)
		}
		f.counter, f.pointer = page.Counter, page.Snapshot
		for _, c := range page.Changes {
			after = c.Seq
			if _, ok := f.seen[c.Seq]; ok || c.Seq <= f.cursor {
				continue
			}
			f.seen[c.Seq] = c.At
			cs.read++
			if cs.oldest.IsZero() || c.At.Before(cs.oldest) {
				cs.oldest = c.At
			}
			switch c.Kind {
			case store.ChangedEntry:
				old := cs.entries[c.Key]
				cs.entries[c.Key] = entryChange{version: max(old.version, c.Version), seq: max(old.seq, c.Seq)}
			case store.ChangedCatalog, store.ChangedWords:
				// Version 0 announces a write, 1 reports it done (see store.ChangeLog).
				k := settleKey{c.Kind, c.Key}
				if c.Version == 0 {
					f.unsettled[k] = c.At
				} else {
					delete(f.unsettled, k)
				}
				cs.catalog = cs.catalog || c.Kind == store.ChangedCatalog
				cs.words = cs.words || c.Kind == store.ChangedWords
			case store.RebuildRequested:
				cs.rebuild = true
			}
		}
		if !page.More {
			break
		}
	}
	f.advance(now)
	for k, at := range f.unsettled {
		switch {
		case now.Sub(at) > pendingTimeout:
			delete(f.unsettled, k) // the write failed or its report was lost
		case k.kind == store.ChangedCatalog:
			cs.catalog = true
		default:
			cs.words = true
		}
	}
	for id, p := range f.pending {
		if _, ok := cs.entries[id]; !ok {
			cs.entries[id] = entryChange{version: p.version, seq: p.seq}
		}
	}
	return cs, nil
}

// advance moves the cursor over the changes seen in a row, and over a missing number once
// a later change is older than gapTimeout.
func (f *follower) advance(now time.Time) {
	for {
		next := f.cursor + 1
		if _, ok := f.seen[next]; ok {
			delete(f.seen, next)
			f.cursor = next
			continue
		}
		if len(f.seen) == 0 {
			return
		}
		oldest := now
		for _, at := range f.seen {
			if at.Before(oldest) {
				oldest = at
			}
		}
		if now.Sub(oldest) < gapTimeout {
			return
		}
		f.cursor = next // abandoned: its writer died before logging
	}
}

// covered returns the number up to which every change is in the index: the cursor, or
// just before the first change whose entry is still pending.
func (f *follower) covered() uint64 {
	c := f.cursor
	for _, p := range f.pending {
		if p.seq > 0 && p.seq-1 < c {
			c = p.seq - 1
		}
	}
	return c
}

// errPoison marks entries that could not be indexed.
var errPoison = errors.New("entry cannot be indexed")

// applyEntries reads the entries of cs from the store and puts them into the index as the
// table holds them: removed if they are gone. An entry whose logged version is not there
// yet is kept pending until it is or pendingTimeout passed. Entries that the index refuses
// are left out and returned (wrapped in errPoison) after the others were applied. The
// caller holds f.mu and a.indexMu.
func (a *App) applyEntries(ctx context.Context, f *follower, cs *changeSet, now time.Time) (poison []string, err error) {
	ids := make([]string, 0, len(cs.entries))
	for id := range cs.entries {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for start := 0; start < len(ids); start += store.MaxEntriesByID {
		chunk := ids[start:min(start+store.MaxEntriesByID, len(ids))]
		found, err := a.stores.Entries.EntriesByID(ctx, chunk)
		if err != nil {
			return nil, fmt.Errorf("read changed entries: %w", err)
		}
		byID := make(map[string]*wiki.Entry, len(found))
		for _, e := range found {
			byID[e.ID] = e
		}
		var b search.Batch
		for _, id := range chunk {
			c := cs.entries[id]
			e := byID[id]
			f.settle(id, c, e, now)
			if e == nil {
				b.Delete = append(b.Delete, id)
				f.remember(id, c.seq, nil)
				continue
			}
			d := a.document(ctx, e)
			b.Put = append(b.Put, d)
			f.remember(id, c.seq, &d)
		}
		b.Seq = f.covered()
		if err := a.index.Apply(ctx, b); err != nil {
			bad, err := a.applyOneByOne(ctx, b)
			if err != nil {
				return nil, err
			}
			poison = append(poison, bad...)
		}
	}
	if len(poison) > 0 {
		return poison, fmt.Errorf("%w: %v", errPoison, poison)
	}
	return nil, nil
}

// applyOneByOne applies the documents of a batch the index refused one at a time and
// returns the ids of those it refuses on their own.
func (a *App) applyOneByOne(ctx context.Context, b search.Batch) ([]string, error) {
	var bad []string
	for _, d := range b.Put {
		if err := a.index.Apply(ctx, search.Batch{Put: []search.Document{d}, Seq: b.Seq}); err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			a.log.Error("index entry", "entry", d.ID, "err", err)
			bad = append(bad, d.ID)
		}
	}
	if len(b.Delete) > 0 {
		if err := a.index.Apply(ctx, search.Batch{Delete: b.Delete, Seq: b.Seq}); err != nil {
			return nil, err
		}
	}
	return bad, nil
}

// settle records whether the entry read as e has the version its change announced, and
// keeps it pending if not, until pendingTimeout.
func (f *follower) settle(id string, c entryChange, e *wiki.Entry, now time.Time) {
	if c.version == 0 || (e != nil && e.Version >= c.version) {
		delete(f.pending, id)
		return
	}
	p, ok := f.pending[id]
	if !ok || p.version < c.version {
		since := now
		if ok {
			since = p.since
		}
		p = pendingEntry{version: c.version, seq: c.seq, since: since}
	}
	if now.Sub(p.since) > pendingTimeout {
		delete(f.pending, id) // the write failed or never came
		return
	}
	f.pending[id] = p
}

// remember notes a document put over the snapshot.
func (f *follower) remember(id string, seq uint64, d *search.Document) {
	if f.overlay != nil {
		f.overlay[id] = overlayDoc{seq: seq, doc: d}
	}
}
