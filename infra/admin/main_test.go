package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// dataDir returns a new data folder whose cache of the compiled PDF engine is the one
// of all tests: compiling it takes seconds, and an import reads the demo's PDF.
func dataDir(t *testing.T) string {
	t.Helper()
	shared := filepath.Join(os.TempDir(), "wissensnetz-extract-pdfium")
	dir := t.TempDir()
	if err := os.MkdirAll(shared, 0o755); err != nil {
		return dir
	}
	if err := os.MkdirAll(filepath.Join(dir, "cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shared, filepath.Join(dir, "cache", "pdf")); err != nil {
		t.Logf("no shared PDF engine cache: %v", err)
	}
	return dir
}

func TestExportImportExport(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	src, dst := dataDir(t), dataDir(t)
	file := filepath.Join(t.TempDir(), "demo.zip")
	if err := os.WriteFile(file, mustRead(t), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"-data", src, "import", file}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("import demo: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "Einträge") {
		t.Errorf("import output = %q", out.String())
	}
	first := filepath.Join(t.TempDir(), "first.zip")
	if err := run(ctx, []string{"-data", src, "export", "-o", first}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("export: %v", err)
	}
	errOut.Reset()
	if err := run(ctx, []string{"-data", dst, "import", first}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("import export: %v", err)
	}
	var second bytes.Buffer
	if err := run(ctx, []string{"-data", dst, "export"}, strings.NewReader(""), &second, &errOut); err != nil {
		t.Fatalf("second export: %v", err)
	}
	want, _ := os.ReadFile(first)
	if !bytes.Equal(want, second.Bytes()) {
		t.Fatalf("export → import → export differs (%d vs %d bytes)", len(want), second.Len())
	}
	recs, files := readExport(t, want)
	if n := strings.Count(recs, `"type":"entry"`); n < 36 {
		t.Errorf("export has %d entries, want the demo's", n)
	}
	if len(files) != len(demo.Files) {
		t.Errorf("export has the files %q, want the demo's %d", files, len(demo.Files))
	}

	// The import read the texts of the files before it ended.
	a, err := openLocal(ctx, dst, app.Files{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := a.Entry(ctx, auth.Visitor, wiki.Slugify(demo.Files[0].Entry))
	if err != nil || len(e.Attachments) == 0 {
		t.Fatalf("entry with files: %v", err)
	}
	txt, err := a.FileText(ctx, e.ID, e.Attachments[0].ID)
	if err != nil || txt == nil || txt.Status != wiki.TextSearchable {
		t.Errorf("text of %s after the import: %+v, %v", e.Attachments[0].Name, txt, err)
	}
	a.Close()

	// A name without .zip gets the archive all the same, and a word about it.
	errOut.Reset()
	named := filepath.Join(t.TempDir(), "wissen.jsonl")
	if err := run(ctx, []string{"-data", dst, "export", "-o", named}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("export to .jsonl: %v", err)
	}
	if got, _ := os.ReadFile(named); !bytes.Equal(got, want) || !strings.Contains(errOut.String(), "ZIP-Archiv") {
		t.Errorf("export to %s: %d bytes, said %q; want the archive and a note", named, len(got), errOut.String())
	}

	errOut.Reset()
	if err := run(ctx, []string{"-data", dst, "reindex"}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("reindex: %v", err)
	}
	if !strings.Contains(errOut.String(), "100 %") {
		t.Errorf("reindex progress = %q, want it to reach 100 %%", errOut.String())
	}
}

// TestExportRefusesDamagedFile: a file changed in the store stops the export with a
// German message naming it, and no export file is left.
func TestExportRefusesDamagedFile(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := dataDir(t)
	file := filepath.Join(t.TempDir(), "demo.zip")
	if err := os.WriteFile(file, mustRead(t), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"-data", dir, "import", file}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("import demo: %v", err)
	}
	var changed string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(filepath.Dir(filepath.Dir(path)), "attachments") && changed == "" {
			changed = path
		}
		return nil
	})
	if changed == "" {
		t.Fatal("no stored file found under attachments/")
	}
	if err := os.WriteFile(changed, []byte("überschrieben"), 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "wissen.zip")
	err := run(ctx, []string{"-data", dir, "export", "-o", target}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(describe(err), "Export abgebrochen") || !strings.Contains(describe(err), "Prüfsumme") {
		t.Errorf("export of a changed file: %v, want a German message about it", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("export file left behind: %v", err)
	}
}

// TestImportScansNewFiles: with WISSENSNETZ_CLAMD, the files of new entries are checked
// for malware; one found refuses the import.
func TestImportScansNewFiles(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // a clamd that finds something in every file
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			r := bufio.NewReader(conn)
			if cmd, _ := r.ReadString(0); cmd == "zINSTREAM\x00" {
				for {
					var head [4]byte
					if _, err := io.ReadFull(r, head[:]); err != nil {
						break
					}
					n := binary.BigEndian.Uint32(head[:])
					if n == 0 {
						conn.Write([]byte("stream: Win.Test.EICAR_HDB-1 FOUND\x00"))
						break
					}
					io.CopyN(io.Discard, r, int64(n))
				}
			}
			conn.Close()
		}
	}()
	t.Setenv("WISSENSNETZ_CLAMD", ln.Addr().String())
	dir := dataDir(t)
	file := filepath.Join(t.TempDir(), "demo.zip")
	if err := os.WriteFile(file, mustRead(t), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err = run(t.Context(), []string{"-data", dir, "import", file}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(describe(err), "Schadsoftware hat „Win.Test.EICAR_HDB-1“ gefunden") || !strings.Contains(describe(err), "nichts wurde übernommen") {
		t.Errorf("import: %v, want it refused for the malware found", err)
	}
}

// readExport returns the records of an export and the names of its files: those of an
// archive, or the JSON Lines as they are.
func readExport(t *testing.T, b []byte) (records string, files []string) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("PK")) {
		return string(b), nil
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != app.ArchiveRecords {
			files = append(files, f.Name)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		r, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		records = string(r)
	}
	return records, files
}

func TestImportReportsLines(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(file, []byte(`{"type":"entry","entry":{"title":"Ohne Kommune","kind":"guide","municipality":"07000001","summary":"x","topics":["t"],"project_status":"idea","visibility":"public"}}`+"\n"), 0o644)
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-data", t.TempDir(), "import", file}, strings.NewReader(""), &out, &errOut)
	// As main prints it.
	if err == nil || !strings.Contains(describe(err), "Zeile 1:") || !strings.Contains(describe(err), "nichts wurde übernommen") {
		t.Errorf("err = %v, printed %q, want a line-numbered German report", err, describe(err))
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"-data", t.TempDir(), "zaubern"}, strings.NewReader(""), &out, &errOut); err == nil || !strings.Contains(errOut.String(), "Verwendung") {
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

func TestUserCreate(t *testing.T) {
	t.Parallel()
	dir := dataDir(t)
	file := filepath.Join(t.TempDir(), "demo.zip")
	if err := os.WriteFile(file, mustRead(t), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"-data", dir, "import", file}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("import demo: %v", err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		ok    bool
		want  string // in the error, or in the output on success
	}{
		{"first coordinator", []string{"--email", "Karla@IKONE-DS.de", "--name", "Karla Koordination", "--role", "koordination"}, "Pegelstand-2024!\n", true, "Konto angelegt: Karla Koordination <karla@ikone-ds.de>, Koordination."},
		{"member with AGS", []string{"--email", "max@beispiel-kommune.de", "--name", "Max Muster", "--role", "mitglied", "--kommune", "07312000"}, "Pegelstand-2024!\r\n", true, "Mitglied, Kaiserslautern"},
		{"password without newline", []string{"--email", "eva@beispiel-kommune.de", "--name", "Eva", "--role", "member", "--kommune", "kaiserslautern"}, "Pegelstand-2024!", true, "Konto angelegt"},
		{"taken e-mail", []string{"--email", "karla@ikone-ds.de", "--name", "Karla", "--role", "koordination"}, "Pegelstand-2024!\n", false, "schon ein Konto"},
		{"member without municipality", []string{"--email", "ohne@beispiel-kommune.de", "--name", "Ohne", "--role", "mitglied"}, "Pegelstand-2024!\n", false, "--kommune"},
		{"unknown municipality", []string{"--email", "ohne@beispiel-kommune.de", "--name", "Ohne", "--role", "mitglied", "--kommune", "99999999"}, "Pegelstand-2024!\n", false, "nicht bekannt"},
		{"unknown role", []string{"--email", "x@beispiel-kommune.de", "--name", "Xaver", "--role", "admin"}, "Pegelstand-2024!\n", false, "koordination oder mitglied"},
		{"missing options", []string{"--email", "x@beispiel-kommune.de"}, "Pegelstand-2024!\n", false, "es fehlt --name, --role"},
		{"no password", []string{"--email", "x@beispiel-kommune.de", "--name", "Xaver", "--role", "koordination"}, "", false, "kein Passwort"},
		{"short password", []string{"--email", "x@beispiel-kommune.de", "--name", "Xaver", "--role", "koordination"}, "kurz\n", false, "Das Passwort muss mindestens 10 Zeichen"},
		{"invalid e-mail", []string{"--email", "keine-adresse", "--name", "Xaver", "--role", "koordination"}, "Pegelstand-2024!\n", false, "--email: Bitte geben Sie eine gültige E-Mail-Adresse an"},
		{"password as argument", []string{"--email", "x@beispiel-kommune.de", "--name", "Xaver", "--role", "koordination", "geheim"}, "", false, "Standardeingabe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(t.Context(), append([]string{"-data", dir, "user", "create"}, tt.args...), strings.NewReader(tt.stdin), &out, &errOut)
			switch {
			case tt.ok && err != nil:
				t.Fatalf("err = %v, want success", describe(err))
			case tt.ok && !strings.Contains(errOut.String(), tt.want):
				t.Errorf("output %q lacks %q", errOut.String(), tt.want)
			case !tt.ok && err == nil:
				t.Fatal("no error")
			case !tt.ok && !strings.Contains(describe(err), tt.want):
				t.Errorf("error %q lacks %q", describe(err), tt.want)
			}
		})
	}
	// The accounts work: sign in with the password read from stdin.
	a, err := openLocal(t.Context(), dir, app.Files{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, email := range []string{"karla@ikone-ds.de", "max@beispiel-kommune.de", "eva@beispiel-kommune.de"} {
		if _, u, err := a.Login(t.Context(), email, "Pegelstand-2024!", "192.0.2.1"); err != nil {
			t.Errorf("sign in as %s: %v", email, err)
		} else if email == "max@beispiel-kommune.de" && (u.Role != wiki.RoleMember || u.Municipality != "07312000") {
			t.Errorf("max: role %s municipality %s", u.Role, u.Municipality)
		}
	}
}

func TestTokenCreate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"-data", dir, "user", "create", "--email", "karla@ikone-ds.de", "--name", "Karla", "--role", "koordination"}, strings.NewReader("Pegelstand-2024!\n"), &out, &errOut)
	if err != nil {
		t.Fatal(describe(err))
	}
	out.Reset()
	errOut.Reset()
	if err := run(t.Context(), []string{"-data", dir, "token", "create", "--email", "KARLA@ikone-ds.de", "--name", "Import-Skript"}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(describe(err))
	}
	token := strings.TrimSpace(out.String())
	if !strings.HasPrefix(token, "wn_") || strings.Count(out.String(), "\n") != 1 || !strings.Contains(errOut.String(), "nur dieses eine Mal") {
		t.Errorf("stdout %q stderr %q, want the token alone on stdout and a German note", out.String(), errOut.String())
	}
	a, err := openLocal(t.Context(), dir, app.Files{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.APIUser(t.Context(), token)
	if err != nil || u.Email != "karla@ikone-ds.de" || u.Role != wiki.RoleCoordinator {
		t.Errorf("token's owner: %+v %v", u, err)
	}
	tokens, _ := a.APITokens(t.Context(), auth.Viewer{User: u})
	if len(tokens) != 1 || tokens[0].Name != "Import-Skript" {
		t.Errorf("stored tokens: %+v", tokens)
	}
	a.Close()

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "create", "--email", "niemand@ikone-ds.de"}, "kein Konto mit der E-Mail-Adresse niemand@ikone-ds.de"},
		{[]string{"token", "create"}, "es fehlt --email"},
		{[]string{"token", "delete"}, "nur den Unterbefehl create"},
		{[]string{"user"}, "nur den Unterbefehl create"},
	} {
		err := run(t.Context(), append([]string{"-data", dir}, tt.args...), strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(describe(err), tt.want) {
			t.Errorf("%v: err %v, want %q", tt.args, err, tt.want)
		}
	}
}

