package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// directStore is the embedded store with an S3 bucket (versitygw) as its blob store: the
// AWS way of uploading and downloading files, on a local table.
type directStore struct {
	*embedded.Store
	blobs store.Blobs
}

func (d directStore) Stores() store.Stores {
	s := d.Store.Stores()
	s.Blobs = d.blobs
	return s
}

// directSite is an App whose files go straight to versitygw, which checks signatures and
// POST policies as S3 does.
type directSite struct {
	app    *App
	s3     *s3.Client
	bucket string
	member auth.Viewer
	coord  auth.Viewer
	entry  *wiki.Entry // an entry of the member's municipality
}

// newDirectSite starts a directSite, or skips without versitygw (fails with
// WISSENSNETZ_REQUIRE_STANDINS=1).
func newDirectSite(t testing.TB, f Files) *directSite {
	t.Helper()
	endpoint := os.Getenv("WISSENSNETZ_TEST_S3")
	access, secret := os.Getenv("WISSENSNETZ_TEST_S3_ACCESS"), os.Getenv("WISSENSNETZ_TEST_S3_SECRET")
	if endpoint == "" || access == "" || secret == "" {
		const msg = `versitygw not running: eval "$(bash infra/standins.sh)"`
		if os.Getenv("WISSENSNETZ_REQUIRE_STANDINS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	c := s3.New(s3.Options{Region: "eu-central-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(access, secret, "")})
	bucket := fmt.Sprintf("wissensnetz-app-%d-%d", time.Now().UnixNano(), rand.Uint32())
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuCentral1}}); err != nil {
		t.Fatal(err)
	}
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	direct := s3blob.NewDirect(c, s3.NewPresignClient(c), bucket, "")
	demo := func() io.Reader {
		f, err := os.Open("testdata/fixture.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	a, err := StartLocal(t.Context(), directStore{st, direct}, Local{DataDir: t.TempDir(), Demo: demo, DemoAuthor: wiki.DemoAuthor},
		Options{BaseURL: "https://wissensnetz.example", Files: f})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	s := &directSite{app: a, s3: c, bucket: bucket}
	for _, u := range []struct {
		v    *auth.Viewer
		user NewUser
	}{
		{&s.member, NewUser{Email: "max@beispiel-kommune.de", Name: "Max Muster", Role: wiki.RoleMember, Municipality: "07312000", Password: "Pegelstand-2024!"}},
		{&s.coord, NewUser{Email: "koordination@beispiel-kommune.de", Name: "Karla Koordination", Role: wiki.RoleCoordinator, Password: "Pegelstand-2024!"}},
	} {
		created, err := a.CreateUser(t.Context(), auth.Visitor, u.user)
		if err != nil {
			t.Fatal(err)
		}
		*u.v = auth.Viewer{User: created}
	}
	if s.entry, err = a.CreateEntry(t.Context(), s.member, newEntry(), "", false); err != nil {
		t.Fatal(err)
	}
	return s
}

// post sends a browser's POST upload: the fields of p (with key replaced if not empty),
// then the file. Redirects are not followed.
func (s *directSite) post(t *testing.T, p *store.PresignedPost, key, filename string, content []byte) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range p.Fields {
		if k == "key" && key != "" {
			v = key
		}
		w.WriteField(k, v)
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Post(p.URL, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST upload: status %d: %s", resp.StatusCode, body)
	}
	return resp
}

// exists reports whether the bucket holds key.
func (s *directSite) exists(t *testing.T, key string) bool {
	t.Helper()
	_, err := s.s3.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	return err == nil
}

