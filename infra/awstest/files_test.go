package awstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// page2Word stands only on page 2 of the report uploaded by TestFileThroughS3.
const (
	page2Word     = "Zisternenampel"
	page2Sentence = "Die Zisternenampel in Probstadt meldet den Fuellstand alle zehn Minuten."
)

// reportPDF returns a PDF of two pages with page2Sentence on the second.
func reportPDF(t *testing.T) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetFont("Helvetica", "", 12)
	pdf.AddPage()
	pdf.Cell(0, 10, "Abschlussbericht Regenwasser")
	pdf.AddPage()
	pdf.Cell(0, 10, page2Sentence)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	csrfField    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	hiddenField  = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	uploadAction = regexp.MustCompile(`<form class="direct-upload" action="([^"]+)"`)
)

// browser is a person's browser on the stack: it keeps cookies, follows no redirects.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t, &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request, want int) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		b.t.Fatalf("%s %s: status %d, want %d\n%.1500s", req.Method, req.URL, resp.StatusCode, want, body)
	}
	return resp, string(body)
}

func (b *browser) get(u string, want int) string {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	_, body := b.do(req, want)
	return body
}

func (b *browser) postForm(u string, form url.Values, want int) *http.Response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ := b.do(req, want)
	return resp
}

// signIn signs the coordinator in on web instance i (the session is in the table: every
// instance knows it).
func (b *browser) signIn(s *site, i int) {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(b.get(s.WebURL(i)+"/anmelden", http.StatusOK))
	if m == nil {
		b.t.Fatal("no form token on /anmelden")
	}
	b.postForm(s.WebURL(i)+"/anmelden", url.Values{"csrf": {m[1]}, "email": {coordinatorEmail}, "password": {"Gemeinsam-in-die-Zukunft-26"}, "weiter": {"/"}}, http.StatusSeeOther)
}

// uploadForm is the signed form of an upload page.
type uploadForm struct {
	action string
	fields map[string]string
}

func (b *browser) uploadForm(u string) uploadForm {
	b.t.Helper()
	page := b.get(u, http.StatusOK)
	m := uploadAction.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no upload form on %s:\n%.1500s", u, page)
	}
	f := uploadForm{action: html.UnescapeString(m[1]), fields: map[string]string{}}
	// Only the upload form's fields: the page has other forms (signing out).
	start := strings.Index(page, m[0])
	end := start + strings.Index(page[start:], "</form>")
	for _, h := range hiddenField.FindAllStringSubmatch(page[start:end], -1) {
		f.fields[h[1]] = html.UnescapeString(h[2])
	}
	return f
}

// send posts the form to the bucket as a browser does: the fields (with the given ones
// replaced), then the file.
func (f uploadForm) send(t *testing.T, replace map[string]string, name string, content []byte) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range f.fields {
		if r, ok := replace[k]; ok {
			v = r
		}
		w.WriteField(k, v)
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	client := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Post(f.action, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Logf("upload answered %d: %.500s", resp.StatusCode, body)
	}
	return resp
}

