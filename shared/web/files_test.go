package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// testExtractor is one extractor for the package's tests: the PDF engine compiles once,
// with its cache in the system's temporary folder.
var testExtractor = sync.OnceValue(func() *extract.Extractor {
	dir := filepath.Join(os.TempDir(), "wissensnetz-extract-pdfium")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		dir = ""
	}
	return extract.New(extract.Options{PDFCacheDir: dir})
})

// corpus returns a file of the corpus of shared/extract.
func corpus(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "extract", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newFilesServer serves the fixture with files configured as given (no text extraction
// unless f has an Extractor) and uploads waiting in a folder of the test's, which it
// returns.
func newFilesServer(t *testing.T, f app.Files) (*httptest.Server, *app.App, string) {
	t.Helper()
	dir := t.TempDir()
	ts, a := newTestServer(t, func(c *testConfig) {
		c.Files = f
		c.Web = append(c.Web, UploadDir(dir))
	})
	return ts, a, dir
}

// waitTexts waits until the app has read the texts of the files uploaded so far.
func waitTexts(t *testing.T, a *app.App) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := a.WaitForTexts(ctx); err != nil {
		t.Fatal(err)
	}
}

// noUploadsLeft fails if a request left a temporary file in the upload folder.
func noUploadsLeft(t *testing.T, dir string) {
	t.Helper()
	left, _ := os.ReadDir(dir)
	for _, f := range left {
		t.Errorf("temporary file left behind: %s", f.Name())
	}
}

// formPart is a part of a multipart form as a browser sends it: a field, or a file when
// file is set (its name; content in value). disposition replaces the Content-Disposition
// for names a writer would not send as they are.
type formPart struct {
	name, value, file, disposition string
}

func filePart(field, name string, content []byte) formPart {
	return formPart{name: field, file: name, value: string(content)}
}

// formParts turns form fields into parts, in a fixed order.
func formParts(form url.Values) []formPart {
	var out []formPart
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range form {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, v := range form[k] {
			out = append(out, formPart{name: k, value: v})
		}
	}
	return out
}

// encodeParts writes the parts as multipart/form-data.
func encodeParts(t testing.TB, parts []formPart) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		switch {
		case p.disposition != "":
			w, err = mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {p.disposition}, "Content-Type": {"application/octet-stream"}})
		case p.file != "" || strings.HasPrefix(p.name, "new_file_") || p.name == "file":
			w, err = mw.CreateFormFile(p.name, p.file)
		default:
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.value)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// postMultipart sends a multipart form from page (a path showing a form) with that page's
// form token as the first part, as the entry form sends it.
func (c *client) postMultipart(page, path string, parts []formPart) (*http.Response, string) {
	c.t.Helper()
	_, body := c.get(page)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no form token on %s", page)
	}
	return c.postParts(path, append([]formPart{{name: "csrf", value: m[1]}}, parts...))
}

