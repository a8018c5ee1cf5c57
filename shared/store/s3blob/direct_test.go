package s3blob

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// openDirect returns a Direct store on a fresh bucket of b, and the bucket.
func openDirect(t *testing.T, b backend) (*Direct, *s3.Client, string) {
	t.Helper()
	c := b.open(t)
	bucket := newBucket(t, c)
	return NewDirect(c, s3.NewPresignClient(c), bucket, "wissensnetz"), c, bucket
}

// postFile sends a browser's POST upload: the fields of p, then the file. Redirects are
// not followed.
func postFile(t *testing.T, p *store.PresignedPost, fields map[string]string, filename, content string) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range p.Fields {
		if _, replaced := fields[k]; !replaced {
			w.WriteField(k, v)
		}
	}
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	w.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Post(p.URL, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestPresignPost sends browser uploads with the signed form to versitygw, which checks
// the signature and the policy as S3 does. (gofakes3 checks neither.)
func TestPresignPost(t *testing.T) {
	t.Parallel()
	d, c, bucket := openDirect(t, versitygwBackend(t))
	ctx := t.Context()
	policy := func(redirect string) *store.PresignedPost {
		t.Helper()
		p, err := d.PresignPost(ctx, store.PostPolicy{KeyPrefix: "uploads/e1/u1/", Key: "uploads/e1/u1/${filename}",
			MinSize: 1, MaxSize: 100, Expiry: 15 * time.Minute, Redirect: redirect})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	stored := func(key string) string {
		t.Helper()
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("wissensnetz/" + key)})
		if err != nil {
			t.Fatalf("get %s: %v", key, err)
		}
		defer out.Body.Close()
		b, _ := io.ReadAll(out.Body)
		return string(b)
	}

	t.Run("redirect", func(t *testing.T) {
		p := policy("https://wissensnetz.example/eintraege/x/dateien/bestaetigen")
		if !strings.Contains(p.URL, bucket) || p.Fields["key"] != "wissensnetz/uploads/e1/u1/${filename}" || p.Fields["policy"] == "" {
			t.Fatalf("presigned post %+v", p)
		}
		if d := time.Until(p.Expires); d < 14*time.Minute || d > 15*time.Minute {
			t.Errorf("expires in %v, want 15 minutes", d)
		}
		resp, body := postFile(t, p, map[string]string{"key": "wissensnetz/uploads/e1/u1/Bericht.pdf"}, "Bericht.pdf", "%PDF-1.4 Bericht")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303: %s", resp.StatusCode, body)
		}
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || loc.Host != "wissensnetz.example" || loc.Query().Get("key") != "wissensnetz/uploads/e1/u1/Bericht.pdf" || loc.Query().Get("bucket") != bucket {
			t.Errorf("Location %q", resp.Header.Get("Location"))
		}
		if got := stored("uploads/e1/u1/Bericht.pdf"); got != "%PDF-1.4 Bericht" {
			t.Errorf("stored %q", got)
		}
	})

	t.Run("no redirect", func(t *testing.T) {
		resp, body := postFile(t, policy(""), map[string]string{"key": "wissensnetz/uploads/e1/u1/2/Tabelle.csv"}, "Tabelle.csv", "a;b")
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("status %d, want 204: %s", resp.StatusCode, body)
		}
		if got := stored("uploads/e1/u1/2/Tabelle.csv"); got != "a;b" {
			t.Errorf("stored %q", got)
		}
	})

	refused := []struct {
		name    string
		fields  map[string]string
		content string
	}{
		{"key outside the prefix", map[string]string{"key": "wissensnetz/attachments/e1/f1"}, "x"},
		{"too large", map[string]string{"key": "wissensnetz/uploads/e1/u1/gross.txt"}, strings.Repeat("x", 101)},
		{"empty", map[string]string{"key": "wissensnetz/uploads/e1/u1/leer.txt"}, ""},
		{"other redirect", map[string]string{"key": "wissensnetz/uploads/e1/u1/a.txt", "success_action_redirect": "https://boese.example/"}, "x"},
		{"forged signature", map[string]string{"key": "wissensnetz/uploads/e1/u1/a.txt", "x-amz-signature": strings.Repeat("0", 64)}, "x"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			p := policy("https://wissensnetz.example/ok")
			fields := tt.fields
			if sig, ok := fields["x-amz-signature"]; ok {
				// the SDK names the field X-Amz-Signature; replace it, not add a second one
				delete(p.Fields, "X-Amz-Signature")
				fields = map[string]string{"key": fields["key"], "X-Amz-Signature": sig}
			}
			resp, body := postFile(t, p, fields, "a.txt", tt.content)
			if resp.StatusCode < 400 {
				t.Errorf("status %d, want a refusal: %s", resp.StatusCode, body)
			}
		})
	}

	t.Run("bad prefix", func(t *testing.T) {
		for _, p := range []store.PostPolicy{
			{KeyPrefix: "uploads/../", Key: "uploads/../x"},
			{KeyPrefix: "uploads/a/", Key: "attachments/x"},
		} {
			if _, err := d.PresignPost(ctx, p); wiki.ErrorCode(err) != wiki.EINVALID {
				t.Errorf("PresignPost(%+v) = %v, want EINVALID", p, err)
			}
		}
	})
}

