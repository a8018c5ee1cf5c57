package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// apiRequest is one call of the JSON API.
type apiRequest struct {
	method, path string
	token        string            // API token; "" for none
	body         string            // JSON
	header       map[string]string // extra headers; Content-Type defaults to application/json when a body is set
}

// apiResponse is what came back, with the body decoded as far as it is JSON.
type apiResponse struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// errorField returns error.fields[name] of an error response.
func (r apiResponse) errorField(name string) string {
	e, _ := r.body["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	s, _ := f[name].(string)
	return s
}

// errorMessage returns error.message of an error response.
func (r apiResponse) errorMessage() string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func callAPI(t *testing.T, ts *httptest.Server, hc *http.Client, in apiRequest) apiResponse {
	t.Helper()
	var body io.Reader
	if in.body != "" {
		body = strings.NewReader(in.body)
	}
	req, err := http.NewRequest(in.method, ts.URL+in.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if in.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if in.token != "" {
		req.Header.Set("Authorization", "Bearer "+in.token)
	}
	for k, v := range in.header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := apiResponse{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	json.Unmarshal(b, &out.body)
	return out
}

// apiUser creates an account and an API token for it.
func apiUser(t *testing.T, a *app.App, email string, role wiki.Role, ags string) (auth.Viewer, string) {
	t.Helper()
	u, err := a.CreateUser(t.Context(), auth.Visitor, app.NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: role, Municipality: ags, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	v := auth.Viewer{User: u}
	token, err := a.CreateAPIToken(t.Context(), v, "Test")
	if err != nil {
		t.Fatal(err)
	}
	return v, token
}

const newEntryJSON = `{"title": "Digitaler Mängelmelder", "kind": "solution", "summary": "Bürgerinnen melden Schäden per App.",
	"body": "## Lösung\n\nEine App.", "topics": ["buergerbeteiligung"], "project_status": "running", "visibility": "public",
	"contact": {"name": "Mara Melder", "email": "mara.melder@beispiel-kommune.de"}, "comment": "Erste Fassung"}`

func TestAPIEntryWorkflow(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	_, member := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	_, coord := apiUser(t, a, "karla@ikone-ds.de", wiki.RoleCoordinator, "")
	const path = "/api/v1/entries/digitaler-maengelmelder"

	resp := callAPI(t, ts, nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: newEntryJSON})
	if resp.status != http.StatusCreated || resp.header.Get("Location") != path || resp.header.Get("ETag") != `"1"` {
		t.Fatalf("create: status %d location %q etag %q, want 201 %s \"1\"\n%s", resp.status, resp.header.Get("Location"), resp.header.Get("ETag"), path, resp.raw)
	}
	if resp.body["state"] != "draft" || resp.body["municipality"] != "07312000" {
		t.Errorf("created entry: state %v municipality %v, want a draft of the member's municipality", resp.body["state"], resp.body["municipality"])
	}

	t.Run("control fields are ignored", func(t *testing.T) {
		body := strings.Replace(newEntryJSON, `"title": "Digitaler Mängelmelder"`, `"title": "Eigenmächtig veröffentlicht", "slug": "anders", "state": "published",
			"featured": true, "version": 7, "submitted_by": "01JC0000000000000000000000", "created_by": "Jemand"`, 1)
		resp := callAPI(t, ts, nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: body})
		if resp.status != http.StatusCreated || resp.body["slug"] != "eigenmaechtig-veroeffentlicht" || resp.body["state"] != "draft" ||
			resp.body["featured"] != nil || resp.body["version"] != 1.0 || resp.body["submitted_by"] != nil || resp.body["created_by"] != "max" {
			t.Errorf("created: %d %s", resp.status, resp.raw)
		}
	})

	// Round trip: what GET returns can be sent back changed.
	got := callAPI(t, ts, nil, apiRequest{method: "GET", path: path, token: member})
	got.body["summary"] = "Geänderte Kurzbeschreibung."
	got.body["comment"] = "Kurzbeschreibung geschärft"
	changed, _ := json.Marshal(got.body)

	t.Run("update needs If-Match", func(t *testing.T) {
		resp := callAPI(t, ts, nil, apiRequest{method: "PUT", path: path, token: member, body: string(changed)})
		if resp.status != http.StatusPreconditionRequired || !strings.Contains(resp.errorMessage(), "If-Match") {
			t.Errorf("status %d message %q, want 428 naming If-Match", resp.status, resp.errorMessage())
		}
	})
	t.Run("update", func(t *testing.T) {
		resp := callAPI(t, ts, nil, apiRequest{method: "PUT", path: path, token: member, body: string(changed), header: map[string]string{"If-Match": `"1"`}})
		if resp.status != http.StatusOK || resp.header.Get("ETag") != `"2"` || resp.body["summary"] != "Geänderte Kurzbeschreibung." {
			t.Fatalf("status %d etag %q summary %v, want 200 \"2\"\n%s", resp.status, resp.header.Get("ETag"), resp.body["summary"], resp.raw)
		}
	})
	t.Run("stale update changes nothing", func(t *testing.T) {
		stale := strings.Replace(string(changed), "Geänderte Kurzbeschreibung.", "Veraltete Fassung.", 1)
		resp := callAPI(t, ts, nil, apiRequest{method: "PUT", path: path, token: member, body: stale, header: map[string]string{"If-Match": `"1"`}})
		if resp.status != http.StatusPreconditionFailed || resp.body["error"].(map[string]any)["code"] != "conflict" {
			t.Errorf("status %d, want 412 with code conflict\n%s", resp.status, resp.raw)
		}
		now := callAPI(t, ts, nil, apiRequest{method: "GET", path: path, token: member})
		if now.body["summary"] != "Geänderte Kurzbeschreibung." || now.header.Get("ETag") != `"2"` {
			t.Errorf("after a stale update: summary %v etag %s, want version 2 unchanged", now.body["summary"], now.header.Get("ETag"))
		}
	})

	move := func(token, to, comment, ifMatch string) apiResponse {
		body, _ := json.Marshal(map[string]string{"to": to, "comment": comment})
		h := map[string]string{}
		if ifMatch != "" {
			h["If-Match"] = ifMatch
		}
		return callAPI(t, ts, nil, apiRequest{method: "POST", path: path + "/transitions", token: token, body: string(body), header: h})
	}
	steps := []struct {
		name, token, to, comment, ifMatch string
		status                            int
		state                             string
		field                             string
	}{
		{"member submits", member, "submitted", "", `"2"`, 200, "submitted", ""},
		{"member may not publish", member, "published", "", "", 403, "", ""},
		{"changes need a comment", coord, "changes_requested", "", "", 400, "", "comment"},
		{"coordinator requests changes", coord, "changes_requested", "Bitte Kosten ergänzen.", "", 200, "changes_requested", ""},
		{"not allowed from this state", coord, "published", "", "", 409, "", ""},
		{"unknown state", member, "veröffentlicht", "", "", 400, "", "to"},
		{"member submits again", member, "submitted", "", "", 200, "submitted", ""},
		{"stale decision", coord, "published", "", `"3"`, 412, "", ""},
		{"bad If-Match", coord, "published", "", "5", 400, "", ""},
		{"coordinator publishes", coord, "published", "", `"5"`, 200, "published", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp := move(s.token, s.to, s.comment, s.ifMatch)
			if resp.status != s.status {
				t.Fatalf("status %d, want %d\n%s", resp.status, s.status, resp.raw)
			}
			if s.state != "" && resp.body["state"] != s.state {
				t.Errorf("state %v, want %s", resp.body["state"], s.state)
			}
			if s.field != "" && resp.errorField(s.field) == "" {
				t.Errorf("no message for field %s: %s", s.field, resp.raw)
			}
			if s.status >= 400 && resp.errorMessage() == "" {
				t.Errorf("no German message: %s", resp.raw)
			}
		})
	}
	visitor := callAPI(t, ts, nil, apiRequest{method: "GET", path: path})
	if visitor.status != 200 || visitor.body["state"] != "published" {
		t.Fatalf("visitor after publishing: status %d", visitor.status)
	}
	if c, _ := visitor.body["contact"].(map[string]any); len(c) != 0 || strings.Contains(visitor.raw, "mara.melder") {
		t.Errorf("visitor sees the contact person: %v", c)
	}
}

func TestAPIWriteRefusals(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	_, member := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	_, other := apiUser(t, a, "zoe@beispiel-zweibruecken.de", wiki.RoleMember, "07320000")
	// A draft of Kaiserslautern, which members of Zweibrücken may not see.
	draft := callAPI(t, ts, nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: newEntryJSON})
	if draft.status != 201 {
		t.Fatalf("create draft: %d %s", draft.status, draft.raw)
	}
	browser := newClient(t, ts)
	browser.signIn(a, "browser@beispiel-kommune.de", wiki.RoleCoordinator, "")

	const published = "/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende" // of Kaiserslautern
	tooLarge := `{"title": "` + strings.Repeat("x", maxAPIBodyBytes) + `"}`
	type refusal struct {
		name    string
		client  *http.Client
		req     apiRequest
		status  int
		message string // part of the German message
		field   string // a field named in error.fields
	}
	tests := []refusal{
		{"session cookie", browser.http, apiRequest{method: "POST", path: "/api/v1/entries", body: newEntryJSON}, 401, "API-Token", ""},
		{"session cookie on PUT", browser.http, apiRequest{method: "PUT", path: published, body: newEntryJSON, header: map[string]string{"If-Match": `"1"`}}, 401, "Formulare", ""},
		{"session cookie on catalog", browser.http, apiRequest{method: "POST", path: "/api/v1/topics", body: `{"name": "Raumfahrt"}`}, 401, "API-Token", ""},
		{"no credentials", nil, apiRequest{method: "POST", path: "/api/v1/entries", body: newEntryJSON}, 401, "API-Token", ""},
		{"revoked or made-up token", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: "wn_" + strings.Repeat("a", 43), body: newEntryJSON}, 401, "API-Token", ""},
		{"form content type", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: newEntryJSON, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "application/json", ""},
		{"no content type", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: newEntryJSON, header: map[string]string{"Content-Type": ""}}, 415, "application/json", ""},
		{"latin-1", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: newEntryJSON, header: map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}}, 415, "UTF-8", ""},
		{"too large", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: tooLarge}, 413, "zu groß", ""},
		{"unknown field", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: `{"title": "X", "titel": "Y"}`}, 400, "titel", "titel"},
		{"malformed", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: `{"title": "X",`}, 400, "JSON", ""},
		{"not an object", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: `["X"]`}, 400, "JSON-Objekt", ""},
		{"wrong type", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: `{"topics": "klima-umwelt"}`}, 400, "topics", "topics"},
		{"bad date", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: `{"created_at": "gestern"}`}, 400, "Format", ""},
		{"two objects", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: newEntryJSON + newEntryJSON}, 400, "genau ein Objekt", ""},
		{"empty", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, header: map[string]string{"Content-Type": "application/json"}}, 400, "fehlt", ""},
		{"invalid entry", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: `{"title": "", "contact": {"email": "kein-mail"}}`}, 400, "", "contact.email"},
		{"for another municipality", nil, apiRequest{method: "POST", path: "/api/v1/entries", token: other, body: strings.Replace(newEntryJSON, `"kind"`, `"municipality": "07312000", "kind"`, 1)}, 403, "eigene Kommune", "municipality"},
		{"edit of another municipality", nil, apiRequest{method: "PUT", path: published, token: other, body: newEntryJSON, header: map[string]string{"If-Match": `"1"`}}, 403, "Berechtigung", ""},
		{"edit of a draft one may not see", nil, apiRequest{method: "PUT", path: "/api/v1/entries/digitaler-maengelmelder", token: other, body: newEntryJSON, header: map[string]string{"If-Match": `"1"`}}, 404, "gibt es nicht", ""},
		{"move of a draft one may not see", nil, apiRequest{method: "POST", path: "/api/v1/entries/digitaler-maengelmelder/transitions", token: other, body: `{"to": "submitted"}`}, 404, "gibt es nicht", ""},
		{"If-Match any", nil, apiRequest{method: "PUT", path: published, token: member, body: newEntryJSON, header: map[string]string{"If-Match": "*"}}, 400, "If-Match", ""},
		{"submit on update", nil, apiRequest{method: "PUT", path: published, token: member, body: `{"submit": true}`, header: map[string]string{"If-Match": `"1"`}}, 400, "transitions", "submit"},
		{"member manages topics", nil, apiRequest{method: "POST", path: "/api/v1/topics", token: member, body: `{"name": "Raumfahrt"}`}, 403, "Berechtigung", ""},
		{"member manages municipalities", nil, apiRequest{method: "PUT", path: "/api/v1/municipalities/07312000", token: member, body: `{"name": "Kaiserslautern", "type": "Stadt"}`}, 403, "Berechtigung", ""},
		{"unknown API", nil, apiRequest{method: "DELETE", path: "/api/v1/entries/digitaler-maengelmelder", token: member}, 404, "Schnittstelle", ""},
	}
	// Every write refuses a body too large or not in JSON before anything else.
	for _, w := range []apiRequest{
		{method: "PUT", path: published, header: map[string]string{"If-Match": `"1"`}},
		{method: "POST", path: published + "/transitions"},
		{method: "POST", path: "/api/v1/municipalities"},
		{method: "PUT", path: "/api/v1/municipalities/07312000"},
		{method: "POST", path: "/api/v1/topics"},
		{method: "PUT", path: "/api/v1/topics/klima-umwelt"},
	} {
		w.token = member
		large, form := w, w
		large.body, form.body = tooLarge, `{"name": "X"}`
		form.header = map[string]string{"Content-Type": "application/x-www-form-urlencoded", "If-Match": w.header["If-Match"]}
		tests = append(tests,
			refusal{"too large: " + w.method + " " + w.path, nil, large, 413, "zu groß", ""},
			refusal{"form content type: " + w.method + " " + w.path, nil, form, 415, "application/json", ""})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := callAPI(t, ts, tt.client, tt.req)
			if resp.status != tt.status {
				t.Errorf("status %d, want %d\n%s", resp.status, tt.status, clip(resp.raw, 400))
			}
			if !strings.Contains(resp.errorMessage(), tt.message) || resp.errorMessage() == "" {
				t.Errorf("message %q, want one containing %q", resp.errorMessage(), tt.message)
			}
			if tt.field != "" && resp.errorField(tt.field) == "" {
				t.Errorf("error.fields lacks %s: %s", tt.field, clip(resp.raw, 400))
			}
			if tt.status == 401 && resp.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	// Nothing of that changed anything.
	everyone := auth.Viewer{User: &wiki.User{Role: wiki.RoleCoordinator}}
	for slug, version := range map[string]int{"lorawan-sensornetz-fuer-pegelstaende": 1, "digitaler-maengelmelder": 1} {
		if e, err := a.Entry(t.Context(), everyone, slug); err != nil || e.Version != version || e.State != map[string]wiki.State{"lorawan-sensornetz-fuer-pegelstaende": wiki.StatePublished, "digitaler-maengelmelder": wiki.StateDraft}[slug] {
			t.Errorf("%s after refused writes: %+v %v", slug, e, err)
		}
	}
	if _, err := a.Topic("raumfahrt"); err == nil {
		t.Error("a refused write created a topic")
	}
}