func TestDirectUploadInLocalMode(t *testing.T) {
	a, _ := openFixture(t)
	member, _ := users(t, a)
	e, err := a.CreateEntry(t.Context(), member, newEntry(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	if a.DirectUploads() {
		t.Error("DirectUploads in local mode")
	}
	if up, err := a.DirectUpload(t.Context(), member, e.Slug); up != nil || err != nil {
		t.Errorf("DirectUpload = %+v, %v; want nil, nil in local mode", up, err)
	}
	if u, err := a.FileURL(t.Context(), &FileDownload{Entry: e, File: wiki.Attachment{ID: "x"}}); u != "" || err != nil {
		t.Errorf("FileURL = %q, %v; want \"\", nil in local mode", u, err)
	}
	if _, err := a.ConfirmUploads(t.Context(), member, e.Slug, e.Version, []UploadedFile{{Key: "uploads/" + e.ID + "/" + member.User.ID + "/u/x.pdf"}}, ""); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("ConfirmUploads in local mode = %v, want EINVALID", err)
	}
}

func TestDirectUploadPolicy(t *testing.T) {
	s := newDirectSite(t, Files{MaxFile: 5 << 20})
	ctx := t.Context()
	up, err := s.app.DirectUpload(ctx, s.member, s.entry.Slug)
	if err != nil {
		t.Fatal(err)
	}
	wantPrefix := "uploads/" + s.entry.ID + "/" + s.member.User.ID + "/"
	if !strings.HasPrefix(up.KeyPrefix, wantPrefix) || strings.Count(up.KeyPrefix, "/") != 4 || up.MaxSize != 5<<20 {
		t.Errorf("upload %+v: want a prefix %s<upload>/ and the file limit", up, wantPrefix)
	}
	if got, want := up.Form.Fields["success_action_redirect"], "https://wissensnetz.example/eintraege/"+s.entry.Slug+"/dateien/bestaetigen"; got != want {
		t.Errorf("redirect %q, want %q", got, want)
	}
	if up.Form.Fields["key"] != up.KeyPrefix+"${filename}" || up.Script.Fields["success_action_redirect"] != "" {
		t.Errorf("form key %q, script fields %v", up.Form.Fields["key"], up.Script.Fields)
	}
	if d := time.Until(up.Expires); d <= 14*time.Minute || d > 15*time.Minute {
		t.Errorf("expires in %v, want 15 minutes", d)
	}

	// Only who may edit the entry gets a form.
	other, err := s.app.CreateUser(ctx, auth.Visitor, NewUser{Email: "zweibruecken@beispiel-kommune.de", Name: "Zora Zweibrücken", Role: wiki.RoleMember, Municipality: "07320000", Password: "Pegelstand-2024!"})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]auth.Viewer{"visitor": auth.Visitor, "member of another municipality": {User: other}} {
		if _, err := s.app.DirectUpload(ctx, v, s.entry.Slug); wiki.ErrorCode(err) != wiki.ENOTFOUND && wiki.ErrorCode(err) != wiki.EFORBIDDEN {
			t.Errorf("%s: DirectUpload = %v, want ENOTFOUND or EFORBIDDEN", name, err)
		}
	}
	if _, err := s.app.DirectUpload(ctx, s.member, "gibt-es-nicht"); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("DirectUpload of a missing entry = %v, want ENOTFOUND", err)
	}
}

