package app

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func TestExportImportRoundTrip(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, _ := users(t, a)
	e, err := a.CreateEntry(ctx, member, newEntry(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	e.Body += "\n\nNachtrag mit Umlauten: äöüß <b>fett</b>"
	if _, err := a.UpdateEntry(ctx, member, e.Slug, e, "Nachtrag"); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	if err := a.Export(ctx, &first); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(first.String(), "\n"); n != 3+3+4 {
		t.Errorf("export has %d lines, want 10", n)
	}

	b, err := openLocal(ctx, Local{DataDir: t.TempDir()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := b.Import(ctx, bytes.NewReader(first.Bytes()), "Import")
	if err != nil {
		t.Fatalf("Import: %v %+v", err, res)
	}
	if res.Entries != 4 || res.Municipalities != 3 || res.Topics != 3 {
		t.Errorf("imported %+v, want 3 municipalities, 3 topics, 4 entries", res)
	}
	var second bytes.Buffer
	if err := b.Export(ctx, &second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("export after import differs:\nfirst:  %s\nsecond: %s", first.String(), second.String())
	}
	found, err := b.index.Search(ctx, search.Query{Text: "Nachtrag"})
	if err != nil || found.Total != 1 {
		t.Errorf("imported entry not searchable: %+v, %v", found, err)
	}
	// Importing the same file again conflicts on every entry and imports nothing.
	res, err = b.Import(ctx, bytes.NewReader(first.Bytes()), "Import")
	if wiki.ErrorCode(err) != wiki.EINVALID || len(res.Problems) != 4 {
		t.Errorf("second import: %v, problems %v; want EINVALID with 4 problems", err, res.Problems)
	}
}

// An import of more entries than one indexing step indexes all of them, and the index
// then reflects the store's sequence, so that the next start does not rebuild it.
func TestImportIndexesInSteps(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	a, err := openLocal(ctx, Local{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var file strings.Builder
	file.WriteString(`{"type":"municipality","municipality":{"ags":"07211000","name":"Trier"}}` + "\n")
	file.WriteString(`{"type":"topic","topic":{"slug":"klima-umwelt","name":"Klima & Umwelt"}}` + "\n")
	n := indexChunk*2 + 7
	for i := range n {
		fmt.Fprintf(&file, `{"type":"entry","entry":{"title":"Messstelle %d am Bach","kind":"guide","municipality":"07211000","summary":"Pegel.","topics":["klima-umwelt"],"project_status":"idea","visibility":"public"}}`+"\n", i)
	}
	if _, err := a.Import(ctx, strings.NewReader(file.String()), "Import"); err != nil {
		t.Fatal(err)
	}
	if r, err := a.index.Search(ctx, search.Query{Text: "Messstelle"}); err != nil || r.Total != uint64(n) {
		t.Errorf("found %+v, %v; want all %d entries", r, err, n)
	}
	if seq, err := a.index.Seq(); err != nil || seq != a.feed.Seq() {
		t.Errorf("index sequence %d (%v), store %d", seq, err, a.feed.Seq())
	}
	a.Close()
}

// An import of many entries of one title gives each its own slug; when no slug can be
// found for one, the import is refused as a whole before anything is written.
func TestImportManyOfOneTitle(t *testing.T) {
	ctx := t.Context()
	a, err := openLocal(ctx, Local{DataDir: t.TempDir()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	header := `{"type":"municipality","municipality":{"ags":"07211000","name":"Trier"}}` + "\n" +
		`{"type":"topic","topic":{"slug":"klima-umwelt","name":"Klima & Umwelt"}}` + "\n"
	entries := func(n int) string {
		var b strings.Builder
		b.WriteString(header)
		for range n {
			b.WriteString(`{"type":"entry","entry":{"title":"Gleicher Titel","slug":"frei-gewaehlt","kind":"guide","municipality":"07211000","summary":"x","topics":["klima-umwelt"],"project_status":"idea","visibility":"public"}}` + "\n")
		}
		return b.String()
	}
	if _, err := a.Import(ctx, strings.NewReader(entries(3)), "Import"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(ctx, strings.NewReader(entries(60)), "Import"); err != nil {
		t.Fatalf("import of 60 entries of one title: %v", err)
	}
	slugs := map[string]bool{}
	err = a.stores.Entries.ScanEntries(ctx, func(e *wiki.Entry) error {
		if e.Slug != "gleicher-titel" && !suffixedSlug("gleicher-titel").MatchString(e.Slug) {
			t.Errorf("slug %q, want gleicher-titel or gleicher-titel-<suffix>", e.Slug)
		}
		slugs[e.Slug] = true
		return nil
	})
	if err != nil || len(slugs) != 63 {
		t.Fatalf("%d distinct slugs (%v), want 63", len(slugs), err)
	}

	// A suffix source that keeps repeating itself runs out of slugs after one more entry.
	a.slugSuffix = func() string { return "abcdef" }
	res, err := a.Import(ctx, strings.NewReader(entries(2)), "Import")
	if wiki.ErrorCode(err) != wiki.EINVALID || len(res.Problems) != 1 || res.Problems[0].Line != 4 ||
		!strings.Contains(res.Problems[0].Message, "Kurzadresse") {
		t.Fatalf("err = %v, problems %v; want EINVALID and line 4", err, res.Problems)
	}
	if r, _ := a.Search(ctx, everything, search.Query{Text: "Gleicher Titel"}, true); r.Total != 63 {
		t.Errorf("entries = %d, want 63 (nothing half-imported)", r.Total)
	}
}

func TestImportRejectsWholeFile(t *testing.T) {
	a, _ := openFixture(t)
	file := strings.Join([]string{
		`{"type":"municipality","municipality":{"ags":"07211000","name":"Trier","type":"Kreisfreie Stadt","slug":"trier"}}`,
		`{"type":"entry","entry":{"title":"Gute Zeile für Trier","kind":"guide","municipality":"07211000","summary":"Passt.","topics":["klima-umwelt"],"project_status":"idea","visibility":"public"}}`,
		``,
		`{"type":"entry","entry":{"title":"Unbekannte Kommune","kind":"guide","municipality":"07000001","summary":"x","topics":["klima-umwelt"],"project_status":"idea","visibility":"public"}}`,
		`{"type":"entry","entry":{"title":"Unbekanntes Thema","kind":"guide","municipality":"07211000","summary":"x","topics":["raumfahrt"],"project_status":"idea","visibility":"public"}}`,
		`kein json`,
		`{"type":"user","user":{}}`,
	}, "\n")
	res, err := a.Import(t.Context(), strings.NewReader(file), "Import")
	if wiki.ErrorCode(err) != wiki.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	var lines []int
	for _, p := range res.Problems {
		lines = append(lines, p.Line)
	}
	if want := []int{4, 5, 6, 7}; !equalInts(lines, want) {
		t.Errorf("problem lines = %v, want %v (%v)", lines, want, res.Problems)
	}
	if _, err := a.Municipality("07211000"); err == nil {
		t.Error("municipality of a rejected file was stored")
	}
	if r, _ := a.Search(t.Context(), everything, search.Query{}, true); r.Total != 3 {
		t.Errorf("entries = %d, want 3 (nothing imported)", r.Total)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
