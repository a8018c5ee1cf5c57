package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

var public = []string{"public"}

func TestSearchGerman(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	tests := []struct {
		name string
		text string
		want []string // sorted ids
	}{
		{"plural finds singular", "Sensornetzwerke", []string{"01-sensor", "04-draft"}},
		{"lower case", "sensornetzwerk", []string{"01-sensor", "04-draft"}},
		{"umlaut and plural", "Bauanträge", []string{"02-ozg"}},
		{"umlaut folded", "Pegelstande", []string{"01-sensor"}},
		{"tag", "E-Akte", []string{"02-ozg"}},
		{"topic name", "Bevölkerungsschutz", []string{"01-sensor"}},
		{"municipality name", "Trier", []string{"04-draft", "05-xss"}},
		{"every term somewhere", "Hochwasser Koblenz LoRaWAN", []string{"01-sensor"}},
		{"part of a compound", "Netzwerk", []string{"01-sensor", "04-draft"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, Query{Text: tt.text, Visibilities: public})
			if got := sortedIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
			}
			if res.AnyTerm {
				t.Errorf("Search(%q): AnyTerm set", tt.text)
			}
		})
	}
}

func TestSearchRanksTitleFirst(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	// Only 01 has the term in its title.
	res := search(t, ix, Query{Text: "Sensornetzwerk"})
	if got := hitIDs(res); len(got) == 0 || got[0] != "01-sensor" {
		t.Errorf("hits = %v, want 01-sensor (title match) first", got)
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Score > res.Hits[i-1].Score {
			t.Errorf("hit %d scores %v, more than hit %d (%v)", i, res.Hits[i].Score, i-1, res.Hits[i-1].Score)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	tests := []struct {
		name string
		q    Query
		want []string // sorted ids
	}{
		{"topic", Query{Topic: "sensornetzwerke-iot"}, []string{"01-sensor", "03-internal", "04-draft"}},
		{"topic and municipality", Query{Topic: "sensornetzwerke-iot", Municipality: mainz}, []string{"03-internal"}},
		{"kind", Query{Kind: "solution"}, []string{"01-sensor", "04-draft"}},
		{"kind and status", Query{Kind: "solution", ProjectStatus: "running"}, []string{"01-sensor"}},
		{"year", Query{Year: 2019}, []string{"02-ozg", "05-xss"}},
		{"year and kind", Query{Year: 2019, Kind: "event"}, []string{"05-xss"}},
		{"unknown year", Query{Year: 1999}, []string{}},
		{"states", Query{States: []string{"draft"}}, []string{"04-draft"}},
		{"several states", Query{States: []string{"draft", "published"}, Topic: "sensornetzwerke-iot"}, []string{"01-sensor", "03-internal", "04-draft"}},
		{"visibility", Query{Visibilities: public, Topic: "sensornetzwerke-iot"}, []string{"01-sensor", "04-draft"}},
		{"state and visibility", Query{States: []string{"published"}, Visibilities: public, Topic: "sensornetzwerke-iot"}, []string{"01-sensor"}},
		{"text and filter", Query{Text: "Sensornetzwerk", Municipality: trier}, []string{"04-draft"}},
		{"text and restriction", Query{Text: "Sensornetzwerk", Visibilities: []string{"internal"}}, []string{"03-internal"}},
		{"text not matching within filter", Query{Text: "Hitzekarte", Municipality: mainz}, []string{}},
		{"unknown filter value", Query{Kind: "nonsense"}, []string{}},
		{"featured", Query{Featured: true}, []string{"06-klima"}},
		{"featured with text", Query{Text: "Open Data", Featured: true}, []string{"06-klima"}},
		{"featured without the text", Query{Text: "Sensornetzwerk", Featured: true}, []string{}},
		{"needs check", Query{NeedsCheck: true, States: []string{"published"}}, []string{"01-sensor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, tt.q)
			if got := sortedIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("hits = %v, want %v", got, tt.want)
			}
			if res.Total != uint64(len(tt.want)) {
				t.Errorf("Total = %d, want %d", res.Total, len(tt.want))
			}
		})
	}
}

func TestSearchFacets(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	type facets = map[string][]FacetValue
	fv := func(pairs ...any) []FacetValue {
		out := []FacetValue{}
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, FacetValue{Value: pairs[i].(string), Count: pairs[i+1].(int)})
		}
		return out
	}
	tests := []struct {
		name string
		q    Query
		want facets
	}{
		{"all", Query{}, facets{
			"topic": fv("sensornetzwerke-iot", 3, "verwaltungsdigitalisierung-ozg", 2, "arbeitsorganisation", 1,
				"klima-umwelt", 1, "krisenmanagement", 1, "mobilitaet", 1, "open-data", 1),
			"municipality":   fv(koblenz, 2, trier, 2, mainz, 2),
			"kind":           fv("solution", 2, "event", 1, "guide", 1, "lessons_learned", 1, "project_result", 1),
			"project_status": fv("completed", 3, "running", 2, "planned", 1),
			"year":           fv("2019", 2, "2015", 1, "2020", 1, "2021", 1, "2022", 1),
		}},
		{"public only", Query{Visibilities: public}, facets{
			"topic": fv("sensornetzwerke-iot", 2, "verwaltungsdigitalisierung-ozg", 2, "klima-umwelt", 1,
				"krisenmanagement", 1, "mobilitaet", 1, "open-data", 1),
			"municipality":   fv(koblenz, 2, trier, 2, mainz, 1),
			"kind":           fv("solution", 2, "event", 1, "lessons_learned", 1, "project_result", 1),
			"project_status": fv("completed", 3, "planned", 1, "running", 1),
			"year":           fv("2019", 2, "2015", 1, "2021", 1, "2022", 1),
		}},
		{"published and public, with text", Query{Text: "Sensornetzwerk", States: []string{"published"}, Visibilities: public}, facets{
			"topic":          fv("krisenmanagement", 1, "sensornetzwerke-iot", 1),
			"municipality":   fv(koblenz, 1),
			"kind":           fv("solution", 1),
			"project_status": fv("running", 1),
			"year":           fv("2021", 1),
		}},
		{"filtered by topic, beyond the page", Query{Topic: "sensornetzwerke-iot", PerPage: 1, Page: 2}, facets{
			"topic":          fv("sensornetzwerke-iot", 3, "arbeitsorganisation", 1, "krisenmanagement", 1, "mobilitaet", 1),
			"municipality":   fv(koblenz, 1, trier, 1, mainz, 1),
			"kind":           fv("solution", 2, "guide", 1),
			"project_status": fv("running", 2, "planned", 1),
			"year":           fv("2020", 1, "2021", 1, "2022", 1),
		}},
		{"nothing found", Query{Text: "Zeppelin"}, facets{
			"topic": fv(), "municipality": fv(), "kind": fv(), "project_status": fv(), "year": fv(),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, tt.q)
			got := facets{
				"topic": res.Facets.Topic, "municipality": res.Facets.Municipality, "kind": res.Facets.Kind,
				"project_status": res.Facets.ProjectStatus, "year": res.Facets.Year,
			}
			for name, want := range tt.want {
				if !slices.Equal(got[name], want) {
					t.Errorf("facet %s = %v, want %v", name, got[name], want)
				}
			}
		})
	}
}

