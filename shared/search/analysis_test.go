package search

import (
	"slices"
	"testing"
)

func TestDecompound(t *testing.T) {
	t.Parallel()
	d := newDecompounder([]string{"Neustadt an der Weinstraße", "Bad Kreuznach"})
	for _, c := range []struct {
		word string
		want []string // parts that must be among the result; nil: not split
	}{
		{"sensornetzwerk", []string{"sensor", "netzwerk"}},
		{"sensornetzwerke", []string{"sensor", "netzwerk"}},
		{"hochwasserfruhwarnsystem", []string{"hochwasser", "hoch", "wasser", "fruh", "warn", "system"}},
		{"burgerbeteiligungsplattform", []string{"burger", "beteiligung", "plattform"}},
		{"ratssitzungen", []string{"rat", "sitzung"}},
		{"kaiserslautern", nil},
		{"zweibrucken", nil},
		{"kreuznach", nil},
		{"verwaltung", nil},
		{"netzwerk", nil},
	} {
		var got []string
		for _, p := range d.split(fold(c.word)) {
			got = append(got, stemTerm(p))
		}
		if c.want == nil {
			if got != nil {
				t.Errorf("split(%q) = %q, want no split", c.word, got)
			}
			continue
		}
		for _, w := range c.want {
			if !slices.Contains(got, stemTerm(w)) {
				t.Errorf("split(%q) = %q, want %q among the parts", c.word, got, w)
			}
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for _, pair := range [][2]string{{"Straße", "Strasse"}, {"Bürger", "Buerger"}, {"Größe", "Groesse"}, {"ÖPNV", "OEPNV"}} {
		if fold(pair[0]) != fold(pair[1]) {
			t.Errorf("fold(%q) = %q, fold(%q) = %q", pair[0], fold(pair[0]), pair[1], fold(pair[1]))
		}
	}
	if fold("Queue") != "queue" {
		t.Errorf("fold(Queue) = %q", fold("Queue"))
	}
}
