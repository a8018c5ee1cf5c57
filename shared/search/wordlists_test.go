package search

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestSetSynonymsAppliesAtOnce(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	if err := ix.Rebuild(context.Background(), 1, func(put func(Document) error) error {
		for _, d := range testDocs() {
			if err := put(d); err != nil {
				return err
			}
		}
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	public := []string{"public"}
	find := func(text string) []string { return sortedIDs(search(t, ix, Query{Text: text, Visibilities: public})) }
	if got := find("Gefahrenabwehr"); len(got) != 0 {
		t.Fatalf("Search(Gefahrenabwehr) before = %v, want nothing", got)
	}

	ix.SetSynonyms("# eigene Gruppen\nGefahrenabwehr = Feuerwehr\n")
	if got, want := find("Gefahrenabwehr"), []string{"01-sensor"}; !slices.Equal(got, want) {
		t.Errorf("Search(Gefahrenabwehr) after SetSynonyms = %v, want %v", got, want)
	}
	if ix.NeedsRebuild() {
		t.Error("NeedsRebuild after SetSynonyms = true, want false: synonyms are used by queries only")
	}

	// New protected words rebuild the query analyzer; the synonyms stay.
	if err := ix.SetProtected([]string{"Koblenz"}); err != nil {
		t.Fatal(err)
	}
	if got, want := find("Gefahrenabwehr"), []string{"01-sensor"}; !slices.Equal(got, want) {
		t.Errorf("Search(Gefahrenabwehr) after SetProtected = %v, want %v", got, want)
	}

	ix.SetSynonyms("")
	if got := find("Gefahrenabwehr"); len(got) != 0 {
		t.Errorf("Search(Gefahrenabwehr) after removing the group = %v, want nothing", got)
	}
	if got, want := find("Internet der Dinge"), []string{"01-sensor", "04-draft"}; !slices.Equal(got, want) {
		t.Errorf("Search(Internet der Dinge) = %v, want %v: the bundled groups stay", got, want)
	}
}

func TestSetSynonymsExtendsBundledGroup(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	public := []string{"public"}
	if res := search(t, ix, Query{Text: "EGov", Visibilities: public}); res.Total != 0 {
		t.Fatalf("Search(EGov) before = %v, want nothing", sortedIDs(res))
	}
	// The group shares Onlinezugangsgesetz with the bundled "OZG = Onlinezugangsgesetz":
	// EGov finds what OZG finds.
	ix.SetSynonyms("Onlinezugangsgesetz = EGov")
	res := search(t, ix, Query{Text: "EGov", Visibilities: public})
	if got, want := sortedIDs(res), []string{"02-ozg", "05-xss"}; !slices.Equal(got, want) {
		t.Errorf("Search(EGov) = %v, want %v (OZG in tags and topic names)", got, want)
	}
}

func TestMergeSynonymGroups(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t)
	tests := []struct{ name, text, want string }{
		{"separate", "A1 = B1\nC1 = D1", "A1 = B1\nC1 = D1\n"},
		{"chain", "A1 = B1\nC1 = D1\nb1 = C1\nE1 = F1", "A1 = B1 = C1 = D1\nE1 = F1\n"},
		{"same member written otherwise", "ÖPNV = Bus\nOEPNV = Nahverkehr", "ÖPNV = Bus = Nahverkehr\n"},
		{"stop words left out", "die = der\nOZG = und = Onlinezugangsgesetz", "OZG = Onlinezugangsgesetz\n"},
		{"comments and blank lines", "# Kommentar\n\nKI = AI\n", "KI = AI\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mergeSynonymGroups(tt.text, ix.qa); got != tt.want {
				t.Errorf("mergeSynonymGroups(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestBundledSynonymGroupsAreSeparate makes sure that joining groups with a common member,
// which SetSynonyms and SetProtected do, changes nothing about the bundled list.
func TestBundledSynonymGroupsAreSeparate(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t)
	merged := strings.Count(mergeSynonymGroups(synonymsText, ix.qa), "\n")
	if groups := len(parseSynonyms(synonymsText, ix.qa).groups); merged != groups {
		t.Errorf("lexicon/synonyme.txt: %d groups, %d after joining those with a common member; want none to share a member", groups, merged)
	}
}

func TestUnusableSynonyms(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t)
	text := "die = der = Artikel\n# und = oder\n\nOZG = und = Onlinezugangsgesetz\nKI = AI"
	want := []UnusableSynonym{{1, "die"}, {1, "der"}, {4, "und"}}
	if got := ix.UnusableSynonyms(text); !slices.Equal(got, want) {
		t.Errorf("UnusableSynonyms = %v, want %v", got, want)
	}
}

// TestSetSynonymsWhileSearching is for the race detector.
func TestSetSynonymsWhileSearching(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 20 {
			ix.SetSynonyms(strings.Repeat("Gefahrenabwehr = Feuerwehr\n", i%3))
		}
	})
	for range 20 {
		search(t, ix, Query{Text: "Gefahrenabwehr"})
	}
	wg.Wait()
}
