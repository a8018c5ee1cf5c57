package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// reportFile is a PDF of two pages and a spreadsheet, as app.document passes them.
func reportFiles() []File {
	return []File{
		{ID: "f1", Name: "Abschlussbericht_2024.pdf", Title: "Abschlussbericht", Format: "pdf", Parts: []wiki.TextPart{
			{Label: "Seite 1", Text: "Abschlussbericht Sensornetzwerke & IoT\nDie Pegel der Bäche werden gemessen."},
			{Label: "Seite 2", Text: "Die Straßenbeleuchtung in Bad Dürkheim spart seit Mai 40 % Energie; Bürgerinnen und Bürger melden Störungen über die App."},
		}},
		{ID: "f2", Name: "Kosten.xlsx", Title: "Kostenaufstellung", Format: "xlsx", Parts: []wiki.TextPart{
			{Label: "Kosten", Text: "Posten Betrag\nGateways 12000\nZisternenpegel 4500"},
		}},
	}
}

// withFiles returns the test documents, the first with reportFiles.
func withFiles() []Document {
	docs := testDocs()
	docs[0].Files = reportFiles()
	return docs
}

func TestFileTextFound(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, withFiles()...)
	res := search(t, ix, Query{Text: "Straßenbeleuchtung Störungen"})
	if got := hitIDs(res); !slices.Equal(got, []string{"01-sensor"}) {
		t.Fatalf("hits = %v, want the entry whose file has the words", got)
	}
	h := res.Hits[0]
	if len(h.FileMatches) != 1 {
		t.Fatalf("file matches = %+v, want 1", h.FileMatches)
	}
	m := h.FileMatches[0]
	if m.ID != "f1" || m.Name != "Abschlussbericht_2024.pdf" || m.Title != "Abschlussbericht" || m.Format != "pdf" || m.Label != "Seite 2" {
		t.Errorf("file match = %+v, want the report, page 2", m)
	}
	if want := "Die <mark>Straßenbeleuchtung</mark> in Bad Dürkheim spart seit Mai 40 % Energie; Bürgerinnen und Bürger melden <mark>Störungen</mark> über die App."; m.Snippet != want {
		t.Errorf("snippet = %q, want %q", m.Snippet, want)
	}
	if len(h.Highlights) != 0 {
		t.Errorf("highlights = %q, want none: the entry itself lacks the words", h.Highlights)
	}

	// A word of a sheet names the sheet; a compound part is found as in the body.
	res = search(t, ix, Query{Text: "Zisternenpegel"})
	if len(res.Hits) != 1 || len(res.Hits[0].FileMatches) != 1 || res.Hits[0].FileMatches[0].Label != "Kosten" ||
		!strings.Contains(res.Hits[0].FileMatches[0].Snippet, "<mark>Zisternenpegel</mark>") {
		t.Errorf("Zisternenpegel: %+v", res.Hits)
	}
	// The entry shows "Pegel" itself: no file is named for it; "Zisternenpegel" only its
	// spreadsheet has.
	res = search(t, ix, Query{Text: "Pegel"})
	if len(res.Hits) == 0 || res.Hits[0].ID != "01-sensor" || len(res.Hits[0].FileMatches) != 0 {
		t.Errorf("Pegel: %+v, want the entry without a file named", res.Hits)
	}
	res = search(t, ix, Query{Text: "Pegel Zisternenpegel"})
	if len(res.Hits) != 1 || len(res.Hits[0].FileMatches) != 1 || res.Hits[0].FileMatches[0].ID != "f2" {
		t.Errorf("Pegel Zisternenpegel: %+v, want the spreadsheet named", res.Hits)
	}
	// "Beleuchtung" is a part of "Straßenbeleuchtung".
	res = search(t, ix, Query{Text: "Beleuchtung"})
	if len(res.Hits) != 1 || len(res.Hits[0].FileMatches) != 1 || !strings.Contains(res.Hits[0].FileMatches[0].Snippet, "<mark>Straßenbeleuchtung</mark>") {
		t.Errorf("Beleuchtung: %+v", res.Hits)
	}
}

func TestFileTitleAndNameFound(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, withFiles()...)
	for _, text := range []string{"Kostenaufstellung", "Abschlussbericht 2024"} {
		res := search(t, ix, Query{Text: text})
		if got := hitIDs(res); !slices.Equal(got, []string{"01-sensor"}) {
			t.Errorf("%q: hits = %v", text, got)
			continue
		}
		if fm := res.Hits[0].FileMatches; len(fm) == 0 {
			t.Errorf("%q: no file named", text)
		}
	}
	res := search(t, ix, Query{Text: "Kostenaufstellung"})
	if fm := res.Hits[0].FileMatches; len(fm) != 1 || fm[0].ID != "f2" || fm[0].Label != "" || fm[0].Snippet != "" {
		t.Errorf("title match = %+v, want the spreadsheet without place or snippet", fm)
	}
}

