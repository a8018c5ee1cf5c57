package corpus

import (
	"reflect"
	"strings"
	"testing"
)

func TestEntries(t *testing.T) {
	a, b := Entries(200, 7), Entries(200, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Entries(200, 7) differs between two calls")
	}
	if reflect.DeepEqual(a, Entries(200, 8)) {
		t.Fatal("Entries(200, 8) equals Entries(200, 7)")
	}
	ids := map[string]bool{}
	kinds, years := map[string]bool{}, map[int]bool{}
	for _, d := range a {
		if ids[d.ID] {
			t.Errorf("id %s twice", d.ID)
		}
		ids[d.ID] = true
		if d.Title == "" || d.Slug == "" || d.Summary == "" || d.Municipality == "" || len(d.Topics) == 0 {
			t.Errorf("%s: missing field: %+v", d.ID, d)
		}
		if n := len(strings.Fields(d.Body)); n < 280 || n > 420 {
			t.Errorf("%s: body has %d words, want about 300", d.ID, n)
		}
		if d.Year != 0 && (d.Year < 2015 || d.Year > 2026) {
			t.Errorf("%s: year %d", d.ID, d.Year)
		}
		if d.Updated.Year() < 2019 || d.Updated.Year() > 2026 {
			t.Errorf("%s: updated %v", d.ID, d.Updated)
		}
		kinds[d.Kind] = true
		years[d.Year] = true
	}
	if len(kinds) != 5 || len(years) < 12 {
		t.Errorf("%d kinds and %d years, want all 5 kinds and 2015–2026", len(kinds), len(years))
	}
	if n := len(Queries()); n != 50 {
		t.Errorf("%d queries, want 50", n)
	}
}