func TestAPICatalogWrites(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	_, coord := apiUser(t, a, "karla@ikone-ds.de", wiki.RoleCoordinator, "")
	steps := []struct {
		name     string
		req      apiRequest
		status   int
		location string
		check    func(t *testing.T, r apiResponse)
	}{
		{"create municipality", apiRequest{method: "POST", path: "/api/v1/municipalities", body: `{"ags": "07111000", "name": "Koblenz", "type": "Kreisfreie Stadt"}`}, 201, "/api/v1/municipalities/07111000", func(t *testing.T, r apiResponse) {
			if r.body["slug"] != "koblenz" {
				t.Errorf("slug %v, want koblenz", r.body["slug"])
			}
		}},
		{"read it", apiRequest{method: "GET", path: "/api/v1/municipalities/07111000"}, 200, "", nil},
		{"twice", apiRequest{method: "POST", path: "/api/v1/municipalities", body: `{"ags": "07111000", "name": "Koblenz am Rhein"}`}, 409, "", func(t *testing.T, r apiResponse) {
			if r.errorField("ags") == "" {
				t.Error("no message at ags")
			}
		}},
		{"invalid", apiRequest{method: "POST", path: "/api/v1/municipalities", body: `{"ags": "7111", "name": "K"}`}, 400, "", func(t *testing.T, r apiResponse) {
			if r.errorField("ags") == "" || r.errorField("name") == "" {
				t.Errorf("fields: %s", r.raw)
			}
		}},
		{"rename", apiRequest{method: "PUT", path: "/api/v1/municipalities/07111000", body: `{"name": "Stadt Koblenz", "type": "Kreisfreie Stadt"}`}, 200, "", func(t *testing.T, r apiResponse) {
			if r.body["name"] != "Stadt Koblenz" || r.body["slug"] != "koblenz" {
				t.Errorf("renamed: %v (the slug stays)", r.body)
			}
		}},
		{"other AGS in body", apiRequest{method: "PUT", path: "/api/v1/municipalities/07111000", body: `{"ags": "07111001", "name": "Koblenz"}`}, 400, "", nil},
		{"unknown municipality", apiRequest{method: "PUT", path: "/api/v1/municipalities/07999999", body: `{"name": "Nirgendwo"}`}, 404, "", nil},
		{"create topic", apiRequest{method: "POST", path: "/api/v1/topics", body: `{"name": "Künstliche Intelligenz", "description": "KI in der Verwaltung."}`}, 201, "/api/v1/topics/kuenstliche-intelligenz", nil},
		{"topic twice", apiRequest{method: "POST", path: "/api/v1/topics", body: `{"name": "Künstliche Intelligenz"}`}, 409, "", func(t *testing.T, r apiResponse) {
			if r.errorField("name") == "" {
				t.Error("no message at name")
			}
		}},
		{"read topic", apiRequest{method: "GET", path: "/api/v1/topics/kuenstliche-intelligenz"}, 200, "", nil},
		{"rename topic", apiRequest{method: "PUT", path: "/api/v1/topics/kuenstliche-intelligenz", body: `{"name": "KI & Automatisierung"}`}, 200, "", func(t *testing.T, r apiResponse) {
			if r.body["slug"] != "kuenstliche-intelligenz" || r.body["name"] != "KI & Automatisierung" {
				t.Errorf("renamed topic: %v", r.body)
			}
		}},
		{"unknown topic", apiRequest{method: "PUT", path: "/api/v1/topics/raumfahrt", body: `{"name": "Raumfahrt"}`}, 404, "", nil},
		{"invalid topic", apiRequest{method: "POST", path: "/api/v1/topics", body: `{"name": "K"}`}, 400, "", func(t *testing.T, r apiResponse) {
			if r.errorField("name") == "" {
				t.Errorf("fields: %s", r.raw)
			}
		}},
		{"invalid rename of a topic", apiRequest{method: "PUT", path: "/api/v1/topics/kuenstliche-intelligenz", body: `{"name": ""}`}, 400, "", nil},
		{"unknown municipality to read", apiRequest{method: "GET", path: "/api/v1/municipalities/07999999"}, 404, "", nil},
		{"unknown topic to read", apiRequest{method: "GET", path: "/api/v1/topics/raumfahrt"}, 404, "", nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.req.token = coord
			resp := callAPI(t, ts, nil, s.req)
			if resp.status != s.status {
				t.Fatalf("status %d, want %d\n%s", resp.status, s.status, resp.raw)
			}
			if loc := resp.header.Get("Location"); loc != s.location {
				t.Errorf("Location %q, want %q", loc, s.location)
			}
			if s.check != nil {
				s.check(t, resp)
			}
		})
	}
	if m, err := a.Municipality("07111000"); err != nil || m.Name != "Stadt Koblenz" {
		t.Errorf("stored municipality: %+v %v", m, err)
	}
}

