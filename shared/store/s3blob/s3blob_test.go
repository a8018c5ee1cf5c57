package s3blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/storetest"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// backend is an S3 server the tests run against.
type backend struct {
	name string
	open func(t *testing.T) *s3.Client
}

// gofakes3Backend serves S3 from memory inside the test process: a fresh server per test.
func gofakes3Backend() backend {
	return backend{name: "gofakes3", open: func(t *testing.T) *s3.Client {
		srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
		t.Cleanup(srv.Close)
		return newClient(srv.URL, "wissensnetz-test", "wissensnetz-test-secret")
	}}
}

// versitygwBackend is the versitygw gateway that infra/standins.sh starts. Without its
// environment the test is skipped, or fails if WISSENSNETZ_REQUIRE_STANDINS=1.
func versitygwBackend(t *testing.T) backend {
	endpoint := os.Getenv("WISSENSNETZ_TEST_S3")
	access, secret := os.Getenv("WISSENSNETZ_TEST_S3_ACCESS"), os.Getenv("WISSENSNETZ_TEST_S3_SECRET")
	if endpoint == "" || access == "" || secret == "" {
		const msg = "versitygw not running: set WISSENSNETZ_TEST_S3, WISSENSNETZ_TEST_S3_ACCESS and WISSENSNETZ_TEST_S3_SECRET (eval \"$(bash infra/standins.sh)\")"
		if os.Getenv("WISSENSNETZ_REQUIRE_STANDINS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return backend{name: "versitygw", open: func(t *testing.T) *s3.Client {
		return newClient(endpoint, access, secret)
	}}
}

func newClient(endpoint, access, secret string) *s3.Client {
	return s3.New(s3.Options{
		Region:       "eu-central-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(access, secret, ""),
		UsePathStyle: true,
	})
}

// newBucket creates an empty bucket with a unique name and removes it after the test.
func newBucket(t *testing.T, c *s3.Client) string {
	t.Helper()
	name := fmt.Sprintf("wissensnetz-test-%d-%d", time.Now().UnixNano(), rand.Uint32())
	_, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{
		Bucket: aws.String(name),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraintEuCentral1,
		},
	})
	if err != nil {
		t.Fatalf("CreateBucket(%s): %v", name, err)
	}
	t.Cleanup(func() { removeBucket(t, c, name) })
	return name
}

// removeBucket deletes a bucket with its objects and unfinished uploads.
func removeBucket(t *testing.T, c *s3.Client, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Logf("removing bucket %s: %v", name, err)
			return
		}
		for _, o := range page.Contents {
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: o.Key}); err != nil {
				t.Logf("removing bucket %s: %v", name, err)
			}
		}
	}
	if uploads, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(name)}); err == nil {
		for _, u := range uploads.Uploads {
			c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(name), Key: u.Key, UploadId: u.UploadId})
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Logf("removing bucket %s: %v", name, err)
	}
}

// openStore returns a store on a fresh bucket of b.
func openStore(t *testing.T, b backend) *Store {
	t.Helper()
	c := b.open(t)
	return New(c, newBucket(t, c), "wissensnetz")
}

// forEachBackend runs run against gofakes3 and, if it runs, versitygw, as subtests.
func forEachBackend(t *testing.T, run func(t *testing.T, b backend)) {
	t.Run("gofakes3", func(t *testing.T) {
		t.Parallel()
		run(t, gofakes3Backend())
	})
	t.Run("versitygw", func(t *testing.T) {
		t.Parallel()
		run(t, versitygwBackend(t))
	})
}

func TestContract(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		storetest.RunBlobs(t, func(t *testing.T) store.Blobs { return openStore(t, b) })
	})
}

func TestInvalidKeys(t *testing.T) {
	t.Parallel()
	s := openStore(t, gofakes3Backend())
	ctx := t.Context()
	keys := []string{
		"", "/etc/passwd", "../geheim.txt", "attachments/../../geheim.txt", "attachments/..", "..", ".",
		"./a", "a/./b", "a//b", "a/", `..\geheim.txt`, `attachments\bericht.pdf`, "attachments/bericht.pdf\x00.txt",
	}
	for _, key := range keys {
		t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
			calls := []struct {
				name string
				call func() error
			}{
				{"PutBlob", func() error { return s.PutBlob(ctx, key, strings.NewReader("x"), "text/plain") }},
				{"PutBlobIfAbsent", func() error { return s.PutBlobIfAbsent(ctx, key, strings.NewReader("x"), "text/plain") }},
				{"PutBlobIfMatch", func() error {
					_, err := s.PutBlobIfMatch(ctx, key, strings.NewReader("x"), "text/plain", `"etag"`)
					return err
				}},
				{"Blob", func() error {
					r, err := s.Blob(ctx, key)
					if err == nil {
						r.Close()
					}
					return err
				}},
				{"DeleteBlob", func() error { return s.DeleteBlob(ctx, key) }},
			}
			for _, c := range calls {
				if got := wiki.ErrorCode(c.call()); got != wiki.EINVALID {
					t.Errorf("%s: got code %q, want %q", c.name, got, wiki.EINVALID)
				}
			}
		})
	}
	if got, err := s.ListBlobs(ctx, ""); err != nil || len(got) != 0 {
		t.Errorf("ListBlobs after rejected writes: got %q, %v; want nothing", got, err)
	}
}

