package search

import (
	"context"
	"math"
	"slices"
	"testing"
)

// TestStatisticsWithinScope: entries outside a viewer's scope change neither which entries
// a search finds nor their order or scores, nor whether a word counts as unknown (typos,
// "Meinten Sie"), nor which entries look alike: term statistics are counted within the
// scope of the query.
func TestStatisticsWithinScope(t *testing.T) {
	t.Parallel()
	var visible []Document
	for _, d := range testDocs() {
		if d.State == "published" && d.Visibility == "public" {
			visible = append(visible, d)
		}
	}
	// Hidden entries full of the words searched for, of a word no visible entry has, and of
	// a misspelling that is nearer to itself than any visible word.
	hidden := []Document{
		{
			ID: "h1", Slug: "geheim-1", Title: "Sensornetzwerk Sensornetzwerk Pegel", Summary: "Pegel Hochwasser Bauantrag",
			Body: "Sensornetzwerk Pegel Hochwasser Bauantrag Sensornetzwerk Zisternenpegel", Municipality: mainz,
			MunicipalityName: "Mainz", Kind: "solution", ProjectStatus: "running", State: "published", Visibility: "internal",
		},
		{
			ID: "h2", Slug: "geheim-2", Title: "Pegel Pegel Pegel", Summary: "Sensornetzwerk Zisternenpegel",
			Body: "Bauantrag Bauantrag Hochwasser Offene Daten Hochwassar HOCHWASSER", Municipality: trier,
			MunicipalityName: "Trier", Kind: "guide", ProjectStatus: "idea", State: "draft", Visibility: "public",
		},
	}
	only := newTestIndex(t, visible...)
	all := newTestIndex(t, append(slices.Clone(visible), hidden...)...)

	for _, text := range []string{"Sensornetzwerk", "Pegel Hochwasser", "digitaler Bauantrag", "Sensornetzwek", "Zisternenpegel", "offene Daten", "Hochwassar"} {
		q := Query{Text: text, States: []string{"published"}, Visibilities: []string{"public"}}
		want, got := search(t, only, q), search(t, all, q)
		want.Took, got.Took = 0, 0
		if !slices.Equal(hitIDs(got), hitIDs(want)) || got.Total != want.Total || got.Typos != want.Typos ||
			got.Suggestion != want.Suggestion || got.AnyTerm != want.AnyTerm {
			t.Errorf("%q: with hidden entries %v (total %d, typos %v, %q), without %v (total %d, typos %v, %q)", text,
				hitIDs(got), got.Total, got.Typos, got.Suggestion, hitIDs(want), want.Total, want.Typos, want.Suggestion)
			continue
		}
		for i := range want.Hits {
			if !sameScore(got.Hits[i].Score, want.Hits[i].Score) {
				t.Errorf("%q: score of %s is %v with hidden entries, %v without", text, got.Hits[i].ID, got.Hits[i].Score, want.Hits[i].Score)
			}
		}
	}

	q := Query{States: []string{"published"}, Visibilities: []string{"public"}}
	draft := Document{ID: "new", Title: "Sensornetzwerk für Pegel", Summary: "Ein Sensornetzwerk misst Pegel bei Hochwasser."}
	want, err := only.Similar(context.Background(), draft, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	got, err := all.Similar(context.Background(), draft, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(hs []Hit) []string {
		var out []string
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	if !slices.Equal(ids(got), ids(want)) {
		t.Errorf("Similar: with hidden entries %v, without %v", ids(got), ids(want))
	}
	for i := range want {
		if !sameScore(got[i].Score, want[i].Score) {
			t.Errorf("Similar: score of %s is %v with hidden entries, %v without", got[i].ID, got[i].Score, want[i].Score)
		}
	}
}

// sameScore reports whether a and b are equal but for rounding: scores are sums whose order
// follows the sizes of postings lists, which hidden entries change.
func sameScore(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
}