func (c *client) postParts(path string, parts []formPart) (*http.Response, string) {
	c.t.Helper()
	body, ct := encodeParts(c.t, parts)
	req, _ := http.NewRequest(http.MethodPost, c.ts.URL+path, body)
	req.Header.Set("Content-Type", ct)
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// getFile downloads path with the client.
func (c *client) getFile(path string) (*http.Response, []byte) {
	c.t.Helper()
	resp, err := c.http.Get(c.ts.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

var fileLink = regexp.MustCompile(`href="(/eintraege/[a-z0-9-]+/dateien/[0-9A-Z]+(?:\?version=\d+)?)">([^<]*)</a>`)

// fileLinks returns the download links of a page by their text.
func fileLinks(page string) map[string]string {
	out := map[string]string{}
	for _, m := range fileLink.FindAllStringSubmatch(page, -1) {
		out[m[2]] = m[1]
	}
	return out
}

func TestEntryFormWithFiles(t *testing.T) {
	t.Parallel()
	ts, a, dir := newFilesServer(t, app.Files{})
	c := newClient(t, ts)
	c.signIn(a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	report, guide := corpus(t, "bericht.pdf"), corpus(t, "leitfaden.docx")

	status, page := c.get("/eintraege/neu")
	for _, w := range []string{`enctype="multipart/form-data"`, "<legend>Dateien</legend>", `name="new_file_1" type="file"`, `name="new_file_3"`,
		"Neue Datei 1", "höchstens 100 MB je Datei und 500 MB", "PDF, DOCX", `/static/upload.js?v=`} {
		if !strings.Contains(page, w) {
			t.Errorf("new entry form (%d) lacks %q", status, w)
		}
	}
	if i, j := strings.Index(page, `name="csrf"`), strings.Index(page, `type="file"`); i < 0 || i > j || strings.Index(page[strings.Index(page, `class="entry-form"`):], `<input`) != strings.Index(page[strings.Index(page, `class="entry-form"`):], `<input type="hidden" name="csrf"`) {
		t.Error("the form token is not the first field of the entry form")
	}

	parts := append(formParts(validForm()),
		filePart("new_file_1", "Abschlussbericht 2024.pdf", report), formPart{name: "new_title_1", value: "Abschlussbericht"},
		formPart{name: "new_description_1", value: "Zwei Seiten."},
		filePart("new_file_2", "leitfaden.docx", guide), formPart{name: "new_title_2"}, formPart{name: "new_description_2"},
		filePart("new_file_3", "", nil), formPart{name: "new_title_3"})
	resp, body := c.postMultipart("/eintraege/neu", "/eintraege", parts)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save with files: status %d\n%s", resp.StatusCode, body)
	}
	noUploadsLeft(t, dir)
	const slug = "digitaler-maengelmelder"
	e, err := a.Entry(t.Context(), everyone, slug)
	if err != nil || e.Version != 1 || len(e.Attachments) != 2 {
		t.Fatalf("stored: %v, %+v", err, e)
	}
	if f := e.Attachments[0]; f.Title != "Abschlussbericht" || f.Description != "Zwei Seiten." || f.Name != "Abschlussbericht 2024.pdf" || f.Format != "pdf" {
		t.Errorf("first file: %+v", f)
	}
	if f := e.Attachments[1]; f.Title != "leitfaden.docx" || f.Format != "docx" {
		t.Errorf("second file (title defaults to the name): %+v", f)
	}

	_, page = c.get("/eintraege/" + slug)
	for _, w := range []string{`<h2 id="files-h">Dateien</h2>`, "(PDF, ", "(DOCX, ", "Zwei Seiten.", "Der Text der Datei wird noch ausgelesen"} {
		if !strings.Contains(page, w) {
			t.Errorf("entry page lacks %q", w)
		}
	}
	links := fileLinks(page)
	resp, got := c.getFile(links["Abschlussbericht"])
	if resp.StatusCode != 200 || !bytes.Equal(got, report) || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("download: status %d, %d bytes of %d, type %q", resp.StatusCode, len(got), len(report), resp.Header.Get("Content-Type"))
	}

	// Editing: a title changed, a file taken off, one added, in one new version.
	_, page = c.get("/eintraege/" + slug + "/bearbeiten")
	pdf, docx := e.Attachments[0], e.Attachments[1]
	for _, w := range []string{`name="file_id" value="` + pdf.ID + `"`, `name="file_title_` + docx.ID + `" type="text" value="leitfaden.docx"`, "Datei entfernen", "Abschlussbericht 2024.pdf"} {
		if !strings.Contains(page, w) {
			t.Errorf("edit form lacks %q", w)
		}
	}
	edit := validForm()
	edit.Set("version", "1")
	edit.Set("comment", "Dateien geordnet")
	parts = append(formParts(edit),
		formPart{name: "file_id", value: pdf.ID}, formPart{name: "file_title_" + pdf.ID, value: pdf.Title}, formPart{name: "file_description_" + pdf.ID, value: pdf.Description},
		formPart{name: "file_remove", value: pdf.ID},
		formPart{name: "file_id", value: docx.ID}, formPart{name: "file_title_" + docx.ID, value: "Leitfaden"}, formPart{name: "file_description_" + docx.ID, value: "Für Einsteiger"},
		filePart("new_file_1", "notiz.txt", corpus(t, "notiz.txt")))
	resp, body = c.postMultipart("/eintraege/"+slug+"/bearbeiten", "/eintraege/"+slug+"/bearbeiten", parts)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit with files: status %d\n%s", resp.StatusCode, body)
	}
	e, _ = a.Entry(t.Context(), everyone, slug)
	if e.Version != 2 || len(e.Attachments) != 2 || e.Attachments[0].Title != "Leitfaden" || e.Attachments[0].Description != "Für Einsteiger" || e.Attachments[1].Name != "notiz.txt" {
		t.Fatalf("after the edit: v%d %+v", e.Version, e.Attachments)
	}
	noUploadsLeft(t, dir)

	// The history links the files of each version; the removed one stays readable there.
	_, page = c.get("/eintraege/" + slug + "/versionen")
	links = fileLinks(page)
	old := links["Abschlussbericht"]
	if !strings.HasSuffix(old, "?version=1") {
		t.Fatalf("history links the old file as %q; links %v", old, links)
	}
	if resp, got := c.getFile(old); resp.StatusCode != 200 || !bytes.Equal(got, report) || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("old version's file: status %d, %d bytes, cache %q", resp.StatusCode, len(got), resp.Header.Get("Cache-Control"))
	}
	if resp, _ := c.getFile(strings.TrimSuffix(old, "?version=1")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("removed file in the current version: status %d, want 404", resp.StatusCode)
	}
	status, page = c.get("/eintraege/" + slug + "/vergleich?von=1&zu=2")
	for _, w := range []string{"<h3>Dateien</h3>", "Abschlussbericht (Abschlussbericht 2024.pdf)", "Leitfaden (leitfaden.docx)", "notiz.txt"} {
		if !strings.Contains(page, w) {
			t.Errorf("comparison (%d) lacks %q", status, w)
		}
	}
}