// randomBytes returns n reproducible random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// onlyReader hides every method of r but Read, as a network stream would.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func readBlob(t *testing.T, s *Store, key string) []byte {
	t.Helper()
	r, err := s.Blob(t.Context(), key)
	if err != nil {
		t.Fatalf("Blob(%s): %v", key, err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("Blob(%s): reading: %v", key, err)
	}
	return got
}

func TestMultipartUpload(t *testing.T) {
	t.Parallel()
	const part = 5 << 20 // the smallest part S3 takes
	sizes := []struct {
		name      string
		size      int
		multipart bool
	}{
		{"one byte less than a part", part - 1, false},
		{"exactly one part", part, false},
		{"one byte more than a part", part + 1, true},
		{"two parts and a bit", 2*part + 12345, true},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, tt := range sizes {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				c := b.open(t)
				spy := &spyAPI{API: c}
				s := New(spy, newBucket(t, c), "")
				s.partSize = part
				content := randomBytes(tt.size)
				const key = "index/snapshots/0001/seg-000.zap"
				if err := s.PutBlob(t.Context(), key, onlyReader{bytes.NewReader(content)}, "application/octet-stream"); err != nil {
					t.Fatalf("PutBlob of %d bytes: %v", tt.size, err)
				}
				if got := spy.multipart.Load() > 0; got != tt.multipart {
					t.Errorf("PutBlob of %d bytes with parts of %d: multipart %v, want %v", tt.size, part, got, tt.multipart)
				}
				if got := readBlob(t, s, key); !bytes.Equal(got, content) {
					t.Errorf("Blob: got %d bytes, want the %d bytes written", len(got), len(content))
				}
			})
		}
	})
}

func TestMultipartUploadAbortedOnError(t *testing.T) {
	t.Parallel()
	c := gofakes3Backend().open(t)
	bucket := newBucket(t, c)
	spy := &spyAPI{API: c, failPart: 2}
	s := New(spy, bucket, "")
	s.partSize = 5 << 20
	err := s.PutBlob(t.Context(), "gross.bin", onlyReader{bytes.NewReader(randomBytes(11 << 20))}, "")
	if err == nil || !errors.Is(err, errInjected) {
		t.Fatalf("PutBlob with a failing part: got %v, want the injected error", err)
	}
	if got := spy.aborted.Load(); got != 1 {
		t.Errorf("AbortMultipartUpload calls: got %d, want 1", got)
	}
	r, err := s.Blob(t.Context(), "gross.bin")
	if err == nil {
		r.Close()
	}
	if got := wiki.ErrorCode(err); got != wiki.ENOTFOUND {
		t.Errorf("Blob after the failed upload: got %v, want ENOTFOUND", err)
	}
}

func TestConditionalWrites(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		s := openStore(t, b)
		ctx := t.Context()
		const key = "index/CURRENT"
		if err := s.PutBlobIfAbsent(ctx, key, strings.NewReader("snapshots/0001"), "text/plain"); err != nil {
			t.Fatalf("PutBlobIfAbsent of a new key: %v", err)
		}
		err := s.PutBlobIfAbsent(ctx, key, strings.NewReader("snapshots/0002"), "text/plain")
		if got := wiki.ErrorCode(err); got != wiki.ECONFLICT {
			t.Fatalf("PutBlobIfAbsent of an existing key: got %v (code %q), want %q", err, got, wiki.ECONFLICT)
		}
		if got := readBlob(t, s, key); string(got) != "snapshots/0001" {
			t.Errorf("content after the refused write: got %q, want snapshots/0001", got)
		}

		r, etag, err := s.BlobWithETag(ctx, key)
		if err != nil {
			t.Fatalf("BlobWithETag: %v", err)
		}
		r.Close()
		if etag == "" {
			t.Fatal("BlobWithETag: got an empty ETag")
		}
		newTag, err := s.PutBlobIfMatch(ctx, key, strings.NewReader("snapshots/0002"), "text/plain", etag)
		if err != nil {
			t.Fatalf("PutBlobIfMatch with the current ETag: %v", err)
		}
		if newTag == "" || newTag == etag {
			t.Errorf("PutBlobIfMatch: got new ETag %q, want one other than %q", newTag, etag)
		}
		// A second writer that read the first version loses.
		_, err = s.PutBlobIfMatch(ctx, key, strings.NewReader("snapshots/0003"), "text/plain", etag)
		if got := wiki.ErrorCode(err); got != wiki.ECONFLICT {
			t.Errorf("PutBlobIfMatch with a stale ETag: got %v (code %q), want %q", err, got, wiki.ECONFLICT)
		}
		if got := readBlob(t, s, key); string(got) != "snapshots/0002" {
			t.Errorf("content after the stale write: got %q, want snapshots/0002", got)
		}
		_, err = s.PutBlobIfMatch(ctx, "index/FEHLT", strings.NewReader("x"), "text/plain", etag)
		if got := wiki.ErrorCode(err); got != wiki.ENOTFOUND && got != wiki.ECONFLICT {
			t.Errorf("PutBlobIfMatch of a missing key: got %v (code %q), want %q or %q", err, got, wiki.ENOTFOUND, wiki.ECONFLICT)
		}
	})
}