func TestSearchInternalNeverLeaks(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	for _, text := range []string{"", "Sensornetzwerk", "Dienstanweisung", "Homeoffice Sensornetzwerk"} {
		t.Run(text, func(t *testing.T) {
			res := search(t, ix, Query{Text: text, Visibilities: public, PerPage: 100})
			if slices.Contains(hitIDs(res), "03-internal") {
				t.Errorf("hits %v contain the internal entry", hitIDs(res))
			}
			for _, f := range res.Facets.Topic {
				if f.Value == "arbeitsorganisation" {
					t.Errorf("topic facet counts the internal entry: %v", res.Facets.Topic)
				}
			}
			for _, f := range res.Facets.Kind {
				if f.Value == "guide" {
					t.Errorf("kind facet counts the internal entry: %v", res.Facets.Kind)
				}
			}
		})
	}
}

func TestSearchSort(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	newest := []string{"04-draft", "03-internal", "01-sensor", "02-ozg", "05-xss", "06-klima"}
	oldest := slices.Clone(newest)
	slices.Reverse(oldest)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"listing is newest first", Query{}, newest},
		{"listing asked for relevance is newest first", Query{Sort: SortRelevance}, newest},
		{"text sorted by newest", Query{Text: "Sensornetzwerk", Sort: SortNewest}, []string{"04-draft", "03-internal", "01-sensor"}},
		{"listing sorted by oldest", Query{Sort: SortOldest}, oldest},
		{"text sorted by oldest", Query{Text: "Sensornetzwerk", Sort: SortOldest}, []string{"01-sensor", "03-internal", "04-draft"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, tt.q)
			if got := hitIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("hits = %v, want %v", got, tt.want)
			}
			for _, h := range res.Hits {
				if h.Score != 0 && tt.q.Sort != SortRelevance && tt.q.Text != "" {
					t.Errorf("hit %s sorted by date has score %v, want 0", h.ID, h.Score)
				}
			}
		})
	}
}

