package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// oldDocs are what the index holds before a rebuild in these tests.
func oldDocs() []Document {
	var out []Document
	for i := range 3 {
		out = append(out, Document{
			ID: fmt.Sprintf("old-%d", i), Title: "Funkablesung der Wasserzähler", State: "published",
			Visibility: "public", Kind: "solution", Municipality: mainz,
		})
	}
	return out
}

// openBoth returns a new index on disk and one in memory, by name.
func openBoth(t *testing.T) map[string]func(t *testing.T) (*Index, string) {
	return map[string]func(t *testing.T) (*Index, string){
		"on disk": func(t *testing.T) (*Index, string) {
			dir := filepath.Join(t.TempDir(), "index")
			ix, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ix.Close() })
			return ix, dir
		},
		"in memory": func(t *testing.T) (*Index, string) {
			ix, err := OpenMemory()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ix.Close() })
			return ix, ""
		},
	}
}

func TestRebuildSwapsWhileSearching(t *testing.T) {
	t.Parallel()
	for name, open := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ix, dir := open(t)
			if err := ix.Apply(ctx, Batch{Put: oldDocs(), Seq: 5}); err != nil {
				t.Fatal(err)
			}

			// Searches run all the time; each sees the old index or the new one.
			_, stop := searchesDuring(t, ix, Query{Text: "Wasserzähler Sensornetzwerk", Visibilities: public}, func(total uint64) string {
				if total != 3 && total != 2 {
					return fmt.Sprintf("search found %d entries, want 3 (old) or 2 (new)", total)
				}
				return ""
			})

			var during *Result
			scan := func(put func(Document) error) error {
				for i, d := range testDocs() {
					if err := put(d); err != nil {
						return err
					}
					if i == 2 {
						during = search(t, ix, Query{Text: "Wasserzähler"})
					}
				}
				return nil
			}
			var progress []int
			if err := ix.Rebuild(ctx, 99, scan, func(done int) { progress = append(progress, done) }); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d searches during the rebuild", stop())

			if during == nil || during.Total != 3 {
				t.Errorf("search during the rebuild = %+v, want the 3 old entries", during)
			}
			if !slices.Equal(progress, []int{6}) {
				t.Errorf("progress = %v, want [6]", progress)
			}
			if n, err := ix.Count(); err != nil || n != 6 {
				t.Errorf("Count() = %d, %v; want 6", n, err)
			}
			if seq, err := ix.Seq(); err != nil || seq != 99 {
				t.Errorf("Seq() = %d, %v; want 99", seq, err)
			}
			if got := search(t, ix, Query{Text: "Wasserzähler"}).Total; got != 0 {
				t.Errorf("old entries still found: %d", got)
			}
			if got := sortedIDs(search(t, ix, Query{Text: "Sensornetzwerke", Visibilities: public})); !slices.Equal(got, []string{"01-sensor", "04-draft"}) {
				t.Errorf("new entries: hits = %v", got)
			}
			if dir != "" {
				for _, d := range []string{dir + newSuffix, dir + oldSuffix} {
					if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("%s is left behind (%v)", filepath.Base(d), err)
					}
				}
				// Writes after the swap go to the new index and persist.
				if err := ix.Apply(ctx, Batch{Delete: []string{"01-sensor"}, Seq: 100}); err != nil {
					t.Fatal(err)
				}
				ix.Close()
				reopened, err := Open(dir)
				if err != nil {
					t.Fatal(err)
				}
				defer reopened.Close()
				if n, _ := reopened.Count(); n != 5 {
					t.Errorf("reopened: Count() = %d, want 5", n)
				}
				if seq, _ := reopened.Seq(); seq != 100 {
					t.Errorf("reopened: Seq() = %d, want 100", seq)
				}
				if reopened.NeedsRebuild() {
					t.Error("reopened: NeedsRebuild() = true")
				}
			}
		})
	}
}

func TestRebuildReportsProgressPerBatch(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t)
	const n = 2*rebuildBatchSize + 7
	scan := func(put func(Document) error) error {
		for i := range n {
			if err := put(Document{ID: fmt.Sprintf("e%04d", i), Title: "Eintrag"}); err != nil {
				return err
			}
		}
		return nil
	}
	var progress []int
	if err := ix.Rebuild(context.Background(), 1, scan, func(done int) { progress = append(progress, done) }); err != nil {
		t.Fatal(err)
	}
	// Batches are written two at a time, so they may finish in any order.
	if len(progress) != 3 || !slices.IsSorted(progress) || progress[2] != n {
		t.Errorf("progress = %v, want 3 growing counts up to %d", progress, n)
	}
	if c, _ := ix.Count(); c != n {
		t.Errorf("Count() = %d, want %d", c, n)
	}
	// Entries without facet values or update time are listed too.
	if res := search(t, ix, Query{PerPage: 3}); res.Total != n || len(res.Hits) != 3 {
		t.Errorf("listing: Total %d, %d hits; want %d, 3", res.Total, len(res.Hits), n)
	}
}

