package web

import (
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

var fixedNow = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// newTestServer serves a fresh local app with the fixture imported (3 entries).
func newTestServer(t *testing.T) (*httptest.Server, *app.App) {
	t.Helper()
	var tick sync.Mutex
	now := fixedNow
	clock := func() time.Time { // a minute passes with every save, so that "newest" is well defined
		tick.Lock()
		defer tick.Unlock()
		now = now.Add(time.Minute)
		return now
	}
	a, err := app.OpenLocal(t.Context(), app.LocalConfig{
		DataDir: t.TempDir(), DemoAuthor: wiki.DemoAuthor, Now: clock,
		Demo: func() io.Reader {
			f, err := os.Open("testdata/fixture.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); a.Close() })
	return ts, a
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, ts *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := noRedirect.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, ts *httptest.Server, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func validForm() url.Values {
	return url.Values{
		"title": {"Digitaler Mängelmelder"}, "kind": {"solution"}, "municipality": {"07312000"},
		"summary": {"Bürgerinnen melden Schäden per App."}, "body": {"## Lösung\n\nEine App für **alle**."},
		"topics": {"buergerbeteiligung"}, "tags": {"App, Schäden"}, "project_status": {"running"},
		"visibility": {"public"}, "author": {"Max Muster"}, "version": {"0"},
	}
}

func TestPages(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"Neueste Einträge", "LoRaWAN-Sensornetz für Pegelstände", "Sensornetzwerke &amp; IoT", `lang="de"`, "Zum Inhalt springen"}},
		{"/eintraege", 200, []string{"3 Einträge", "Bodenfeuchte für Stadtbäume"}},
		{"/eintraege?thema=buergerbeteiligung", 200, []string{"1 Eintrag", "Bürgerhaushalt online"}},
		{"/eintraege?kommune=zweibruecken&art=lessons_learned", 200, []string{"1 Eintrag"}},
		{"/eintraege?thema=raumfahrt", 400, []string{"Das Thema „raumfahrt“ gibt es nicht."}},
		{"/eintraege?art=quatsch", 400, []string{"Unbekannte Art"}},
		{"/eintraege/lorawan-sensornetz-fuer-pegelstaende", 200, []string{"<h1>LoRaWAN-Sensornetz für Pegelstände</h1>", "Landkreis Kaiserslautern", "laufend", "März 2021", "Beispieldaten", `href="/eintraege/buergerhaushalt-online"`, "<li>40 Pegelsensoren</li>"}},
		{"/eintraege/gibt-es-nicht", 404, []string{"Diesen Eintrag gibt es nicht."}},
		{"/eintraege/..%2F..%2Fetc", 404, []string{"Diesen Eintrag gibt es nicht."}},
		{"/eintraege/lorawan-sensornetz-fuer-pegelstaende/versionen", 200, []string{"Versionsgeschichte", "Beispieldaten"}},
		{"/eintraege/lorawan-sensornetz-fuer-pegelstaende/vergleich?von=1&zu=9", 404, []string{"Version 9"}},
		{"/eintraege/lorawan-sensornetz-fuer-pegelstaende/vergleich?von=x", 400, []string{"zwei Versionen"}},
		{"/eintraege/neu", 200, []string{`<label for="f-title">Titel`, "## Ausgangslage", "Kaiserslautern"}},
		{"/suche?q=Sensornetzwerke", 200, []string{"<mark>", "LoRaWAN-Sensornetz für Pegelstände"}},
		{"/suche?q=" + url.QueryEscape(strings.Repeat("lang ", 200)), 400, []string{"zu lang"}},
		{"/suche?q=Stadtb%C3%A4ume&seite=99", 200, []string{"1 Eintrag"}},
		{"/kommunen", 200, []string{"Zweibrücken", "Landkreis"}},
		{"/kommunen/zweibruecken", 200, []string{"Bürgerhaushalt online", "AGS 07320000"}},
		{"/kommunen/mars", 404, []string{"nicht bekannt"}},
		{"/themen", 200, []string{"Klima &amp; Umwelt", "(2 Einträge)"}},
		{"/themen/klima-umwelt", 200, []string{"Bodenfeuchte für Stadtbäume"}},
		{"/gibt/es/nicht", 404, []string{"Diese Seite gibt es nicht."}},
		{"/static/style.css", 200, []string{"--brand"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body := get(t, ts, tt.path)
			if status != tt.status {
				t.Errorf("GET %s: status %d, want %d", tt.path, status, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tt.path, w)
				}
			}
		})
	}
}

func TestCreateEntryForm(t *testing.T) {
	ts, a := newTestServer(t)
	t.Run("invalid input is kept and explained", func(t *testing.T) {
		form := validForm()
		form.Set("title", "")
		form.Set("contact_email", "kein-mail")
		form.Set("body", "Mein <script>alert('x')</script> Text")
		form.Del("topics")
		resp, body := post(t, ts, "/eintraege", form)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", resp.StatusCode)
		}
		for _, w := range []string{"Titel fehlt.", "Bitte wählen Sie mindestens ein Thema.", "gültige E-Mail-Adresse", `value="kein-mail"`,
			"Bürgerinnen melden Schäden per App.", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", `aria-invalid="true"`, `href="#f-title"`} {
			if !strings.Contains(body, w) {
				t.Errorf("form page lacks %q", w)
			}
		}
		if strings.Contains(body, "<script>alert") {
			t.Error("script from input rendered unescaped")
		}
	})
	t.Run("valid input is saved", func(t *testing.T) {
		resp, _ := post(t, ts, "/eintraege", validForm())
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/eintraege/digitaler-maengelmelder?gespeichert=1" {
			t.Fatalf("status %d location %q, want 303 to the entry", resp.StatusCode, resp.Header.Get("Location"))
		}
		status, body := get(t, ts, "/eintraege/digitaler-maengelmelder?gespeichert=1")
		if status != 200 || !strings.Contains(body, "Gespeichert.") || !strings.Contains(body, "<strong>alle</strong>") {
			t.Errorf("entry page after save: %d, missing notice or Markdown", status)
		}
		if _, body := get(t, ts, "/suche?q=M%C3%A4ngelmelder"); !strings.Contains(body, "/eintraege/digitaler-maengelmelder") {
			t.Error("new entry not found by search")
		}
		if e, err := a.Entry(t.Context(), "digitaler-maengelmelder"); err != nil || e.UpdatedBy != "Max Muster" {
			t.Errorf("stored entry: %+v, %v", e, err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		form := validForm()
		form.Set("body", strings.Repeat("x", maxFormBytes+10))
		resp, body := post(t, ts, "/eintraege", form)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "zu groß") {
			t.Errorf("status %d, want 413 with a German message", resp.StatusCode)
		}
	})
	t.Run("body over the limit", func(t *testing.T) {
		form := validForm()
		form.Set("title", "Zu langer Text")
		form.Set("body", strings.Repeat("Wort ", wiki.MaxBodyBytes/5+10))
		resp, body := post(t, ts, "/eintraege", form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Der Text ist zu lang") {
			t.Errorf("status %d, want 400 with the length message", resp.StatusCode)
		}
		if _, err := a.Entry(t.Context(), "zu-langer-text"); wiki.ErrorCode(err) != wiki.ENOTFOUND {
			t.Errorf("rejected entry was stored: %v", err)
		}
	})
}

func TestEditConflict(t *testing.T) {
	ts, a := newTestServer(t)
	const slug = "bodenfeuchte-fuer-stadtbaeume"
	status, page := get(t, ts, "/eintraege/"+slug+"/bearbeiten")
	if status != 200 || !strings.Contains(page, `name="version" value="1"`) {
		t.Fatalf("edit form: %d, want version 1 in the form", status)
	}
	form := validForm()
	form.Set("title", "Bodenfeuchte für Stadtbäume")
	form.Set("municipality", "07335000")
	form.Set("version", "1")
	form.Set("summary", "Erste Änderung.")
	resp, _ := post(t, ts, "/eintraege/"+slug+"/bearbeiten", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: status %d, want 303", resp.StatusCode)
	}
	form.Set("summary", "Zweite Änderung aus einem alten Formular.")
	resp, body := post(t, ts, "/eintraege/"+slug+"/bearbeiten", form)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: status %d, want 409", resp.StatusCode)
	}
	for _, w := range []string{"Bearbeitungskonflikt", "Zweite Änderung aus einem alten Formular.", "Erste Änderung.", `name="version" value="2"`} {
		if !strings.Contains(body, w) {
			t.Errorf("conflict page lacks %q", w)
		}
	}
	e, _ := a.Entry(t.Context(), slug)
	if e.Summary != "Erste Änderung." || e.Version != 2 {
		t.Errorf("stored after conflict: v%d %q, want v2 'Erste Änderung.'", e.Version, e.Summary)
	}
	status, body = get(t, ts, "/eintraege/"+slug+"/vergleich?von=1&zu=2")
	if status != 200 || !strings.Contains(body, "Erste Änderung.") || !strings.Contains(body, "<del>") {
		t.Errorf("compare page: %d, missing change", status)
	}
}

