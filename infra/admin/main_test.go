package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/infra/demo"
)

func TestExportImportExport(t *testing.T) {
	ctx := t.Context()
	src, dst := t.TempDir(), t.TempDir()
	file := filepath.Join(t.TempDir(), "demo.jsonl")
	if err := os.WriteFile(file, mustRead(t), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"-data", src, "import", file}, &out, &errOut); err != nil {
		t.Fatalf("import demo: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "Einträge") {
		t.Errorf("import output = %q", out.String())
	}
	first := filepath.Join(t.TempDir(), "first.jsonl")
	if err := run(ctx, []string{"-data", src, "export", "-o", first}, &out, &errOut); err != nil {
		t.Fatalf("export: %v", err)
	}
	if err := run(ctx, []string{"-data", dst, "import", first}, &out, &errOut); err != nil {
		t.Fatalf("import export: %v", err)
	}
	var second bytes.Buffer
	if err := run(ctx, []string{"-data", dst, "export"}, &second, &errOut); err != nil {
		t.Fatalf("second export: %v", err)
	}
	want, _ := os.ReadFile(first)
	if !bytes.Equal(want, second.Bytes()) {
		t.Fatalf("export → import → export differs (%d vs %d bytes)", len(want), second.Len())
	}
	if n := bytes.Count(want, []byte(`"type":"entry"`)); n < 36 {
		t.Errorf("export has %d entries, want the demo's", n)
	}

	errOut.Reset()
	if err := run(ctx, []string{"-data", dst, "reindex"}, &out, &errOut); err != nil {
		t.Fatalf("reindex: %v", err)
	}
	if !strings.Contains(errOut.String(), "100 %") {
		t.Errorf("reindex progress = %q, want it to reach 100 %%", errOut.String())
	}
}

func TestImportReportsLines(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(file, []byte(`{"type":"entry","entry":{"title":"Ohne Kommune","kind":"guide","municipality":"07000001","summary":"x","topics":["t"],"project_status":"idea","visibility":"public"}}`+"\n"), 0o644)
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-data", t.TempDir(), "import", file}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "Zeile 1:") || !strings.Contains(err.Error(), "nichts wurde übernommen") {
		t.Errorf("err = %v, want a line-numbered German report", err)
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"-data", t.TempDir(), "zaubern"}, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "Verwendung") {
		t.Errorf("unknown command: err %v, usage %q", err, errOut.String())
	}
}

func mustRead(t *testing.T) []byte {
	var b bytes.Buffer
	if _, err := b.ReadFrom(demo.Open()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
