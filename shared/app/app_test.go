package app

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

var fixedNow = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// openFixture opens a local app in a temp dir with the fixture file imported.
func openFixture(t *testing.T) (*App, string) {
	t.Helper()
	dir := t.TempDir()
	a, err := OpenLocal(t.Context(), LocalConfig{DataDir: dir, Demo: fixture(t), DemoAuthor: wiki.DemoAuthor, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("OpenLocal: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a, dir
}

func fixture(t *testing.T) func() io.Reader {
	t.Helper()
	return func() io.Reader {
		f, err := os.Open("testdata/fixture.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
}

func newEntry() *wiki.Entry {
	return &wiki.Entry{Title: "Digitaler Mängelmelder", Kind: wiki.KindSolution, Municipality: "07312000",
		Summary: "Bürgerinnen melden Schäden per App.", Body: "## Lösung\n\nEine App.", Topics: []string{"buergerbeteiligung"},
		ProjectStatus: wiki.StatusRunning, Visibility: wiki.Public}
}

func TestOpenLocalLoadsDemoOnce(t *testing.T) {
	a, dir := openFixture(t)
	res, err := a.Search(t.Context(), search.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 {
		t.Fatalf("entries after first start = %d, want 3", res.Total)
	}
	if got := len(a.Municipalities()); got != 3 {
		t.Errorf("municipalities = %d, want 3", got)
	}
	if got := a.Municipalities()[0].Name; got != "Kaiserslautern" {
		t.Errorf("first municipality by name = %q, want Kaiserslautern", got)
	}
	e, err := a.Entry(t.Context(), "lorawan-sensornetz-fuer-pegelstaende")
	if err != nil {
		t.Fatal(err)
	}
	if e.CreatedBy != wiki.DemoAuthor || e.Version != 1 || !e.CreatedAt.Equal(fixedNow) {
		t.Errorf("demo entry = by %q v%d at %v, want by %q v1 at %v", e.CreatedBy, e.Version, e.CreatedAt, wiki.DemoAuthor, fixedNow)
	}
	a.Close()

	// A second start must not load the demo again, and the index must still be complete.
	b, err := OpenLocal(t.Context(), LocalConfig{DataDir: dir, Demo: fixture(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err = b.Search(t.Context(), search.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 {
		t.Errorf("entries after restart = %d, want 3", res.Total)
	}
}

func TestCreateAndUpdateEntry(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	e, err := a.CreateEntry(ctx, newEntry(), Note{Author: "Max Muster", Comment: "neu"})
	if err != nil {
		t.Fatalf("CreateEntry: %v", err)
	}
	if e.Slug != "digitaler-maengelmelder" || e.Version != 1 || e.State != wiki.StatePublished {
		t.Errorf("created slug %q v%d state %q, want digitaler-maengelmelder v1 published", e.Slug, e.Version, e.State)
	}
	second, err := a.CreateEntry(ctx, newEntry(), Note{Author: "Max Muster"})
	if err != nil {
		t.Fatal(err)
	}
	if second.Slug != "digitaler-maengelmelder-2" {
		t.Errorf("second slug = %q, want digitaler-maengelmelder-2", second.Slug)
	}

	edit := e.Clone()
	edit.Summary = "Bürgerinnen und Bürger melden Schäden per App und Web."
	edit.State = wiki.StateArchived // not editable through the form: must be kept
	updated, err := a.UpdateEntry(ctx, e.Slug, edit, Note{Author: "Erika Muster", Comment: "Web ergänzt"})
	if err != nil {
		t.Fatalf("UpdateEntry: %v", err)
	}
	if updated.Version != 2 || updated.State != wiki.StatePublished || updated.CreatedBy != "Max Muster" || updated.UpdatedBy != "Erika Muster" {
		t.Errorf("updated = v%d %q created by %q updated by %q", updated.Version, updated.State, updated.CreatedBy, updated.UpdatedBy)
	}

	// An editor who started from version 1 must not overwrite version 2.
	stale := e.Clone()
	stale.Summary = "Überholt"
	if _, err := a.UpdateEntry(ctx, e.Slug, stale, Note{Author: "Spät Dran"}); wiki.ErrorCode(err) != wiki.ECONFLICT {
		t.Fatalf("stale update: err = %v, want ECONFLICT", err)
	}
	cur, _ := a.Entry(ctx, e.Slug)
	if cur.Summary != edit.Summary || cur.Version != 2 {
		t.Errorf("after stale update: v%d %q, want v2 %q", cur.Version, cur.Summary, edit.Summary)
	}

	_, revs, err := a.History(ctx, e.Slug)
	if err != nil || len(revs) != 2 || revs[0].Comment != "Web ergänzt" || revs[1].Author != "Max Muster" {
		t.Fatalf("History = %+v, %v; want 2 revisions newest first", revs, err)
	}
	c, err := a.Compare(ctx, e.Slug, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Changes) != 1 || c.Changes[0].Label != "Kurzbeschreibung" || c.From.Version != 1 {
		t.Errorf("Compare = %+v, want only Kurzbeschreibung from v1", c.Changes)
	}
	if _, err := a.Compare(ctx, e.Slug, 1, 3); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("Compare with missing version: err = %v, want ENOTFOUND", err)
	}

	res, err := a.Search(ctx, search.Query{Text: "Web"})
	if err != nil || res.Total == 0 || res.Hits[0].Slug != e.Slug {
		t.Errorf("search after update: %+v, %v; want %s first", res, err, e.Slug)
	}
}

func TestCreateEntryInvalid(t *testing.T) {
	a, _ := openFixture(t)
	in := newEntry()
	in.Title = "  "
	in.Topics = []string{"gibt-es-nicht"}
	in.Municipality = "07999999"
	_, err := a.CreateEntry(t.Context(), in, Note{})
	if wiki.ErrorCode(err) != wiki.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	fields := wiki.FieldErrors(err)
	for _, f := range []string{"title", "topics", "municipality", "author"} {
		if fields[f] == "" {
			t.Errorf("no message for field %q in %v", f, fields)
		}
	}
	res, _ := a.Search(t.Context(), search.Query{})
	if res.Total != 3 {
		t.Errorf("entries after invalid create = %d, want 3", res.Total)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	e, err := a.CreateEntry(ctx, newEntry(), Note{Author: "Max Muster"})
	if err != nil {
		t.Fatal(err)
	}
	e.Body += "\n\nNachtrag mit Umlauten: äöüß <b>fett</b>"
	if _, err := a.UpdateEntry(ctx, e.Slug, e, Note{Author: "Max Muster", Comment: "Nachtrag"}); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	if err := a.Export(ctx, &first); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(first.String(), "\n"); n != 3+3+4 {
		t.Errorf("export has %d lines, want 10", n)
	}

	b, err := OpenLocal(ctx, LocalConfig{DataDir: t.TempDir()})
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
	found, err := b.Search(ctx, search.Query{Text: "Nachtrag"})
	if err != nil || found.Total != 1 {
		t.Errorf("imported entry not searchable: %+v, %v", found, err)
	}
	// Importing the same file again conflicts on every entry and imports nothing.
	res, err = b.Import(ctx, bytes.NewReader(first.Bytes()), "Import")
	if wiki.ErrorCode(err) != wiki.EINVALID || len(res.Problems) != 4 {
		t.Errorf("second import: %v, problems %v; want EINVALID with 4 problems", err, res.Problems)
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
	if r, _ := a.Search(t.Context(), search.Query{}); r.Total != 3 {
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

func TestIndexRebuiltWhenMissing(t *testing.T) {
	a, dir := openFixture(t)
	if _, err := a.CreateEntry(t.Context(), newEntry(), Note{Author: "Max Muster"}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	b, err := OpenLocal(context.Background(), LocalConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := b.Search(t.Context(), search.Query{Text: "Mängelmelder"})
	if err != nil || res.Total != 1 {
		t.Errorf("after index loss: %+v, %v; want the entry found", res, err)
	}
}