func TestAPI(t *testing.T) {
	ts, _ := newTestServer(t)
	tests := []struct {
		path   string
		status int
		check  func(t *testing.T, body map[string]any)
	}{
		{"/healthz", 200, func(t *testing.T, b map[string]any) {
			if b["status"] != "ok" {
				t.Errorf("status = %v", b["status"])
			}
		}},
		{"/api/v1/entries?per_page=2", 200, func(t *testing.T, b map[string]any) {
			if b["total"] != 3.0 || len(b["items"].([]any)) != 2 {
				t.Errorf("total %v items %d, want 3 and 2", b["total"], len(b["items"].([]any)))
			}
		}},
		{"/api/v1/entries?municipality=07320000", 200, func(t *testing.T, b map[string]any) {
			if b["total"] != 1.0 {
				t.Errorf("total %v, want 1", b["total"])
			}
		}},
		{"/api/v1/entries?page=-1", 400, nil},
		{"/api/v1/entries/buergerhaushalt-online", 200, func(t *testing.T, b map[string]any) {
			if b["kind"] != "lessons_learned" || b["project_status"] != "completed" || b["visibility"] != "internal" {
				t.Errorf("entry = %v", b)
			}
		}},
		{"/api/v1/entries/nix", 404, func(t *testing.T, b map[string]any) {
			e := b["error"].(map[string]any)
			if e["code"] != "not_found" || e["message"] != "Diesen Eintrag gibt es nicht." {
				t.Errorf("error = %v", e)
			}
		}},
		{"/api/v1/search?q=Sensornetzwerk&topic=klima-umwelt&municipality=kaiserslautern", 200, func(t *testing.T, b map[string]any) {
			hits := b["hits"].([]any)
			if b["total"] != 1.0 || len(hits) != 1 {
				t.Fatalf("total %v hits %d, want 1", b["total"], len(hits))
			}
			h := hits[0].(map[string]any)
			if h["slug"] != "lorawan-sensornetz-fuer-pegelstaende" || h["municipality"] != "07312000" || len(h["highlights"].([]any)) == 0 {
				t.Errorf("hit = %v", h)
			}
			if _, ok := b["facets"].(map[string]any)["topic"]; !ok {
				t.Error("no topic facet")
			}
		}},
		{"/api/v1/search?kind=rocket", 400, nil},
		{"/api/v1/municipalities", 200, nil},
		{"/api/v1/topics", 200, nil},
		{"/api/v1/nothing", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := http.Get(ts.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			var body any
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if m, ok := body.(map[string]any); ok && tt.check != nil {
				tt.check(t, m)
			}
		})
	}
	status, body := get(t, ts, "/api/v1/openapi.yaml")
	if status != 200 || !strings.Contains(body, "openapi: 3.1.0") {
		t.Errorf("openapi: %d", status)
	}
}