// fakeImporter answers Import with a fixed result and error.
type fakeImporter struct {
	res *app.ImportResult
	err error
}

func (f fakeImporter) Import(context.Context, io.Reader, string) (*app.ImportResult, error) {
	return f.res, f.err
}

// TestImportFileSaysWhatHappened: the output and the exit status tell an import that was
// taken back from one that left records behind.
func TestImportFileSaysWhatHappened(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "daten.jsonl")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cause := errors.New("write /data/wissensnetz.db: no space left on device")
	tests := []struct {
		name     string
		imp      fakeImporter
		wantOut  string
		wantErr  []string
		wantExit int
	}{
		{"imported", fakeImporter{res: &app.ImportResult{Municipalities: 3, Topics: 2, Entries: 5}},
			"Importiert: 3 Kommunen, 2 Themen, 5 Einträge.\n", nil, 0},
		{"taken back", fakeImporter{res: &app.ImportResult{Undone: true}, err: &wiki.Error{Code: wiki.EINTERNAL,
			Message: text.M("import.aborted", text.M("import.failed.entry", "Pegel")), Err: cause}},
			"", []string{"Import abgebrochen, nichts übernommen: Eintrag „Pegel“", "Ursache: write /data/wissensnetz.db: no space left on device"}, 1},
		{"left behind", fakeImporter{res: &app.ImportResult{Left: []string{"Eintrag „Pegel“ (Kennung 01J)"}}, err: &wiki.Error{Code: wiki.EINTERNAL,
			Message: text.M("import.aborted_left", text.M("import.failed.entry", "Bodenfeuchte"), 1, "Eintrag „Pegel“ (Kennung 01J)"), Err: cause}},
			"", []string{"Noch gespeichert sind 1 Datensätze", "\n  Eintrag „Pegel“ (Kennung 01J)", "Ursache: write"}, exitPartial},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := importFile(t.Context(), tt.imp, []string{file}, &out)
			if out.String() != tt.wantOut {
				t.Errorf("output = %q, want %q", out.String(), tt.wantOut)
			}
			if tt.wantExit == 0 {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if got := exitCode(err); got != tt.wantExit {
				t.Errorf("exit status %d, want %d", got, tt.wantExit)
			}
			text := describe(err)
			for _, w := range tt.wantErr {
				if !strings.Contains(text, w) {
					t.Errorf("message %q lacks %q", text, w)
				}
			}
			if tt.wantExit == 1 && strings.Contains(text, "Noch gespeichert") {
				t.Errorf("message %q speaks of records left behind", text)
			}
		})
	}
}