// TestConditionalMultipartWrites checks the conditions on content larger than a part,
// which S3 checks when the multipart upload is completed.
func TestConditionalMultipartWrites(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b backend) {
		if b.name == "gofakes3" {
			t.Skip("gofakes3 1.2.0 ignores If-None-Match and If-Match on CompleteMultipartUpload")
		}
		s := openStore(t, b)
		s.partSize = 5 << 20
		ctx := t.Context()
		content := randomBytes(6 << 20)
		const key = "index/snapshots/0002/seg-000.zap"
		if err := s.PutBlobIfAbsent(ctx, key, onlyReader{bytes.NewReader(content)}, ""); err != nil {
			t.Fatalf("PutBlobIfAbsent of a new key: %v", err)
		}
		err := s.PutBlobIfAbsent(ctx, key, onlyReader{bytes.NewReader(content)}, "")
		wantCode(t, "PutBlobIfAbsent of an existing key", err, wiki.ECONFLICT)
		_, err = s.PutBlobIfMatch(ctx, key, onlyReader{bytes.NewReader(content)}, "", `"veraltet"`)
		wantCode(t, "PutBlobIfMatch with a stale ETag", err, wiki.ECONFLICT)
		if got := readBlob(t, s, key); !bytes.Equal(got, content) {
			t.Errorf("Blob: got %d bytes, want the %d bytes of the first write", len(got), len(content))
		}
	})
}

func wantCode(t *testing.T, what string, err error, code wiki.Code) {
	t.Helper()
	if got := wiki.ErrorCode(err); got != code {
		t.Errorf("%s: got %v (code %q), want code %q", what, err, got, code)
	}
}

func TestPrefixesSeparateStores(t *testing.T) {
	t.Parallel()
	c := gofakes3Backend().open(t)
	bucket := newBucket(t, c)
	a, b := New(c, bucket, "a"), New(c, bucket, "/b/")
	ctx := t.Context()
	if err := a.PutBlob(ctx, "x.txt", strings.NewReader("von a"), "text/plain"); err != nil {
		t.Fatal(err)
	}
	if err := b.PutBlob(ctx, "x.txt", strings.NewReader("von b"), "text/plain"); err != nil {
		t.Fatal(err)
	}
	if got := readBlob(t, a, "x.txt"); string(got) != "von a" {
		t.Errorf("store a: got %q, want %q", got, "von a")
	}
	for _, s := range []*Store{a, b} {
		if keys, err := s.ListBlobs(ctx, ""); err != nil || len(keys) != 1 || keys[0] != "x.txt" {
			t.Errorf("ListBlobs of prefix %q: got %q, %v; want [x.txt]", s.prefix, keys, err)
		}
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("b/x.txt")})
	if err != nil {
		t.Fatalf("object b/x.txt: %v", err)
	}
	out.Body.Close()
	if got := aws.ToString(out.ContentType); got != "text/plain" {
		t.Errorf("content type of b/x.txt: got %q, want text/plain", got)
	}
}

var errInjected = errors.New("injected failure")

// spyAPI passes calls on to API, counts multipart uploads and aborts, and fails the
// upload of part failPart if it is set.
type spyAPI struct {
	API
	failPart  int32
	multipart atomic.Int32
	aborted   atomic.Int32
}

func (s *spyAPI) CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	s.multipart.Add(1)
	return s.API.CreateMultipartUpload(ctx, in, optFns...)
}

func (s *spyAPI) UploadPart(ctx context.Context, in *s3.UploadPartInput, optFns ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	if s.failPart != 0 && aws.ToInt32(in.PartNumber) == s.failPart {
		return nil, errInjected
	}
	return s.API.UploadPart(ctx, in, optFns...)
}

func (s *spyAPI) AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	s.aborted.Add(1)
	return s.API.AbortMultipartUpload(ctx, in, optFns...)
}