func TestConfirmUploads(t *testing.T) {
	s := newDirectSite(t, Files{})
	ctx := t.Context()
	up, err := s.app.DirectUpload(ctx, s.member, s.entry.Slug)
	if err != nil {
		t.Fatal(err)
	}
	pdf, docx := corpus(t, "bericht.pdf"), corpus(t, "leitfaden.docx")

	// Without JavaScript: the HTML form, with S3's redirect to the confirmation page.
	resp := s.post(t, up.Form, "", "Abschlussbericht.pdf", pdf)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Path != "/eintraege/"+s.entry.Slug+"/dateien/bestaetigen" {
		t.Fatalf("after the form: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	formKey := loc.Query().Get("key")
	// With a script: the key chosen under the prefix, no redirect.
	scriptKey := up.KeyPrefix + "2/Leitfaden Straßenbeleuchtung.docx"
	if resp := s.post(t, up.Script, scriptKey, "Leitfaden Straßenbeleuchtung.docx", docx); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("script upload: status %d", resp.StatusCode)
	}

	e, files, err := s.app.UploadsToConfirm(ctx, s.member, s.entry.Slug, []string{formKey, scriptKey})
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != s.entry.ID || len(files) != 2 || files[1].Name != "Leitfaden Straßenbeleuchtung.docx" || files[1].Title != "Leitfaden Straßenbeleuchtung" {
		t.Fatalf("to confirm: %+v", files)
	}
	// versitygw keeps ${filename} in the key where S3 puts the file's name: then the
	// name is made from the format.
	if strings.HasSuffix(formKey, "/${filename}") && (files[0].Name != "" || files[0].Title != "") {
		t.Errorf("name of %q = %q", formKey, files[0].Name)
	}
	files[0].Title, files[0].Description = "Abschlussbericht", "Der Bericht an den Rat."

	t.Run("not the uploader", func(t *testing.T) {
		if _, err := s.app.ConfirmUploads(ctx, s.coord, s.entry.Slug, e.Version, files, ""); wiki.ErrorCode(err) != wiki.EINVALID {
			t.Errorf("ConfirmUploads by another person = %v, want EINVALID", err)
		}
		if _, _, err := s.app.UploadsToConfirm(ctx, s.coord, s.entry.Slug, []string{formKey}); wiki.ErrorCode(err) != wiki.EINVALID {
			t.Errorf("UploadsToConfirm by another person = %v, want EINVALID", err)
		}
	})
	t.Run("keys not of this entry", func(t *testing.T) {
		for _, k := range []string{
			"attachments/" + s.entry.ID + "/x",
			"uploads/01OTHERENTRY/" + s.member.User.ID + "/u/x.pdf",
			up.KeyPrefix + "../x.pdf",
			up.KeyPrefix,
		} {
			if _, err := s.app.ConfirmUploads(ctx, s.member, s.entry.Slug, e.Version, []UploadedFile{{Key: k}}, ""); wiki.ErrorCode(err) != wiki.EINVALID {
				t.Errorf("ConfirmUploads(%q) = %v, want EINVALID", k, err)
			}
		}
	})
	t.Run("stale version", func(t *testing.T) {
		if _, err := s.app.ConfirmUploads(ctx, s.member, s.entry.Slug, e.Version-1, files, ""); wiki.ErrorCode(err) != wiki.ECONFLICT {
			t.Errorf("ConfirmUploads of an old version = %v, want ECONFLICT", err)
		}
	})

	saved, err := s.app.ConfirmUploads(ctx, s.member, s.entry.Slug, e.Version, files, "Bericht und Leitfaden")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != e.Version+1 || len(saved.Attachments) != 2 {
		t.Fatalf("saved version %d with %d files, want %d with 2", saved.Version, len(saved.Attachments), e.Version+1)
	}
	for i, want := range []struct {
		name, title, format string
		content             []byte
	}{
		{"Datei.pdf", "Abschlussbericht", "pdf", pdf},
		{"Leitfaden Straßenbeleuchtung.docx", "Leitfaden Straßenbeleuchtung", "docx", docx},
	} {
		f := saved.Attachments[i]
		if !strings.HasSuffix(formKey, "/${filename}") && i == 0 {
			want.name = "Abschlussbericht.pdf"
		}
		sum := sha256.Sum256(want.content)
		if f.Name != want.name || f.Title != want.title || f.Format != want.format || f.Size != int64(len(want.content)) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("file %d: %+v, want %s %q (%s, %d bytes)", i, f, want.name, want.title, want.format, len(want.content))
		}
		d, err := s.app.File(ctx, s.member, s.entry.Slug, f.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, s.app, d); !bytes.Equal(got, want.content) {
			t.Errorf("file %d: content differs from the upload", i)
		}
	}
	if saved.Attachments[0].Description != "Der Bericht an den Rat." {
		t.Errorf("description %q", saved.Attachments[0].Description)
	}
	if s.exists(t, formKey) || s.exists(t, scriptKey) {
		t.Error("the uploads are still there after the confirmation")
	}
	if _, err := s.app.ConfirmUploads(ctx, s.member, s.entry.Slug, saved.Version, files[:1], ""); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("second confirmation of the same upload = %v, want EINVALID", err)
	}
}

