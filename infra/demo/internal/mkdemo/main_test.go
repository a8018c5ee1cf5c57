package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/extract"
)

// TestFilesAreCurrent: the committed files are what the generator writes, byte for byte,
// and it writes the same on every run.
func TestFilesAreCurrent(t *testing.T) {
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadDir(filepath.Join("..", "..", "dateien"))
	if err != nil {
		t.Fatal(err)
	}
	if len(committed) != len(files) {
		t.Errorf("dateien holds %d files, the generator writes %d", len(committed), len(files))
	}
	for name, b := range files {
		if !bytes.Equal(b, again[name]) {
			t.Errorf("%s differs between two runs", name)
		}
		have, err := os.ReadFile(filepath.Join("..", "..", "dateien", name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(have, b) {
			t.Errorf("dateien/%s is not what the generator writes: go run ./infra/demo/internal/mkdemo", name)
		}
		if len(b) > 50<<10 {
			t.Errorf("%s has %d bytes, want a small file", name, len(b))
		}
	}
}

// TestTextsAreReadable: the text extraction reads each file, umlauts and all, and finds
// the report's sentence on page 2.
func TestTextsAreReadable(t *testing.T) {
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(os.TempDir(), "wissensnetz-extract-pdfium")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		dir = ""
	}
	x := extract.New(extract.Options{PDFCacheDir: dir})
	defer x.Close()
	for name, want := range map[string][]struct{ label, text string }{
		"abschlussbericht-bodenfeuchte.pdf": {{"Seite 1", "Abschlussbericht Bodenfeuchtemessung an Stadtbäumen"}, {"Seite 2", ReportSentence}, {"Seite 3", "Empfehlungen für andere Kommunen"}},
		"leitfaden-hybride-sitzungen.docx":  {{"", "Leitfaden hybride Rats- und Ausschusssitzungen"}, {"", "Übertragung in Gebärdensprache"}},
		"messwerte-bodenfeuchte.xlsx":       {{"Messwerte", "Südpark"}, {"Messwerte", "Ostring"}, {"Gießfahrten", "Gießfahrten 2024"}},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := x.ExtractBytes(t.Context(), files[name])
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != extract.Searchable {
				t.Fatalf("status %v, want searchable", res.Status)
			}
			for _, w := range want {
				found := false
				for _, p := range res.Parts {
					// Lines break where the page does: words count, not line ends.
					if p.Label == w.label && strings.Contains(strings.Join(strings.Fields(p.Text), " "), w.text) {
						found = true
					}
				}
				if !found {
					t.Errorf("no part %q with %q in %+v", w.label, w.text, res.Parts)
				}
			}
		})
	}
}
