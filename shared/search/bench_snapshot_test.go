package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/bench/corpus"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
)

// snapshotEntries is the size of the index the snapshot benchmarks publish and fetch.
const snapshotEntries = 2_000

// publishedIndex returns an index of snapshotEntries entries on disk, a folder blob store
// and the manifest of a snapshot of the index published to it.
func publishedIndex(b *testing.B) (*search.Index, *embedded.Store, *search.Manifest) {
	return publishedIndexOf(b, snapshotEntries)
}

// publishedIndexOf is publishedIndex with n entries.
func publishedIndexOf(b *testing.B, n int) (*search.Index, *embedded.Store, *search.Manifest) {
	ctx := context.Background()
	ix, err := search.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	if err := ix.Rebuild(ctx, 1, scanOf(corpus.Entries(n, 1)), nil); err != nil {
		b.Fatal(err)
	}
	blobs, err := embedded.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { blobs.Close() })
	m, err := ix.Publish(ctx, blobs, "index/", nil)
	if err != nil {
		b.Fatal(err)
	}
	return ix, blobs, m
}

// snapshotSize returns the bytes of the files of m, uncompressed.
func snapshotSize(m *search.Manifest) int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// uploadedBy returns the bytes that the publish of m stored: those of its new files.
func uploadedBy(m *search.Manifest) int64 {
	var n int64
	for _, f := range m.Files {
		if strings.Contains(f.Key, "/"+m.ID+"/") {
			if f.Encoding == "" {
				n += f.Size
			} else {
				n += f.Stored
			}
		}
	}
	return n
}

// BenchmarkPublish publishes an index of 2,000 entries to the folder blob store: whole
// ("full") and after one more entry was written, with the previous manifest ("one entry").
// It reports the bytes stored (uploaded, compressed) per publish; the speed is in bytes of
// the index's files.
func BenchmarkPublish(b *testing.B) {
	ctx := context.Background()
	ix, blobs, first := publishedIndex(b)
	b.Run("full", func(b *testing.B) {
		b.SetBytes(snapshotSize(first))
		var stored int64
		for b.Loop() {
			m, err := ix.Publish(ctx, blobs, "index/", nil)
			if err != nil {
				b.Fatal(err)
			}
			stored += m.StoredSize()
		}
		b.ReportMetric(float64(stored)/float64(b.N), "stored-B/op")
	})
	b.Run("one entry", func(b *testing.B) {
		prev := first
		extra := corpus.Entries(1, 2)[0]
		var uploaded int64
		seq := uint64(2)
		for b.Loop() {
			b.StopTimer()
			extra.ID = fmt.Sprintf("extra-%d", seq)
			if err := ix.Apply(ctx, search.Batch{Put: []search.Document{extra}, Seq: seq}); err != nil {
				b.Fatal(err)
			}
			seq++
			b.StartTimer()
			m, err := ix.Publish(ctx, blobs, "index/", prev)
			if err != nil {
				b.Fatal(err)
			}
			uploaded += uploadedBy(m)
			prev = m
		}
		b.ReportMetric(float64(uploaded)/float64(b.N), "uploaded-B/op")
	})
}

// BenchmarkFetch fetches a snapshot of an index of 2,000 entries from the folder blob
// store into a new directory and opens it. It reports the bytes downloaded (stored,
// compressed) per fetch; the speed is in bytes of the index's files.
func BenchmarkFetch(b *testing.B) {
	ctx := context.Background()
	_, blobs, m := publishedIndex(b)
	b.SetBytes(snapshotSize(m))
	i := 0
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), fmt.Sprint(i))
		i++
		ls, err := search.FetchSnapshot(ctx, blobs, search.ManifestKey("index/", m.ID), dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		ix, err := search.Open(ls.Dir)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
	b.ReportMetric(float64(m.StoredSize()), "stored-B/op")
}

// BenchmarkIndexerStep is one step of the index writer on an index of WISSENSNETZ_BENCH_SIZES
// entries (default 10000; e.g. "10000,100000"): 100 changed entries applied in one batch,
// then an incremental publish to the folder blob store. It reports the changes indexed
// per second of step, the bytes uploaded (stored, compressed) per step, the bytes stored
// of a whole snapshot and the time of the first, full publish.
// Run it with
//
//	bash infra/bench/aws.sh
func BenchmarkIndexerStep(b *testing.B) {
	sizes := os.Getenv("WISSENSNETZ_BENCH_SIZES")
	if sizes == "" {
		sizes = "10000"
	}
	for _, size := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(size))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			ctx := context.Background()
			ix, blobs, prev := publishedIndexOf(b, n)
			full := time.Now()
			whole, err := ix.Publish(ctx, blobs, "index/", nil)
			if err != nil {
				b.Fatal(err)
			}
			fullPublish := time.Since(full)
			const changed = 100
			docs := corpus.Entries(n, 1)
			var uploaded int64
			seq := uint64(2)
			i := 0
			for b.Loop() {
				batch := search.Batch{Seq: seq}
				for range changed {
					d := docs[(i*7919)%len(docs)] // an existing entry, edited
					d.Summary += fmt.Sprintf(" Ergänzt %d.", i)
					batch.Put = append(batch.Put, d)
					i++
				}
				if err := ix.Apply(ctx, batch); err != nil {
					b.Fatal(err)
				}
				seq++
				m, err := ix.Publish(ctx, blobs, "index/", prev)
				if err != nil {
					b.Fatal(err)
				}
				uploaded += uploadedBy(m)
				prev = m
			}
			b.ReportMetric(float64(changed*b.N)/b.Elapsed().Seconds(), "changes/s")
			b.ReportMetric(float64(uploaded)/float64(b.N), "uploaded-B/op")
			b.ReportMetric(float64(whole.StoredSize()), "snapshot-stored-B")
			b.ReportMetric(float64(fullPublish.Milliseconds()), "ms-full-publish")
		})
	}
}
