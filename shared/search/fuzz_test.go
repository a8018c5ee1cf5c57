package search

import (
	"context"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// FuzzSearch feeds arbitrary text to Search: it must answer or, for a too long text, refuse
// with EINVALID, and its highlights and the snippets of files must carry no markup but
// <mark>. Similar, given the text as an entry, must answer too.
func FuzzSearch(f *testing.F) {
	for _, seed := range []string{
		"", " ", "Sensornetzwerke", "und der die", "C++", "OZG: Anträge?", "-foo", "+bar",
		`"Digitaler Bauantrag"`, `"unbalanced`, "title:Hitzekarte", "Hitze*", "Hitz?karte", "Hitzekarte~2",
		"a AND b OR NOT c", "(Sensor) [Netz] {x}", "/.*/", `\`, `\\"`, "^2", "<script>alert(1)</script>",
		"&amp; &lt;", "Straße Größe Übertragbarkeit", "ÄÖÜäöüß", "Ⅻ ﬁ ǅ", "日本語 한국어 العربية", "🚀📡🌊",
		"e\u0301", "\u200b\u200d", "\x00\x01\x7f", "\xff\xfe", "\xc3\x28", strings.Repeat("a", 500),
		strings.Repeat("ä", 500), strings.Repeat("ß", 501), strings.Repeat("Sensor ", 72),
		strings.Repeat("x y ", 250), "*sensor", "?etz", "Hitzekrate", "Kontaktnachverfolgnug", `"ÖPNV`,
		"Internet der", "der Dinge Internet", "Oepnv OZG IoT KI", "Zweibrücken Brücken",
		strings.Repeat("Hochwasserfrühwarnsystem ", 20), strings.Repeat("Sensornetzwrek ", 35),
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sensorsensorsensorsensorsensornetz",
		"Straßenbeleuchtung Störungen", "Zisternenpegel Gateways", "Kostenaufstellung", "Abschlussbericht 2024 pdf",
	} {
		f.Add(seed)
	}
	ix, err := OpenMemory()
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply(context.Background(), Batch{Put: withFiles(), Seq: 1}); err != nil {
		f.Fatal(err)
	}
	unmark := strings.NewReplacer("<mark>", "", "</mark>", "")
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := ix.Similar(context.Background(), Document{ID: "x", Title: text, Body: text}, Query{Visibilities: []string{"public"}}, 5); err != nil {
			t.Fatalf("Similar(%q): %v", text, err)
		}
		for _, q := range []Query{
			{Text: text},
			{Text: text, Visibilities: []string{"public"}, Topic: "sensornetzwerke-iot", Sort: SortNewest, PerPage: 2, Page: 2},
		} {
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				if wiki.ErrorCode(err) == wiki.EINVALID && len([]rune(text)) > MaxTextLength {
					continue
				}
				t.Fatalf("Search(%q): %v", text, err)
			}
			if res.Hits == nil || uint64(len(res.Hits)) > res.Total {
				t.Fatalf("Search(%q): %d hits of %d", text, len(res.Hits), res.Total)
			}
			for _, h := range res.Hits {
				for _, s := range h.Highlights {
					if strings.ContainsAny(unmark.Replace(s), "<>") {
						t.Fatalf("Search(%q): highlight %q has markup", text, s)
					}
				}
				for _, m := range h.FileMatches {
					if strings.ContainsAny(unmark.Replace(m.Snippet), "<>") {
						t.Fatalf("Search(%q): snippet %q of %s has markup", text, m.Snippet, m.Name)
					}
				}
			}
		}
	})
}
