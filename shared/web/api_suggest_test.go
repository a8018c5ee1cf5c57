package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Entries of the fixture.
const (
	lorawanSlug  = "lorawan-sensornetz-fuer-pegelstaende" // public
	bodenSlug    = "bodenfeuchte-fuer-stadtbaeume"        // public
	haushaltSlug = "buergerhaushalt-online"               // internal
)

// suggestions decodes a /api/v1/suggest answer into the entry slugs and topic slugs.
func suggestions(t *testing.T, resp apiResponse) (entries, topics []string) {
	t.Helper()
	var body apiSuggestions
	if err := json.Unmarshal([]byte(resp.raw), &body); err != nil {
		t.Fatalf("%v: %s", err, resp.raw)
	}
	if body.Entries == nil || body.Topics == nil {
		t.Errorf("lists must be arrays, not null: %s", resp.raw)
	}
	entries, topics = []string{}, []string{}
	for _, e := range body.Entries {
		if e.Title == "" {
			t.Errorf("entry %s without title", e.Slug)
		}
		entries = append(entries, e.Slug)
	}
	for _, tp := range body.Topics {
		topics = append(topics, tp.Slug)
	}
	return entries, topics
}

// lookAlikes decodes a /api/v1/similar answer into the slugs of its items.
func lookAlikes(t *testing.T, resp apiResponse) []string {
	t.Helper()
	var body struct {
		Items []apiEntrySummary `json:"items"`
	}
	if err := json.Unmarshal([]byte(resp.raw), &body); err != nil {
		t.Fatalf("%v: %s", err, resp.raw)
	}
	if body.Items == nil {
		t.Errorf("items must be an array, not null: %s", resp.raw)
	}
	slugs := []string{}
	for _, it := range body.Items {
		slugs = append(slugs, it.Slug)
	}
	return slugs
}

