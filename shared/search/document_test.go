package search

import (
	"reflect"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// names is a wiki.Names from maps.
type names struct{ municipalities, topics map[string]string }

func (n names) MunicipalityName(ags string) string { return n.municipalities[ags] }
func (n names) TopicName(slug string) string       { return n.topics[slug] }

func TestNewDocument(t *testing.T) {
	t.Parallel()
	updated := time.Date(2025, 2, 3, 10, 11, 12, 0, time.UTC)
	e := &wiki.Entry{
		ID: "01JABC", Slug: "smarte-parkplaetze", Title: "Smarte Parkplätze",
		Kind: wiki.KindSolution, Municipality: koblenz,
		Summary: "Sensoren melden freie Plätze.",
		Body:    "## Ausgangslage\n\nZu **wenige** [Parkplätze](https://example.org/p).",
		Topics:  []string{"mobilitaet", "sensornetzwerke-iot"}, Tags: []string{"Parken"},
		ProjectStatus: wiki.StatusRunning, PeriodStart: "2023-04",
		Visibility: wiki.Public, State: wiki.StatePublished, UpdatedAt: updated,
	}
	n := names{
		municipalities: map[string]string{koblenz: "Koblenz"},
		topics:         map[string]string{"mobilitaet": "Mobilität", "sensornetzwerke-iot": "Sensornetzwerke & IoT"},
	}
	tests := []struct {
		name  string
		names wiki.Names
		want  Document
	}{
		{"with names", n, Document{
			ID: "01JABC", Slug: "smarte-parkplaetze", Title: "Smarte Parkplätze",
			Summary: "Sensoren melden freie Plätze.", Body: "Ausgangslage\nZu wenige Parkplätze.",
			Tags: []string{"Parken"}, Municipality: koblenz, MunicipalityName: "Koblenz",
			Topics: []string{"mobilitaet", "sensornetzwerke-iot"}, TopicNames: []string{"Mobilität", "Sensornetzwerke & IoT"},
			Kind: "solution", ProjectStatus: "running", State: "published", Visibility: "public",
			Year: 2023, Updated: updated,
		}},
		{"without names", nil, Document{
			ID: "01JABC", Slug: "smarte-parkplaetze", Title: "Smarte Parkplätze",
			Summary: "Sensoren melden freie Plätze.", Body: "Ausgangslage\nZu wenige Parkplätze.",
			Tags: []string{"Parken"}, Municipality: koblenz, MunicipalityName: koblenz,
			Topics: []string{"mobilitaet", "sensornetzwerke-iot"}, TopicNames: []string{"mobilitaet", "sensornetzwerke-iot"},
			Kind: "solution", ProjectStatus: "running", State: "published", Visibility: "public",
			Year: 2023, Updated: updated,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewDocument(e, tt.names); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NewDocument() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}

	t.Run("searchable by names", func(t *testing.T) {
		ix := newTestIndex(t, NewDocument(e, n))
		for _, text := range []string{"Koblenz", "Mobilität", "Parken", "Ausgangslage"} {
			if got := search(t, ix, Query{Text: text}).Total; got != 1 {
				t.Errorf("Search(%q) found %d, want 1", text, got)
			}
		}
		if got := search(t, ix, Query{Text: "example"}).Total; got != 0 {
			t.Errorf("link target is searchable: found %d", got)
		}
	})
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, markdown, want string
	}{
		{"empty", "", ""},
		{"paragraphs", "Erste Zeile\nweiter.\n\nZweiter Absatz.", "Erste Zeile weiter.\nZweiter Absatz."},
		{"heading and emphasis", "# Lösung\n\nEin *kleines* und **großes** Ergebnis.", "Lösung\nEin kleines und großes Ergebnis."},
		{"list", "- eins\n- zwei\n\n1. drei", "eins\nzwei\ndrei"},
		{"link and image", "Siehe [die Satzung](https://example.org/satzung.pdf) ![Karte der Stadt](karte.png)", "Siehe die Satzung Karte der Stadt"},
		{"autolink", "<https://daten.example.org>", "https://daten.example.org"},
		{"code", "Aufruf `curl -X POST` und\n\n```\nwget <url>\n```", "Aufruf curl -X POST und\nwget <url>"},
		{"raw html is left out", "Vor <b>fett</b> nach\n\n<script>alert(1)</script>\n\nEnde", "Vor fett nach\nEnde"},
		{"entities and escapes", "Fa&szlig; \\*nicht kursiv\\* &#228;", "Faß *nicht kursiv* ä"},
		{"quote and rule", "> Zitat\n\n---\n\nText", "Zitat\nText"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.markdown); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.markdown, got, tt.want)
			}
		})
	}
}