// TestFileThroughS3 uploads a PDF as a browser without JavaScript does on AWS: the signed
// form goes straight to the S3 stand-in (versitygw checks the signature and the policy),
// S3 sends the browser to the confirmation page of web instance 1, the confirmed file is
// stored under attachments/, S3's notification runs the extract function under the
// Runtime Interface Emulator, its text lands beside the file and its touch of the entry
// goes through the change log and the stream to the indexer; both web instances then
// find the entry by a word from page 2 of the file.
func TestFileThroughS3(t *testing.T) {
	s := startSite(t)
	ctx := t.Context()
	slug := s.visitorSearch(0, "")[0]
	b := newBrowser(t)
	b.signIn(s, 0)
	form := b.uploadForm(s.WebURL(0) + "/eintraege/" + slug + "/dateien/hochladen")
	if want := s.S3Endpoint() + "/" + s.Bucket(); form.action != want {
		t.Errorf("form action %s, want the bucket %s", form.action, want)
	}
	pdf := reportPDF(t)
	before := len(s.Notifications())

	t.Run("forged signature", func(t *testing.T) {
		resp := form.send(t, map[string]string{"X-Amz-Signature": strings.Repeat("0", 64)}, "Bericht.pdf", pdf)
		if resp.StatusCode < 400 {
			t.Errorf("upload with a forged signature: status %d, want a refusal", resp.StatusCode)
		}
	})
	t.Run("key outside the policy", func(t *testing.T) {
		resp := form.send(t, map[string]string{"key": "attachments/x/y"}, "Bericht.pdf", pdf)
		if resp.StatusCode < 400 {
			t.Errorf("upload under attachments/: status %d, want a refusal", resp.StatusCode)
		}
	})

	resp := form.send(t, nil, "Abschlussbericht Regenwasser.pdf", pdf)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: status %d, want 303 to the confirmation page", resp.StatusCode)
	}
	next, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(next.String(), s.WebURL(0)+"/eintraege/"+slug+"/dateien/bestaetigen?") {
		t.Fatalf("S3 redirected to %q, want web 1's confirmation page", resp.Header.Get("Location"))
	}
	upload := next.Query().Get("key")
	confirm := b.get(next.String(), http.StatusOK)
	fields := url.Values{}
	for _, h := range hiddenField.FindAllStringSubmatch(confirm, -1) {
		fields.Add(h[1], html.UnescapeString(h[2]))
	}
	fields.Set("title", "Abschlussbericht Regenwasser")
	fields.Set("description", "Mit den Messwerten der Zisternen.")
	if fields.Get("key") != upload || fields.Get("csrf") == "" || fields.Get("version") == "" {
		t.Fatalf("confirmation form fields %v", fields)
	}
	saved := b.postForm(s.WebURL(0)+"/eintraege/"+slug+"/dateien/bestaetigen", fields, http.StatusSeeOther)
	if loc := saved.Header.Get("Location"); loc != "/eintraege/"+slug+"?gespeichert=1" {
		t.Errorf("after the confirmation: Location %q", loc)
	}

	e, err := s.store.EntryBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Attachments) == 0 {
		t.Fatal("the entry has no file after the confirmation")
	}
	f := e.Attachments[len(e.Attachments)-1]
	if f.Title != "Abschlussbericht Regenwasser" || f.Format != "pdf" || f.Size != int64(len(pdf)) {
		t.Errorf("file %+v", f)
	}
	if _, err := s.S3().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.Bucket()), Key: aws.String(upload)}); err == nil {
		t.Errorf("the upload %s is still there after the confirmation", upload)
	}

	// S3's notification of the attachment ran the extract function.
	waitCtx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := s.WaitNotificationsIdle(waitCtx); err != nil {
		t.Fatal(err)
	}
	key := wiki.AttachmentKey(e.ID, f.ID)
	var notified bool
	for _, r := range s.Notifications()[before:] {
		notified = notified || r.S3.Object.URLDecodedKey == key
		if strings.HasPrefix(r.S3.Object.URLDecodedKey, "uploads/") {
			t.Errorf("notification for the upload %s: the template's filter takes attachments/ only", r.S3.Object.URLDecodedKey)
		}
	}
	if !notified {
		t.Fatalf("no notification for %s; sent: %+v", key, s.Notifications()[before:])
	}
	out, err := s.S3().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket()), Key: aws.String(wiki.AttachmentTextKey(e.ID, f.ID))})
	if err != nil {
		t.Fatalf("no text beside the file: %v\n%s", err, s.LogTail("extract", 30))
	}
	var text wiki.FileText
	err = json.NewDecoder(out.Body).Decode(&text)
	out.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if text.Status != wiki.TextSearchable || len(text.Parts) != 2 || text.Parts[1].Label != "Seite 2" || !strings.Contains(text.Parts[1].Text, page2Word) {
		t.Errorf("text of the file: %+v", text)
	}
	t.Logf("extract: %s", grep(s.LogTail("extract", 50), "pdf engine ready", "text of attachment stored"))

	// Its touch of the entry is in the change log, and a published snapshot covers it.
	page, err := s.store.Changes(ctx, 0, math.MaxInt32)
	if err != nil {
		t.Fatal(err)
	}
	var touched bool
	for _, c := range page.Changes {
		touched = touched || (c.Kind == store.ChangedEntry && c.Key == e.ID && c.Version == 0)
	}
	if !touched {
		t.Error("the extract function logged no touch of the entry")
	}
	s.waitIndexed(ctx)

	t.Run("several files as the page's script sends them", func(t *testing.T) {
		page := b.get(s.WebURL(1)+"/eintraege/"+slug+"/dateien/hochladen", http.StatusOK)
		script := regexp.MustCompile(`data-script-fields="([^"]+)"`).FindStringSubmatch(page)
		prefix := regexp.MustCompile(`data-prefix="([^"]+)"`).FindStringSubmatch(page)
		if script == nil || prefix == nil {
			t.Fatalf("no script fields on the upload page of web 2")
		}
		sf := uploadForm{action: form.action, fields: map[string]string{}}
		if err := json.Unmarshal([]byte(html.UnescapeString(script[1])), &sf.fields); err != nil {
			t.Fatal(err)
		}
		if _, ok := sf.fields["success_action_redirect"]; ok {
			t.Errorf("the script's fields ask for a redirect: %v", sf.fields)
		}
		keys := []string{html.UnescapeString(prefix[1]) + "1/Notiz.txt", html.UnescapeString(prefix[1]) + "2/Notiz.txt"}
		for i, k := range keys {
			resp := sf.send(t, map[string]string{"key": k}, "Notiz.txt", []byte(fmt.Sprintf("Sitzungsnotiz %d zur Zisternenampel.\n", i+1)))
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("script upload %d: status %d, want 204", i+1, resp.StatusCode)
			}
		}
		confirmURL := s.WebURL(1) + "/eintraege/" + slug + "/dateien/bestaetigen?" + url.Values{"key": keys}.Encode()
		confirm := b.get(confirmURL, http.StatusOK)
		fields := url.Values{}
		for _, h := range hiddenField.FindAllStringSubmatch(confirm, -1) {
			fields.Add(h[1], html.UnescapeString(h[2]))
		}
		fields["title"] = []string{"Notiz 1", "Notiz 2"}
		fields["description"] = []string{"", ""}
		b.postForm(s.WebURL(1)+"/eintraege/"+slug+"/dateien/bestaetigen", fields, http.StatusSeeOther)
		after, err := s.store.EntryBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(after.Attachments); n != len(e.Attachments)+2 || after.Version != e.Version+1 ||
			after.Attachments[n-2].Title != "Notiz 1" || after.Attachments[n-1].Title != "Notiz 2" {
			t.Errorf("after the script's uploads: version %d, files %+v", after.Version, after.Attachments)
		}
		if err := s.WaitNotificationsIdle(waitCtx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("search on both instances", func(t *testing.T) {
		for i := range 2 {
			if got := s.visitorSearch(i, page2Word); !contains(got, slug) {
				t.Errorf("web %d: search for %s = %v, want %s", i+1, page2Word, got, slug)
			}
		}
	})

	// Made internal on web 1, the entry's file and its text are gone for visitors on web 2
	// at once: the download reads the table, the search its change log.
	t.Run("hidden on one instance, hidden on the other", func(t *testing.T) {
		download := "/eintraege/" + slug + "/dateien/" + f.ID
		if st := s.call(1, http.MethodGet, download, false, nil, nil, nil); st != http.StatusOK {
			t.Fatalf("visitor's download on web 2 before: status %d, want 200 (through the redirect)", st)
		}
		s.edit(0, slug, func(e map[string]any) { e["visibility"] = string(wiki.Internal) })
		if st := s.call(1, http.MethodGet, download, false, nil, nil, nil); st != http.StatusNotFound {
			t.Errorf("visitor's download on web 2 after: status %d, want 404", st)
		}
		if got := s.visitorSearch(1, page2Word); contains(got, slug) {
			t.Errorf("web 2: a visitor still finds %s by its file's text", slug)
		}
	})
}

// grep returns the lines of log that contain any of words.
func grep(log string, words ...string) string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		for _, w := range words {
			if strings.Contains(line, w) {
				out = append(out, line)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}