func TestSearchPaging(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	newest := []string{"04-draft", "03-internal", "01-sensor", "02-ozg", "05-xss", "06-klima"}
	tests := []struct {
		name          string
		page, perPage int
		want          []string
	}{
		{"first page", 1, 4, newest[:4]},
		{"last page", 2, 4, newest[4:]},
		{"page 0 is page 1", 0, 4, newest[:4]},
		{"negative page is page 1", -3, 2, newest[:2]},
		{"default page size", 1, 0, newest},
		{"beyond the end", 3, 4, []string{}},
		{"far beyond the end", 1 << 40, 100, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, Query{Page: tt.page, PerPage: tt.perPage})
			if got := hitIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("hits = %v, want %v", got, tt.want)
			}
			if res.Hits == nil {
				t.Error("Hits is nil, want an empty slice")
			}
			if res.Total != 6 {
				t.Errorf("Total = %d, want 6", res.Total)
			}
		})
	}
}

func TestQueryNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		q                     Query
		wantPage, wantPerPage int
	}{
		{"defaults", Query{}, 1, DefaultPerPage},
		{"too many per page", Query{Page: 3, PerPage: 1000}, 3, MaxPerPage},
		{"negative", Query{Page: -1, PerPage: -1}, 1, DefaultPerPage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			if err := q.normalize(); err != nil {
				t.Fatal(err)
			}
			if q.Page != tt.wantPage || q.PerPage != tt.wantPerPage {
				t.Errorf("Page, PerPage = %d, %d; want %d, %d", q.Page, q.PerPage, tt.wantPage, tt.wantPerPage)
			}
		})
	}
}

func TestSearchAnyTermFallback(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	tests := []struct {
		name        string
		q           Query
		want        []string // sorted ids
		wantAnyTerm bool
	}{
		{"all terms in one entry", Query{Text: "Sensornetzwerk Feuerwehr"}, []string{"01-sensor"}, false},
		{"no entry has all terms", Query{Text: "Feuerwehr Bauantrag"}, []string{"01-sensor", "02-ozg"}, true},
		{"fallback keeps filters", Query{Text: "Feuerwehr Bauantrag", Municipality: mainz}, []string{"02-ozg"}, true},
		{"one unknown term", Query{Text: "Hitzekarte Zeppelin"}, []string{"06-klima"}, true},
		{"single unknown term", Query{Text: "Zeppelin"}, []string{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, tt.q)
			if got := sortedIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("hits = %v, want %v", got, tt.want)
			}
			if res.AnyTerm != tt.wantAnyTerm {
				t.Errorf("AnyTerm = %v, want %v", res.AnyTerm, tt.wantAnyTerm)
			}
		})
	}
}

func TestSearchInvalid(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	tests := []struct {
		name    string
		q       Query
		wantMsg string // "" = no error
	}{
		{"500 characters", Query{Text: strings.Repeat("ä", 500)}, ""},
		{"501 characters", Query{Text: strings.Repeat("ä", 501)}, "Die Suchanfrage ist zu lang (höchstens 500 Zeichen)."},
		{"very long", Query{Text: strings.Repeat("Sensor ", 10_000)}, "Die Suchanfrage ist zu lang (höchstens 500 Zeichen)."},
		{"unknown sort", Query{Sort: "beliebt"}, "Unbekannte Sortierung „beliebt“."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tt.q)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			var e *wiki.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want a *wiki.Error", err)
			}
			if msg := wiki.ErrorText(text.German, e); e.Code != wiki.EINVALID || msg != tt.wantMsg {
				t.Errorf("err = %s %q, want %s %q", e.Code, msg, wiki.EINVALID, tt.wantMsg)
			}
		})
	}
}

