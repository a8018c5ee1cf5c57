package search

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"
)

// frequencies must give the index the terms and counts that bleve's text field makes of
// Analyze, and the positions of whole words.
func TestFrequenciesAsAnalyze(t *testing.T) {
	t.Parallel()
	analyzers := textAnalyzersOf(t)
	for _, text := range []string{
		"",
		"Ein Sensornetzwerk mit LoRaWAN-Gateways misst alle zehn Minuten die Pegel der Bäche.",
		"Der Breitbandausbau der Stadt: Breitband, Breitbandausbau und noch einmal Breitbandausbau!",
		"Straße, Strasse, STRASSE – und 2023 die E-Akte (OZG).",
	} {
		checkFrequencies(t, analyzers, text)
	}
}

func FuzzFrequencies(f *testing.F) {
	for _, seed := range []string{
		"", "Sensornetzwerke und Pegelsensoren", "Hochwasserfrühwarnsystem Hochwasser Frühwarnsystem",
		"ÄÖÜäöüß Straße", "e\u0301 \u200b", "\xff\xfe \xc3\x28", "C++ 3,5 % 2023-01", "日本語 🚀",
	} {
		f.Add(seed)
	}
	analyzers := textAnalyzersOf(f)
	f.Fuzz(func(t *testing.T, text string) { checkFrequencies(t, analyzers, text) })
}

// textAnalyzersOf returns both analyzers of the text fields.
func textAnalyzersOf(t testing.TB) []*wordAnalyzer {
	words, whole, err := textAnalyzers(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return []*wordAnalyzer{words, whole}
}

// checkFrequencies compares frequencies with Analyze and bleve's TokenFrequency for text.
func checkFrequencies(t *testing.T, analyzers []*wordAnalyzer, text string) {
	for _, a := range analyzers {
		tokens := a.Analyze([]byte(text))
		want := analysis.TokenFrequency(tokens, nil, index.IndexField|index.IncludeTermVectors)
		n, got, size := a.frequencies([]byte(text), nil, true)
		if n != len(tokens) {
			t.Errorf("%q: length %d, want %d", text, n, len(tokens))
		}
		if size < 0 || (len(got) > 0 && size == 0) {
			t.Errorf("%q: size %d", text, size)
		}
		if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(g, w) {
			t.Fatalf("%q: terms %v, want %v", text, g, w)
		}
		for term, w := range want {
			g := got[term]
			if g.Frequency() != w.Frequency() || string(g.Term) != string(w.Term) {
				t.Errorf("%q: %s: frequency %d, want %d", text, term, g.Frequency(), w.Frequency())
			}
			var wantPos []int
			if !strings.HasPrefix(term, partMarker) {
				for _, l := range w.Locations {
					wantPos = append(wantPos, l.Position)
				}
			}
			var gotPos []int
			for _, l := range g.Locations {
				if l.Start != 0 || l.End != 0 {
					t.Errorf("%q: %s: offsets %d-%d, want none", text, term, l.Start, l.End)
				}
				gotPos = append(gotPos, l.Position)
			}
			if !slices.Equal(gotPos, wantPos) {
				t.Errorf("%q: %s: positions %v, want %v", text, term, gotPos, wantPos)
			}
		}
		if _, got, _ := a.frequencies([]byte(text), nil, false); len(got) > 0 {
			for term, g := range got {
				if len(g.Locations) > 0 {
					t.Errorf("%q: %s has locations without term vectors", text, term)
				}
			}
		}
	}
}
