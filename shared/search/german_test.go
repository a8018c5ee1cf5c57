package search

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSearchCompoundsSynonymsTypos(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	public := []string{"public"}
	tests := []struct {
		name, text string
		want       []string // sorted ids
	}{
		{"part finds compound", "Sensor Netzwerk", []string{"01-sensor", "04-draft"}},
		{"part of a long compound", "Karte", []string{"06-klima"}},
		{"compound finds its parts", "Parkplatzsensor", []string{"04-draft"}},
		{"transcribed umlaut", "Pegelstaende", []string{"01-sensor"}},
		{"ss for ß", "heiss", []string{"06-klima"}},
		{"abbreviation finds long form", "Internet der Dinge", []string{"01-sensor", "04-draft"}}, // IoT in tags and topic names
		{"long form finds abbreviation", "Onlinezugangsgesetz", []string{"02-ozg", "05-xss"}},     // OZG in tags and topic names
		{"one typo", "Bauantarg", []string{"02-ozg"}},
		{"two typos in a long word", "Sensornetzwrek", []string{"01-sensor", "04-draft"}},
		{"words anywhere", "Hochwasser Stadt", []string{"01-sensor"}},
		{"phrase in quotes", `"Hochwasser wollte die Stadt"`, []string{"01-sensor"}},
		{"phrase not found: any word", `"Stadt Hochwasser"`, []string{"01-sensor"}},
		{"phrase in German quotes", "„Pegel der Bäche“", []string{"01-sensor"}},
		{"unbalanced quote", `"Hochwasser Stadt`, []string{"01-sensor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, Query{Text: tt.text, Visibilities: public})
			if got := sortedIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// A quoted compound is found as that word, not through a part it shares with the compound
// at that place in another entry.
func TestSearchPhraseOfCompound(t *testing.T) {
	t.Parallel()
	docs := testDocs()[:2]
	docs[0].Body = "Der Glasfaserausbau der Stadt kommt voran. Breitband ist wichtig."
	docs[1].Body = "Der Breitbandausbau der Stadt kommt voran."
	ix := newTestIndex(t, docs...)
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"Breitbandausbau Stadt", []string{"01-sensor", "02-ozg"}}, // 01 by the parts Breitband and Ausbau
		{`"Breitbandausbau der Stadt"`, []string{"02-ozg"}},
		{`"Glasfaserausbau der Stadt"`, []string{"01-sensor"}},
	} {
		if got := sortedIDs(search(t, ix, Query{Text: tt.text})); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%s) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestSearchPhrasesApart(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	for text, apart := range map[string]bool{
		`"Hochwasser wollte die Stadt"`: false,
		`"Stadt Hochwasser"`:            true,
		"Stadt Hochwasser":              false,
	} {
		res := search(t, ix, Query{Text: text})
		if res.Total != 1 || res.PhrasesApart != apart {
			t.Errorf("Search(%s): total %d, PhrasesApart %v; want 1, %v", text, res.Total, res.PhrasesApart, apart)
		}
	}
}

// A quoted phrase is found in the tags too.
func TestSearchPhraseInTags(t *testing.T) {
	t.Parallel()
	docs := testDocs()[:2]
	docs[0].Tags = []string{"Open Data", "Smart City"}
	docs[1].Tags = []string{"Open Source"}
	docs[1].Body += " Die Data bleibt bei der Stadt."
	ix := newTestIndex(t, docs...)
	for _, tt := range []struct {
		text string
		want []string
	}{
		{`"Open Data"`, []string{"01-sensor"}},
		{`"Smart City"`, []string{"01-sensor"}},
	} {
		if got := sortedIDs(search(t, ix, Query{Text: tt.text})); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%s) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestSearchWholeWordRanksFirst(t *testing.T) {
	t.Parallel()
	docs := testDocs()[:2]
	docs[1].Title, docs[1].Summary, docs[1].Body = "Netzwerk der Bauämter", "Ein Netzwerk.", "Netzwerk"
	ix := newTestIndex(t, docs...)
	res := search(t, ix, Query{Text: "Netzwerk"})
	if len(res.Hits) != 2 || res.Hits[0].ID != "02-ozg" {
		t.Errorf("Search(Netzwerk) = %v, want 02-ozg (whole word) first", ids(res))
	}
}

func TestSearchProtectedNames(t *testing.T) {
	t.Parallel()
	docs := testDocs()[:1]
	docs[0].Body += " Erfahrungen aus Zweibrücken und Kaiserslautern."
	ix, err := OpenMemoryWith(Options{Protected: []string{"Altenkirchen (Westerwald)"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	docs[0].Body += " Und aus Altenkirchen."
	if err := ix.Apply(context.Background(), Batch{Put: docs, Seq: 1}); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Brücken", "Kaiser", "Lautern", "Kirchen"} {
		if res := search(t, ix, Query{Text: text}); res.Total != 0 && !res.Typos {
			t.Errorf("Search(%q) = %v, want nothing: protected names are not split", text, ids(res))
		}
	}
	if res := search(t, ix, Query{Text: "Zweibrücken"}); res.Total != 1 {
		t.Errorf("Search(Zweibrücken) = %v, want 01-sensor", ids(res))
	}
}

func TestSearchSuggestion(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	res := search(t, ix, Query{Text: "Hitzekrate"})
	if res.Suggestion != "Hitzekarte" {
		t.Errorf("Search(Hitzekrate).Suggestion = %q, want Hitzekarte", res.Suggestion)
	}
	if res := search(t, ix, Query{Text: "Hitzekarte"}); res.Suggestion != "" {
		t.Errorf("Search(Hitzekarte).Suggestion = %q, want none", res.Suggestion)
	}
}

func TestSimilar(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	docs := testDocs()
	hits, err := ix.Similar(context.Background(), docs[0], Query{Visibilities: []string{"public"}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.ID)
	}
	if slices.Contains(got, "01-sensor") {
		t.Errorf("Similar(01-sensor) = %v contains the entry itself", got)
	}
	if slices.Contains(got, "03-internal") {
		t.Errorf("Similar(01-sensor) = %v contains an internal entry", got)
	}
	if len(got) == 0 || got[0] != "04-draft" {
		t.Errorf("Similar(01-sensor) = %v, want 04-draft first", got)
	}
}

func ids(res *Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestHighlightMarksCompound(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	res := search(t, ix, Query{Text: "Karte"})
	if len(res.Hits) != 1 || len(res.Hits[0].Highlights) == 0 || !strings.Contains(strings.Join(res.Hits[0].Highlights, " "), "<mark>Hitzekarte</mark>") {
		t.Errorf("Search(Karte) highlights = %q, want <mark>Hitzekarte</mark>", res.Hits[0].Highlights)
	}
}

func TestProtectedWordsDecideRebuild(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "index")
	names := []string{"Zweibrücken", "Kaiserslautern"}
	ix, err := OpenWith(dir, Options{Protected: names})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), 1, func(put func(Document) error) error { return put(testDocs()[0]) }, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !ix.NeedsRebuild() {
		t.Error("opened without the protected words: NeedsRebuild = false, want true")
	}
	if err := ix.SetProtected(names); err != nil {
		t.Fatal(err)
	}
	if ix.NeedsRebuild() {
		t.Error("after SetProtected with the words it was built with: NeedsRebuild = true, want false")
	}
	if err := ix.SetProtected(append(names, "Altenkirchen")); err != nil {
		t.Fatal(err)
	}
	if !ix.NeedsRebuild() {
		t.Error("after SetProtected with other words: NeedsRebuild = false, want true")
	}
}