func TestSearchTextIsNotQuerySyntax(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	tests := []struct {
		text string
		want []string // sorted ids
	}{
		{"und der die", []string{}},
		{"C++", []string{}},
		{"OZG: Bauanträge?", []string{"02-ozg"}},
		{"-Sensornetzwerk", []string{"01-sensor", "04-draft"}},
		{"+Hitzekarte", []string{"06-klima"}},
		{`"Digitaler Bauantrag"`, []string{"02-ozg"}},
		{"title: Hitzekarte", []string{"06-klima"}},
		{"Hitzek*", []string{}},
		{"Hitzekarte~2", []string{"06-klima"}},
		{"Bauantrag AND Hitzekarte", []string{"02-ozg", "06-klima"}},
		{"/.*/", []string{}},
		{`\`, []string{}},
		{"   ", []string{"01-sensor", "02-ozg", "04-draft", "05-xss", "06-klima"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := search(t, ix, Query{Text: tt.text, Visibilities: public})
			if got := sortedIDs(res); !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestSearchHits(t *testing.T) {
	t.Parallel()
	docs := testDocs()
	ix := newTestIndex(t, docs...)
	res := search(t, ix, Query{Text: "Pegelstände"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %v, want 1", hitIDs(res))
	}
	got, d := res.Hits[0], docs[0]
	for _, c := range []struct{ name, got, want string }{
		{"ID", got.ID, d.ID}, {"Slug", got.Slug, d.Slug}, {"Title", got.Title, d.Title},
		{"Summary", got.Summary, d.Summary}, {"Municipality", got.Municipality, d.Municipality},
		{"MunicipalityName", got.MunicipalityName, d.MunicipalityName}, {"Kind", got.Kind, d.Kind},
		{"ProjectStatus", got.ProjectStatus, d.ProjectStatus},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !slices.Equal(got.Topics, d.Topics) {
		t.Errorf("Topics = %v, want %v", got.Topics, d.Topics)
	}
	if !got.Updated.Equal(d.Updated) {
		t.Errorf("Updated = %v, want %v", got.Updated, d.Updated)
	}
	if got.Score <= 0 {
		t.Errorf("Score = %v, want > 0", got.Score)
	}
	want := []string{"LoRaWAN-Sensornetzwerk für <mark>Pegelstände</mark>"}
	if !slices.Equal(got.Highlights, want) {
		t.Errorf("Highlights = %q, want %q", got.Highlights, want)
	}
	if res.Took <= 0 {
		t.Errorf("Took = %v, want > 0", res.Took)
	}
}

func TestSearchHighlightsLongBody(t *testing.T) {
	t.Parallel()
	filler := strings.Repeat("Der Gemeinderat hat darüber beraten. ", 20)
	d := testDocs()[0]
	d.Body = "Ein <Sensor> am Bach. " + filler + "Das Dashboard & die Warnung. " + filler + "Noch ein Sensor."
	ix := newTestIndex(t, d)
	res := search(t, ix, Query{Text: "Dashboard Sensor"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %v, want 1", hitIDs(res))
	}
	got := res.Hits[0].Highlights
	if len(got) != 2 {
		t.Fatalf("Highlights = %q, want 2", got)
	}
	for _, h := range got {
		if n := len([]rune(strings.NewReplacer("<mark>", "", "</mark>", "", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(h))); n > snippetLength+2 {
			t.Errorf("highlight %q has %d characters, want at most %d", h, n, snippetLength+2)
		}
	}
	if !strings.Contains(got[0], "<mark>Dashboard</mark> &amp; die Warnung") && !strings.Contains(got[1], "<mark>Dashboard</mark> &amp; die Warnung") {
		t.Errorf("Highlights = %q, want one with the dashboard", got)
	}
	if !strings.Contains(got[0]+got[1], "&lt;<mark>Sensor</mark>&gt;") {
		t.Errorf("Highlights = %q, want one with the escaped sensor", got)
	}
}

func TestSearchHighlights(t *testing.T) {
	t.Parallel()
	ix := newTestIndex(t, testDocs()...)
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"body escaped", "Formularserver",
			[]string{`Achtung &lt;script&gt;alert(1)&lt;/script&gt; im <mark>Formularserver</mark> &amp; &#34;mehr&#34; für &#39;alle&#39;.`}},
		{"summary escaped", "Formulare",
			[]string{`<mark>Formulare</mark> mit &lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; Co.`}},
		{"title escaped", "Bürgerdienste",
			[]string{`Formularserver &lt;b&gt;<mark>Bürgerdienste</mark>&lt;/b&gt;`}},
		{"markup in the query", "<script>", []string{`Achtung &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; im Formularserver &amp; &#34;mehr&#34; für &#39;alle&#39;.`}},
		{"snippet of a body", "Hochwasser", []string{
			"Ausgangslage: Nach dem <mark>Hochwasser</mark> wollte die Stadt früher gewarnt werden. Lösung: Ein Sensornetzwerk mit LoRaWAN-Gateways misst alle zehn Minuten die Pegel.…",
		}},
		{"field with the most terms", "Hochwasser Bäche",
			[]string{"Ein Sensornetzwerk misst die Pegel der <mark>Bäche</mark> und warnt bei <mark>Hochwasser</mark>."}},
		{"listing has none", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, ix, Query{Text: tt.text, PerPage: 1})
			if len(res.Hits) == 0 {
				t.Fatal("no hits")
			}
			got := res.Hits[0].Highlights
			if !slices.Equal(got, tt.want) {
				t.Errorf("Highlights =\n%q\nwant\n%q", got, tt.want)
			}
			for _, h := range got {
				if rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h); strings.ContainsAny(rest, "<>") {
					t.Errorf("highlight %q has markup besides <mark>", h)
				}
			}
		})
	}
}
