package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// apiUpload sends parts as multipart/form-data to the files of an entry.
func apiUpload(t *testing.T, ts *httptest.Server, token, slug string, header map[string]string, parts []formPart) apiResponse {
	t.Helper()
	body, ct := encodeParts(t, parts)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/entries/"+slug+"/files", body)
	req.Header.Set("Content-Type", ct)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := apiResponse{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	json.Unmarshal(b, &out.body)
	return out
}

// items returns the files of a FileList answer.
func (r apiResponse) items() []map[string]any {
	var out []map[string]any
	list, _ := r.body["items"].([]any)
	for _, it := range list {
		m, _ := it.(map[string]any)
		out = append(out, m)
	}
	return out
}

func (r apiResponse) errorCode() string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestAPIFiles(t *testing.T) {
	t.Parallel()
	ts, a, dir := newFilesServer(t, app.Files{MaxFile: 256 << 10})
	_, member := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	_, stranger := apiUser(t, a, "zoe@beispiel-zweibruecken.de", wiki.RoleMember, "07320000")
	const slug = "lorawan-sensornetz-fuer-pegelstaende"
	const files = "/api/v1/entries/" + slug + "/files"
	report, guide := corpus(t, "bericht.pdf"), corpus(t, "leitfaden.docx")
	ifMatch := func(v string) map[string]string { return map[string]string{"If-Match": `"` + v + `"`} }

	resp := callAPI(t, ts, nil, apiRequest{method: "GET", path: files})
	if resp.status != 200 || resp.header.Get("ETag") != `"1"` || len(resp.items()) != 0 || resp.body["version"] != 1.0 {
		t.Fatalf("empty list: %d %s", resp.status, resp.raw)
	}

	t.Run("refused before the body", func(t *testing.T) {
		pdf := []formPart{filePart("file", "bericht.pdf", report)}
		for _, tc := range []struct {
			name   string
			token  string
			slug   string
			header map[string]string
			status int
		}{
			{"no token", "", slug, ifMatch("1"), 401},
			{"bad If-Match", member, slug, map[string]string{"If-Match": "1"}, 400},
			{"unknown entry", member, "gibt-es-nicht", ifMatch("1"), 404},
			{"not multipart", member, slug, map[string]string{"If-Match": `"1"`, "Content-Type": "application/json"}, 415},
			{"another municipality's entry", stranger, slug, ifMatch("1"), 403},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if r := apiUpload(t, ts, tc.token, tc.slug, tc.header, pdf); r.status != tc.status || r.errorMessage() == "" {
					t.Errorf("status %d, want %d with a message: %s", r.status, tc.status, r.raw)
				}
			})
		}
	})

	t.Run("upload", func(t *testing.T) {
		r := apiUpload(t, ts, member, slug, ifMatch("1"), []formPart{{name: "title", value: "Abschlussbericht"}, {name: "description", value: "Zwei Seiten."},
			{name: "comment", value: "Bericht dazu"}, filePart("file", "Bericht 2024.pdf", report)})
		items := r.items()
		if r.status != 201 || r.header.Get("ETag") != `"2"` || len(items) != 1 {
			t.Fatalf("upload: %d %s", r.status, r.raw)
		}
		f := items[0]
		if f["title"] != "Abschlussbericht" || f["name"] != "Bericht 2024.pdf" || f["format"] != "pdf" || f["media_type"] != "application/pdf" ||
			f["size"] != float64(len(report)) || f["url"] != files+"/"+f["id"].(string) || r.header.Get("Location") != f["url"] {
			t.Errorf("file: %v, Location %q", f, r.header.Get("Location"))
		}
		if txt, _ := f["text"].(map[string]any); txt["status"] != "pending" {
			t.Errorf("the editor's text status: %v", f["text"])
		}
		// The version may come in a field instead of If-Match.
		r = apiUpload(t, ts, member, slug, nil, []formPart{{name: "version", value: "2"}, filePart("file", "leitfaden.docx", guide)})
		if r.status != 201 || len(r.items()) != 2 || r.items()[1]["title"] != "leitfaden.docx" {
			t.Fatalf("upload with the version field: %d %s", r.status, r.raw)
		}
		e, _ := a.Entry(t.Context(), everyone, slug)
		if e.Version != 3 || len(e.Attachments) != 2 {
			t.Errorf("stored: v%d, %d files", e.Version, len(e.Attachments))
		}
	})

	t.Run("refused uploads", func(t *testing.T) {
		pdf := filePart("file", "bericht.pdf", report)
		for _, tc := range []struct {
			name   string
			header map[string]string
			parts  []formPart
			status int
			code   string
			want   string
		}{
			{"no version", nil, []formPart{pdf}, 428, "invalid", "If-Match"},
			{"stale", ifMatch("1"), []formPart{pdf}, 412, "conflict", "inzwischen geändert"},
			{"versions differ", ifMatch("3"), []formPart{{name: "version", value: "2"}, pdf}, 400, "invalid", "verschiedene Versionen"},
			{"bad version", nil, []formPart{{name: "version", value: "drei"}, pdf}, 400, "invalid", "positive ganze Zahl"},
			{"no file", ifMatch("3"), []formPart{{name: "title", value: "Nichts"}}, 400, "invalid", "keine Datei"},
			{"two files", ifMatch("3"), []formPart{pdf, filePart("file", "leitfaden.docx", guide)}, 400, "invalid", "eine Datei je Anfrage"},
			{"another field", ifMatch("3"), []formPart{{name: "titel", value: "x"}, pdf}, 400, "invalid", "Unbekanntes Feld „titel“"},
			{"file in another field", ifMatch("3"), []formPart{filePart("datei", "bericht.pdf", report)}, 400, "invalid", "Feld „file“"},
			{"zip under the name of a PDF", ifMatch("3"), []formPart{filePart("file", "archiv.pdf", corpus(t, "archiv.docx"))}, 400, "invalid", "„archiv.pdf“ wurde nicht angenommen: Ein ZIP-Archiv"},
			{"zip bomb", ifMatch("3"), []formPart{filePart("file", "bombe.docx", corpus(t, "bombe.docx"))}, 400, "invalid", "„bombe.docx“"},
			{"too large", ifMatch("3"), []formPart{filePart("file", "gross.txt", bytes.Repeat([]byte("Pegel. "), 60000))}, 413, "too_large", "„gross.txt“ ist zu groß: Eine Datei darf höchstens 256 KB groß sein."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := apiUpload(t, ts, member, slug, tc.header, tc.parts)
				if r.status != tc.status || r.errorCode() != tc.code || !strings.Contains(r.errorMessage(), tc.want) {
					t.Errorf("status %d code %q, want %d %q with %q: %s", r.status, r.errorCode(), tc.status, tc.code, tc.want, r.raw)
				}
				if tc.status == 400 && tc.code == "invalid" && strings.HasPrefix(tc.want, "„") && r.errorField("file") == "" {
					t.Errorf("no message at the field file: %s", r.raw)
				}
			})
		}
		if e, _ := a.Entry(t.Context(), everyone, slug); e.Version != 3 {
			t.Errorf("a refused upload changed the entry: v%d", e.Version)
		}
		noUploadsLeft(t, dir)
	})

	list := callAPI(t, ts, nil, apiRequest{method: "GET", path: files})
	if list.status != 200 || len(list.items()) != 2 || list.items()[0]["text"] != nil {
		t.Fatalf("visitor's list: %d %s", list.status, list.raw)
	}
	pdfURL := list.items()[0]["url"].(string)
	entry := callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/entries/" + slug})
	if att, _ := entry.body["attachments"].([]any); len(att) != 2 {
		t.Errorf("the entry lists %d attachments, want 2", len(att))
	}

	t.Run("content", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+pdfURL, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(b, report) || resp.Header.Get("Content-Type") != "application/pdf" ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="Bericht 2024.pdf"; filename*=UTF-8''Bericht%202024.pdf` {
			t.Errorf("content: %d, %d bytes, %v", resp.StatusCode, len(b), resp.Header)
		}
		if r := callAPI(t, ts, nil, apiRequest{method: "GET", path: pdfURL + "?version=null"}); r.status != 400 {
			t.Errorf("bad version: %d", r.status)
		}
		if r := callAPI(t, ts, nil, apiRequest{method: "GET", path: files + "/01JC0000000000000000000000"}); r.status != 404 || r.errorCode() != "not_found" {
			t.Errorf("unknown file: %d %s", r.status, r.raw)
		}
	})

	t.Run("delete", func(t *testing.T) {
		id := list.items()[0]["id"].(string)
		del := func(token, path string, header map[string]string) apiResponse {
			return callAPI(t, ts, nil, apiRequest{method: "DELETE", path: path, token: token, header: header})
		}
		for _, tc := range []struct {
			name, token, path string
			header            map[string]string
			status            int
		}{
			{"no token", "", files + "/" + id, ifMatch("3"), 401},
			{"no If-Match", member, files + "/" + id, nil, 428},
			{"stale", member, files + "/" + id, ifMatch("2"), 412},
			{"unknown file", member, files + "/01JC0000000000000000000000", ifMatch("3"), 404},
			{"another municipality's entry", stranger, files + "/" + id, ifMatch("3"), 403},
		} {
			if r := del(tc.token, tc.path, tc.header); r.status != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, r.status, tc.status, r.raw)
			}
		}
		r := del(member, files+"/"+id, ifMatch("3"))
		if r.status != 200 || r.header.Get("ETag") != `"4"` || len(r.items()) != 1 || r.items()[0]["id"] == id {
			t.Fatalf("delete: %d %s", r.status, r.raw)
		}
		// The file stays in version 3, for members.
		if r := callAPI(t, ts, nil, apiRequest{method: "GET", path: pdfURL + "?version=3", token: member}); r.status != 200 || r.raw != string(report) {
			t.Errorf("old version's file for a member: %d", r.status)
		}
		if r := callAPI(t, ts, nil, apiRequest{method: "GET", path: pdfURL + "?version=3"}); r.status != 404 {
			t.Errorf("old version's file for a visitor: %d, want 404", r.status)
		}
	})

	// The session of a browser does not write files.
	t.Run("session cookie", func(t *testing.T) {
		c := newClient(t, ts)
		c.signIn(a, "mia@beispiel-kommune.de", wiki.RoleMember, "07312000")
		body, ct := encodeParts(t, []formPart{filePart("file", "bericht.pdf", report)})
		req, _ := http.NewRequest(http.MethodPost, ts.URL+files, body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("If-Match", `"4"`)
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("upload with a session cookie: %d, want 401", resp.StatusCode)
		}
	})
}

// TestAPIFilesScanner: with a malware scanner, malware is refused, and a file that cannot
// be checked is refused with 503; the coordination page names the scanner.
func TestAPIFilesScanner(t *testing.T) {
	t.Parallel()
	scanner := &fakeScanner{}
	ts, a, _ := newFilesServer(t, app.Files{Scanner: scanner})
	_, member := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	const slug = "lorawan-sensornetz-fuer-pegelstaende"
	r := apiUpload(t, ts, member, slug, map[string]string{"If-Match": `"1"`}, []formPart{filePart("file", "eicar.txt", []byte("X5O!P%@AP EICAR test\n"))})
	if r.status != 400 || !strings.Contains(r.errorMessage(), "Eicar-Test-Signature") {
		t.Errorf("malware: %d %s", r.status, r.raw)
	}
	scanner.down.Store(true)
	r = apiUpload(t, ts, member, slug, map[string]string{"If-Match": `"1"`}, []formPart{filePart("file", "notiz.txt", corpus(t, "notiz.txt"))})
	if r.status != 503 || r.errorCode() != "unavailable" || !strings.Contains(r.errorMessage(), "„notiz.txt“ konnte nicht auf Schadsoftware geprüft werden") {
		t.Errorf("scanner down: %d %s", r.status, r.raw)
	}
	c := newClient(t, ts)
	c.signIn(a, "karla@ikone-ds.de", wiki.RoleCoordinator, "")
	if _, page := c.get("/koordination"); !strings.Contains(page, "Hochgeladene Dateien prüft: Testscanner (clamd).") {
		t.Error("the coordination page does not name the scanner")
	}
}
