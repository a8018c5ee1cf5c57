package awstest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
)

// TestIndexerDiesWhilePublishing ends the indexer at each step of publishing a snapshot:
// after its files, after its manifest, just before the pointer moves. The pointer always
// names a whole snapshot meanwhile, web instances stay exact through the change log, and
// after a cold start of the indexer, woken by an empty batch (the replay of parked
// records), the published snapshot holds every change.
func TestIndexerDiesWhilePublishing(t *testing.T) {
	s := startSite(t)
	ctx := t.Context()
	slug := s.visitorSearch(0, "")[0]
	for i, step := range []string{"after-files", "after-manifest", "before-pointer"} {
		t.Run(step, func(t *testing.T) {
			before := s.waitIndexed(ctx)
			parked := len(s.FailureQueue())
			s.SetIndexerEnv(map[string]string{"WISSENSNETZ_TEST_CRASH_AT": step})
			restartIndexer(t, s)
			word := fmt.Sprintf("Zisternenprobe%d", i)
			s.edit(0, slug, func(e map[string]any) { e["summary"] = fmt.Sprint(e["summary"]) + " " + word + "." })
			if err := s.WaitStreamsIdle(ctx); err != nil {
				t.Fatal(err)
			}
			if len(s.FailureQueue()) == parked {
				t.Errorf("no records parked in the failure queue although the indexer died at %s", step)
			}
			page, err := s.store.Changes(ctx, ^uint64(0), 1)
			if err != nil {
				t.Fatal(err)
			}
			if page.Snapshot == nil || page.Snapshot.ID != before.ID {
				t.Errorf("pointer moved to %+v although the indexer died at %s", page.Snapshot, step)
			}
			// A cold start of a web instance now loads the old snapshot and finds the
			// change through the change log.
			if err := s.RestartWeb(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if got := s.visitorSearch(1, word); !contains(got, slug) {
				t.Errorf("web 2 after a cold start: visitor search for %s = %v, want %s", word, got, slug)
			}

			s.SetIndexerEnv(nil)
			restartIndexer(t, s)
			if _, err := s.InvokeIndexer(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{}}); err != nil {
				t.Fatalf("replay: %v", err)
			}
			after := s.waitIndexed(ctx)
			if after.ID == before.ID {
				t.Fatal("no new snapshot after the replay")
			}
			if n := snapshotFinds(t, s, after.Manifest, word); n != 1 {
				t.Errorf("snapshot %s finds %s in %d entries, want 1", after.ID, word, n)
			}
		})
	}
}

// restartIndexer gives the indexer a cold start with the environment set for it.
func restartIndexer(t *testing.T, s *site) {
	t.Helper()
	if err := s.StopIndexer(); err != nil {
		t.Fatal(err)
	}
	if err := s.StartIndexer(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// snapshotFinds fetches the snapshot behind manifest from S3, opens it on its own (no
// change log) and returns how many entries contain word.
func snapshotFinds(t *testing.T, s *site, manifest string, word string) uint64 {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snapshot")
	if _, err := search.FetchSnapshot(t.Context(), s3blob.New(s.S3(), s.Bucket(), ""), manifest, dir, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), search.Query{Text: word})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}
