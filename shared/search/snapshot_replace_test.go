package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSnapshotReplaceWhileSearching(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := newMemBlobs()
	writer, _ := newBuiltIndex(t, 1, testDocs())
	first := publish(t, writer, blobs, nil)
	if err := writer.Apply(ctx, Batch{Put: []Document{extraDoc()}, Delete: []string{"01-sensor", "04-draft"}, Seq: 2}); err != nil {
		t.Fatal(err)
	}
	second := publish(t, writer, blobs, first)

	have := fetch(t, blobs, first, nil)
	ix := openSnapshot(t, have)
	next := fetch(t, blobs, second, have)

	count, stop := searchesDuring(t, ix, Query{Text: "Sensornetzwerk", Visibilities: public}, func(total uint64) string {
		if total != 2 && total != 0 {
			return fmt.Sprintf("search found %d entries, want 2 (old) or 0 (new)", total)
		}
		return ""
	})
	for count() < 10 {
		time.Sleep(time.Millisecond)
	}
	if err := ix.Replace(next.Dir); err != nil {
		t.Fatal(err)
	}
	before := count()
	for count() < before+10 {
		time.Sleep(time.Millisecond)
	}
	stop()

	sameSearches(t, ix, writer)
	if _, err := os.Stat(have.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("replaced snapshot directory %s: got %v, want it removed", have.Dir, err)
	}
	if ix.NeedsRebuild() {
		t.Error("NeedsRebuild() = true after Replace")
	}
	// Writes go to the new index.
	if err := ix.Apply(ctx, Batch{Delete: []string{"07-wlan"}, Seq: 3}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != second.Docs-1 {
		t.Errorf("Count() after Apply = %d, want %d", n, second.Docs-1)
	}
	if seq, _ := ix.Seq(); seq != 3 {
		t.Errorf("Seq() after Apply = %d, want 3", seq)
	}
}

func TestSnapshotReplaceRules(t *testing.T) {
	t.Parallel()
	t.Run("a directory not fetched stays", func(t *testing.T) {
		ix, dir := newBuiltIndex(t, 1, testDocs())
		blobs := newMemBlobs()
		ls := fetch(t, blobs, publish(t, ix, blobs, nil), nil)
		if err := ix.Replace(ls.Dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, metaFileName)); err != nil {
			t.Errorf("replaced index directory that FetchSnapshot did not make: %v", err)
		}
	})
	t.Run("other options need a rebuild", func(t *testing.T) {
		ix, _ := newBuiltIndex(t, 1, testDocs())
		blobs := newMemBlobs()
		ls := fetch(t, blobs, publish(t, ix, blobs, nil), nil)
		other, err := OpenMemoryWith(Options{Protected: []string{"Bad Kreuznach"}})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if err := other.Replace(ls.Dir); err != nil {
			t.Fatal(err)
		}
		if !other.NeedsRebuild() {
			t.Error("NeedsRebuild() = false for a snapshot built with other protected words")
		}
		if n, err := other.Count(); err != nil || n != uint64(len(testDocs())) {
			t.Errorf("Count() = %d, %v; want %d", n, err, len(testDocs()))
		}
	})
	t.Run("no index", func(t *testing.T) {
		ix, _ := newBuiltIndex(t, 1, testDocs())
		if err := ix.Replace(t.TempDir()); err == nil {
			t.Error("Replace with an empty directory: got no error")
		}
		if n, err := ix.Count(); err != nil || n != uint64(len(testDocs())) {
			t.Errorf("after a failed Replace: Count() = %d, %v", n, err)
		}
	})
}