// TestEntryFormRefusedFiles sends files the app refuses: the form comes back with
// everything typed, says to choose the files again, stores nothing and leaves no
// temporary file.
func TestEntryFormRefusedFiles(t *testing.T) {
	t.Parallel()
	ts, a, dir := newFilesServer(t, app.Files{MaxFile: 64 << 10, MaxEntry: 100 << 10})
	c := newClient(t, ts)
	c.signIn(a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	big := bytes.Repeat([]byte("Ein Satz über Pegel. "), 4000)
	mid := bytes.Repeat([]byte("Noch ein Satz. "), 4000)
	for _, tc := range []struct {
		name   string
		files  []formPart
		status int
		want   []string
	}{
		{"zip under the name of a PDF", []formPart{filePart("new_file_1", "bericht.pdf", corpus(t, "archiv.docx"))}, 400, []string{"„bericht.pdf“ wurde nicht angenommen", "ZIP-Archiv"}},
		{"empty", []formPart{filePart("new_file_1", "leer.txt", corpus(t, "leer.txt"))}, 400, []string{"„leer.txt“", "leer"}},
		{"zip bomb", []formPart{filePart("new_file_1", "bombe.docx", corpus(t, "bombe.docx"))}, 400, []string{"„bombe.docx“", "Grenze"}},
		{"truncated", []formPart{filePart("new_file_1", "abgeschnitten.docx", corpus(t, "abgeschnitten.docx"))}, 400, []string{"„abgeschnitten.docx“", "beschädigt"}},
		{"over the limit of a file", []formPart{filePart("new_file_1", "notiz.txt", corpus(t, "notiz.txt")), filePart("new_file_2", "gross.txt", big)}, 413,
			[]string{"„gross.txt“ ist zu groß: Eine Datei darf höchstens 64 KB groß sein."}},
		{"over the limit of an entry", []formPart{filePart("new_file_1", "eins.txt", mid), filePart("new_file_2", "zwei.txt", mid)}, 413,
			[]string{"Die Dateien eines Eintrags dürfen zusammen höchstens 100 KB groß sein."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := validForm()
			form.Set("title", "Abgewiesene Datei")
			form.Set("comment", "mit Anhang")
			form.Set("submit", "1")
			parts := append(formParts(form), tc.files...)
			parts = append(parts, formPart{name: "new_title_1", value: "Mein Titel"}, formPart{name: "new_description_1", value: "Meine Beschreibung"})
			resp, body := c.postMultipart("/eintraege/neu", "/eintraege", parts)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tc.status, body)
			}
			want := append(tc.want, `value="Abgewiesene Datei"`, "Bürgerinnen melden Schäden per App.", `value="mit Anhang"`, `value="Mein Titel"`, "Meine Beschreibung",
				"Bitte wählen Sie sie noch einmal aus: "+tc.files[0].file, `href="#f-files"`, `id="f-files"`)
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("form shown again lacks %q", w)
				}
			}
			if _, err := a.Entry(t.Context(), everyone, "abgewiesene-datei"); wiki.ErrorCode(err) != wiki.ENOTFOUND {
				t.Errorf("entry stored although a file was refused: %v", err)
			}
			noUploadsLeft(t, dir)
		})
	}
}

