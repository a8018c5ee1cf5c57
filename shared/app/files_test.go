package app

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// testExtractor is one extractor for the package's tests: the PDF engine compiles once,
// with its cache in the system's temporary folder.
var testExtractor = sync.OnceValue(func() *extract.Extractor {
	dir := filepath.Join(os.TempDir(), "wissensnetz-extract-pdfium")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		dir = ""
	}
	return extract.New(extract.Options{PDFCacheDir: dir})
})

// openFiles opens a local app with the fixture that reads the text of files.
func openFiles(t *testing.T, f Files) *App {
	t.Helper()
	if f.Extractor == nil {
		f.Extractor = testExtractor()
	}
	a, err := openLocal(t.Context(), Local{DataDir: t.TempDir(), Demo: fixture(t), DemoAuthor: wiki.DemoAuthor}, Options{Files: f})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// corpus returns the file name of the test corpus of shared/extract.
func corpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "extract", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// upload returns the corpus file name as an upload.
func upload(t *testing.T, name, title string) FileUpload {
	t.Helper()
	b := corpus(t, name)
	return FileUpload{Name: name, Title: title, Content: bytes.NewReader(b), Size: int64(len(b))}
}

func waitTexts(t *testing.T, a *App) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := a.WaitForTexts(ctx); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, a *App, d *FileDownload) []byte {
	t.Helper()
	rc, err := a.OpenFile(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFilesOfAnEntry(t *testing.T) {
	a := openFiles(t, Files{})
	member, _ := users(t, a)
	ctx := t.Context()

	report := upload(t, "bericht.pdf", "Abschlussbericht")
	report.Name = `C:\Users\max\Desktop\Abschlussbericht 2024.PDF`
	e, err := a.CreateEntryFiles(ctx, member, newEntry(), "", false, []FileUpload{report})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Attachments) != 1 {
		t.Fatalf("files = %d, want 1", len(e.Attachments))
	}
	f := e.Attachments[0]
	if f.Name != "Abschlussbericht 2024.PDF" || f.Format != "pdf" || f.Title != "Abschlussbericht" || len(f.SHA256) != 64 || f.UploadedBy != member.User.Name {
		t.Errorf("file = %+v", f)
	}
	waitTexts(t, a)
	txt, err := a.FileText(ctx, e.ID, f.ID)
	if err != nil || txt == nil {
		t.Fatalf("text = %v, %v", txt, err)
	}
	if txt.Status != wiki.TextSearchable || len(txt.Parts) == 0 || txt.Parts[0].Label != "Seite 1" {
		t.Errorf("text = %+v", txt)
	}

	// A second file comes with an edit; the first is taken off with the next.
	guide := upload(t, "leitfaden.docx", "")
	e2, err := a.ChangeFiles(ctx, member, e.Slug, e.Version, FileChanges{Add: []FileUpload{guide}}, "Leitfaden dazu")
	if err != nil {
		t.Fatal(err)
	}
	if len(e2.Attachments) != 2 || e2.Attachments[1].Title != "leitfaden.docx" || e2.Version != 2 {
		t.Fatalf("after adding: v%d %+v", e2.Version, e2.Attachments)
	}
	e3, err := a.ChangeFiles(ctx, member, e.Slug, e2.Version, FileChanges{Remove: []string{f.ID}, Edit: []FileEdit{{ID: e2.Attachments[1].ID, Title: "Leitfaden", Description: "Für Einsteiger"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(e3.Attachments) != 1 || e3.Attachments[0].Title != "Leitfaden" || e3.Attachments[0].Description != "Für Einsteiger" {
		t.Fatalf("after removing: %+v", e3.Attachments)
	}

	// The removed file stays readable in version 1, for those who may read the history.
	if _, err := a.File(ctx, member, e.Slug, f.ID, 0); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("removed file in the current version: %v, want ENOTFOUND", err)
	}
	d, err := a.File(ctx, member, e.Slug, f.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(filepath.Join("..", "extract", "testdata", "bericht.pdf"))
	if got := readAll(t, a, d); !bytes.Equal(got, orig) {
		t.Errorf("downloaded %d bytes, not the %d uploaded", len(got), len(orig))
	}
	// A draft's files are the member's: a visitor gets the same answer as for nothing.
	for _, version := range []int{0, 1, 9} {
		if _, err := a.File(ctx, auth.Visitor, e.Slug, f.ID, version); wiki.ErrorCode(err) != wiki.ENOTFOUND {
			t.Errorf("visitor, version %d: %v, want ENOTFOUND", version, err)
		}
	}
	if _, err := a.File(ctx, auth.Visitor, "gibt-es-nicht", f.ID, 0); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("unknown entry: %v", err)
	}
}

func TestRefusedFilesStoreNothing(t *testing.T) {
	a := openFiles(t, Files{MaxFile: 64 << 10})
	member, _ := users(t, a)
	ctx := t.Context()
	big := FileUpload{Name: "gross.txt", Content: bytes.NewReader(bytes.Repeat([]byte("Text "), 20000)), Size: 100000}
	for _, tc := range []struct {
		up   FileUpload
		code wiki.Code
		want string
	}{
		{upload(t, "archiv.docx", ""), wiki.EINVALID, "ZIP-Archiv"},
		{upload(t, "leer.txt", ""), wiki.EINVALID, "leer"},
		{upload(t, "abgeschnitten.docx", ""), wiki.EINVALID, "beschädigt"},
		{upload(t, "bombe.docx", ""), wiki.EINVALID, "Grenze"},
		{big, wiki.ETOOLARGE, "64 KB"},
	} {
		t.Run(tc.up.Name, func(t *testing.T) {
			good := upload(t, "notiz.txt", "")
			_, err := a.CreateEntryFiles(ctx, member, newEntry(), "", false, []FileUpload{good, tc.up})
			if wiki.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			msg := wiki.ErrorText(text.German, err)
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, tc.up.Name) {
				t.Errorf("message %q does not name %q and the file", msg, tc.want)
			}
		})
	}
	keys, err := a.stores.Blobs.ListBlobs(ctx, "attachments/")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("refused entries left files: %v", keys)
	}
}

func TestCleanFileNames(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":                "passwd.txt",
		"Bericht\x00\x1b[31m.pdf":         "Bericht[31m.pdf",
		"bericht":                         "bericht.pdf",
		"...":                             "Datei.pdf",
		"Über\u200bsicht.PDF":             "Übersicht.PDF",
		strings.Repeat("ä", 300) + ".pdf": strings.Repeat("ä", wiki.MaxFileNameLen-4) + ".pdf",
	} {
		ext := "pdf"
		if strings.HasSuffix(in, "passwd") {
			ext = "txt"
		}
		if got := wiki.CleanFileName(in, ext); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
