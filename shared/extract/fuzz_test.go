package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzLimits keep each call short: a deadline of 2 s and little text.
var fuzzLimits = Limits{Timeout: 2 * time.Second, Text: 64 << 10}

// fuzzExtract runs one input through Extract and checks what any input must give:
// no panic (ErrFailed), a result or an *Error, normalised text within the limit, and
// an answer soon after the deadline.
func fuzzExtract(t *testing.T, x *Extractor, b []byte) {
	start := time.Now()
	res, err := x.ExtractBytes(context.Background(), b)
	if took := time.Since(start); took > fuzzLimits.Timeout+3*time.Second {
		t.Fatalf("took %v, past the deadline of %v", took, fuzzLimits.Timeout)
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("got %T %v, want *Error", err, err)
		}
		if errors.Is(err, ErrFailed) {
			t.Fatalf("extractor failed: %v", err)
		}
		return
	}
	n := 0
	for _, p := range res.Parts {
		if !utf8.ValidString(p.Text) || normalize(p.Text) != p.Text || p.Text == "" {
			t.Fatalf("part %q: text not normalised: %q", p.Label, p.Text)
		}
		n += len(p.Text)
	}
	if n > fuzzLimits.Text {
		t.Fatalf("got %d bytes of text, limit %d", n, fuzzLimits.Text)
	}
}

func fuzzSeeds(f *testing.F, pattern ...string) {
	for _, p := range pattern {
		names, err := filepath.Glob(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

var fuzzExtractor = sync.OnceValue(func() *Extractor {
	return New(Options{Limits: fuzzLimits, PDFCacheDir: pdfCacheDir()})
})

func FuzzExtractPDF(f *testing.F) {
	fuzzSeeds(f, "*.pdf")
	x := fuzzExtractor()
	// Compile the engine before the first input: it is not bounded by the deadline.
	if err := x.Prepare(context.Background()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) { fuzzExtract(t, x, b) })
}

func FuzzExtractZip(f *testing.F) {
	fuzzSeeds(f, "*.docx", "*.xlsx", "*.pptx", "*.odt", "*.ods", "*.odp")
	x := fuzzExtractor()
	f.Fuzz(func(t *testing.T, b []byte) { fuzzExtract(t, x, b) })
}

func FuzzExtractText(f *testing.F) {
	fuzzSeeds(f, "*.csv", "*.txt")
	f.Add([]byte("a;b\n\"x;y\";z\n"))
	f.Add([]byte("\xff\xfeA\x00;\x00B\x00\n\x00"))
	x := fuzzExtractor()
	f.Fuzz(func(t *testing.T, b []byte) { fuzzExtract(t, x, b) })
}
