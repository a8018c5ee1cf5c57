package search_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/ikone-ds/wissensnetz/shared/search"
)

// compressionEntries is the size of the index whose files BenchmarkSnapshotCompression
// compresses.
const compressionEntries = 10_000

// snapshotCodec compresses and decompresses whole files, for BenchmarkSnapshotCompression.
type snapshotCodec struct {
	name       string
	compress   func(w io.Writer, src []byte) error
	decompress func(r io.Reader) error // reads all of r, decompressed, to io.Discard
}

func zstdCodec(name string, level zstd.EncoderLevel) snapshotCodec {
	return snapshotCodec{
		name: name,
		compress: func(w io.Writer, src []byte) error {
			enc, err := zstd.NewWriter(w, zstd.WithEncoderLevel(level), zstd.WithEncoderConcurrency(1))
			if err != nil {
				return err
			}
			if _, err := enc.Write(src); err != nil {
				enc.Close()
				return err
			}
			return enc.Close()
		},
		decompress: func(r io.Reader) error {
			dec, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
			if err != nil {
				return err
			}
			defer dec.Close()
			_, err = io.Copy(io.Discard, dec)
			return err
		},
	}
}

func gzipCodec(name string, level int) snapshotCodec {
	return snapshotCodec{
		name: name,
		compress: func(w io.Writer, src []byte) error {
			zw, err := gzip.NewWriterLevel(w, level)
			if err != nil {
				return err
			}
			if _, err := zw.Write(src); err != nil {
				return err
			}
			return zw.Close()
		},
		decompress: func(r io.Reader) error {
			zr, err := gzip.NewReader(r)
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, zr)
			return err
		},
	}
}

// BenchmarkSnapshotCompression compresses the files of a snapshot of an index of 10,000
// synthetic entries, the largest segment file ("zap") and the root bolt file ("root"), with
// zstd and, for comparison, the standard library's gzip. It reports the ratio (bytes of
// the file per byte compressed) and, through SetBytes, the speed in bytes of the file per
// second, compressing and decompressing on one goroutine, and the same per second of
// processor time the process used ("MB/cpu-s"), which other work on a shared machine
// distorts less. Run it with -cpu 1.
func BenchmarkSnapshotCompression(b *testing.B) {
	ctx := context.Background()
	_, blobs, m := publishedIndexOf(b, compressionEntries)
	ls, err := search.FetchSnapshot(ctx, blobs, search.ManifestKey("index/", m.ID), filepath.Join(b.TempDir(), "snapshot"), nil)
	if err != nil {
		b.Fatal(err)
	}
	var zap search.SnapshotFile
	for _, f := range ls.Manifest.Files {
		if strings.HasSuffix(f.Name, ".zap") && f.Size > zap.Size {
			zap = f
		}
	}
	files := []struct{ kind, name string }{{"zap", zap.Name}, {"root", "store/root.bolt"}}
	codecs := []snapshotCodec{
		zstdCodec("zstd-fastest", zstd.SpeedFastest),
		zstdCodec("zstd-default", zstd.SpeedDefault),
		gzipCodec("gzip-1", gzip.BestSpeed),
		gzipCodec("gzip-6", gzip.DefaultCompression),
	}
	for _, file := range files {
		src, err := os.ReadFile(filepath.Join(ls.Dir, filepath.FromSlash(file.name)))
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range codecs {
			var packed bytes.Buffer
			if err := c.compress(&packed, src); err != nil {
				b.Fatal(err)
			}
			ratio := float64(len(src)) / float64(packed.Len())
			b.Logf("%s (%s, %d bytes) %s: %d bytes, ratio %.2f", file.kind, file.name, len(src), c.name, packed.Len(), ratio)
			b.Run(file.kind+"/"+c.name+"/compress", func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				var out bytes.Buffer
				start := cpuTime()
				for b.Loop() {
					out.Reset()
					if err := c.compress(&out, src); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(ratio, "ratio")
				b.ReportMetric(float64(len(src))*float64(b.N)/(cpuTime()-start).Seconds()/1e6, "MB/cpu-s")
			})
			b.Run(file.kind+"/"+c.name+"/decompress", func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				in := slices.Clip(packed.Bytes())
				start := cpuTime()
				for b.Loop() {
					if err := c.decompress(bytes.NewReader(in)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(ratio, "ratio")
				b.ReportMetric(float64(len(src))*float64(b.N)/(cpuTime()-start).Seconds()/1e6, "MB/cpu-s")
			})
		}
	}
}