func TestFileWeighsLessThanBody(t *testing.T) {
	t.Parallel()
	text := "Der Bericht beschreibt die Pegelmessung an zehn Stellen der Stadt und die Erfahrungen damit."
	body := Document{ID: "a-body", Slug: "a", Title: "Eintrag A", Summary: "Eine Zusammenfassung.", Body: text,
		State: "published", Visibility: "public"}
	file := Document{ID: "b-file", Slug: "b", Title: "Eintrag B", Summary: "Eine Zusammenfassung.", Body: "Ein anderer Text ohne das Wort.",
		State: "published", Visibility: "public",
		Files: []File{{ID: "f", Name: "b.pdf", Title: "Bericht", Format: "pdf", Parts: []wiki.TextPart{{Label: "Seite 1", Text: text}}}}}
	ix := newTestIndex(t, file, body)
	res := search(t, ix, Query{Text: "Pegelmessung"})
	if got := hitIDs(res); !slices.Equal(got, []string{"a-body", "b-file"}) {
		t.Fatalf("hits = %v, want the body first", got)
	}
	if a, b := res.Hits[0].Score, res.Hits[1].Score; !(b > 0 && b < a) {
		t.Errorf("scores: body %v, file %v; want 0 < file < body", a, b)
	}
	if len(res.Hits[0].FileMatches) != 0 || len(res.Hits[1].FileMatches) != 1 {
		t.Errorf("file matches: %+v, %+v", res.Hits[0].FileMatches, res.Hits[1].FileMatches)
	}
}

func TestFileFilterAndFacet(t *testing.T) {
	t.Parallel()
	docs := withFiles()
	docs[1].Files = []File{{ID: "g1", Name: "antrag.docx", Title: "Antrag", Format: "docx"}}
	docs[5].Files = []File{{ID: "h1", Name: "karte.pdf", Title: "Karte", Format: "pdf"}, {ID: "h2", Name: "karte2.pdf", Title: "Karte 2", Format: "pdf"}}
	ix := newTestIndex(t, docs...)
	published := []string{"published"}

	res := search(t, ix, Query{States: published})
	want := []FacetValue{{"pdf", 2}, {"docx", 1}, {"xlsx", 1}}
	if !slices.Equal(res.Facets.FileFormat, want) || res.Facets.WithFiles != 3 {
		t.Errorf("file formats = %v, with files %d; want %v (entries, not files), 3", res.Facets.FileFormat, res.Facets.WithFiles, want)
	}
	res = search(t, ix, Query{States: published, WithFiles: true})
	if got := sortedIDs(res); !slices.Equal(got, []string{"01-sensor", "02-ozg", "06-klima"}) {
		t.Errorf("with files: %v", got)
	}
	res = search(t, ix, Query{States: published, FileFormat: "pdf"})
	if got := sortedIDs(res); !slices.Equal(got, []string{"01-sensor", "06-klima"}) {
		t.Errorf("PDF: %v", got)
	}
	res = search(t, ix, Query{Text: "Antrag", States: published, FileFormat: "pdf"})
	if res.Total != 0 {
		t.Errorf("Antrag in entries with a PDF: %v", hitIDs(res))
	}
	res = search(t, ix, Query{Text: "Karte", WithFiles: true, States: published})
	if got := hitIDs(res); !slices.Equal(got, []string{"06-klima"}) || len(res.Facets.FileFormat) != 1 || res.Facets.WithFiles != 1 {
		t.Errorf("Karte with files: %v, facets %v, %d", got, res.Facets.FileFormat, res.Facets.WithFiles)
	}
}