func TestConfirmUploadsChecksTheContent(t *testing.T) {
	s := newDirectSite(t, Files{})
	ctx := t.Context()
	up, err := s.app.DirectUpload(ctx, s.member, s.entry.Slug)
	if err != nil {
		t.Fatal(err)
	}
	// A web page named .pdf, sent with the type the browser guesses from the name.
	html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
	bad := up.KeyPrefix + "Bericht.pdf"
	s.post(t, up.Script, bad, "Bericht.pdf", html)
	good := up.KeyPrefix + "2/Tabelle.csv"
	s.post(t, up.Script, good, "Tabelle.csv", []byte("Jahr;Kosten\n2024;1200\n"))
	_, err = s.app.ConfirmUploads(ctx, s.member, s.entry.Slug, s.entry.Version, []UploadedFile{{Key: good}, {Key: bad}}, "")
	if wiki.ErrorCode(err) != wiki.EINVALID || !strings.Contains(wiki.ErrorText(text.German, err), "Bericht.pdf") {
		t.Fatalf("ConfirmUploads of HTML named .pdf = %v, want EINVALID naming the file", err)
	}
	e, err := s.app.Entry(ctx, s.member, s.entry.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if e.Version != s.entry.Version || len(e.Attachments) != 0 {
		t.Errorf("entry saved with version %d and %d files after a refused file", e.Version, len(e.Attachments))
	}
	keys, err := s.app.stores.Blobs.ListBlobs(ctx, "attachments/")
	if err != nil || len(keys) != 0 {
		t.Errorf("attachments stored after a refused file: %v, %v", keys, err)
	}
}

func TestConfirmUploadsWithinTheEntrysLimit(t *testing.T) {
	s := newDirectSite(t, Files{MaxFile: 1000, MaxEntry: 1500})
	ctx := t.Context()
	up, err := s.app.DirectUpload(ctx, s.member, s.entry.Slug)
	if err != nil {
		t.Fatal(err)
	}
	var files []UploadedFile
	for i := range 2 {
		key := fmt.Sprintf("%s%d/Tabelle.csv", up.KeyPrefix, i+1)
		s.post(t, up.Script, key, "Tabelle.csv", bytes.Repeat([]byte("Jahr;Kosten\n"), 80)) // 960 bytes
		files = append(files, UploadedFile{Key: key})
	}
	_, err = s.app.ConfirmUploads(ctx, s.member, s.entry.Slug, s.entry.Version, files, "")
	if wiki.ErrorCode(err) != wiki.ETOOLARGE || !strings.Contains(wiki.ErrorText(text.German, err), "zusammen höchstens") {
		t.Fatalf("ConfirmUploads of 2 × 960 bytes with 1500 for the entry = %v, want ETOOLARGE for the entry's total", err)
	}
	if e, err := s.app.ConfirmUploads(ctx, s.member, s.entry.Slug, s.entry.Version, files[:1], ""); err != nil || len(e.Attachments) != 1 {
		t.Errorf("ConfirmUploads of one = %v", err)
	}
}

func TestFileURLWithGuardDuty(t *testing.T) {
	s := newDirectSite(t, Files{MalwareTags: true})
	ctx := t.Context()
	if got := s.app.ScannerName(); got != "GuardDuty Malware Protection for S3" {
		t.Errorf("ScannerName = %q", got)
	}
	up, err := s.app.DirectUpload(ctx, s.member, s.entry.Slug)
	if err != nil {
		t.Fatal(err)
	}
	key := up.KeyPrefix + "Straßenbericht \"2024\".pdf"
	pdf := corpus(t, "bericht.pdf")
	s.post(t, up.Script, key, "x.pdf", pdf)
	saved, err := s.app.ConfirmUploads(ctx, s.member, s.entry.Slug, s.entry.Version, []UploadedFile{{Key: key}}, "")
	if err != nil {
		t.Fatal(err)
	}
	f := saved.Attachments[0]
	d, err := s.app.File(ctx, s.member, s.entry.Slug, f.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	tag := func(status string) {
		t.Helper()
		if _, err := s.s3.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(s.bucket), Key: aws.String(wiki.AttachmentKey(s.entry.ID, f.ID)),
			Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String(GuardDutyScanTag), Value: aws.String(status)}}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.app.FileURL(ctx, d); wiki.ErrorCode(err) != wiki.ECONFLICT || !strings.Contains(wiki.ErrorText(text.German, err), "noch") {
		t.Errorf("FileURL before the scan = %v, want ECONFLICT (wird noch geprüft)", err)
	}
	for status, want := range map[string]wiki.Code{"THREATS_FOUND": wiki.EFORBIDDEN, "FAILED": wiki.ECONFLICT, "UNSUPPORTED": wiki.ECONFLICT, "ACCESS_DENIED": wiki.ECONFLICT} {
		tag(status)
		if _, err := s.app.FileURL(ctx, d); wiki.ErrorCode(err) != want {
			t.Errorf("FileURL with %s = %v, want %s", status, err, want)
		}
	}
	tag("NO_THREATS_FOUND")
	u, err := s.app.FileURL(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, pdf) {
		t.Fatalf("GET the presigned URL: status %d, %d bytes", resp.StatusCode, len(body))
	}
	if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="Strassenbericht _2024_.pdf"; filename*=UTF-8''Stra%C3%9Fenbericht%20_2024_.pdf`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/pdf" {
		t.Errorf("Content-Type %q", got)
	}
	if q, _ := url.Parse(u); q.Query().Get("X-Amz-Expires") != "300" {
		t.Errorf("URL valid for %s s, want 300", q.Query().Get("X-Amz-Expires"))
	}
}

func TestContentDisposition(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"bericht.pdf":                   `attachment; filename="bericht.pdf"; filename*=UTF-8''bericht.pdf`,
		"Übersicht Maßnahmen ä.pdf":     `attachment; filename="Uebersicht Massnahmen ae.pdf"; filename*=UTF-8''%C3%9Cbersicht%20Ma%C3%9Fnahmen%20%C3%A4.pdf`,
		"Café Résumé.docx":              `attachment; filename="Cafe Resume.docx"; filename*=UTF-8''Caf%C3%A9%20R%C3%A9sum%C3%A9.docx`,
		`a"b\c%d;e.txt`:                 `attachment; filename="a_b_c_d;e.txt"; filename*=UTF-8''a%22b%5Cc%25d%3Be.txt`,
		"Zeile\r\nX-Evil: 1.txt":        `attachment; filename="Zeile__X-Evil: 1.txt"; filename*=UTF-8''Zeile%0D%0AX-Evil%3A%201.txt`,
		"报告.pdf":                        `attachment; filename="__.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`,
		"\u202e\u202e":                  `attachment; filename="Datei"; filename*=UTF-8''%E2%80%AE%E2%80%AE`,
		"Straße (Entwurf) [v2] {x}.odt": `attachment; filename="Strasse (Entwurf) [v2] {x}.odt"; filename*=UTF-8''Stra%C3%9Fe%20%28Entwurf%29%20%5Bv2%5D%20%7Bx%7D.odt`,
	} {
		got := ContentDisposition(name)
		if got != want {
			t.Errorf("ContentDisposition(%q)\n got %s\nwant %s", name, got, want)
		}
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != name {
			t.Errorf("ContentDisposition(%q) does not parse back: %v %q", name, err, params["filename"])
		}
	}
}

