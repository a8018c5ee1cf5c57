package demo_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// TestFreshStartReadsTheFiles: a local installation's first start loads the demo content
// with its files, stored as files of their entries, and reads their text in the
// background: the report's page 2 holds the word that only the files have.
func TestFreshStartReadsTheFiles(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	cache := filepath.Join(os.TempDir(), "wissensnetz-extract-pdfium")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		cache = ""
	}
	x := extract.New(extract.Options{PDFCacheDir: cache})
	defer x.Close()
	st, err := embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.StartLocal(ctx, st, app.Local{DataDir: dir, Demo: demo.Open, DemoAuthor: demo.Author},
		app.Options{Files: app.Files{Extractor: x}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	wait, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := a.WaitForTexts(wait); err != nil {
		t.Fatal(err)
	}

	everyone := auth.Visitor // the entries are public, and so are their files
	files := 0
	for _, f := range demo.Files {
		e, err := a.Entry(ctx, everyone, wiki.Slugify(f.Entry))
		if err != nil {
			t.Fatalf("%s: %v", f.Entry, err)
		}
		var file *wiki.Attachment
		for i := range e.Attachments {
			if e.Attachments[i].Name == f.Name {
				file = &e.Attachments[i]
			}
		}
		if file == nil {
			t.Errorf("%s: no file %s in %+v", f.Entry, f.Name, e.Attachments)
			continue
		}
		files++
		if file.UploadedBy != demo.Author {
			t.Errorf("%s: uploaded by %q, want %q", f.Name, file.UploadedBy, demo.Author)
		}
		d, err := a.File(ctx, everyone, e.Slug, file.ID, 0)
		if err != nil {
			t.Errorf("%s: download: %v", f.Name, err)
			continue
		}
		rc, err := a.OpenFile(ctx, d)
		if err != nil {
			t.Errorf("%s: open: %v", f.Name, err)
			continue
		}
		rc.Close()
		txt, err := a.FileText(ctx, e.ID, file.ID)
		if err != nil || txt == nil || txt.Status != wiki.TextSearchable {
			t.Errorf("%s: text %+v, %v; want it read and searchable", f.Name, txt, err)
			continue
		}
		if strings.HasSuffix(f.Name, ".pdf") {
			found := false
			for _, p := range txt.Parts {
				if p.Label == "Seite 2" && strings.Contains(p.Text, demo.FileWord) && strings.Contains(p.Text, "Gießtour") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no part \"Seite 2\" with %q and its umlauts in %+v", f.Name, demo.FileWord, txt.Parts)
			}
		}
	}
	if files != len(demo.Files) {
		t.Errorf("%d of %d demo files stored", files, len(demo.Files))
	}

	// A newcomer's search for the word on page 2 of the report finds its entry and says
	// where.
	res, err := a.Search(ctx, everyone, search.Query{Text: demo.FileWord}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || len(res.Hits[0].FileMatches) == 0 || res.Hits[0].FileMatches[0].Label != "Seite 2" {
		t.Errorf("search for %s: %+v, want one hit found on page 2 of the report", demo.FileWord, res.Hits)
	}
}
