package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// newSearchFilesServer is newTestServer with the text of files read, and one published public
// entry with the slides shared/extract/testdata/vortrag.pptx ("Folie 2" says "Übergabe an
// den Kreistag") and one published internal entry whose file holds the word
// "Quallenzählung". It returns the public entry's slug.
func newSearchFilesServer(t *testing.T) (ts *httptest.Server, a *app.App, slug string) {
	t.Helper()
	srv, a := newTestServer(t, func(c *testConfig) {
		c.Files.Extractor = testExtractor()
	})
	ctx := t.Context()
	user := func(email string, role wiki.Role, ags string) auth.Viewer {
		u, err := a.CreateUser(ctx, auth.Visitor, app.NewUser{Email: email, Name: "Test", Role: role, Municipality: ags, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		return auth.Viewer{User: u}
	}
	member, coord := user("mitglied@example.org", wiki.RoleMember, "07312000"), user("koordination@example.org", wiki.RoleCoordinator, "")
	slides := corpus(t, "vortrag.pptx")
	note := []byte("Interne Notiz zur Quallenzählung am Rheinufer.")
	publish := func(title string, vis wiki.Visibility, up app.FileUpload) *wiki.Entry {
		e := &wiki.Entry{Title: title, Kind: wiki.KindSolution, Municipality: "07312000", Summary: "Eine Zusammenfassung.",
			Body: "Ein Text.", Topics: []string{"buergerbeteiligung"}, ProjectStatus: wiki.StatusRunning, Visibility: vis}
		e, err := a.CreateEntryFiles(ctx, member, e, "", true, []app.FileUpload{up})
		if err != nil {
			t.Fatal(err)
		}
		if e, err = a.Transition(ctx, coord, e.Slug, e.Version, wiki.StatePublished, ""); err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := publish("Vorstellung im Ausschuss", wiki.Public, app.FileUpload{Name: "vortrag.pptx", Title: "Vortrag", Content: bytes.NewReader(slides), Size: int64(len(slides))})
	publish("Interne Dienstanweisung", wiki.Internal, app.FileUpload{Name: "notiz.txt", Content: bytes.NewReader(note), Size: int64(len(note))})
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := a.WaitForTexts(wctx); err != nil {
		t.Fatal(err)
	}
	return srv, a, e.Slug
}

func TestSearchInFilesAPI(t *testing.T) {
	t.Parallel()
	ts, _, slug := newSearchFilesServer(t)
	getJSON := func(path string, status int) map[string]any {
		t.Helper()
		got, body := get(t, ts, path)
		if got != status {
			t.Fatalf("%s: status %d, want %d: %s", path, got, status, body)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	res := getJSON("/api/v1/search?q="+url.QueryEscape("Übergabe Kreistag"), 200)
	hits := res["hits"].([]any)
	if len(hits) != 1 || hits[0].(map[string]any)["slug"] != slug {
		t.Fatalf("hits = %v, want the entry with the slides", hits)
	}
	fm := hits[0].(map[string]any)["file_matches"].([]any)
	if len(fm) != 1 {
		t.Fatalf("file_matches = %v", fm)
	}
	m := fm[0].(map[string]any)
	if m["name"] != "vortrag.pptx" || m["title"] != "Vortrag" || m["format"] != "pptx" || m["label"] != "Folie 2" ||
		!strings.Contains(m["snippet"].(string), "<mark>Kreistag</mark>") {
		t.Errorf("file match = %v", m)
	}

	res = getJSON("/api/v1/search?has_files=true&file_format=pptx", 200)
	facets := res["facets"].(map[string]any)
	if res["total"] != 1.0 || len(facets["file_format"].([]any)) != 1 || len(facets["has_files"].([]any)) != 1 {
		t.Errorf("entries with slides: total %v, facets %v", res["total"], facets)
	}
	getJSON("/api/v1/search?file_format=exe", 400)
	if res := getJSON("/api/v1/entries?has_files=true", 200); res["total"] != 1.0 {
		t.Errorf("list of entries with files: total %v, want the public one", res["total"])
	}

	// The internal entry's file: not for visitors.
	res = getJSON("/api/v1/search?q="+url.QueryEscape("Quallenzählung"), 200)
	if res["total"] != 0.0 || res["suggestion"] != nil {
		t.Errorf("visitor finds the internal file: %v", res)
	}
	res = getJSON("/api/v1/suggest?q=Quallen", 200)
	if len(res["entries"].([]any)) != 0 {
		t.Errorf("suggestions tell the internal file: %v", res)
	}
}

func TestSearchInFilesPage(t *testing.T) {
	t.Parallel()
	ts, _, slug := newSearchFilesServer(t)
	page := func(path string, status int) string {
		t.Helper()
		got, body := get(t, ts, path)
		if got != status {
			t.Fatalf("%s: status %d, want %d", path, got, status)
		}
		return body
	}
	body := page("/suche?q="+url.QueryEscape("Übergabe Kreistag"), 200)
	for _, want := range []string{
		`">Gefunden in „Vortrag“ (vortrag.pptx), Folie 2</a>:`, `<a href="/eintraege/` + slug + `/dateien/`,
		"<mark>Übergabe</mark>", "<mark>Kreistag</mark>",
		"<h3>Dateien</h3>", "mit Dateien <span class=\"count\">(1)</span>",
		"<h3>Dateityp</h3>", "PPTX <span class=\"count\">(1)</span>",
		`href="/suche?dateityp=pptx&amp;q=%C3%9Cbergabe&#43;Kreistag"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	body = page("/suche?dateien=1&dateityp=pptx", 200)
	if !strings.Contains(body, `<input type="hidden" name="dateien" value="1"><input type="hidden" name="dateityp" value="pptx">`) ||
		!strings.Contains(body, "Vorstellung im Ausschuss") || !strings.Contains(body, `aria-current="true"`) {
		t.Error("the filtered page lacks its filters or the entry")
	}
	body = page("/suche?dateityp=exe", 400)
	if !strings.Contains(body, "Unbekannter Dateityp „exe“.") {
		t.Error("no message for an unknown file type")
	}
	if body := page("/suche?q=Quallenz%C3%A4hlung", 200); strings.Contains(body, "Interne Dienstanweisung") || strings.Contains(body, "notiz.txt") {
		t.Error("a visitor's search page shows the internal entry's file")
	}
}