func TestRebuildFailureKeepsIndex(t *testing.T) {
	t.Parallel()
	errScan := errors.New("table scan failed")
	tests := []struct {
		name    string
		ctx     func() context.Context
		scan    func(put func(Document) error) error
		wantErr error
	}{
		{"scan fails", context.Background, func(put func(Document) error) error {
			if err := put(testDocs()[0]); err != nil {
				return err
			}
			return errScan
		}, errScan},
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, func(put func(Document) error) error {
			for _, d := range testDocs() {
				if err := put(d); err != nil {
					return err
				}
			}
			return nil
		}, context.Canceled},
		{"document without id", context.Background, func(put func(Document) error) error {
			return put(Document{Title: "ohne ID"})
		}, nil},
	}
	for name, open := range openBoth(t) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				ix, dir := open(t)
				if err := ix.Apply(context.Background(), Batch{Put: oldDocs(), Seq: 5}); err != nil {
					t.Fatal(err)
				}
				err := ix.Rebuild(tt.ctx(), 99, tt.scan, nil)
				if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
					t.Fatalf("Rebuild: %v, want %v", err, tt.wantErr)
				}
				if n, _ := ix.Count(); n != 3 {
					t.Errorf("Count() = %d, want the 3 old entries", n)
				}
				if seq, _ := ix.Seq(); seq != 5 {
					t.Errorf("Seq() = %d, want 5", seq)
				}
				if !ix.NeedsRebuild() {
					t.Error("NeedsRebuild() = false after a failed rebuild of a new index")
				}
				if dir != "" {
					if _, err := os.Stat(dir + newSuffix); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("%s is left behind (%v)", newSuffix, err)
					}
				}
			})
		}
	}
}

// An index on disk that moves to memory (for a full disk) removes its directory, keeps
// answering and taking writes, and goes back to its directory with the next Rebuild.
func TestRebuildInMemoryAndBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	scan := func(put func(Document) error) error {
		for _, d := range testDocs() {
			if err := put(d); err != nil {
				return err
			}
		}
		return nil
	}
	if err := ix.Rebuild(ctx, 7, scan, nil); err != nil {
		t.Fatal(err)
	}
	if ix.InMemory() {
		t.Fatal("InMemory() = true for an index on disk")
	}

	if err := ix.RebuildInMemory(ctx, 8, scan); err != nil {
		t.Fatal(err)
	}
	if !ix.InMemory() {
		t.Error("InMemory() = false after RebuildInMemory")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the directory on disk is still there (%v)", err)
	}
	if got := sortedIDs(search(t, ix, Query{Text: "Sensornetzwerke", Visibilities: public})); !slices.Equal(got, []string{"01-sensor", "04-draft"}) {
		t.Errorf("in memory: hits = %v", got)
	}
	if err := ix.Apply(ctx, Batch{Delete: []string{"01-sensor"}, Seq: 9}); err != nil {
		t.Fatal(err)
	}
	if got := sortedIDs(search(t, ix, Query{Text: "Sensornetzwerke", Visibilities: public})); !slices.Equal(got, []string{"04-draft"}) {
		t.Errorf("in memory after a delete: hits = %v", got)
	}

	if err := ix.Rebuild(ctx, 10, scan, nil); err != nil {
		t.Fatal(err)
	}
	if ix.InMemory() {
		t.Error("InMemory() = true after Rebuild")
	}
	for _, d := range []string{dir + newSuffix, dir + oldSuffix} {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is left behind (%v)", filepath.Base(d), err)
		}
	}
	ix.Close()
	reopened, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	if n, _ := reopened.Count(); n != uint64(len(testDocs())) {
		t.Errorf("reopened: Count() = %d, want %d", n, len(testDocs()))
	}
	if seq, _ := reopened.Seq(); seq != 10 || reopened.NeedsRebuild() {
		t.Errorf("reopened: Seq() = %d, NeedsRebuild() = %v; want 10, false", seq, reopened.NeedsRebuild())
	}
}