// TestOpenAPIDocumentsRoutes checks that every API route of the mux is in the OpenAPI file.
func TestOpenAPIDocumentsRoutes(t *testing.T) {
	doc, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/healthz:", "/api/v1/entries:", "/api/v1/entries/{slug}:", "/api/v1/search:", "/api/v1/municipalities:", "/api/v1/topics:"} {
		if !strings.Contains(string(doc), "\n  "+p) {
			t.Errorf("openapi.yaml lacks path %s", p)
		}
	}
}

func TestCatalogComplete(t *testing.T) {
	used := regexp.MustCompile(`\{\{t "([^"]+)"\}\}|T\("([^"]+)"\)`)
	files, _ := filepath.Glob("templates/*.html")
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, goFiles...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			key := m[1] + m[2]
			if _, ok := messagesDE[key]; !ok {
				t.Errorf("%s uses text %q, which the catalogue lacks", f, key)
			}
		}
	}
}

// TestGolden compares a few pages with golden files; run with -update to rewrite them.
func TestGolden(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, tt := range []struct{ name, path string }{
		{"home", "/"},
		{"entry", "/eintraege/lorawan-sensornetz-fuer-pegelstaende"},
		{"search", "/suche?q=Bodenfeuchte"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, body := get(t, ts, tt.path)
			golden := filepath.Join("testdata", tt.name+".golden.html")
			if *update {
				if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update once)", err)
			}
			if body != string(want) {
				t.Errorf("%s differs from %s; run go test ./shared/web -run TestGolden -update and review the diff", tt.path, golden)
			}
		})
	}
}
