package web

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// directStore is the embedded store with an S3 bucket as its blob store, so that files go
// straight to the bucket as on AWS. The bucket is gofakes3 (in process): these tests are
// about the pages; signatures and policies are checked against versitygw in s3blob and
// app.
type directStore struct {
	*embedded.Store
	blobs store.Blobs
}

func (d directStore) Stores() store.Stores {
	s := d.Store.Stores()
	s.Blobs = d.blobs
	return s
}

// newDirectServer serves the fixture with files going straight to an in-process S3,
// and returns the S3 client and bucket too.
func newDirectServer(t *testing.T, files app.Files) (*httptest.Server, *app.App, *s3.Client, string) {
	t.Helper()
	s3srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(s3srv.Close)
	c := s3.New(s3.Options{Region: "eu-central-1", BaseEndpoint: aws.String(s3srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("wissensnetz-test", "wissensnetz-test-secret", "")})
	bucket := fmt.Sprintf("wissensnetz-web-%d", rand.Uint32())
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.StartLocal(t.Context(), directStore{st, s3blob.NewDirect(c, s3.NewPresignClient(c), bucket, "")},
		app.Local{DataDir: dir, DemoAuthor: wiki.DemoAuthor, Demo: func() io.Reader {
			f, err := os.Open("testdata/fixture.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		}},
		app.Options{BaseURL: "https://wissensnetz.example", Files: files})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := contractServer(t, s)
	t.Cleanup(func() { ts.Close(); a.Close() })
	return ts, a, c, bucket
}

func viewerFor(u *wiki.User) auth.Viewer { return auth.Viewer{User: u} }

// draftEntry is a new entry of Kaiserslautern.
func draftEntry() *wiki.Entry {
	return &wiki.Entry{Title: "Digitaler Mängelmelder", Kind: wiki.KindSolution, Municipality: "07312000",
		Summary: "Bürgerinnen melden Schäden per App.", Body: "## Lösung\n\nEine App.", Topics: []string{"buergerbeteiligung"},
		ProjectStatus: wiki.StatusRunning, Visibility: wiki.Public}
}

var (
	hiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	formAction  = regexp.MustCompile(`<form class="direct-upload" action="([^"]+)"`)
)

func TestDirectUploadPages(t *testing.T) {
	t.Parallel()
	ts, a, c, bucket := newDirectServer(t, app.Files{})
	member := newClient(t, ts)
	u := member.signIn(a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	e, err := a.CreateEntry(t.Context(), viewerFor(u), draftEntry(), "", false)
	if err != nil {
		t.Fatal(err)
	}

	// The entry's page leads to the upload page.
	if _, body := member.get("/eintraege/" + e.Slug); !strings.Contains(body, `href="/eintraege/`+e.Slug+`/dateien/hochladen"`) {
		t.Error("the entry's page has no link to the upload page")
	}

	// The entry's forms take no files on AWS (API Gateway would refuse large bodies):
	// the edit form leads to the upload page, the new one says when files can be added.
	for path, want := range map[string]string{
		"/eintraege/" + e.Slug + "/bearbeiten": `href="/eintraege/` + e.Slug + `/dateien/hochladen"`,
		"/eintraege/neu":                       "sobald der Eintrag gespeichert ist",
	} {
		_, body := member.get(path)
		if strings.Contains(body, `type="file"`) || !strings.Contains(body, want) {
			t.Errorf("%s on AWS: file inputs, or no way to the upload page", path)
		}
	}

	resp, err := member.http.Get(ts.URL + "/eintraege/" + e.Slug + "/dateien/hochladen")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload page: status %d\n%s", resp.StatusCode, body)
	}
	m := formAction.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no upload form:\n%s", body)
	}
	action, _ := url.Parse(html.UnescapeString(m[1]))
	if !strings.HasSuffix(action.Path, "/"+bucket) {
		t.Errorf("form action %s, want the bucket", action)
	}
	fields := map[string]string{}
	form := body[strings.Index(body, m[0]):]
	form = form[:strings.Index(form, "</form>")]
	if strings.Contains(form, `name="csrf"`) {
		t.Error("the upload form carries the form token: S3 refuses fields its policy does not name")
	}
	for _, f := range hiddenField.FindAllStringSubmatch(form, -1) {
		fields[f[1]] = html.UnescapeString(f[2])
	}
	prefix := "uploads/" + e.ID + "/" + u.ID + "/"
	if !strings.HasPrefix(fields["key"], prefix) || !strings.HasSuffix(fields["key"], "/${filename}") || fields["policy"] == "" || fields["X-Amz-Signature"] == "" ||
		fields["success_action_redirect"] != "https://wissensnetz.example/eintraege/"+e.Slug+"/dateien/bestaetigen" {
		t.Errorf("hidden fields %v", fields)
	}
	if file, last := strings.Index(body, `type="file"`), strings.LastIndex(body, `type="hidden"`); file < last {
		t.Error("the file input is not the form's last field: S3 ignores fields after the file")
	}
	origin := action.Scheme + "://" + action.Host
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+origin) || !strings.Contains(csp, "connect-src 'self' "+origin) {
		t.Errorf("Content-Security-Policy %q: want form-action and connect-src for %s", csp, origin)
	}
	if !strings.Contains(body, "files_direct.js") || !strings.Contains(body, `data-prefix="`+html.EscapeString(strings.TrimSuffix(fields["key"], "${filename}"))+`"`) {
		t.Error("the page does not load its script with the key prefix")
	}

	// The bucket took two files (as the browser would, by the form and by the script).
	keyPrefix := strings.TrimSuffix(fields["key"], "${filename}")
	keys := []string{keyPrefix + "Abschlussbericht.csv", keyPrefix + "2/Kosten.txt"}
	for i, k := range keys {
		content := []string{"Jahr;Kosten\n2024;1200\n", "Kosten des Projekts im Überblick.\n"}[i]
		if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(content)}); err != nil {
			t.Fatal(err)
		}
	}
	q := url.Values{"bucket": {bucket}, "key": keys, "etag": {`"abc"`}}
	confirmPage := "/eintraege/" + e.Slug + "/dateien/bestaetigen?" + q.Encode()
	status, body := member.get(confirmPage)
	if status != http.StatusOK || !strings.Contains(body, `value="Abschlussbericht"`) || !strings.Contains(body, "Datei „Kosten.txt“") {
		t.Fatalf("confirmation page: status %d\n%s", status, body)
	}

	t.Run("a key of someone else", func(t *testing.T) {
		resp, body := member.post(confirmPage, "/eintraege/"+e.Slug+"/dateien/bestaetigen", url.Values{
			"version": {"1"}, "key": {"uploads/" + e.ID + "/01SOMEONEELSE/x/a.pdf"}, "name": {"a.pdf"}, "title": {"Mein Titel"}, "description": {""}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "von jemand anderem hochgeladen") || !strings.Contains(body, `value="Mein Titel"`) {
			t.Errorf("status %d, want 400 with the message and the input kept\n%s", resp.StatusCode, body)
		}
	})

	resp2, body := member.post(confirmPage, "/eintraege/"+e.Slug+"/dateien/bestaetigen", url.Values{
		"version": {"1"}, "key": keys, "name": {"Abschlussbericht.csv", "Kosten.txt"},
		"title": {"Kosten 2024", ""}, "description": {"Die Tabelle.", ""}, "comment": {"Zahlen ergänzt"}})
	if resp2.StatusCode != http.StatusSeeOther || resp2.Header.Get("Location") != "/eintraege/"+e.Slug+"?gespeichert=1" {
		t.Fatalf("confirm: status %d, Location %q\n%s", resp2.StatusCode, resp2.Header.Get("Location"), body)
	}
	saved, err := a.Entry(t.Context(), viewerFor(u), e.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Attachments) != 2 || saved.Attachments[0].Title != "Kosten 2024" || saved.Attachments[0].Format != "csv" ||
		saved.Attachments[1].Title != "Kosten.txt" || saved.Attachments[1].Format != "txt" {
		t.Errorf("attachments %+v", saved.Attachments)
	}

	t.Run("visitor", func(t *testing.T) {
		for _, path := range []string{"/eintraege/" + e.Slug + "/dateien/hochladen", confirmPage} {
			if status, _ := get(t, ts, path); status != http.StatusNotFound {
				t.Errorf("GET %s as a visitor: status %d, want 404 (a draft)", path, status)
			}
		}
	})
}

func TestDirectUploadInLocalMode(t *testing.T) {
	t.Parallel()
	ts, _ := newTestServer(t)
	c := newClient(t, ts)
	resp, err := c.http.Get(ts.URL + "/eintraege/irgendein-eintrag/dateien/hochladen")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/eintraege/irgendein-eintrag/bearbeiten" {
		t.Errorf("status %d, Location %q; want 303 to the entry's form, which takes files locally", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestRedirectToFile(t *testing.T) {
	t.Parallel()
	_, a, c, bucket := newDirectServer(t, app.Files{MalwareTags: true})
	s, err := New(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.CreateUser(t.Context(), viewerFor(nil), app.NewUser{Email: "max@beispiel-kommune.de", Name: "Max Muster", Role: wiki.RoleMember, Municipality: "07312000", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.CreateEntry(t.Context(), viewerFor(u), draftEntry(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	up, err := a.DirectUpload(t.Context(), viewerFor(u), e.Slug)
	if err != nil {
		t.Fatal(err)
	}
	key := up.KeyPrefix + "Präsentation.txt"
	if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("Folie 1\n")}); err != nil {
		t.Fatal(err)
	}
	e, err = a.ConfirmUploads(t.Context(), viewerFor(u), e.Slug, e.Version, []app.UploadedFile{{Key: key}}, "")
	if err != nil {
		t.Fatal(err)
	}
	d := &app.FileDownload{Entry: e, File: e.Attachments[0]}
	answer := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		if !s.redirectToFile(rec, httptest.NewRequest(http.MethodGet, "/eintraege/"+e.Slug+"/dateien/"+d.File.ID, nil), d, s.renderError) {
			t.Fatal("redirectToFile did not answer on AWS")
		}
		return rec
	}
	if rec := answer(); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "wird noch auf Schadsoftware geprüft") {
		t.Errorf("before the scan: status %d, want 409 with the message", rec.Code)
	}
	for status, want := range map[string]int{"THREATS_FOUND": http.StatusForbidden, "NO_THREATS_FOUND": http.StatusFound} {
		if _, err := c.PutObjectTagging(t.Context(), &s3.PutObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String(wiki.AttachmentKey(e.ID, d.File.ID)),
			Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String(app.GuardDutyScanTag), Value: aws.String(status)}}}}); err != nil {
			t.Fatal(err)
		}
		rec := answer()
		if rec.Code != want {
			t.Errorf("%s: status %d, want %d", status, rec.Code, want)
		}
		if want == http.StatusFound {
			loc, err := url.Parse(rec.Header().Get("Location"))
			if err != nil || !strings.Contains(loc.Path, wiki.AttachmentKey(e.ID, d.File.ID)) || loc.Query().Get("X-Amz-Expires") != "300" ||
				!strings.Contains(loc.Query().Get("response-content-disposition"), "filename*=UTF-8''Pr%C3%A4sentation.txt") || rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("redirect to %q, Cache-Control %q", rec.Header().Get("Location"), rec.Header().Get("Cache-Control"))
			}
		}
	}

	t.Run("local mode", func(t *testing.T) {
		_, local := newTestServer(t)
		ls, err := New(local, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ls.redirectToFile(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), d, ls.renderError) {
			t.Error("redirectToFile answered in local mode")
		}
	})
}