func TestAPISuggest(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	author, token := apiUser(t, a, "kai@beispiel-kommune.de", wiki.RoleMember, "07312000")
	for _, submit := range []bool{false, true} {
		title := "Bürgerhaushalt Entwurfsfassung"
		if submit {
			title = "Bürgerhaushalt Eingereichte Fassung"
		}
		e := &wiki.Entry{Title: title, Kind: wiki.KindSolution, Municipality: "07312000", Summary: "Noch nicht veröffentlicht.",
			Topics: []string{"buergerbeteiligung"}, ProjectStatus: wiki.StatusIdea, Visibility: wiki.Public}
		if _, err := a.CreateEntry(t.Context(), author, e, "", submit); err != nil {
			t.Fatal(err)
		}
	}
	coord, coordToken := apiUser(t, a, "karla@ikone-ds.de", wiki.RoleCoordinator, "")

	for _, tt := range []struct {
		name, q, token string
		entries        []string
		topics         []string
	}{
		{"visitor", "Sensorn", "", []string{lorawanSlug}, []string{"sensornetzwerke-iot"}},
		{"several words", "pegel lorawan-sen", "", []string{lorawanSlug}, []string{}},
		{"umlauts written out", "Buergerb", "", []string{}, []string{"buergerbeteiligung"}},
		{"visitor: no internal entry, no draft", "Bürger", "", []string{}, []string{"buergerbeteiligung"}},
		{"member: internal, no draft", "Bürger", token, []string{haushaltSlug}, []string{"buergerbeteiligung"}},
		{"coordinator: no draft either", "Bürgerhaushalt", coordToken, []string{haushaltSlug}, []string{}},
		{"draft words", "Entwurfsf", coordToken, []string{}, []string{}},
		{"too short", "S", "", []string{}, []string{}},
		{"empty", "", "", []string{}, []string{}},
		{"topic by a later word", "iot", "", []string{}, []string{"sensornetzwerke-iot"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/suggest?q=" + url.QueryEscape(tt.q), token: tt.token})
			if resp.status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.status, resp.raw)
			}
			if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			entries, topics := suggestions(t, resp)
			if !slices.Equal(entries, tt.entries) || !slices.Equal(topics, tt.topics) {
				t.Errorf("q=%s: entries %v topics %v, want %v %v", tt.q, entries, topics, tt.entries, tt.topics)
			}
		})
	}

	t.Run("signed-in browser", func(t *testing.T) {
		c := newClient(t, ts)
		c.signIn(a, "zora@beispiel-zweibruecken.de", wiki.RoleMember, "07320000")
		status, body := c.get("/api/v1/suggest?q=B%C3%BCrgerh")
		if status != http.StatusOK || !strings.Contains(body, haushaltSlug) {
			t.Errorf("status %d, want the internal entry: %s", status, body)
		}
	})

	t.Run("at most eight of each", func(t *testing.T) {
		for i := range 12 {
			e := &wiki.Entry{Title: "Pegelmessung Nummer " + string(rune('A'+i)), Kind: wiki.KindSolution, Municipality: "07312000", Summary: "Messung.",
				Topics: []string{"klima-umwelt"}, ProjectStatus: wiki.StatusIdea, Visibility: wiki.Public}
			e, err := a.CreateEntry(t.Context(), coord, e, "", true)
			if err == nil {
				_, err = a.Transition(t.Context(), coord, e.Slug, 0, wiki.StatePublished, "")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		entries, _ := suggestions(t, callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/suggest?q=Pegel"}))
		if len(entries) != 8 {
			t.Errorf("%d entries, want 8: %v", len(entries), entries)
		}
	})

	t.Run("too long", func(t *testing.T) {
		resp := callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/suggest?q=" + strings.Repeat("ä", 101)})
		if resp.status != http.StatusBadRequest || !strings.Contains(resp.errorMessage(), "zu lang (höchstens 100 Zeichen") {
			t.Errorf("status %d, message %q; want 400 and a German message", resp.status, resp.errorMessage())
		}
		if resp := callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/suggest?q=" + strings.Repeat("ä", 100)}); resp.status != http.StatusOK {
			t.Errorf("100 characters: status %d, want 200", resp.status)
		}
	})
}

func TestAPISimilar(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	author, token := apiUser(t, a, "kai@beispiel-kommune.de", wiki.RoleMember, "07312000")
	draft := &wiki.Entry{Title: "Zisternensensoren melden Regenwasser", Kind: wiki.KindSolution, Municipality: "07312000",
		Summary: "Zisternensensoren im Entwurf.", Topics: []string{"klima-umwelt"}, ProjectStatus: wiki.StatusIdea, Visibility: wiki.Public}
	if _, err := a.CreateEntry(t.Context(), author, draft, "", false); err != nil {
		t.Fatal(err)
	}
	_, coordToken := apiUser(t, a, "karla@ikone-ds.de", wiki.RoleCoordinator, "")

	similar := func(t *testing.T, token string, params url.Values) apiResponse {
		t.Helper()
		return callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/similar?" + params.Encode(), token: token})
	}
	haushalt := url.Values{"title": {"Bürgerhaushalt: Moderation braucht Zeit"}, "summary": {"Erfahrungen mit dem Bürgerhaushalt."}}
	for _, tt := range []struct {
		name   string
		token  string
		params url.Values
		want   []string
	}{
		{"visitor", "", url.Values{"title": {"Sensornetz für Pegelstände an Bächen"}, "summary": {"Sensoren messen und warnen bei Hochwasser."}}, []string{lorawanSlug, bodenSlug}},
		{"title only", "", url.Values{"title": {"Pegelstände per LoRaWAN"}}, []string{lorawanSlug}},
		{"exclude the entry being edited", "", url.Values{"title": {"Sensornetz für Pegelstände an Bächen"}, "summary": {"Sensoren messen und warnen bei Hochwasser."}, "exclude": {lorawanSlug}}, []string{bodenSlug}},
		{"limit", "", url.Values{"title": {"Sensornetz für Pegelstände an Bächen"}, "summary": {"Sensoren messen."}, "limit": {"1"}}, []string{lorawanSlug}},
		{"no draft, not even for its author", token, url.Values{"title": {"Zisternensensoren melden Regenwasser"}}, []string{}},
		{"no draft for the coordination", coordToken, url.Values{"title": {"Zisternensensoren melden Regenwasser"}}, []string{}},
		{"nothing typed", "", url.Values{}, []string{}},
		{"stop words only", "", url.Values{"title": {"und der die das"}}, []string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := similar(t, tt.token, tt.params)
			if resp.status != http.StatusOK {
				t.Fatalf("status %d: %s", resp.status, resp.raw)
			}
			if cc := resp.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			if got := lookAlikes(t, resp); !slices.Equal(got, tt.want) {
				t.Errorf("%v: %v, want %v", tt.params, got, tt.want)
			}
		})
	}

	t.Run("internal entry for members only", func(t *testing.T) {
		if got := lookAlikes(t, similar(t, "", haushalt)); slices.Contains(got, haushaltSlug) {
			t.Errorf("visitor: %v contains the internal entry", got)
		}
		if got := lookAlikes(t, similar(t, token, haushalt)); len(got) == 0 || got[0] != haushaltSlug {
			t.Errorf("member: %v, want the internal entry first", got)
		}
	})

	for _, tt := range []struct {
		name, field string
		params      url.Values
	}{
		{"title too long", "title", url.Values{"title": {strings.Repeat("ß", 201)}}},
		{"summary too long", "summary", url.Values{"title": {"Pegel"}, "summary": {strings.Repeat("ü", 1001)}}},
		{"exclude no slug", "exclude", url.Values{"title": {"Pegel"}, "exclude": {"../etc/passwd"}}},
		{"limit zero", "limit", url.Values{"title": {"Pegel"}, "limit": {"0"}}},
		{"limit too large", "limit", url.Values{"title": {"Pegel"}, "limit": {"11"}}},
		{"limit no number", "limit", url.Values{"title": {"Pegel"}, "limit": {"viele"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := similar(t, "", tt.params)
			if resp.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", resp.status, resp.raw)
			}
			if msg := resp.errorMessage(); !strings.Contains(msg, "ähnlichen Einträgen") {
				t.Errorf("message %q, want a German one", msg)
			}
			if resp.errorField(tt.field) == "" {
				t.Errorf("no message for field %s: %s", tt.field, resp.raw)
			}
		})
	}
	t.Run("longest texts", func(t *testing.T) {
		resp := similar(t, "", url.Values{"title": {strings.Repeat("ß", 200)}, "summary": {strings.Repeat("ü", 1000)}, "limit": {"10"}})
		if resp.status != http.StatusOK {
			t.Errorf("status %d, want 200: %s", resp.status, resp.raw)
		}
	})
}

