package search

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Scopes as the permission layer sets them.
var (
	visitorScope = Query{States: []string{"published"}, Visibilities: []string{"public"}}
	memberScope  = Query{States: []string{"published"}}
)

// complete runs Complete and fails the test on an error.
func complete(t *testing.T, ix *Index, prefix string, q Query, n int) []string {
	t.Helper()
	hits, err := ix.Complete(context.Background(), prefix, q, n)
	if err != nil {
		t.Fatalf("Complete(%q): %v", prefix, err)
	}
	ids := []string{}
	for _, h := range hits {
		if h.Slug == "" || h.Title == "" {
			t.Errorf("Complete(%q): hit %s without slug or title: %+v", prefix, h.ID, h)
		}
		ids = append(ids, h.ID)
	}
	return ids
}

func TestComplete(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	for _, tt := range []struct {
		name, prefix string
		q            Query
		want         []string
	}{
		{"word begun", "Sensorn", visitorScope, []string{"01-sensor"}},
		{"upper case and hyphen", "LORAWAN-SENS", visitorScope, []string{"01-sensor"}},
		{"several words, in any order", "pegel sensornetz", visitorScope, []string{"01-sensor"}},
		{"every word required", "Sensornetzwerk Hitze", visitorScope, []string{}},
		{"umlaut written out", "Pegelstaen", visitorScope, []string{"01-sensor"}},
		{"umlaut", "Pegelstän", visitorScope, []string{"01-sensor"}},
		{"word in full, longer than its stem", "Digitaler", visitorScope, []string{"02-ozg"}},
		{"inflected", "digitalen", visitorScope, []string{"02-ozg"}},
		{"stop words left out", "Bauantrag nach dem", visitorScope, []string{"02-ozg"}},
		{"title words only, not the summary", "Hochwasser", visitorScope, []string{}},
		{"not inside words", "netzwerk", visitorScope, []string{}},
		{"internal: not for visitors", "Dienstanw", visitorScope, []string{}},
		{"internal: for members", "Dienstanw", memberScope, []string{"03-internal"}},
		{"draft: never in the scope of lists", "Parkplatz", memberScope, []string{}},
		{"draft: without restrictions", "Parkplatz", Query{}, []string{"04-draft"}},
		{"filter", "Hitze", Query{States: []string{"published"}, Topic: "mobilitaet"}, []string{}},
		{"too short", "H", visitorScope, []string{}},
		{"empty", "", visitorScope, []string{}},
		{"blank", "   ", visitorScope, []string{}},
		{"punctuation only", "–?!", visitorScope, []string{}},
		{"stop words only", "und der ", visitorScope, []string{}},
		{"a stop word may begin a word", "die", memberScope, []string{"03-internal"}},
		{"markup is text", "<b>Bürgerd", visitorScope, []string{"05-xss"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := complete(t, ix, tt.prefix, tt.q, 8)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Complete(%q) = %v, want %v", tt.prefix, got, tt.want)
			}
		})
	}
}

func TestCompleteRanksTitleStartFirst(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	doc := func(id, title string, updated time.Time) Document {
		return Document{ID: id, Slug: id, Title: title, State: "published", Visibility: "public", Updated: updated}
	}
	ix := newTestIndex(t,
		doc("a-later-word", "Hitzekarte aus offenen Daten", day(5)),
		doc("b-starts", "Datenportal der Stadt", day(1)),
		doc("c-second-word", "Offene Daten im Portal", day(4)),
		doc("d-starts-newer", "Datenschutz im Rathaus", day(3)),
		doc("e-second-word-older", "Urbane Datenplattform", day(2)),
	)
	got := complete(t, ix, "daten", visitorScope, 8)
	want := []string{"d-starts-newer", "b-starts", "c-second-word", "e-second-word-older", "a-later-word"}
	if !slices.Equal(got, want) {
		t.Errorf("Complete(daten) = %v, want %v", got, want)
	}
	if got := complete(t, ix, "daten", visitorScope, 2); !slices.Equal(got, want[:2]) {
		t.Errorf("Complete(daten, n=2) = %v, want %v", got, want[:2])
	}
}

// TestCompleteIgnoresOutOfScope checks that entries a viewer may not see change neither
// which titles are completed nor their order.
func TestCompleteIgnoresOutOfScope(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	var docs []Document
	for i := range 12 {
		docs = append(docs, Document{ID: "pub-" + string(rune('a'+i)), Slug: "pub", Title: strings.Repeat("Wort ", i) + "Messnetz Pegel",
			State: "published", Visibility: "public", Updated: day(1 + i)})
	}
	ix := newTestIndex(t, docs...)
	before := complete(t, ix, "Messn", visitorScope, 8)
	if len(before) != 8 {
		t.Fatalf("Complete(Messn) = %v, want 8 hits", before)
	}
	var hidden []Document
	for i := range 100 {
		hidden = append(hidden, Document{ID: "hidden-" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Slug: "hidden", Title: "Messnetz Messnetz Messnetzgeheim",
			State: []string{"draft", "published"}[i%2], Visibility: "internal", Updated: day(28)})
	}
	if err := ix.Apply(context.Background(), Batch{Put: hidden, Seq: 2}); err != nil {
		t.Fatal(err)
	}
	if after := complete(t, ix, "Messn", visitorScope, 8); !slices.Equal(after, before) {
		t.Errorf("with hidden entries Complete(Messn) = %v, before %v", after, before)
	}
}

func TestCompleteTooLong(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	_, err := ix.Complete(context.Background(), strings.Repeat("ä", MaxCompleteLength+1), visitorScope, 8)
	if wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("Complete(%d characters): %v, want EINVALID", MaxCompleteLength+1, err)
	}
	if got := complete(t, ix, "Sensorn"+strings.Repeat(" ", MaxCompleteLength-7), visitorScope, 8); len(got) != 1 {
		t.Errorf("Complete(%d characters) = %v, want a hit", MaxCompleteLength, got)
	}
}

func TestCompleteClosed(t *testing.T) {
	t.Parallel()
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	_ = ix.Close()
	if _, err := ix.Complete(context.Background(), "Sensor", Query{}, 8); err == nil {
		t.Error("Complete on a closed index: no error")
	}
}

func TestCompletes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		prefix, text string
		want         bool
	}{
		{"Sensor", "Sensornetzwerke & IoT", true},
		{"iot sens", "Sensornetzwerke & IoT", true},
		{"Mobilitae", "Mobilität", true},
		{"Bevölkerungssch", "Krisenmanagement & Bevölkerungsschutz", true},
		{"Klima und", "Klima & Umwelt", true},
		{"Schulen", "Bildung & Schule", true},
		{"netzwerk", "Sensornetzwerke & IoT", false},
		{"Klima Mobil", "Klima & Umwelt", false},
		{"K", "Klima & Umwelt", false},
		{"", "Klima & Umwelt", false},
		{strings.Repeat("Klima ", 20), "Klima & Umwelt", false},
	} {
		if got := Completes(tt.prefix, tt.text); got != tt.want {
			t.Errorf("Completes(%q, %q) = %v, want %v", tt.prefix, tt.text, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	got := Words("Die digitalen Pegelstände und der DIGITALE Pegelstand – Straße")
	want := []string{"digital", "pegelstand", "strass"}
	if !slices.Equal(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
	if got := Words(" und – "); len(got) != 0 {
		t.Errorf("Words(stop words) = %q, want none", got)
	}
}