// BenchmarkConfirmUploads measures the confirmation of one upload of 100 MB (a CSV file)
// against versitygw: reading it back into a temporary file, the checks, storing it under
// attachments/ and saving the entry. The browser's upload itself is not timed.
//
//	eval "$(bash infra/standins.sh)"; go test -run '^$' -bench ConfirmUploads -benchtime 3x ./shared/app/; bash infra/standins.sh stop
func BenchmarkConfirmUploads(b *testing.B) {
	s := newDirectSite(b, Files{})
	ctx := b.Context()
	line := []byte("2024;Straßenbeleuchtung;1200,50;Kaiserslautern\n")
	content := bytes.Repeat(line, (wiki.DefaultMaxFileSize-1024)/len(line))
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	e := s.entry
	for b.Loop() {
		b.StopTimer()
		up, err := s.app.DirectUpload(ctx, s.member, e.Slug)
		if err != nil {
			b.Fatal(err)
		}
		key := up.KeyPrefix + "Kosten.csv"
		if _, err := s.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key), Body: bytes.NewReader(content)}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if e, err = s.app.ConfirmUploads(ctx, s.member, e.Slug, e.Version, []UploadedFile{{Key: key}}, ""); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		// The next file would pass the limit of all files of an entry: take this one off.
		if e, err = s.app.ChangeFiles(ctx, s.member, e.Slug, e.Version, FileChanges{Remove: []string{e.Attachments[0].ID}}, ""); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
