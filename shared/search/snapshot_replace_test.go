package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSnapshotReplaceWhileSearching(t *testing.T) {
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

	stop := make(chan struct{})
	var (
		wg       sync.WaitGroup
		searches atomic.Int64
		errs     = make(chan error, 4)
	)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := ix.Search(ctx, Query{Text: "Sensornetzwerk", Visibilities: public})
				if err != nil {
					errs <- err
					return
				}
				if res.Total != 2 && res.Total != 0 {
					errs <- fmt.Errorf("search found %d entries, want 2 (old) or 0 (new)", res.Total)
					return
				}
				searches.Add(1)
			}
		})
	}
	for searches.Load() < 10 {
		time.Sleep(time.Millisecond)
	}
	if err := ix.Replace(next.Dir); err != nil {
		t.Fatal(err)
	}
	before := searches.Load()
	for searches.Load() < before+10 {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

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