// TestUploadedFileNames sends names with folders, control characters and 300 letters:
// each is stored and offered for download cleaned.
func TestUploadedFileNames(t *testing.T) {
	t.Parallel()
	ts, a, dir := newFilesServer(t, app.Files{})
	c := newClient(t, ts)
	c.signIn(a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	note := corpus(t, "notiz.txt")
	long := strings.Repeat("ä", 300) + ".txt"
	disposition := func(n int, raw string) string {
		return fmt.Sprintf(`form-data; name="new_file_%d"; filename*=UTF-8''%s`, n, percentEncoded(raw))
	}
	parts := append(formParts(validForm()),
		formPart{name: "new_file_1", value: string(note), disposition: disposition(1, "../../etc/passwd")},
		formPart{name: "new_file_2", value: string(note), disposition: disposition(2, `C:\Users\max\Desktop\Protokoll "final".txt`)},
		formPart{name: "new_file_3", value: string(note), disposition: disposition(3, "Bericht\x00\x1b[31m\u202e.txt")})
	resp, body := c.postMultipart("/eintraege/neu", "/eintraege", parts)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", resp.StatusCode, body)
	}
	e, _ := a.Entry(t.Context(), everyone, "digitaler-maengelmelder")
	// The long name comes in an edit: the form has three rows.
	edit := validForm()
	edit.Set("version", "1")
	resp, body = c.postMultipart("/eintraege/"+e.Slug+"/bearbeiten", "/eintraege/"+e.Slug+"/bearbeiten",
		append(formParts(edit), formPart{name: "new_file_1", value: string(note), disposition: disposition(1, long)}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: status %d\n%s", resp.StatusCode, body)
	}
	e, _ = a.Entry(t.Context(), everyone, e.Slug)
	var names []string
	for _, f := range e.Attachments {
		names = append(names, f.Name)
	}
	want := []string{"passwd.txt", "Protokoll _final_.txt", "Bericht[31m.txt", strings.Repeat("ä", wiki.MaxFileNameLen-4) + ".txt"}
	if !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	for i, f := range e.Attachments {
		resp, _ := c.getFile(fileURL(e.Slug, f.ID, 0))
		_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
		if err != nil || params["filename"] != want[i] && !strings.ContainsRune(want[i], 'ä') {
			t.Errorf("%s: Content-Disposition %q (%v)", f.Name, resp.Header.Get("Content-Disposition"), err)
		}
	}
	noUploadsLeft(t, dir)
}

// TestFileDownloads checks what a download says about itself, and that a visitor asking
// for a file of an internal entry or of an unpublished one gets exactly what a file that
// does not exist gets; so does a member asking for a file of another municipality's
// draft, and a visitor asking for a file of an old version. The same in the API.
func TestFileDownloads(t *testing.T) {
	t.Parallel()
	ts, a, _ := newFilesServer(t, app.Files{})
	ctx := t.Context()
	coord, coordToken := apiUser(t, a, "karla@ikone-ds.de", wiki.RoleCoordinator, "")
	member, _ := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	report, note := corpus(t, "bericht.pdf"), corpus(t, "notiz.txt")
	secret := func() app.FileUpload {
		return app.FileUpload{Name: "notiz.txt", Title: "Vertrauliche Notiz", Content: bytes.NewReader(note), Size: int64(len(note))}
	}
	internal, err := a.ChangeFiles(ctx, coord, "buergerhaushalt-online", 1, app.FileChanges{Add: []app.FileUpload{secret()}}, "")
	if err != nil {
		t.Fatal(err)
	}
	draft, err := a.CreateEntryFiles(ctx, member, &wiki.Entry{Title: "Entwurf mit Datei", Kind: wiki.KindSolution, Municipality: "07312000",
		Summary: "Kurz.", Topics: []string{"klima-umwelt"}, ProjectStatus: wiki.StatusRunning, Visibility: wiki.Public}, "", false, []app.FileUpload{secret()})
	if err != nil {
		t.Fatal(err)
	}
	// The public entry: a PDF, and a note that version 3 takes off again.
	public, err := a.ChangeFiles(ctx, coord, "lorawan-sensornetz-fuer-pegelstaende", 1, app.FileChanges{Add: []app.FileUpload{
		{Name: "Übersicht Maßnahmen.pdf", Content: bytes.NewReader(report), Size: int64(len(report))}, secret()}}, "")
	if err != nil {
		t.Fatal(err)
	}
	public, err = a.ChangeFiles(ctx, coord, public.Slug, public.Version, app.FileChanges{Remove: []string{public.Attachments[1].ID}}, "")
	if err != nil {
		t.Fatal(err)
	}
	pdf := fileURL(public.Slug, public.Attachments[0].ID, 0)
	pubOld := fileURL(public.Slug, mustRevisionFile(t, a, public.Slug, 2, 1), 2)

	t.Run("headers", func(t *testing.T) {
		resp, body := newClient(t, ts).getFile(pdf)
		for k, want := range map[string]string{
			"Content-Type":            "application/pdf",
			"Content-Length":          fmt.Sprint(len(report)),
			"Content-Disposition":     `attachment; filename="Uebersicht Massnahmen.pdf"; filename*=UTF-8''%C3%9Cbersicht%20Ma%C3%9Fnahmen.pdf`,
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'none'; sandbox",
			"Cache-Control":           "public, max-age=300",
		} {
			if got := resp.Header.Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		if resp.StatusCode != 200 || !bytes.Equal(body, report) {
			t.Errorf("status %d, %d bytes, want 200 and the file", resp.StatusCode, len(body))
		}
		// A member's draft is nobody else's business: not cached anywhere.
		c := newClient(t, ts)
		c.signIn(a, "max2@beispiel-kommune.de", wiki.RoleMember, "07312000")
		resp, _ = c.getFile(fileURL(draft.Slug, draft.Attachments[0].ID, 0))
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "private, no-store" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("draft's file: status %d, cache %q, type %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Type"))
		}
		// HEAD answers the headers alone.
		req, _ := http.NewRequest(http.MethodHead, ts.URL+pdf, nil)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 || resp.ContentLength != int64(len(report)) {
			t.Errorf("HEAD: %v %+v", err, resp)
		}
	})

	t.Run("hidden files are not found", func(t *testing.T) {
		visitor := newClient(t, ts)
		other := newClient(t, ts)
		other.signIn(a, "zoe@beispiel-zweibruecken.de", wiki.RoleMember, "07320000")
		unknown := fileURL("lorawan-sensornetz-fuer-pegelstaende", "01JC0000000000000000000000", 0)
		for _, tc := range []struct {
			who  *client
			name string
			path string
		}{
			{visitor, "internal entry", fileURL(internal.Slug, internal.Attachments[0].ID, 0)},
			{visitor, "draft", fileURL(draft.Slug, draft.Attachments[0].ID, 0)},
			{visitor, "old version of a public entry", pubOld},
			{visitor, "unknown entry", fileURL("gibt-es-nicht", internal.Attachments[0].ID, 0)},
			{visitor, "bad version", fileURL(internal.Slug, internal.Attachments[0].ID, 0) + "?version=x"},
			{other, "another municipality's draft", fileURL(draft.Slug, draft.Attachments[0].ID, 0)},
			{other, "version that never was", fileURL(internal.Slug, internal.Attachments[0].ID, 99)},
		} {
			wantStatus, want := tc.who.get(unknown)
			status, got := tc.who.get(tc.path)
			if status != http.StatusNotFound || status != wantStatus || got != want {
				t.Errorf("%s: status %d, want %d, and the same page as for an unknown file:\n%s", tc.name, status, wantStatus, firstDifference(want, got))
			}
			if !strings.Contains(got, "Diese Datei gibt es nicht, oder Sie dürfen sie nicht sehen.") || strings.Contains(got, "Vertrauliche Notiz") {
				t.Errorf("%s: not the German not-found page, or it names the file", tc.name)
			}
		}
		// The member who may read the internal entry gets its file, and old versions' files.
		if resp, b := other.getFile(fileURL(internal.Slug, internal.Attachments[0].ID, 0)); resp.StatusCode != 200 || !bytes.Equal(b, note) {
			t.Errorf("member reading the internal entry's file: %d", resp.StatusCode)
		}
		if resp, b := other.getFile(pubOld); resp.StatusCode != 200 || !bytes.Equal(b, note) || resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("member reading an old version's file: %d, cache %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	})

	t.Run("API", func(t *testing.T) {
		path := "/api/v1/entries/" + internal.Slug + "/files"
		for _, p := range []string{path, path + "/" + internal.Attachments[0].ID} {
			hidden := callAPI(t, ts, nil, apiRequest{method: "GET", path: p})
			unknown := callAPI(t, ts, nil, apiRequest{method: "GET", path: strings.Replace(p, internal.Slug, "gibt-es-nicht", 1)})
			if hidden.status != 404 || unknown.status != 404 {
				t.Errorf("%s: visitor %d, unknown entry %d, want 404", p, hidden.status, unknown.status)
			}
		}
		wrongID := callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/entries/" + public.Slug + "/files/" + internal.Attachments[0].ID})
		hidden := callAPI(t, ts, nil, apiRequest{method: "GET", path: path + "/" + internal.Attachments[0].ID})
		if wrongID.raw != hidden.raw {
			t.Errorf("a hidden file answers otherwise than a file that is not there:\n%s\n%s", hidden.raw, wrongID.raw)
		}
		r := callAPI(t, ts, nil, apiRequest{method: "GET", path: path, token: coordToken})
		if txt, _ := r.items()[0]["text"].(map[string]any); r.status != 200 || txt["status"] != "pending" {
			t.Errorf("coordinator's list: %d %s", r.status, r.raw)
		}
	})

	t.Run("no malware scanner", func(t *testing.T) {
		c := newClient(t, ts)
		c.signIn(a, "leitung@ikone-ds.de", wiki.RoleCoordinator, "")
		_, page := c.get("/koordination")
		for _, w := range []string{"Hochgeladene Dateien werden nicht auf Schadsoftware geprüft: Es ist kein Virenscanner eingerichtet.", "WISSENSNETZ_CLAMD=host:port"} {
			if !strings.Contains(page, w) {
				t.Errorf("coordination page lacks %q", w)
			}
		}
	})
}

// mustRevisionFile returns the id of the i-th file of the given version of an entry.
func mustRevisionFile(t *testing.T, a *app.App, slug string, version, i int) string {
	t.Helper()
	_, revs, err := a.History(t.Context(), everyone, slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs {
		if r.Version == version && len(r.Entry.Attachments) > i {
			return r.Entry.Attachments[i].ID
		}
	}
	t.Fatalf("%s has no file %d in version %d", slug, i, version)
	return ""
}

// TestFileTextNotes: those who may edit an entry learn which files the search cannot read;
// others see the files alone.
func TestFileTextNotes(t *testing.T) {
	t.Parallel()
	ts, a, _ := newFilesServer(t, app.Files{Extractor: testExtractor()})
	ctx := t.Context()
	coord, _ := apiUser(t, a, "karla@ikone-ds.de", wiki.RoleCoordinator, "")
	var add []app.FileUpload
	for _, name := range []string{"bericht.pdf", "verschluesselt.pdf"} {
		b := corpus(t, name)
		add = append(add, app.FileUpload{Name: name, Content: bytes.NewReader(b), Size: int64(len(b))})
	}
	const slug = "lorawan-sensornetz-fuer-pegelstaende"
	if _, err := a.ChangeFiles(ctx, coord, slug, 1, app.FileChanges{Add: add}, ""); err != nil {
		t.Fatal(err)
	}
	waitTexts(t, a)
	c := newClient(t, ts)
	c.signIn(a, "koordination@ikone-ds.de", wiki.RoleCoordinator, "")
	_, page := c.get("/eintraege/" + slug)
	if !strings.Contains(page, "Hinweis für Bearbeitende:</strong> nicht durchsuchbar: die Datei ist verschlüsselt") {
		t.Error("the editor is not told that the encrypted PDF cannot be searched")
	}
	if strings.Count(page, "Hinweis für Bearbeitende") != 1 {
		t.Error("a note beside the readable PDF")
	}
	_, page = get(t, ts, "/eintraege/"+slug)
	if !strings.Contains(page, ">verschluesselt.pdf</a>") || strings.Contains(page, "Hinweis für Bearbeitende") {
		t.Error("visitors: file missing, or a note meant for editors")
	}
}

// fakeScanner finds malware in files that say "EICAR" and is down when down is set.
type fakeScanner struct{ down atomic.Bool }

func (s *fakeScanner) Name() string { return "Testscanner (clamd)" }

func (s *fakeScanner) Scan(ctx context.Context, r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	switch {
	case err != nil:
		return "", err
	case s.down.Load():
		return "", fmt.Errorf("clamd: connection refused")
	case bytes.Contains(b, []byte("EICAR")):
		return "Eicar-Test-Signature", nil
	}
	return "", nil
}

// TestMultipartFormToken: a form with files carries its token as the first part; the
// guard refuses one without it before reading any file, and every other form may come as
// multipart/form-data too.
func TestMultipartFormToken(t *testing.T) {
	t.Parallel()
	ts, a, dir := newFilesServer(t, app.Files{})
	c := newClient(t, ts)
	c.signIn(a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	_, page := c.get("/eintraege/neu")
	token := csrfField.FindStringSubmatch(page)[1]
	pdf := filePart("new_file_1", "bericht.pdf", corpus(t, "bericht.pdf"))
	for name, parts := range map[string][]formPart{
		"no token":           append(formParts(validForm()), pdf),
		"token after a file": append([]formPart{pdf, {name: "csrf", value: token}}, formParts(validForm())...),
		"token after fields": append(append(formParts(validForm()), formPart{name: "csrf", value: token}), pdf),
		"forged token":       append([]formPart{{name: "csrf", value: auth.NewSecret()}}, append(formParts(validForm()), pdf)...),
	} {
		resp, body := c.postParts("/eintraege", parts)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Formular ist abgelaufen") {
			t.Errorf("%s: status %d, want 403", name, resp.StatusCode)
		}
	}
	if _, err := a.Entry(t.Context(), everyone, "digitaler-maengelmelder"); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("an entry was saved without a valid token: %v", err)
	}
	noUploadsLeft(t, dir)

	// Signing in with a multipart form: the files of such a form are skipped.
	v := newClient(t, ts)
	u, err := a.CreateUser(t.Context(), auth.Visitor, app.NewUser{Email: "mia@beispiel-kommune.de", Name: "Mia", Role: wiki.RoleMember, Municipality: "07312000", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := v.postMultipart("/anmelden", "/anmelden", []formPart{{name: "email", value: u.Email}, pdf, {name: "password", value: testPassword}, {name: "weiter", value: "/profil"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/profil" {
		t.Errorf("sign-in as multipart: status %d, location %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	noUploadsLeft(t, dir)
}

// percentEncoded writes every byte of s but letters, digits and dots as %XX, as an
// RFC 5987 value of a multipart part's file name.
func percentEncoded(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
