package stack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// notificationsSince waits for the notifications and returns those after the first n.
func notificationsSince(t *testing.T, s *Stack, n int) []events.S3EventRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitNotificationsIdle(ctx); err != nil {
		t.Fatal(err)
	}
	return s.Notifications()[n:]
}

func TestS3Notifications(t *testing.T) {
	s := shared(t)
	c, bucket := s.S3(), s.Bucket()
	ctx := context.Background()
	prefix := fmt.Sprintf("attachments/%d/", time.Now().UnixNano())

	checkOne := func(t *testing.T, got []events.S3EventRecord, event, key string, size int64) {
		t.Helper()
		if len(got) != 1 {
			t.Fatalf("%d notifications, want 1: %+v", len(got), got)
		}
		r := got[0]
		o := r.S3.Object
		if r.EventName != event || o.URLDecodedKey != key || o.Key != eventKey(key) || o.Size != size || o.ETag == "" || o.Sequencer == "" {
			t.Errorf("notification %s %+v, want %s of %q (%d bytes)", r.EventName, o, event, key, size)
		}
		if r.EventSource != "aws:s3" || r.EventVersion != "2.1" || r.AWSRegion != Region || r.S3.Bucket.Name != bucket ||
			r.S3.Bucket.Arn != "arn:aws:s3:::"+bucket || r.RequestParameters.SourceIPAddress != "127.0.0.1" {
			t.Errorf("notification envelope %+v", r)
		}
	}

	t.Run("put under attachments/", func(t *testing.T) {
		n := len(s.Notifications())
		key := prefix + "Bericht Straßenbeleuchtung.pdf"
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("%PDF-1.4 Bericht")}); err != nil {
			t.Fatal(err)
		}
		got := notificationsSince(t, s, n)
		checkOne(t, got, "ObjectCreated:Put", key, 16)
		if want := prefix + "Bericht+Stra%C3%9Fenbeleuchtung.pdf"; got[0].S3.Object.Key != want {
			t.Errorf("encoded key %q, want %q", got[0].S3.Object.Key, want)
		}
		if log := s.LogTail("extract", 50); !strings.Contains(log, "text of attachment stored") || !strings.Contains(log, "Bericht Straßenbeleuchtung.pdf") {
			t.Errorf("the extract function did not store the text of the attachment:\n%s", log)
		}
	})

	t.Run("put elsewhere", func(t *testing.T) {
		n := len(s.Notifications())
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("text/x.txt"), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
		if got := notificationsSince(t, s, n); len(got) != 0 {
			t.Errorf("notifications %+v for text/, want none", got)
		}
	})

	t.Run("wrong secret", func(t *testing.T) {
		n := len(s.Notifications())
		access, _ := s.Credentials()
		bad := s3.New(s3.Options{Region: Region, BaseEndpoint: aws.String(s.S3Endpoint()), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(access, "falsch", "")})
		if _, err := bad.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix + "falsch.pdf"), Body: strings.NewReader("x")}); err == nil {
			t.Fatal("put with a wrong secret succeeded")
		}
		if got := notificationsSince(t, s, n); len(got) != 0 {
			t.Errorf("notifications %+v for a refused put, want none", got)
		}
	})

	t.Run("presigned put", func(t *testing.T) {
		n := len(s.Notifications())
		key := prefix + "vorab signiert.odt"
		req, err := s3.NewPresignClient(c).PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		hr, _ := http.NewRequest(http.MethodPut, req.URL, strings.NewReader("odt"))
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("presigned put: status %d", resp.StatusCode)
		}
		checkOne(t, notificationsSince(t, s, n), "ObjectCreated:Put", key, 3)
	})

	t.Run("multipart upload", func(t *testing.T) {
		n := len(s.Notifications())
		key := prefix + "Präsentation.pptx"
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
			PartNumber: aws.Int32(1), Body: bytes.NewReader(bytes.Repeat([]byte("p"), 1000))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
			MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}}); err != nil {
			t.Fatal(err)
		}
		checkOne(t, notificationsSince(t, s, n), "ObjectCreated:CompleteMultipartUpload", key, 1000)
	})

	t.Run("presigned post form", func(t *testing.T) {
		n := len(s.Notifications())
		access, secret := s.Credentials()
		post := func(secret, key string) (int, string) {
			body, contentType := postForm(t, bucket, key, access, secret, "Formular Upload.pdf", "%PDF-1.4 Formular")
			resp, err := http.Post(s.S3Endpoint()+"/"+bucket, contentType, body)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(msg)
		}
		if code, msg := post("falsch", prefix+"falsch.pdf"); code/100 == 2 {
			t.Fatalf("POST with a wrong signature: status %d %s", code, msg)
		}
		// A literal key: versitygw 1.8.0 stores "${filename}" as it is, unlike S3.
		key := prefix + "Formular Upload.pdf"
		if code, msg := post(secret, key); code/100 != 2 {
			t.Fatalf("versitygw refused a POST policy upload: status %d: %s", code, msg)
		}
		checkOne(t, notificationsSince(t, s, n), "ObjectCreated:Post", key, 17)
	})
}

// postForm builds a browser's POST policy upload (signature version 4) of one file.
func postForm(t *testing.T, bucket, key, access, secret, filename, content string) (io.Reader, string) {
	t.Helper()
	now := time.Now().UTC()
	date := now.Format("20060102")
	amzDate := now.Format("20060102T150405Z")
	credential := fmt.Sprintf("%s/%s/%s/s3/aws4_request", access, date, Region)
	policy := fmt.Sprintf(`{"expiration":%q,"conditions":[{"bucket":%q},["starts-with","$key","attachments/"],`+
		`{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":%q},{"x-amz-date":%q},["content-length-range",1,10485760]]}`,
		now.Add(10*time.Minute).Format("2006-01-02T15:04:05.000Z"), bucket, credential, amzDate)
	encoded := base64.StdEncoding.EncodeToString([]byte(policy))
	mac := func(k []byte, s string) []byte { h := hmac.New(sha256.New, k); h.Write([]byte(s)); return h.Sum(nil) }
	signingKey := mac(mac(mac(mac([]byte("AWS4"+secret), date), Region), "s3"), "aws4_request")
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range [][2]string{
		{"key", key}, {"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", credential},
		{"x-amz-date", amzDate}, {"policy", encoded}, {"x-amz-signature", hex.EncodeToString(mac(signingKey, encoded))},
	} {
		w.WriteField(f[0], f[1])
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	w.Close()
	return &buf, w.FormDataContentType()
}

func TestPostedKey(t *testing.T) {
	const bucket = "wissensnetz"
	for _, tt := range []struct{ name, location, want string }{
		{"object address", "http://127.0.0.1:7070/wissensnetz/attachments/e/f", "attachments/e/f"},
		{"success_action_redirect", "https://wissensnetz.example/eintraege/x/dateien/bestaetigen?bucket=wissensnetz&etag=%22a%22&key=attachments%2Fe%2Fg", "attachments/e/g"},
		{"redirect of another bucket", "https://wissensnetz.example/x?bucket=anderer&key=attachments%2Fe%2Fg", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := postedKey(tt.location, bucket, "", nil); got != tt.want {
				t.Errorf("postedKey(%q) = %q, want %q", tt.location, got, tt.want)
			}
		})
	}
}
