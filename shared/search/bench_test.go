package search_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/bench/corpus"
	"github.com/ikone-ds/wissensnetz/shared/search"
)

// benchEntries is the size of the benchmark corpus.
const benchEntries = 10_000

// scanOf returns a scan function for Rebuild that puts docs.
func scanOf(docs []search.Document) func(put func(search.Document) error) error {
	return func(put func(search.Document) error) error {
		for _, d := range docs {
			if err := put(d); err != nil {
				return err
			}
		}
		return nil
	}
}

// BenchmarkSearch runs the fifty queries of corpus.Queries in turn against an index of
// 10,000 entries on disk, each for the first page of ten hits with total, facets and
// highlights, and reports the median and 99th percentile latency of a single query and the
// processor time per query (which, unlike latency, does not grow when other processes
// compete for the processors).
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	ix, err := search.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Rebuild(ctx, 1, scanOf(corpus.Entries(benchEntries, 1)), nil); err != nil {
		b.Fatal(err)
	}
	queries := corpus.Queries()
	// One round untimed, so that the first queries do not pay for cold caches.
	for _, q := range queries {
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}

	measure(b, func(i int) (int, error) {
		res, err := ix.Search(ctx, queries[i%len(queries)])
		if err != nil {
			return 0, err
		}
		return len(res.Hits), nil
	})
}

// BenchmarkSearchFiles compares search with and without the text of files: it builds
// two indexes on disk, of the same 10,000 entries without and with the files of
// corpus.Files, and runs each query of corpus.Queries on one and then on the other, so
// that both see the same load of the machine. It reports the median and 99th percentile
// latency and the processor time per query of each (-plain: without files) and the ratio
// of the medians.
func BenchmarkSearchFiles(b *testing.B) {
	ctx := context.Background()
	docs := corpus.Entries(benchEntries, 1)
	open := func(name string, docs []search.Document) *search.Index {
		ix, err := search.Open(filepath.Join(b.TempDir(), name))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { ix.Close() })
		if err := ix.Rebuild(ctx, 1, scanOf(docs), nil); err != nil {
			b.Fatal(err)
		}
		return ix
	}
	plain, files := open("plain", docs), open("files", corpus.Files(docs, 1))
	queries := corpus.Queries()
	for _, ix := range []*search.Index{plain, files} {
		for _, q := range queries {
			if _, err := ix.Search(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	}
	var took [2][]time.Duration
	var cpu [2]time.Duration
	hits := 0
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		for k, ix := range []*search.Index{plain, files} {
			// Labelled for profiles: go tool pprof -tagfocus ix=files …
			pprof.Do(ctx, pprof.Labels("ix", []string{"plain", "files"}[k]), func(ctx context.Context) {
				c, start := cpuTime(), time.Now()
				res, err := ix.Search(ctx, q)
				took[k] = append(took[k], time.Since(start))
				cpu[k] += cpuTime() - c
				if err != nil {
					b.Fatal(err)
				}
				if k == 1 {
					hits += len(res.Hits)
				}
			})
		}
	}
	ms := func(took []time.Duration, p float64) float64 {
		slices.Sort(took)
		return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond)
	}
	n := float64(len(took[0]))
	b.ReportMetric(ms(took[0], 0.5), "p50-ms-plain")
	b.ReportMetric(ms(took[0], 0.99), "p99-ms-plain")
	b.ReportMetric(float64(cpu[0])/float64(time.Millisecond)/n, "cpu-ms/op-plain")
	b.ReportMetric(ms(took[1], 0.5), "p50-ms")
	b.ReportMetric(ms(took[1], 0.99), "p99-ms")
	b.ReportMetric(float64(cpu[1])/float64(time.Millisecond)/n, "cpu-ms/op")
	b.ReportMetric(ms(took[1], 0.5)/ms(took[0], 0.5), "p50-ratio")
	b.ReportMetric(float64(hits)/n, "hits/op")
}

// measure runs op with 0, 1, 2, … as long as b asks and reports the median and 99th
// percentile latency of one op, the mean of the hits op returns, and the processor time
// per op (which, unlike latency, does not grow when other processes compete for the
// processors).
func measure(b *testing.B, op func(i int) (hits int, err error)) {
	var took []time.Duration
	hits := 0
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		n, err := op(i)
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		hits += n
	}
	cpu = cpuTime() - cpu
	slices.Sort(took)
	ms := func(p float64) float64 {
		return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(hits)/float64(len(took)), "hits/op")
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(len(took)), "cpu-ms/op")
}

// BenchmarkRebuild builds an index of 10,000 entries on disk from scratch and reports the
// entries written per second, the processor time per entry and the size of the index.
func BenchmarkRebuild(b *testing.B) {
	benchRebuild(b, corpus.Entries(benchEntries, 1))
}

// BenchmarkRebuildFiles is BenchmarkRebuild on the same entries with the files of
// corpus.Files.
func BenchmarkRebuildFiles(b *testing.B) {
	benchRebuild(b, corpus.Files(corpus.Entries(benchEntries, 1), 1))
}

func benchRebuild(b *testing.B, docs []search.Document) {
	ctx := context.Background()
	dir := filepath.Join(b.TempDir(), "index")
	ix, err := search.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	var cpu time.Duration
	for b.Loop() {
		start := cpuTime()
		if err := ix.Rebuild(ctx, 1, scanOf(docs), nil); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - start
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "entries/s")
	if err := ix.Close(); err != nil {
		b.Fatal(err)
	}
	// Files the last merge replaced may outlive Close; opening the index removes them.
	if ix, err = search.Open(dir); err != nil {
		b.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(cpu)/float64(time.Microsecond)/float64(len(docs)*b.N), "cpu-us/entry")
	b.ReportMetric(float64(dirSize(b, dir))/(1<<20), "disk-MiB")
}

// dirSize returns the size of the files under dir in bytes.
func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
