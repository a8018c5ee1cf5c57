package web

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/cookiejar"
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
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// fixedNow lies in the future: stores check session expiry against the wall clock.
var fixedNow = time.Date(2030, 11, 4, 9, 30, 0, 0, time.UTC)

// testConfig is the configuration of the local app behind newTestServer.
type testConfig struct {
	app.Local
	app.Options
	Web []Option // options of the server
}

// newTestServer serves a fresh local app with the fixture imported (3 entries); configure,
// if given, changes the configuration first.
func newTestServer(t testing.TB, configure ...func(*testConfig)) (*httptest.Server, *app.App) {
	t.Helper()
	var tick sync.Mutex
	now := fixedNow
	clock := func() time.Time { // a minute passes with every save, so that "newest" is well defined
		tick.Lock()
		defer tick.Unlock()
		now = now.Add(time.Minute)
		return now
	}
	cfg := testConfig{Local: app.Local{
		DataDir: t.TempDir(), DemoAuthor: wiki.DemoAuthor,
		Demo: func() io.Reader {
			f, err := os.Open("testdata/fixture.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		},
	}, Options: app.Options{Now: clock}}
	for _, c := range configure {
		c(&cfg)
	}
	a, err := openLocal(t.Context(), cfg.Local, cfg.Options)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(a, nil, cfg.Web...)
	if err != nil {
		t.Fatal(err)
	}
	ts := contractServer(t, s)
	t.Cleanup(func() { ts.Close(); a.Close() })
	return ts, a
}

// openLocal starts a local installation in l.DataDir on the embedded store, as the web
// function's local mode does, by default at its default address.
func openLocal(ctx context.Context, l app.Local, o app.Options) (*app.App, error) {
	if o.BaseURL == "" {
		o.BaseURL = "http://localhost:8080"
	}
	st, err := embedded.Open(l.DataDir)
	if err != nil {
		return nil, err
	}
	return app.StartLocal(ctx, st, l, o)
}

const testPassword = "Pegelstand-2024!"

// client is a browser: it keeps cookies and does not follow redirects.
type client struct {
	t    *testing.T
	ts   *httptest.Server
	http *http.Client
}

func newClient(t *testing.T, ts *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t, ts, &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.ts.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post sends a form from page (a path showing a form), with that page's form token.
func (c *client) post(page, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	_, body := c.get(page)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no form token on %s", page)
	}
	form.Set("csrf", m[1])
	return c.postRaw(path, form)
}

func (c *client) postRaw(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signIn creates an account and signs the client in with it.
func (c *client) signIn(a *app.App, email string, role wiki.Role, ags string) *wiki.User {
	c.t.Helper()
	u, err := a.CreateUser(c.t.Context(), auth.Visitor, app.NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: role, Municipality: ags, Password: testPassword})
	if err != nil {
		c.t.Fatal(err)
	}
	resp, body := c.post("/anmelden", "/anmelden", url.Values{"email": {email}, "password": {testPassword}, "weiter": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("sign in: status %d\n%s", resp.StatusCode, body)
	}
	return u
}

func get(t *testing.T, ts *httptest.Server, path string) (int, string) {
	t.Helper()
	return newClient(t, ts).get(path)
}

func validForm() url.Values {
	return url.Values{
		"title": {"Digitaler Mängelmelder"}, "kind": {"solution"}, "municipality": {"07312000"},
		"summary": {"Bürgerinnen melden Schäden per App."}, "body": {"## Lösung\n\nEine App für **alle**."},
		"topics": {"buergerbeteiligung"}, "tags": {"App, Schäden"}, "project_status": {"running"},
		"visibility": {"public"}, "version": {"0"},
	}
}

func TestPages(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t)
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"Neueste Einträge", "LoRaWAN-Sensornetz für Pegelstände", "Sensornetzwerke &amp; IoT", `lang="de"`, "Zum Inhalt springen"}},
		{"/eintraege", 200, []string{"2 Einträge", "Bodenfeuchte für Stadtbäume"}},
		{"/eintraege?thema=klima-umwelt", 200, []string{"2 Einträge", "LoRaWAN-Sensornetz"}},
		{"/eintraege?kommune=zweibruecken", 200, []string{"0 Einträge"}},
		{"/eintraege/buergerhaushalt-online", 404, []string{"Diesen Eintrag gibt es nicht."}},
		{"/eintraege?thema=raumfahrt", 400, []string{"Das Thema „raumfahrt“ gibt es nicht."}},
		{"/eintraege?art=quatsch", 400, []string{"Unbekannte Art"}},
		{"/eintraege/lorawan-sensornetz-fuer-pegelstaende", 200, []string{"<h1>LoRaWAN-Sensornetz für Pegelstände</h1>", "Landkreis Kaiserslautern", "laufend", "März 2021", "Beispieldaten", `href="/eintraege/buergerhaushalt-online"`, "<li>40 Pegelsensoren</li>", "Die Ansprechperson sehen angemeldete Mitglieder"}},
		{"/eintraege/gibt-es-nicht", 404, []string{"Diesen Eintrag gibt es nicht."}},
		{"/eintraege/..%2F..%2Fetc", 404, []string{"Diesen Eintrag gibt es nicht."}},
		{"/eintraege/lorawan-sensornetz-fuer-pegelstaende/versionen", 401, []string{"Bitte melden Sie sich an."}},
		{"/eintraege/lorawan-sensornetz-fuer-pegelstaende/vergleich?von=x", 400, []string{"zwei Versionen"}},
		{"/eintraege/neu", 303, nil},
		{"/anmelden", 200, []string{`<label for="f-email">E-Mail-Adresse`, `name="csrf"`}},
		{"/suche?q=Sensornetzwerke", 200, []string{"<mark>", "LoRaWAN-Sensornetz für Pegelstände"}},
		{"/suche?q=" + url.QueryEscape(strings.Repeat("lang ", 200)), 400, []string{"zu lang"}},
		{"/suche?q=Stadtb%C3%A4ume&seite=99", 200, []string{"1 Eintrag"}},
		{"/kommunen", 200, []string{"Zweibrücken", "Landkreis"}},
		{"/kommunen/zweibruecken", 200, []string{"AGS 07320000", "(0)"}},
		{"/kommunen/mars", 404, []string{"nicht bekannt"}},
		{"/themen", 200, []string{"Klima &amp; Umwelt", "(2 Einträge)", "(0 Einträge)"}},
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
	t.Parallel()
	ts, a := newTestServer(t)
	c := newClient(t, ts)
	c.signIn(a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	t.Run("invalid input is kept and explained", func(t *testing.T) {
		form := validForm()
		form.Set("title", "")
		form.Set("contact_email", "kein-mail")
		form.Set("body", "Mein <script>alert('x')</script> Text")
		form.Del("topics")
		resp, body := c.post("/eintraege/neu", "/eintraege", form)
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
	t.Run("valid input is saved as a draft of the member's municipality", func(t *testing.T) {
		form := validForm()
		form.Set("municipality", "07320000") // ignored: members write for their own
		resp, _ := c.post("/eintraege/neu", "/eintraege", form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/eintraege/digitaler-maengelmelder?gespeichert=1" {
			t.Fatalf("status %d location %q, want 303 to the entry", resp.StatusCode, resp.Header.Get("Location"))
		}
		status, body := c.get("/eintraege/digitaler-maengelmelder?gespeichert=1")
		if status != 200 || !strings.Contains(body, "Gespeichert.") || !strings.Contains(body, "<strong>alle</strong>") || !strings.Contains(body, "Zur Prüfung einreichen") {
			t.Errorf("entry page after save: %d, missing notice, Markdown or submit button", status)
		}
		if e, err := a.Entry(t.Context(), auth.Viewer{User: &wiki.User{Role: wiki.RoleCoordinator}}, "digitaler-maengelmelder"); err != nil || e.UpdatedBy != "max" || e.Municipality != "07312000" || e.State != wiki.StateDraft {
			t.Errorf("stored entry: %+v, %v", e, err)
		}
		if status, _ := get(t, ts, "/eintraege/digitaler-maengelmelder"); status != http.StatusNotFound {
			t.Errorf("visitor sees the draft: status %d, want 404", status)
		}
	})
	t.Run("too large", func(t *testing.T) {
		form := validForm()
		form.Set("body", strings.Repeat("x", maxFormBytes+10))
		resp, body := c.post("/eintraege/neu", "/eintraege", form)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "zu groß") {
			t.Errorf("status %d, want 413 with a German message", resp.StatusCode)
		}
	})
	t.Run("body over the limit", func(t *testing.T) {
		form := validForm()
		form.Set("title", "Zu langer Text")
		form.Set("body", strings.Repeat("Wort ", wiki.MaxBodyBytes/5+10))
		resp, body := c.post("/eintraege/neu", "/eintraege", form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Der Text ist zu lang") {
			t.Errorf("status %d, want 400 with the length message", resp.StatusCode)
		}
	})
	t.Run("missing or forged form token", func(t *testing.T) {
		resp, body := c.postRaw("/eintraege", validForm())
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Formular ist abgelaufen") {
			t.Errorf("without token: status %d, want 403", resp.StatusCode)
		}
		form := validForm()
		form.Set("csrf", auth.NewSecret())
		if resp, _ := c.postRaw("/eintraege", form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("forged token: status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("cross-site post", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/eintraege", strings.NewReader(validForm().Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site post: status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("visitor", func(t *testing.T) {
		v := newClient(t, ts)
		resp, _ := v.post("/anmelden", "/eintraege", validForm())
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("visitor posting an entry: status %d, want 401", resp.StatusCode)
		}
	})
}

func TestEditConflict(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	const slug = "bodenfeuchte-fuer-stadtbaeume"
	c := newClient(t, ts)
	c.signIn(a, "lk@beispiel-kreis.de", wiki.RoleMember, "07335000")
	status, page := c.get("/eintraege/" + slug + "/bearbeiten")
	if status != 200 || !strings.Contains(page, `name="version" value="1"`) {
		t.Fatalf("edit form: %d, want version 1 in the form", status)
	}
	form := validForm()
	form.Set("title", "Bodenfeuchte für Stadtbäume")
	form.Set("version", "1")
	form.Set("summary", "Erste Änderung.")
	resp, _ := c.post("/eintraege/"+slug+"/bearbeiten", "/eintraege/"+slug+"/bearbeiten", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: status %d, want 303", resp.StatusCode)
	}
	form.Set("summary", "Zweite Änderung aus einem alten Formular.")
	resp, body := c.post("/eintraege/"+slug+"/bearbeiten", "/eintraege/"+slug+"/bearbeiten", form)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: status %d, want 409", resp.StatusCode)
	}
	for _, w := range []string{"Bearbeitungskonflikt", "Zweite Änderung aus einem alten Formular.", "Erste Änderung.", `name="version" value="2"`} {
		if !strings.Contains(body, w) {
			t.Errorf("conflict page lacks %q", w)
		}
	}
	everyone := auth.Viewer{User: &wiki.User{Role: wiki.RoleCoordinator}}
	e, _ := a.Entry(t.Context(), everyone, slug)
	if e.Summary != "Erste Änderung." || e.Version != 2 || e.Municipality != "07335000" {
		t.Errorf("stored after conflict: v%d %q, want v2 'Erste Änderung.'", e.Version, e.Summary)
	}
	status, body = c.get("/eintraege/" + slug + "/vergleich?von=1&zu=2")
	if status != 200 || !strings.Contains(body, "Erste Änderung.") || !strings.Contains(body, "<del>") {
		t.Errorf("compare page: %d, missing change", status)
	}
	// Another municipality's member may read the published entry but not edit it.
	other := newClient(t, ts)
	other.signIn(a, "zw@beispiel-kommune.de", wiki.RoleMember, "07320000")
	if status, _ := other.get("/eintraege/" + slug + "/bearbeiten"); status != http.StatusForbidden {
		t.Errorf("other member opening the edit form: %d, want 403", status)
	}
	form.Set("version", "2")
	if resp, _ := other.post("/", "/eintraege/"+slug+"/bearbeiten", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("other member posting an edit: %d, want 403", resp.StatusCode)
	}
	if e, _ := a.Entry(t.Context(), everyone, slug); e.Version != 2 {
		t.Errorf("entry changed by a forbidden edit: v%d", e.Version)
	}
}

func TestAPI(t *testing.T) {
	t.Parallel()
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
		{"/api/v1/entries?per_page=1", 200, func(t *testing.T, b map[string]any) {
			if b["total"] != 2.0 || len(b["items"].([]any)) != 1 {
				t.Errorf("total %v items %d, want 2 and 1", b["total"], len(b["items"].([]any)))
			}
		}},
		{"/api/v1/entries?municipality=07335000", 200, func(t *testing.T, b map[string]any) {
			if b["total"] != 1.0 {
				t.Errorf("total %v, want 1", b["total"])
			}
		}},
		{"/api/v1/entries?page=-1", 400, nil},
		{"/api/v1/entries/bodenfeuchte-fuer-stadtbaeume", 200, func(t *testing.T, b map[string]any) {
			if b["kind"] != "project_result" || b["project_status"] != "completed" || b["visibility"] != "public" {
				t.Errorf("entry = %v", b)
			}
		}},
		{"/api/v1/entries/buergerhaushalt-online", 404, nil},
		{"/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende", 200, func(t *testing.T, b map[string]any) {
			if c, _ := b["contact"].(map[string]any); len(c) != 0 {
				t.Errorf("visitor sees contact data %v", c)
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
		{"/api/v1/search?q=Bodenfeuchtte", 200, func(t *testing.T, b map[string]any) {
			if b["suggestion"] != "Bodenfeuchte" || b["typos"] != true {
				t.Errorf("suggestion %v typos %v, want Bodenfeuchte and true", b["suggestion"], b["typos"])
			}
		}},
		{"/api/v1/search?q=%22Bodenfeuchte+Sensoren%22", 200, func(t *testing.T, b map[string]any) {
			if b["total"] != 1.0 || b["phrases_apart"] != true {
				t.Errorf("total %v phrases_apart %v, want 1 and true", b["total"], b["phrases_apart"])
			}
		}},
		{"/api/v1/search?q=%22unbalanced+AND+*wild+-x", 200, nil},
		{"/api/v1/search?q=und+der+die&page=99999", 200, nil},
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

// TestOpenAPIDocumentsRoutes checks that every API route of the mux, with its method, is
// an operation of the OpenAPI document, and that every operation of the document is a
// route of the mux.
func TestOpenAPIDocumentsRoutes(t *testing.T) {
	t.Parallel()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, path := range c.doc.Paths.InMatchingOrder() {
		for method := range c.doc.Paths.Value(path).Operations() {
			documented[method+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, pattern := range registeredRoutes(t) {
		_, path, ok := strings.Cut(pattern, " ")
		if !ok || (!strings.HasPrefix(path, "/api/") && path != "/healthz") {
			continue // pages, and the catch-alls answering 404
		}
		registered[pattern] = true
		if !documented[pattern] {
			t.Errorf("openapi.yaml lacks the route %s", pattern)
		}
	}
	for op := range documented {
		if !registered[op] {
			t.Errorf("openapi.yaml documents %s, which the server does not route", op)
		}
	}
	if len(registered) < 20 {
		t.Errorf("checked %d API routes, want all of them (at least 20)", len(registered))
	}
}

// TestAPIReadsCheckTheToken sends every GET operation of the OpenAPI document a made-up
// API token: each answers 401 (the contract check makes sure that it is documented), the
// API's with WWW-Authenticate.
func TestAPIReadsCheckTheToken(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := newTestServer(t)
	fill := strings.NewReplacer("{slug}", "klima-umwelt", "{ags}", "07312000", "{id}", madeUpID)
	n := 0
	for _, path := range c.doc.Paths.InMatchingOrder() {
		if c.doc.Paths.Value(path).Get == nil {
			continue
		}
		n++
		resp := callAPI(t, ts, nil, apiRequest{method: "GET", path: fill.Replace(path), token: "wn_" + strings.Repeat("a", 43)})
		if resp.status != http.StatusUnauthorized {
			t.Errorf("GET %s with a made-up token: status %d, want 401", path, resp.status)
		}
		if strings.HasPrefix(path, "/api/") && resp.header.Get("WWW-Authenticate") == "" {
			t.Errorf("GET %s with a made-up token: 401 without WWW-Authenticate", path)
		}
	}
	if n < 12 {
		t.Errorf("%d GET operations in the document, want at least 12", n)
	}
}

var assetVersion = regexp.MustCompile(`\?v=[0-9a-f]{12}\b`)

// TestGolden compares a few pages with golden files; run with -update to rewrite them.
func TestGolden(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t)
	for _, tt := range []struct{ name, path string }{
		{"home", "/"},
		{"entry", "/eintraege/lorawan-sensornetz-fuer-pegelstaende"},
		{"search", "/suche?q=Bodenfeuchte"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, body := get(t, ts, tt.path)
			// The versions of the static files change with them, not with the pages.
			body = assetVersion.ReplaceAllString(body, "?v=VERSION")
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

func TestSearchPageSuggestion(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t)
	status, body := get(t, ts, "/suche?q=Bodenfeuchtte")
	if status != 200 || !strings.Contains(body, "Meinten Sie") || !strings.Contains(body, `href="/suche?q=Bodenfeuchte"`) {
		t.Errorf("status %d; page lacks the suggestion Bodenfeuchte", status)
	}
	const apart = "direkt hintereinander"
	if _, body := get(t, ts, "/suche?q=%22Bodenfeuchte+Sensoren%22"); !strings.Contains(body, apart) || !strings.Contains(body, "Bodenfeuchte für Stadtbäume") {
		t.Error(`/suche?q="Bodenfeuchte Sensoren": no hint that the quoted words were found apart, or not the entry`)
	}
	if _, body := get(t, ts, "/suche?q=%22Bodenfeuchte+f%C3%BCr+Stadtb%C3%A4ume%22"); strings.Contains(body, apart) {
		t.Error(`/suche?q="Bodenfeuchte für Stadtbäume": hint that the words were found apart`)
	}
	for _, q := range []string{"%22unbalanced", "*Hitze+AND+OR+NOT", "und+der+die", "%5C%5C%22"} {
		if status, _ := get(t, ts, "/suche?q="+q); status != 200 {
			t.Errorf("/suche?q=%s: status %d, want 200", q, status)
		}
	}
}

// Pages link to the static files with their version, which may then be kept for a year;
// other addresses of the files only for an hour.
func TestStaticVersions(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t)
	_, home := get(t, ts, "/")
	for _, name := range []string{"style.css", "wissensnetz.js", "favicon.svg"} {
		url, err := assetURL(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(home, `"`+url+`"`) {
			t.Errorf("the start page does not link to %s", url)
		}
		for path, want := range map[string]string{
			url:                                   "public, max-age=31536000, immutable",
			"/static/" + name:                     "public, max-age=3600",
			"/static/" + name + "?v=0123456789ab": "public, max-age=3600",
		} {
			resp, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != want {
				t.Errorf("%s: status %d, Cache-Control %q, want 200 and %q", path, resp.StatusCode, resp.Header.Get("Cache-Control"), want)
			}
		}
	}
	if _, err := assetURL("missing.css"); err == nil {
		t.Error("assetURL(missing.css) gave no error")
	}
}

func TestStaticUnknownNames(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t)
	for _, path := range []string{"/static/", "/static/gibt-es-nicht.css", "/static/a/b/c/%FF%FE%C3", "/static/%FF", "/static/style.css/",
		"/static/..%2fserver.go", "/static/%C3%A4.css"} {
		t.Run(path, func(t *testing.T) {
			status, body := get(t, ts, path)
			if status != http.StatusNotFound || !strings.Contains(body, "Diese Seite gibt es nicht.") {
				t.Errorf("GET %s: status %d, want 404 with the German page\n%.300s", path, status, body)
			}
		})
	}
}
