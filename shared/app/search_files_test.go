package app

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// publishWithFiles creates e with files as the member, submits it and publishes it as the
// coordinator, and waits until the text of its files is read and indexed.
func publishWithFiles(t *testing.T, a *App, member, coord auth.Viewer, e *wiki.Entry, files ...FileUpload) *wiki.Entry {
	t.Helper()
	ctx := t.Context()
	e, err := a.CreateEntryFiles(ctx, member, e, "", true, files)
	if err != nil {
		t.Fatal(err)
	}
	if e, err = a.Transition(ctx, coord, e.Slug, e.Version, wiki.StatePublished, ""); err != nil {
		t.Fatal(err)
	}
	waitTexts(t, a)
	return e
}

// hitOf returns the hit of the entry with the given slug, nil if res lacks it.
func hitOf(res *search.Result, slug string) *search.Hit {
	for i := range res.Hits {
		if res.Hits[i].Slug == slug {
			return &res.Hits[i]
		}
	}
	return nil
}

// TestSearchFindsTextOfFiles: a sentence of the second page of a PDF finds its entry, and
// the hit names the file and the page, with a snippet from there.
func TestSearchFindsTextOfFiles(t *testing.T) {
	a := openFiles(t, Files{})
	member, coord := users(t, a)
	ctx := t.Context()
	e := publishWithFiles(t, a, member, coord, newEntry(), upload(t, "bericht.pdf", "Abschlussbericht"), upload(t, "vortrag.pptx", ""))

	// On page 2: "Die Straßenbeleuchtung in Bad Dürkheim spart seit Mai 40 % Energie;
	// Bürgerinnen und Bürger melden Störungen über die App."
	res, err := a.Search(ctx, auth.Visitor, search.Query{Text: "Straßenbeleuchtung spart Energie"}, false)
	if err != nil {
		t.Fatal(err)
	}
	h := hitOf(res, e.Slug)
	if h == nil {
		t.Fatalf("hits %v lack the entry with the report", res.Hits)
	}
	if len(h.FileMatches) == 0 {
		t.Fatalf("the hit names no file: %+v", h)
	}
	m := h.FileMatches[0]
	if m.Name != "bericht.pdf" || m.Title != "Abschlussbericht" || m.Format != "pdf" || m.Label != "Seite 2" || m.ID != e.Attachments[0].ID {
		t.Errorf("file match = %+v, want bericht.pdf, Abschlussbericht, Seite 2", m)
	}
	for _, w := range []string{"<mark>Straßenbeleuchtung</mark>", "<mark>spart</mark>", "<mark>Energie</mark>", "Bad Dürkheim"} {
		if !strings.Contains(m.Snippet, w) {
			t.Errorf("snippet %q lacks %q", m.Snippet, w)
		}
	}

	// A slide names the slide; the file's title is searchable too.
	res, err = a.Search(ctx, auth.Visitor, search.Query{Text: "Übergabe Kreistag"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if h := hitOf(res, e.Slug); h == nil || len(h.FileMatches) == 0 || h.FileMatches[0].Name != "vortrag.pptx" || h.FileMatches[0].Label != "Folie 2" {
		t.Errorf("Übergabe Kreistag: %+v", h)
	}
	res, err = a.Search(ctx, auth.Visitor, search.Query{Text: "Abschlussbericht", WithFiles: true, FileFormat: "pdf"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if h := hitOf(res, e.Slug); h == nil || res.Total != 1 {
		t.Errorf("Abschlussbericht in entries with a PDF: %d hits, %+v", res.Total, h)
	}
	if !slices.Equal(res.Facets.FileFormat, []search.FacetValue{{Value: "pdf", Count: 1}, {Value: "pptx", Count: 1}}) || res.Facets.WithFiles != 1 {
		t.Errorf("facets = %v, %d", res.Facets.FileFormat, res.Facets.WithFiles)
	}

	// Taken off the entry, the file is not searched any more.
	if _, err := a.ChangeFiles(ctx, member, e.Slug, storedEntry(t, a, e.Slug).Version, FileChanges{Remove: []string{e.Attachments[0].ID}}, ""); err != nil {
		t.Fatal(err)
	}
	res, err = a.Search(ctx, auth.Visitor, search.Query{Text: "Straßenbeleuchtung spart Energie"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if hitOf(res, e.Slug) != nil {
		t.Error("the removed report is still searched")
	}
}

// TestFilesOfHiddenEntriesTellNothing: the text of a file of an internal entry, or of a
// draft, is found by those who may read the entry only. A visitor does not find it, it
// counts in no total or facet, and neither suggestions for the search box nor "Meinten
// Sie …?" offer its words.
func TestFilesOfHiddenEntriesTellNothing(t *testing.T) {
	a := openFiles(t, Files{})
	member, coord := users(t, a)
	ctx := t.Context()
	const secret = "Quallenzählung"
	note := func() FileUpload {
		b := []byte("Interne Notiz zur " + secret + " am Rheinufer.\nDie Quallenzählung bleibt intern.")
		return FileUpload{Name: "notiz.txt", Title: "Notiz", Content: bytes.NewReader(b), Size: int64(len(b))}
	}
	internal := newEntry()
	internal.Title, internal.Visibility = "Interne Dienstanweisung", wiki.Internal
	in := publishWithFiles(t, a, member, coord, internal, note())
	draft := newEntry()
	draft.Title = "Entwurf zur Zählung"
	if _, err := a.CreateEntryFiles(ctx, member, draft, "", false, []FileUpload{note()}); err != nil {
		t.Fatal(err)
	}
	waitTexts(t, a)

	for _, text := range []string{secret, "Quallenzahlung", "Quallenzälung", "Quallen", "Rheinufer"} {
		res, err := a.Search(ctx, auth.Visitor, search.Query{Text: text}, false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("visitor, %q: %d hits", text, res.Total)
		}
		if strings.Contains(strings.ToLower(res.Suggestion), "qualle") || strings.Contains(strings.ToLower(res.Suggestion), "rheinufer") {
			t.Errorf("visitor, %q: suggestion %q tells a word of an internal file", text, res.Suggestion)
		}
	}
	// Not counted: the listing of entries with files and its facets.
	res, err := a.Search(ctx, auth.Visitor, search.Query{WithFiles: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 || len(res.Facets.FileFormat) != 0 || res.Facets.WithFiles != 0 {
		t.Errorf("visitor, entries with files: %d, facets %v, %d", res.Total, res.Facets.FileFormat, res.Facets.WithFiles)
	}
	res, err = a.Search(ctx, auth.Visitor, search.Query{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || len(res.Facets.FileFormat) != 0 || res.Facets.WithFiles != 0 {
		t.Errorf("visitor, all entries (%d): facets %v, %d count the internal entry's file", res.Total, res.Facets.FileFormat, res.Facets.WithFiles)
	}
	for _, prefix := range []string{"Qual", "Quallenz", "Rheinu", "Notiz"} {
		s, err := a.Suggest(ctx, auth.Visitor, prefix, MaxSuggestions)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Entries) != 0 {
			t.Errorf("visitor, suggestions for %q: %+v", prefix, s.Entries)
		}
	}

	// A member reads internal entries: the file is found, the draft's file is not (drafts
	// are in no list).
	res, err = a.Search(ctx, member, search.Query{Text: secret}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || hitOf(res, in.Slug) == nil || len(res.Hits[0].FileMatches) != 1 || res.Hits[0].FileMatches[0].Name != "notiz.txt" {
		t.Errorf("member, %q: %d hits %+v, want the internal entry naming its file", secret, res.Total, res.Hits)
	}
	if !slices.Equal(res.Facets.FileFormat, []search.FacetValue{{Value: "txt", Count: 1}}) {
		t.Errorf("member: facets %v", res.Facets.FileFormat)
	}
}

// storedEntry reads the entry with the given slug as it is stored.
func storedEntry(t *testing.T, a *App, slug string) *wiki.Entry {
	t.Helper()
	e, err := a.Entry(t.Context(), everything, slug)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
