package search_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/ikone-ds/wissensnetz/infra/bench/corpus"
	"github.com/ikone-ds/wissensnetz/shared/search"
)

// BenchmarkRebuildCompounds builds an index of 10,000 entries on disk with compounds left
// whole (as bleve's plain "de" analyzer does) and split, and reports the entries written
// per second and the size of the index: what decompounding costs.
func BenchmarkRebuildCompounds(b *testing.B) {
	docs := corpus.Entries(10_000, 1)
	for _, c := range []struct {
		name string
		opts search.Options
	}{{"whole-words", search.Options{WholeWords: true}}, {"compounds-split", search.Options{}}} {
		b.Run(c.name, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "index")
			ix, err := search.OpenWith(dir, c.opts)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := ix.Rebuild(context.Background(), 1, func(put func(search.Document) error) error {
					for _, d := range docs {
						if err := put(d); err != nil {
							return err
						}
					}
					return nil
				}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "entries/s")
			if err := ix.Close(); err != nil {
				b.Fatal(err)
			}
			if ix, err = search.OpenWith(dir, c.opts); err != nil {
				b.Fatal(err)
			}
			_ = ix.Close()
			var n int64
			_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if info, err := d.Info(); err == nil {
						n += info.Size()
					}
				}
				return err
			})
			b.ReportMetric(float64(n)/(1<<20), "disk-MiB")
		})
	}
}
