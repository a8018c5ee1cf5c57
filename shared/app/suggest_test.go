package app

import (
	"slices"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
)

func TestRankLookAlikes(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }
	hits := []search.Hit{
		{ID: "1", Slug: "body-only", Title: "Dienstanweisung mobiles Arbeiten", Updated: day(9)},
		{ID: "2", Slug: "summary", Title: "Messnetz am Rhein", Summary: "Pegelstände der Zisternen.", Updated: day(1)},
		{ID: "3", Slug: "title", Title: "Zisternen melden Pegelstände", Updated: day(2)},
		{ID: "4", Slug: "tie-older", Title: "Hitzekarte", Summary: "Zisterne.", Updated: day(3)},
		{ID: "5", Slug: "tie-newer", Title: "Gießplan", Summary: "Zisternen.", Updated: day(4)},
	}
	rankLookAlikes(hits, "Pegelstände der Zisternen", "Sensoren melden Füllstände.")
	var got []string
	for _, h := range hits {
		got = append(got, h.Slug)
	}
	want := []string{"title", "summary", "tie-newer", "tie-older", "body-only"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
