package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
)

func TestIndexRebuiltWhenMissing(t *testing.T) {
	a, dir := openFixture(t)
	_, coord := users(t, a)
	if _, err := a.CreateEntry(t.Context(), coord, newEntry(), "", false); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	b, err := openLocal(context.Background(), Local{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := b.index.Search(t.Context(), search.Query{Text: "Mängelmelder"})
	if err != nil || res.Total != 1 {
		t.Errorf("after index loss: %+v, %v; want the entry found", res, err)
	}
}

func TestIndexOnWriteWithoutFeed(t *testing.T) {
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	a := New(st.Stores(), ix, Options{IndexOnWrite: true})
	if _, err := a.Import(t.Context(), fixture(t)(), "Import"); err != nil {
		t.Fatal(err)
	}
	_, coord := users(t, a)
	if _, err := a.CreateEntry(t.Context(), coord, newEntry(), "", false); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(t.Context(), search.Query{})
	if err != nil || res.Total != 4 {
		t.Errorf("index after import and create without a feed: %d entries, %v; want 4", res.Total, err)
	}
}