func TestPresignGet(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		d, _, _ := openDirect(t, b)
		ctx := t.Context()
		if err := d.PutBlob(ctx, "attachments/e1/f1", strings.NewReader("%PDF-1.4 Bericht"), "application/pdf"); err != nil {
			t.Fatal(err)
		}
		disp := `attachment; filename="Stra_enbeleuchtung.pdf"; filename*=UTF-8''Stra%C3%9Fenbeleuchtung.pdf`
		u, err := d.PresignGet(ctx, "attachments/e1/f1", store.Disposition{ContentType: "application/pdf", ContentDisposition: disp}, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if q, _ := url.Parse(u); q.Query().Get("X-Amz-Expires") != "300" {
			t.Errorf("URL %s: want X-Amz-Expires=300", u)
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "%PDF-1.4 Bericht" {
			t.Fatalf("GET: status %d, %q", resp.StatusCode, body)
		}
		if b.name == "versitygw" { // gofakes3 ignores the response-* parameters
			if got := resp.Header.Get("Content-Disposition"); got != disp {
				t.Errorf("Content-Disposition %q, want %q", got, disp)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/pdf" {
				t.Errorf("Content-Type %q", got)
			}
		}
		if _, err := d.PresignGet(ctx, "../x", store.Disposition{}, time.Minute); wiki.ErrorCode(err) != wiki.EINVALID {
			t.Errorf("PresignGet(../x) = %v, want EINVALID", err)
		}
	})
}

func TestBlobTags(t *testing.T) {
	t.Parallel()
	d, c, bucket := openDirect(t, versitygwBackend(t))
	ctx := t.Context()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("wissensnetz/attachments/e1/f1"),
		Body: strings.NewReader("x"), Tagging: aws.String("GuardDutyMalwareScanStatus=NO_THREATS_FOUND")}); err != nil {
		t.Fatal(err)
	}
	tags, err := d.BlobTags(ctx, "attachments/e1/f1")
	if err != nil || tags["GuardDutyMalwareScanStatus"] != "NO_THREATS_FOUND" || len(tags) != 1 {
		t.Errorf("BlobTags = %v, %v", tags, err)
	}
	if err := d.PutBlob(ctx, "attachments/e1/f2", strings.NewReader("y"), ""); err != nil {
		t.Fatal(err)
	}
	if tags, err := d.BlobTags(ctx, "attachments/e1/f2"); err != nil || len(tags) != 0 {
		t.Errorf("BlobTags of an untagged object = %v, %v", tags, err)
	}
	if _, err := d.BlobTags(ctx, "attachments/e1/none"); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("BlobTags of a missing key = %v, want ENOTFOUND", err)
	}
}