func TestAPIReviewQueueAndAudit(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	_, member := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	_, coord := apiUser(t, a, "karla@ikone-ds.de", wiki.RoleCoordinator, "")
	for _, title := range []string{"Erster Antrag", "Zweiter Antrag"} {
		body := strings.Replace(strings.Replace(newEntryJSON, "Digitaler Mängelmelder", title, 1), `"comment"`, `"submit": true, "comment"`, 1)
		if r := callAPI(t, ts, nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: body}); r.status != 201 || r.body["state"] != "submitted" {
			t.Fatalf("create and submit: %d %s", r.status, r.raw)
		}
	}
	browser := newClient(t, ts)
	browser.signIn(a, "browser@ikone-ds.de", wiki.RoleCoordinator, "")
	tests := []struct {
		name   string
		client *http.Client
		req    apiRequest
		status int
		check  func(t *testing.T, r apiResponse)
	}{
		{"queue, oldest first", nil, apiRequest{method: "GET", path: "/api/v1/review-queue", token: coord}, 200, func(t *testing.T, r apiResponse) {
			items := r.body["items"].([]any)
			if r.body["total"] != 2.0 || len(items) != 2 || items[0].(map[string]any)["slug"] != "erster-antrag" {
				t.Errorf("queue: %s", r.raw)
			}
		}},
		{"queue by topic and municipality", nil, apiRequest{method: "GET", path: "/api/v1/review-queue?topic=buergerbeteiligung&municipality=kaiserslautern&page=1", token: coord}, 200, func(t *testing.T, r apiResponse) {
			if r.body["total"] != 2.0 {
				t.Errorf("total %v, want 2", r.body["total"])
			}
		}},
		{"queue of another topic", nil, apiRequest{method: "GET", path: "/api/v1/review-queue?topic=klima-umwelt", token: coord}, 200, func(t *testing.T, r apiResponse) {
			if r.body["total"] != 0.0 {
				t.Errorf("total %v, want 0", r.body["total"])
			}
		}},
		{"queue in the browser", browser.http, apiRequest{method: "GET", path: "/api/v1/review-queue"}, 200, nil},
		{"queue, unknown topic", nil, apiRequest{method: "GET", path: "/api/v1/review-queue?topic=raumfahrt", token: coord}, 400, nil},
		{"queue, bad page", nil, apiRequest{method: "GET", path: "/api/v1/review-queue?page=0", token: coord}, 400, nil},
		{"queue for members", nil, apiRequest{method: "GET", path: "/api/v1/review-queue", token: member}, 403, nil},
		{"queue for visitors", nil, apiRequest{method: "GET", path: "/api/v1/review-queue?topic=raumfahrt"}, 401, nil},
		{"audit", nil, apiRequest{method: "GET", path: "/api/v1/audit?limit=2", token: coord}, 200, func(t *testing.T, r apiResponse) {
			items := r.body["items"].([]any)
			next, _ := r.body["next_before"].(string)
			if len(items) != 2 || next == "" || items[0].(map[string]any)["action"] != "user.created" || items[1].(map[string]any)["action"] != "entry.created" {
				t.Fatalf("audit page: %s", r.raw)
			}
			older := callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/audit?limit=1000&before=" + next, token: coord})
			if older.status != 200 || len(older.body["items"].([]any)) == 0 || strings.Contains(older.raw, `"next_before"`) {
				t.Errorf("older page: %s", older.raw)
			}
			for _, ev := range older.body["items"].([]any) {
				if ev.(map[string]any)["id"].(string) >= next {
					t.Errorf("older page has %v, not before %s", ev, next)
				}
			}
		}},
		{"audit, bad limit", nil, apiRequest{method: "GET", path: "/api/v1/audit?limit=0", token: coord}, 400, nil},
		{"audit, bad cursor", nil, apiRequest{method: "GET", path: "/api/v1/audit?before=gestern", token: coord}, 400, nil},
		{"audit for members", nil, apiRequest{method: "GET", path: "/api/v1/audit", token: member}, 403, nil},
		{"audit for visitors", nil, apiRequest{method: "GET", path: "/api/v1/audit"}, 401, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := callAPI(t, ts, tt.client, tt.req)
			if resp.status != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.status, tt.status, resp.raw)
			}
			if tt.status >= 400 && resp.errorMessage() == "" {
				t.Errorf("no German message: %s", resp.raw)
			}
			if tt.check != nil {
				tt.check(t, resp)
			}
		})
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// An account that created 30 entries within the hour is refused the 31st with 429 and
// Retry-After, through the API as through the form.
func TestAPICreateLimit(t *testing.T) {
	var ticks atomic.Int64 // a second passes with every look at the clock: the hour stays
	ts, a := newTestServer(t, func(c *testConfig) {
		c.Now = func() time.Time { return fixedNow.Add(time.Duration(ticks.Add(1)) * time.Second) }
	})
	_, member := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	for i := range 31 {
		body := strings.Replace(newEntryJSON, "Digitaler Mängelmelder", fmt.Sprintf("Mängelmelder Nummer %d", i+1), 1)
		r := callAPI(t, ts, nil, apiRequest{method: "POST", path: "/api/v1/entries", token: member, body: body})
		switch {
		case i < 30 && r.status != http.StatusCreated:
			t.Fatalf("entry %d: %d %s", i+1, r.status, r.raw)
		case i == 30 && (r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || r.errorMessage() == ""):
			t.Errorf("entry 31: %d, Retry-After %q: %s", r.status, r.header.Get("Retry-After"), r.raw)
		}
	}
}