// TestEnhancementMarkup checks what the script needs from the pages: it is served from
// /static/ as JavaScript, every page loads it deferred, and the entry form carries the box
// for similar entries, which leaves out the entry being edited.
func TestEnhancementMarkup(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	resp, err := http.Get(ts.URL + "/static/wissensnetz.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") ||
		resp.Header.Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("script: status %d, Content-Type %q, Cache-Control %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if _, home := get(t, ts, "/"); !strings.Contains(home, `<script src="/static/wissensnetz.js?v=`+assetVersions()["wissensnetz.js"]+`" defer></script>`) ||
		!strings.Contains(home, `data-suggest="/api/v1/suggest"`) || strings.Contains(home, "<script>") {
		t.Error("the start page does not load the script deferred from /static/, or lacks the suggestion URL")
	}

	c := newClient(t, ts)
	c.signIn(a, "kai@beispiel-kommune.de", wiki.RoleCoordinator, "")
	_, form := c.get("/eintraege/neu")
	if !strings.Contains(form, `id="f-similar" class="similar" aria-live="polite" data-similar="/api/v1/similar" data-heading=`) {
		t.Error("the new entry form lacks the box for similar entries")
	}
	_, edit := c.get("/eintraege/" + lorawanSlug + "/bearbeiten")
	if !strings.Contains(edit, `data-similar="/api/v1/similar" data-exclude="`+lorawanSlug+`"`) {
		t.Error("the edit form does not leave out the entry being edited")
	}
}
