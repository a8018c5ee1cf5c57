package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

func TestApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	docs := testDocs()
	ix := newTestIndex(t, docs...)

	changed := docs[5]
	changed.Title = "Hitzeaktionsplan aus offenen Daten"
	err := ix.Apply(ctx, Batch{
		Put:    []Document{changed},
		Delete: []string{"02-ozg", "no-such-entry"},
		Seq:    7,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ix.Count(); err != nil || n != 5 {
		t.Errorf("Count() = %d, %v; want 5", n, err)
	}
	if seq, err := ix.Seq(); err != nil || seq != 7 {
		t.Errorf("Seq() = %d, %v; want 7", seq, err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"Bauantrag", []string{}},
		{"Hitzekarte", []string{}},
		{"Hitzeaktionsplan", []string{"06-klima"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := sortedIDs(search(t, ix, Query{Text: tt.text})); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
	res := search(t, ix, Query{})
	if got := len(res.Facets.Municipality); got != 3 || res.Facets.Municipality[2] != (FacetValue{mainz, 1}) {
		t.Errorf("municipality facet = %v, want Mainz once", res.Facets.Municipality)
	}
}

func TestApplyRejectsDocumentWithoutID(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	err := ix.Apply(context.Background(), Batch{Put: []Document{{ID: "new", Title: "Neu"}, {Title: "ohne ID"}}, Seq: 9})
	if err == nil {
		t.Fatal("Apply of a document without id succeeded")
	}
	if n, _ := ix.Count(); n != 6 {
		t.Errorf("Count() = %d after a failed Apply, want 6", n)
	}
	if seq, _ := ix.Seq(); seq != 1 {
		t.Errorf("Seq() = %d after a failed Apply, want 1", seq)
	}
}

func TestSeqAndDocumentsPersist(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if seq, err := ix.Seq(); err != nil || seq != 0 {
		t.Errorf("new index: Seq() = %d, %v; want 0", seq, err)
	}
	if err := ix.Apply(ctx, Batch{Put: testDocs(), Seq: 42}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := ix.Search(ctx, Query{}); err == nil {
		t.Error("Search on a closed index succeeded")
	}

	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if seq, err := ix.Seq(); err != nil || seq != 42 {
		t.Errorf("reopened: Seq() = %d, %v; want 42", seq, err)
	}
	if n, err := ix.Count(); err != nil || n != 6 {
		t.Errorf("reopened: Count() = %d, %v; want 6", n, err)
	}
	if got := sortedIDs(search(t, ix, Query{Text: "Sensornetzwerke", Visibilities: public})); !slices.Equal(got, []string{"01-sensor", "04-draft"}) {
		t.Errorf("reopened: hits = %v", got)
	}
}

func TestNeedsRebuild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	scanDocs := func(put func(Document) error) error {
		for _, d := range testDocs() {
			if err := put(d); err != nil {
				return err
			}
		}
		return nil
	}
	setMappingVersion := func(t *testing.T, dir, v string) {
		t.Helper()
		idx, err := bleve.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer idx.Close()
		if err := idx.SetInternal([]byte(keyMappingVersion), []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) // leaves a closed index in dir, or nothing
		want    bool
	}{
		{"missing directory", func(t *testing.T, dir string) {}, true},
		{"empty directory", func(t *testing.T, dir string) {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"created but never rebuilt", func(t *testing.T, dir string) {
			ix, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Apply(ctx, Batch{Put: testDocs()[:1], Seq: 3}); err != nil {
				t.Fatal(err)
			}
			ix.Close()
		}, true},
		{"rebuilt", func(t *testing.T, dir string) {
			ix, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Rebuild(ctx, 5, scanDocs, nil); err != nil {
				t.Fatal(err)
			}
			if ix.NeedsRebuild() {
				t.Error("NeedsRebuild() right after Rebuild")
			}
			ix.Close()
		}, false},
		{"rebuilt with an older mapping", func(t *testing.T, dir string) {
			ix, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Rebuild(ctx, 5, scanDocs, nil); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			setMappingVersion(t, dir, "0")
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			tt.prepare(t, dir)
			ix, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if got := ix.NeedsRebuild(); got != tt.want {
				t.Errorf("NeedsRebuild() = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("in memory", func(t *testing.T) {
		ix, err := OpenMemory()
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		if !ix.NeedsRebuild() {
			t.Error("new index in memory: NeedsRebuild() = false")
		}
		if err := ix.Rebuild(ctx, 1, scanDocs, nil); err != nil {
			t.Fatal(err)
		}
		if ix.NeedsRebuild() {
			t.Error("after Rebuild: NeedsRebuild() = true")
		}
	})
}

func TestOpenRestoresInterruptedSwap(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), Batch{Put: testDocs(), Seq: 11}); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// The swap moved the live index away and stopped before moving the new one in.
	if err := os.Rename(dir, dir+oldSuffix); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if seq, _ := ix.Seq(); seq != 11 {
		t.Errorf("Seq() = %d, want 11 from the previous index", seq)
	}
}

func TestClosedIndex(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t)
	ix.Close()
	ctx := context.Background()
	checks := map[string]error{
		"Apply":   ix.Apply(ctx, Batch{}),
		"Rebuild": ix.Rebuild(ctx, 0, func(func(Document) error) error { return nil }, nil),
	}
	_, checks["Search"] = ix.Search(ctx, Query{})
	_, checks["Seq"] = ix.Seq()
	_, checks["Count"] = ix.Count()
	for name, err := range checks {
		if !errors.Is(err, errClosed) {
			t.Errorf("%s on a closed index: %v, want %v", name, err, errClosed)
		}
	}
}

func TestCompatibleVersion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version string
		want    bool
	}{
		{Options{}.version(), true},
		{Options{Protected: []string{"Zweibrücken"}}.version(), true},
		{"0/0000000000000000", false},
		{"", false},
		{mappingVersion, false},
	} {
		if got := CompatibleVersion(tt.version); got != tt.want {
			t.Errorf("CompatibleVersion(%q) = %v, want %v", tt.version, got, tt.want)
		}
	}
}