// TestAPIUploads: a script asks for a signed form, sends a file to the bucket and confirms
// its key; the file is checked and becomes the entry's. Who may not edit the entry gets no
// form, and a local server says where files go instead.
func TestAPIUploads(t *testing.T) {
	t.Parallel()
	ts, a, c, bucket := newDirectServer(t, app.Files{})
	member, token := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	_, stranger := apiUser(t, a, "zoe@beispiel-zweibruecken.de", wiki.RoleMember, "07320000")
	e, err := a.CreateEntry(t.Context(), member, draftEntry(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/entries/" + e.Slug + "/uploads"
	if r := callAPI(t, ts, nil, apiRequest{method: http.MethodPost, path: path, token: stranger}); r.status != http.StatusNotFound && r.status != http.StatusForbidden {
		t.Errorf("form for someone who may not edit: status %d, want 403 or 404", r.status)
	}
	r := callAPI(t, ts, nil, apiRequest{method: http.MethodPost, path: path, token: token})
	if r.status != http.StatusOK {
		t.Fatalf("form: status %d %s", r.status, r.raw)
	}
	prefix, _ := r.body["key_prefix"].(string)
	fields, _ := r.body["fields"].(map[string]any)
	if !strings.HasPrefix(prefix, "uploads/"+e.ID+"/"+member.User.ID+"/") || fields["policy"] == nil || r.body["max_size"] != float64(wiki.DefaultMaxFileSize) {
		t.Fatalf("form: %s", r.raw)
	}

	pdf := corpus(t, "bericht.pdf")
	html := []byte("<!DOCTYPE html><html><body>keine PDF</body></html>")
	for name, content := range map[string][]byte{"Bericht.pdf": pdf, "falsch.pdf": html} {
		if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix + name), Body: bytes.NewReader(content)}); err != nil {
			t.Fatal(err)
		}
	}
	confirm := func(version int, key string) apiResponse {
		body := fmt.Sprintf(`{"version": %d, "comment": "Bericht", "files": [{"key": %q, "title": "Abschlussbericht"}]}`, version, key)
		return callAPI(t, ts, nil, apiRequest{method: http.MethodPost, path: path + "/confirm", token: token, body: body})
	}
	if r := confirm(1, prefix+"falsch.pdf"); r.status != http.StatusBadRequest || !strings.Contains(r.errorField("file"), "falsch.pdf") {
		t.Errorf("HTML named .pdf: status %d %s", r.status, r.raw)
	}
	if r := confirm(7, prefix+"Bericht.pdf"); r.status != http.StatusPreconditionFailed {
		t.Errorf("stale version: status %d %s", r.status, r.raw)
	}
	r = confirm(1, prefix+"Bericht.pdf")
	if r.status != http.StatusCreated {
		t.Fatalf("confirm: status %d %s", r.status, r.raw)
	}
	items := r.items()
	if len(items) != 1 || items[0]["name"] != "Bericht.pdf" || items[0]["title"] != "Abschlussbericht" || items[0]["format"] != "pdf" || items[0]["size"] != float64(len(pdf)) {
		t.Errorf("files after confirming: %s", r.raw)
	}

	// A local server takes files itself.
	lts, la, _ := newFilesServer(t, app.Files{})
	lmember, ltoken := apiUser(t, la, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	le, err := la.CreateEntry(t.Context(), lmember, draftEntry(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	if r := callAPI(t, lts, nil, apiRequest{method: http.MethodPost, path: "/api/v1/entries/" + le.Slug + "/uploads", token: ltoken}); r.status != http.StatusBadRequest || !strings.Contains(r.errorMessage(), "/files") {
		t.Errorf("local mode: status %d %s", r.status, r.raw)
	}
}
