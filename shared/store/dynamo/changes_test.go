package dynamo

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func TestWritesAreLogged(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := t.Context()
	start := time.Now().Add(-time.Second)
	e, rev := newEntry(1, "lorawan-sensornetz")
	e2, rev2 := nextVersion(e, "Zweite Fassung")
	mustOK(t, "CreateEntry", f.CreateEntry(ctx, e, rev))
	mustOK(t, "UpdateEntry", f.UpdateEntry(ctx, e2, rev2))
	wantCode(t, "UpdateEntry, stale", f.UpdateEntry(ctx, e2, rev2), wiki.ECONFLICT)
	mustOK(t, "PutMunicipality", f.PutMunicipality(ctx, &wiki.Municipality{AGS: "07312000", Name: "Kaiserslautern"}))
	mustOK(t, "PutTopic", f.PutTopic(ctx, &wiki.Topic{Slug: "mobilitaet", Name: "Mobilität"}))
	mustOK(t, "DeleteTopic", f.DeleteTopic(ctx, "mobilitaet"))
	mustOK(t, "PutWordLists", f.PutWordLists(ctx, &wiki.WordLists{Version: 1, Synonyms: "ÖPNV = Nahverkehr"}))
	mustOK(t, "LogChange", f.LogChange(ctx, store.ChangedEntry, e.ID))
	mustOK(t, "LogChange", f.LogChange(ctx, store.RebuildRequested, ""))

	want := []store.LoggedChange{
		{Seq: 1, Kind: store.ChangedEntry, Key: e.ID, Version: 1},
		{Seq: 2, Kind: store.ChangedEntry, Key: e.ID, Version: 2},
		{Seq: 3, Kind: store.ChangedEntry, Key: e.ID, Version: 2}, // the stale write is logged too
		// Catalog and word lists: announced, then reported done.
		{Seq: 4, Kind: store.ChangedCatalog, Key: "municipality:07312000"},
		{Seq: 5, Kind: store.ChangedCatalog, Key: "municipality:07312000", Version: 1},
		{Seq: 6, Kind: store.ChangedCatalog, Key: "topic:mobilitaet"},
		{Seq: 7, Kind: store.ChangedCatalog, Key: "topic:mobilitaet", Version: 1},
		{Seq: 8, Kind: store.ChangedCatalog, Key: "topic:mobilitaet"},
		{Seq: 9, Kind: store.ChangedCatalog, Key: "topic:mobilitaet", Version: 1},
		{Seq: 10, Kind: store.ChangedWords},
		{Seq: 11, Kind: store.ChangedWords, Version: 1},
		{Seq: 12, Kind: store.ChangedEntry, Key: e.ID},
		{Seq: 13, Kind: store.RebuildRequested},
	}
	page, err := f.Changes(ctx, 0, 100)
	mustOK(t, "Changes", err)
	if page.Counter != 13 || page.More || page.Snapshot != nil {
		t.Errorf("Changes: counter %d, more %v, snapshot %v; want 13, false, nil", page.Counter, page.More, page.Snapshot)
	}
	if len(page.Changes) != len(want) {
		t.Fatalf("Changes returned %d changes, want %d: %+v", len(page.Changes), len(want), page.Changes)
	}
	for i, c := range page.Changes {
		if c.At.Before(start) || c.At.After(time.Now().Add(time.Second)) {
			t.Errorf("change %d: At %v, want about now", c.Seq, c.At)
		}
		c.At = time.Time{}
		if c != want[i] {
			t.Errorf("change %d: got %+v, want %+v", i, c, want[i])
		}
	}

	page, err = f.Changes(ctx, 3, 2)
	mustOK(t, "Changes(3, 2)", err)
	if len(page.Changes) != 2 || page.Changes[0].Seq != 4 || page.Changes[1].Seq != 5 || !page.More || page.Counter != 13 {
		t.Errorf("Changes(3, 2) = %+v, more %v, counter %d; want changes 4 and 5, more, counter 13", page.Changes, page.More, page.Counter)
	}
	page, err = f.Changes(ctx, 13, 100)
	mustOK(t, "Changes(13)", err)
	if len(page.Changes) != 0 || page.More || page.Counter != 13 {
		t.Errorf("Changes(13) = %+v, more %v, counter %d; want none, counter 13", page.Changes, page.More, page.Counter)
	}
}

func TestChangeNumbersAreUnique(t *testing.T) {
	t.Parallel()
	f := open(t)
	const writers, each = 8, 5
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := f.LogChange(t.Context(), store.ChangedEntry, fmt.Sprintf("entry-%02d", w*each+i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	page, err := f.Changes(t.Context(), 0, 1000)
	mustOK(t, "Changes", err)
	if len(page.Changes) != writers*each || page.Counter != writers*each {
		t.Fatalf("got %d changes, counter %d; want %d of each", len(page.Changes), page.Counter, writers*each)
	}
	keys := map[string]bool{}
	for i, c := range page.Changes {
		if c.Seq != uint64(i+1) {
			t.Errorf("change %d has number %d", i+1, c.Seq)
		}
		keys[c.Key] = true
	}
	if len(keys) != writers*each {
		t.Errorf("%d distinct keys logged, want %d", len(keys), writers*each)
	}
}

func TestPublishSnapshot(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := t.Context()
	first := store.SnapshotPointer{ID: "01J0000000000000000000000A", Manifest: "index/manifests/a.json", Seq: 3, Version: "13/x", Docs: 42}
	second := store.SnapshotPointer{ID: "01J0000000000000000000000B", Manifest: "index/manifests/b.json", Seq: 7, Version: "13/x", Docs: 43}
	mustOK(t, "PublishSnapshot(first)", f.PublishSnapshot(ctx, first, nil))
	mustOK(t, "PublishSnapshot(first) again", f.PublishSnapshot(ctx, first, nil)) // a retry
	wantCode(t, "PublishSnapshot(second, prev nil)", f.PublishSnapshot(ctx, second, nil), wiki.ECONFLICT)
	wantCode(t, "PublishSnapshot(second, prev second)", f.PublishSnapshot(ctx, second, &second), wiki.ECONFLICT)
	mustOK(t, "PublishSnapshot(second, prev first)", f.PublishSnapshot(ctx, second, &first))
	wantCode(t, "PublishSnapshot without manifest", f.PublishSnapshot(ctx, store.SnapshotPointer{ID: "x"}, &second), wiki.EINVALID)

	page, err := f.Changes(ctx, 0, 10)
	mustOK(t, "Changes", err)
	got := page.Snapshot
	if got == nil {
		t.Fatal("Changes returned no snapshot pointer")
	}
	if time.Since(got.Published) > time.Minute {
		t.Errorf("Published = %v, want about now", got.Published)
	}
	got.Published = time.Time{}
	if *got != second {
		t.Errorf("snapshot = %+v, want %+v", *got, second)
	}
	mustOK(t, "LogChange", f.LogChange(ctx, store.ChangedEntry, "a", "b"))
	page, err = f.Changes(ctx, 0, 1)
	mustOK(t, "Changes(0, 1)", err)
	if page.Snapshot == nil || page.Snapshot.ID != second.ID || page.Counter != 2 || !page.More {
		t.Errorf("Changes(0, 1): snapshot %+v, counter %d, more %v; want the pointer, counter 2, more", page.Snapshot, page.Counter, page.More)
	}
}
