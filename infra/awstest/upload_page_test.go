package awstest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/awslocal/stack"
)

// browserMissing skips a browser test whose browser or npm packages are missing, or fails
// it in CI (CI=true), as the browser tests of infra/e2e do.
func browserMissing(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// TestUploadPageScript uploads two files through the upload page with JavaScript in
// Chromium: the page's script sends both straight to the S3 stand-in (CORS as the
// template allows it), each with a progress bar, and opens the confirmation page with both;
// confirmed, they are files of the entry. Then one file without JavaScript: the form goes
// to the bucket, whose redirect leads to the confirmation page. The site's
// Content-Security-Policy is in force throughout; both pages pass axe-core's WCAG 2.1 AA
// rules.
func TestUploadPageScript(t *testing.T) {
	chromium := os.Getenv("WISSENSNETZ_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		browserMissing(t, "no Chromium at "+chromium+" (apt-get install chromium)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		browserMissing(t, "no node")
	}
	root, err := stack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	modules := filepath.Join(root, "infra", "e2e", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "playwright-core")); err != nil {
		browserMissing(t, "playwright-core not installed (cd infra/e2e && npm ci)")
	}

	s := startSite(t)
	ctx := t.Context()
	slug := s.visitorSearch(0, "")[0]
	before, err := s.store.EntryBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "Bericht Straßenbeleuchtung.pdf"), filepath.Join(dir, "Kosten.csv")}
	if err := os.WriteFile(paths[0], reportPDF(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths[1], []byte("Jahr;Kosten\n2024;1200\n2025;900\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	filesJSON, _ := json.Marshal(paths)
	titles, _ := json.Marshal([]string{"Bericht Straßenbeleuchtung", "Kosten je Jahr"})

	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "infra", "awstest", "upload_page.mjs"))
	cmd.Env = append(os.Environ(), "WEB_URL="+s.WebURL(1), "EMAIL="+coordinatorEmail, "PASSWORD=Gemeinsam-in-die-Zukunft-26",
		"SLUG="+slug, "FILES="+string(filesJSON), "TITLES="+string(titles), "PLAIN_TITLE=Bericht ohne JavaScript", "CHROMIUM="+chromium, "E2E_MODULES="+modules)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("upload_page.mjs: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var out struct {
		Violations []string
		Progress   []struct {
			Label      string
			Value, Max float64
		}
		ConfirmURL, FinalURL string
		PlainURL             string
		Errors               []string
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &out); err != nil {
		t.Fatalf("output of upload_page.mjs: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	for _, e := range out.Errors {
		t.Errorf("in the browser: %s", e)
	}
	for _, v := range out.Violations {
		t.Errorf("axe-core: %s", v)
	}
	if len(out.Progress) != 2 {
		t.Errorf("progress bars %+v, want one per file", out.Progress)
	}
	for _, p := range out.Progress {
		if p.Max <= 0 || p.Value != p.Max {
			t.Errorf("progress bar %+v did not reach its end", p)
		}
	}
	if !strings.HasSuffix(out.FinalURL, "/eintraege/"+slug+"?gespeichert=1") {
		t.Fatalf("the browser ended on %q, want the entry saved (confirmation page was %q)", out.FinalURL, out.ConfirmURL)
	}
	after, err := s.store.EntryBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.PlainURL, "/eintraege/"+slug+"?gespeichert=1") {
		t.Errorf("without JavaScript the browser ended on %q, want the entry saved", out.PlainURL)
	}
	n := len(after.Attachments)
	if n != len(before.Attachments)+3 || after.Version != before.Version+2 {
		t.Fatalf("after the uploads: version %d with %d files, want %d with %d", after.Version, n, before.Version+2, len(before.Attachments)+3)
	}
	for i, want := range []struct{ name, title, format string }{
		{"Bericht Straßenbeleuchtung.pdf", "Bericht Straßenbeleuchtung", "pdf"},
		{"Kosten.csv", "Kosten je Jahr", "csv"},
		// versitygw keeps "${filename}" in the key where S3 puts the file's name: then
		// the name is made from the format.
		{"Datei.pdf", "Bericht ohne JavaScript", "pdf"},
	} {
		if f := after.Attachments[n-3+i]; f.Name != want.name || f.Title != want.title || f.Format != want.format {
			t.Errorf("file %d: %+v, want %+v", i+1, f, want)
		}
	}
	if err := s.WaitNotificationsIdle(ctx); err != nil {
		t.Fatal(err)
	}
}
