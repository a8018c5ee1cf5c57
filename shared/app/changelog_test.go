package app

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// memLog is a store.ChangeLog in memory, for the tests of instances that follow one: what
// the DynamoDB store keeps in its table.
type memLog struct {
	mu       sync.Mutex
	counter  uint64
	changes  []store.LoggedChange // in Seq order
	snapshot *store.SnapshotPointer
	now      func() time.Time
	// hold, if set, takes a number for each change but keeps the change back (a writer
	// between the two steps) until release.
	hold bool
	held []store.LoggedChange
}

func (l *memLog) log(kind store.ChangeKind, key string, version int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counter++
	now := time.Now()
	if l.now != nil {
		now = l.now()
	}
	c := store.LoggedChange{Seq: l.counter, Kind: kind, Key: key, Version: version, At: now}
	if l.hold {
		l.held = append(l.held, c)
		return
	}
	l.insert(c)
}

func (l *memLog) insert(c store.LoggedChange) {
	i, _ := slices.BinarySearchFunc(l.changes, c.Seq, func(a store.LoggedChange, s uint64) int { return int(a.Seq) - int(s) })
	l.changes = slices.Insert(l.changes, i, c)
}

func (l *memLog) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.held {
		l.insert(c)
	}
	l.held, l.hold = nil, false
}

func (l *memLog) Changes(ctx context.Context, after uint64, limit int) (*store.ChangePage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	page := &store.ChangePage{Counter: l.counter}
	if l.snapshot != nil {
		p := *l.snapshot
		page.Snapshot = &p
	}
	for _, c := range l.changes {
		if c.Seq <= after {
			continue
		}
		if len(page.Changes) == limit {
			page.More = true
			break
		}
		page.Changes = append(page.Changes, c)
	}
	return page, nil
}

func (l *memLog) LogChange(ctx context.Context, kind store.ChangeKind, keys ...string) error {
	for _, k := range keys {
		l.log(kind, k, 0)
	}
	return nil
}

func (l *memLog) PublishSnapshot(ctx context.Context, p store.SnapshotPointer, prev *store.SnapshotPointer) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if (prev == nil) != (l.snapshot == nil) || (prev != nil && prev.ID != l.snapshot.ID) {
		return wiki.E(wiki.ECONFLICT, "dynamo.snapshot_taken")
	}
	p.Published = time.Now()
	l.snapshot = &p
	return nil
}

// logged returns stores that log every write in l before they make it, as the DynamoDB
// store does.
func logged(s store.Stores, l *memLog) store.Stores {
	s.Entries = loggedEntries{s.Entries, l}
	s.Municipalities = loggedMunicipalities{inner: s.Municipalities, l: l}
	s.Topics = loggedTopics{inner: s.Topics, l: l}
	s.WordLists = loggedWordLists{inner: s.WordLists, l: l}
	return s
}

type loggedEntries struct {
	store.Entries
	l *memLog
}

func (s loggedEntries) CreateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error {
	s.l.log(store.ChangedEntry, e.ID, e.Version)
	return s.Entries.CreateEntry(ctx, e, rev)
}

func (s loggedEntries) UpdateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error {
	s.l.log(store.ChangedEntry, e.ID, e.Version)
	return s.Entries.UpdateEntry(ctx, e, rev)
}

func (s loggedEntries) RestoreEntry(ctx context.Context, e *wiki.Entry, revs []wiki.Revision) error {
	s.l.log(store.ChangedEntry, e.ID, e.Version)
	return s.Entries.RestoreEntry(ctx, e, revs)
}

func (s loggedEntries) DeleteEntry(ctx context.Context, id string, version int) error {
	s.l.log(store.ChangedEntry, id, 0)
	return s.Entries.DeleteEntry(ctx, id, version)
}

type loggedMunicipalities struct {
	inner store.Municipalities
	l     *memLog
}

func (s loggedMunicipalities) PutMunicipality(ctx context.Context, m *wiki.Municipality) error {
	s.l.log(store.ChangedCatalog, "municipality:"+m.AGS, 0)
	if err := s.inner.PutMunicipality(ctx, m); err != nil {
		return err
	}
	s.l.log(store.ChangedCatalog, "municipality:"+m.AGS, 1)
	return nil
}

func (s loggedMunicipalities) DeleteMunicipality(ctx context.Context, ags string) error {
	s.l.log(store.ChangedCatalog, "municipality:"+ags, 0)
	if err := s.inner.DeleteMunicipality(ctx, ags); err != nil {
		return err
	}
	s.l.log(store.ChangedCatalog, "municipality:"+ags, 1)
	return nil
}

func (s loggedMunicipalities) Municipality(ctx context.Context, ags string) (*wiki.Municipality, error) {
	return s.inner.Municipality(ctx, ags)
}

func (s loggedMunicipalities) Municipalities(ctx context.Context) ([]wiki.Municipality, error) {
	return s.inner.Municipalities(ctx)
}

type loggedTopics struct {
	inner store.Topics
	l     *memLog
}

func (s loggedTopics) PutTopic(ctx context.Context, t *wiki.Topic) error {
	s.l.log(store.ChangedCatalog, "topic:"+t.Slug, 0)
	if err := s.inner.PutTopic(ctx, t); err != nil {
		return err
	}
	s.l.log(store.ChangedCatalog, "topic:"+t.Slug, 1)
	return nil
}

func (s loggedTopics) DeleteTopic(ctx context.Context, slug string) error {
	s.l.log(store.ChangedCatalog, "topic:"+slug, 0)
	if err := s.inner.DeleteTopic(ctx, slug); err != nil {
		return err
	}
	s.l.log(store.ChangedCatalog, "topic:"+slug, 1)
	return nil
}

func (s loggedTopics) Topic(ctx context.Context, slug string) (*wiki.Topic, error) {
	return s.inner.Topic(ctx, slug)
}

func (s loggedTopics) Topics(ctx context.Context) ([]wiki.Topic, error) { return s.inner.Topics(ctx) }

type loggedWordLists struct {
	inner store.WordLists
	l     *memLog
}

func (s loggedWordLists) PutWordLists(ctx context.Context, w *wiki.WordLists) error {
	s.l.log(store.ChangedWords, "", 0)
	if err := s.inner.PutWordLists(ctx, w); err != nil {
		return err
	}
	s.l.log(store.ChangedWords, "", 1)
	return nil
}

func (s loggedWordLists) WordLists(ctx context.Context) (*wiki.WordLists, error) {
	return s.inner.WordLists(ctx)
}