// TestFilesWithinScope: the files of entries outside the viewer's scope change nothing a
// search tells: not its hits, order or scores, not the total or facets, not whether a
// word counts as known, not the suggestion, and completions never hold their words.
func TestFilesWithinScope(t *testing.T) {
	t.Parallel()
	visible := withFiles()[:1]
	visible = append(visible, testDocs()[1])
	secret := Document{
		ID: "geheim", Slug: "geheim", Title: "Interne Dienstanweisung", Summary: "Nur für Mitglieder.", Body: "Kein Wort davon.",
		State: "published", Visibility: "internal", Kind: "guide",
		Files: []File{{ID: "s1", Name: "Quallenzaehlung.pdf", Title: "Quallenzählung", Format: "odt", Parts: []wiki.TextPart{
			{Label: "Seite 1", Text: "Die Quallenzählung am Rheinufer ergab Sensornetzwerk Straßenbeleuchtung Pegel Hochwasser."},
		}}},
	}
	draft := secret
	draft.ID, draft.Slug, draft.State, draft.Visibility = "entwurf", "entwurf", "draft", "public"
	only := newTestIndex(t, visible...)
	all := newTestIndex(t, append(slices.Clone(visible), secret, draft)...)
	scope := Query{States: []string{"published"}, Visibilities: []string{"public"}}

	for _, text := range []string{"Quallenzählung", "Quallenzahlung", "Quallenzälung", "Sensornetzwerk", "Straßenbeleuchtung Pegel", "Hochwasser", "Rheinufer"} {
		q := scope
		q.Text = text
		want, got := search(t, only, q), search(t, all, q)
		if !slices.Equal(hitIDs(got), hitIDs(want)) || got.Total != want.Total || got.Typos != want.Typos ||
			got.Suggestion != want.Suggestion || got.AnyTerm != want.AnyTerm || fmt.Sprint(got.Facets) != fmt.Sprint(want.Facets) {
			t.Errorf("%q: with hidden files %v (total %d, typos %v, %q, %v), without %v (total %d, typos %v, %q, %v)", text,
				hitIDs(got), got.Total, got.Typos, got.Suggestion, got.Facets, hitIDs(want), want.Total, want.Typos, want.Suggestion, want.Facets)
			continue
		}
		for i := range want.Hits {
			if !sameScore(got.Hits[i].Score, want.Hits[i].Score) || fmt.Sprint(got.Hits[i].FileMatches) != fmt.Sprint(want.Hits[i].FileMatches) {
				t.Errorf("%q: hit %s differs with hidden files: %v %+v, without %v %+v", text, got.Hits[i].ID,
					got.Hits[i].Score, got.Hits[i].FileMatches, want.Hits[i].Score, want.Hits[i].FileMatches)
			}
		}
		if strings.Contains(strings.ToLower(got.Suggestion), "qualle") {
			t.Errorf("%q: suggestion %q tells a hidden word", text, got.Suggestion)
		}
	}
	for _, prefix := range []string{"Qual", "Quallenz", "Rhein"} {
		hits, err := all.Complete(context.Background(), prefix, scope, 10)
		if err != nil || len(hits) != 0 {
			t.Errorf("Complete(%q) = %+v, %v; want nothing", prefix, hits, err)
		}
	}
	// The file counts for those who may see the entry.
	q := Query{Text: "Quallenzählung", States: []string{"published"}}
	if res := search(t, all, q); !slices.Equal(hitIDs(res), []string{"geheim"}) || !slices.Equal(res.Facets.FileFormat, []FacetValue{{"odt", 1}}) {
		t.Errorf("member: %v, %v", hitIDs(res), res.Facets.FileFormat)
	}
}

func TestFileStoreBounded(t *testing.T) {
	t.Parallel()
	page := strings.Repeat("Die Verwaltung prüft den Antrag und meldet das Ergebnis. ", 40) // about 2.3 KB
	big := File{ID: "big", Name: "gross.pdf", Title: "Groß", Format: "pdf"}
	for i := 1; i <= 800; i++ { // about 1.8 MB of text
		big.Parts = append(big.Parts, wiki.TextPart{Label: fmt.Sprintf("Seite %d", i), Text: page})
	}
	big.Parts[799].Text += " Schlusswort Zaunkönig"
	small := File{ID: "small", Name: "klein.txt", Title: "Klein", Format: "txt", Parts: []wiki.TextPart{{Text: strings.Repeat("Ein Satz über Pegel. ", 200) + "Eisvogel"}}}
	long := File{ID: "long", Name: "lang.docx", Title: "Lang", Format: "docx", Parts: []wiki.TextPart{{Text: strings.Repeat(page, 10) + " Rotkehlchen " + strings.Repeat(page, 10)}}}

	f := newFilesField(testWords(t), []File{big, small, long})
	f.Analyze()
	if n := len(f.Value()); n > storedTextBudget/2 {
		t.Errorf("stored %d bytes for 1.9 MB of text, want at most %d", n, storedTextBudget/2)
	}
	files, err := decodeFiles(f.Value())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || len(files[0].chunks) == 0 || len(files[0].chunks) >= 800 {
		t.Errorf("chunks of the big file: %d, want some but not all of its 800 pages", len(files[0].chunks))
	}
	for _, c := range files[2].chunks {
		if c.flags == 0 {
			t.Errorf("a chunk of the long part has no flags")
		}
	}

	ix := newTestIndex(t, Document{ID: "e", Slug: "e", Title: "Eintrag", Files: []File{big, small, long}})
	for _, tt := range []struct{ text, file, label, snippet string }{
		{"Eisvogel", "small", "", "<mark>Eisvogel</mark>"},
		{"Rotkehlchen", "long", "", "…"},
		{"Zaunkönig", "", "", ""}, // beyond what is kept: found, but no place
	} {
		res := search(t, ix, Query{Text: tt.text})
		if len(res.Hits) != 1 {
			t.Errorf("%s: %d hits, want 1", tt.text, len(res.Hits))
			continue
		}
		fm := res.Hits[0].FileMatches
		if tt.file == "" {
			if len(fm) != 0 {
				t.Errorf("%s: %+v, want no file named", tt.text, fm)
			}
			continue
		}
		if len(fm) != 1 || fm[0].ID != tt.file || fm[0].Label != tt.label || !strings.Contains(fm[0].Snippet, tt.snippet) {
			t.Errorf("%s: %+v", tt.text, fm)
		}
	}
}

