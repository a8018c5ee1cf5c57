package search

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
)

// The blob stores of the project are snapshot stores.
var (
	_ SnapshotBlobs = store.Blobs(nil)
	_ SnapshotBlobs = (*s3blob.Store)(nil)
	_ SnapshotBlobs = (*embedded.Store)(nil)
)

// countingBlobs is a blob store that counts what passes through it and fails on demand.
type countingBlobs struct {
	SnapshotBlobs

	mu       sync.Mutex
	puts     []string // keys, in the order the uploads completed
	putBytes int64
	gets     []string
	// failPut, if set, is asked before every upload; an error fails it.
	failPut func(key string) error
}

func (b *countingBlobs) PutBlob(ctx context.Context, key string, r io.Reader, contentType string) error {
	b.mu.Lock()
	fail := b.failPut
	b.mu.Unlock()
	if fail != nil {
		if err := fail(key); err != nil {
			return err
		}
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := b.SnapshotBlobs.PutBlob(ctx, key, bytes.NewReader(body), contentType); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.puts = append(b.puts, key)
	b.putBytes += int64(len(body))
	return nil
}

func (b *countingBlobs) Blob(ctx context.Context, key string) (io.ReadCloser, error) {
	b.mu.Lock()
	b.gets = append(b.gets, key)
	b.mu.Unlock()
	return b.SnapshotBlobs.Blob(ctx, key)
}

// reset forgets what was counted.
func (b *countingBlobs) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.puts, b.gets, b.putBytes = nil, nil, 0
}

// memBlobs is a blob store in memory.
type memBlobs struct {
	mu   sync.Mutex
	data map[string][]byte
}

func newMemBlobs() *memBlobs { return &memBlobs{data: map[string][]byte{}} }

func (m *memBlobs) PutBlob(ctx context.Context, key string, r io.Reader, _ string) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[key] = body
	return nil
}

func (m *memBlobs) Blob(ctx context.Context, key string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	body, ok := m.data[key]
	if !ok {
		return nil, store.ErrBlobNotFound()
	}
	return io.NopCloser(bytes.NewReader(body)), nil
}

func (m *memBlobs) DeleteBlob(ctx context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, key)
	return nil
}

func (m *memBlobs) ListBlobs(ctx context.Context, prefix string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k := range m.data {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// blobBackends are the blob stores the snapshot tests run against.
func blobBackends() map[string]func(t *testing.T) SnapshotBlobs {
	return map[string]func(t *testing.T) SnapshotBlobs{
		"memory": func(t *testing.T) SnapshotBlobs { return newMemBlobs() },
		"folder": func(t *testing.T) SnapshotBlobs {
			s, err := embedded.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"s3": newS3Blobs,
	}
}

// newS3Blobs returns an s3blob store on a fresh bucket of a gofakes3 server.
func newS3Blobs(t *testing.T) SnapshotBlobs {
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{
		Region:       "eu-central-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test-secret", ""),
		UsePathStyle: true,
	})
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("snapshots")}); err != nil {
		t.Fatal(err)
	}
	return s3blob.New(client, "snapshots", "wissensnetz")
}

// newBuiltIndex returns an index on disk built from docs with sequence number seq.
func newBuiltIndex(t testing.TB, seq uint64, docs []Document) (*Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	scan := func(put func(Document) error) error {
		for _, d := range docs {
			if err := put(d); err != nil {
				return err
			}
		}
		return nil
	}
	if err := ix.Rebuild(context.Background(), seq, scan, nil); err != nil {
		t.Fatal(err)
	}
	return ix, dir
}

// snapshotQueries are searches whose results a snapshot must reproduce.
var snapshotQueries = []Query{
	{Text: "Sensornetzwerke"},
	{Text: "Hochwasser Pegel"},
	{Text: "Netzwerk", Visibilities: public},
	{Text: "Sensornetzwrk"},
	{Text: "ÖPNV OZG"},
	{},
	{Topic: "sensornetzwerke-iot", Sort: SortOldest},
	{Municipality: mainz, Visibilities: public},
}

// sameSearches fails the test if got answers a query of snapshotQueries otherwise than want.
func sameSearches(t *testing.T, got, want *Index) {
	t.Helper()
	for _, q := range snapshotQueries {
		g, w := search(t, got, q), search(t, want, q)
		if g.Total != w.Total || !reflect.DeepEqual(g.Hits, w.Hits) || !reflect.DeepEqual(g.Facets, w.Facets) {
			t.Errorf("Search(%+v):\ngot  %d %v %+v\nwant %d %v %+v", q, g.Total, hitIDs(g), g.Facets, w.Total, hitIDs(w), w.Facets)
		}
	}
	for name, f := range map[string]func(*Index) (uint64, error){"Count": (*Index).Count, "Seq": (*Index).Seq} {
		g, gerr := f(got)
		w, werr := f(want)
		if g != w || gerr != nil || werr != nil {
			t.Errorf("%s() = %d, %v; want %d, %v", name, g, gerr, w, werr)
		}
	}
}

// extraDoc is an entry added after the first snapshot.
func extraDoc() Document {
	d := testDocs()[1]
	d.ID, d.Slug, d.Title = "07-wlan", "freies-wlan", "Freies WLAN in der Altstadt"
	d.Summary, d.Body = "Hotspots in der Altstadt.", "Die Stadt betreibt Hotspots mit Freifunk."
	return d
}