func TestDecodeFilesDamaged(t *testing.T) {
	t.Parallel()
	f := newFilesField(testWords(t), reportFiles())
	f.Analyze()
	v := f.Value()
	for i := range len(v) {
		if files, err := decodeFiles(v[:i]); err == nil && i < len(v) {
			// A cut may end exactly after a file; then fewer files come back, never garbage.
			if len(files) > 2 {
				t.Errorf("cut at %d: %d files", i, len(files))
			}
		}
	}
	if _, err := decodeFiles([]byte{9}); err == nil {
		t.Error("unknown version accepted")
	}

	// Slides of a few words each: many labels, small chunks.
	slides := File{ID: "s", Name: "folien.pptx", Format: "pptx"}
	for i := 1; i <= 600; i++ {
		slides.Parts = append(slides.Parts, wiki.TextPart{Label: fmt.Sprintf("Folie %d", i), Text: fmt.Sprintf("Punkt %d", i)})
	}
	f = newFilesField(testWords(t), []File{slides})
	f.Analyze()
	files, err := decodeFiles(f.Value())
	if err != nil || len(files) != 1 || len(files[0].chunks) != 600 || string(files[0].labels[files[0].chunks[599].label]) != "Folie 600" {
		t.Errorf("600 slides: %v", err)
	}
}

func testWords(t testing.TB) *wordAnalyzer {
	t.Helper()
	words, _, err := textAnalyzers(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return words
}

// mappingDigests are digests of the index mapping and of what the file store means (see
// mappingFingerprint), by mappingVersion. A change of either makes
// TestMappingVersionRaised fail until mappingVersion is raised and its digest added here:
// indexes built before are then rebuilt (NeedsRebuild, and CompatibleVersion for the
// snapshots on AWS).
var mappingDigests = map[string]string{
	"14": "48090bed814dc841",
}

func mappingFingerprint(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(newMapping(nil, false))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write(b)
	// What a fileStore must mean the same to the program that reads it as to the one that
	// wrote it: chunk sizes and the text budget may change, the filters' hashes may not.
	h1, h2 := bloomHash("Straßenbeleuchtung")
	fmt.Fprint(h, fileStoreVersion, bloomHashes, h1, h2, fieldFiles)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func TestMappingVersionRaised(t *testing.T) {
	t.Parallel()
	// Indexes and snapshots built before files were searched are rebuilt.
	if CompatibleVersion("13/0000000000000000") {
		t.Error("an index of version 13, without the text of files, counts as compatible")
	}
	got := mappingFingerprint(t)
	want, ok := mappingDigests[mappingVersion]
	if !ok || want != got {
		t.Errorf("the mapping of version %s has digest %s, recorded %q: if the mapping changed, raise mappingVersion and record the digest in mappingDigests", mappingVersion, got, want)
	}
}

// FuzzDecodeFiles feeds damaged stored values to what hits read of files: no panic, and
// what comes back points into the value.
func FuzzDecodeFiles(f *testing.F) {
	field := newFilesField(testWords(f), reportFiles())
	field.Analyze()
	f.Add(field.Value())
	f.Add([]byte{fileStoreVersion})
	f.Add([]byte{fileStoreVersion, 1, 1, 'a', 0, 0, 0, 1, 0, 1, 9, 0, 0, 0})
	ix := &Index{words: testWords(f)}
	terms := map[string]bool{"strassenbeleuchtung": true, "~strassenbeleuchtung": true, "pegel": true, "~pegel": true}
	f.Fuzz(func(t *testing.T, b []byte) {
		files, err := decodeFiles(b)
		if err != nil {
			return
		}
		for _, file := range files {
			for _, c := range file.chunks {
				if c.label >= len(file.labels) {
					t.Fatalf("chunk label %d of %d", c.label, len(file.labels))
				}
			}
		}
		ix.fileMatches(b, newFileQuery(terms, map[string][]string{}), nil)
	})
}
