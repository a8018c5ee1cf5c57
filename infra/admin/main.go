// Command admin maintains a local Wissensnetz installation:
//
//	go run ./infra/admin export [-o datei.zip]     whole knowledge base: JSON Lines, with files a ZIP archive
//	go run ./infra/admin import datei.zip          read such a file (all or nothing)
//	go run ./infra/admin reindex                   rebuild the search index
//	go run ./infra/admin user create --email E --name N --role koordination|mitglied [--kommune AGS]
//	                                               create an account; the password is read from stdin
//	go run ./infra/admin token create --email E [--name N]
//	                                               make an API token for an account and print it once
//
// The data folder is WISSENSNETZ_DATA_DIR (default ./data) or -data. The web server must
// not be running on the same folder at the same time.
//
// With WISSENSNETZ_TABLE and WISSENSNETZ_BUCKET set, the same commands work on an
// installation on AWS (aws.go): its DynamoDB table and S3 bucket, with the credentials and
// region of the AWS SDK's usual configuration. There, reindex builds the index from the
// table and publishes it as the snapshot that the web instances and the indexer load.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/clamd"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

const usage = `Verwendung: admin [-data ORDNER] BEFEHL

Befehle:
  export [-o DATEI]   schreibt die ganze Wissensbasis (Standard: Standardausgabe): als
                      JSON Lines, oder – sobald Einträge Dateien haben – als ZIP-Archiv mit
                      wissensnetz.jsonl und den Dateien unter dateien/. Endet DATEI auf
                      .zip, wird immer ein ZIP-Archiv geschrieben.
  import DATEI        liest eine solche Datei (JSON Lines oder ZIP-Archiv); bei einem
                      Fehler wird nichts übernommen (Exit-Status 1), auch keine Datei,
                      deren Inhalt nicht zu ihrer Prüfsumme passt. Lässt sich nach einem
                      Fehler beim Schreiben das schon Geschriebene nicht zurücknehmen,
                      nennt die Ausgabe, was davon gespeichert blieb (Exit-Status 3).
                      Dateien neuer Einträge (ohne Versionen) werden wie beim Hochladen
                      geprüft: Größe, Format nach Inhalt und, mit WISSENSNETZ_CLAMD, auf
                      Schadsoftware. Lokal liest der Befehl danach die Texte der Dateien
                      für die Suche.
  reindex             baut den Suchindex neu auf
  user create --email E-MAIL --name NAME --role koordination|mitglied [--kommune AGS]
                      legt ein Konto an; das Passwort steht in einer Zeile auf der
                      Standardeingabe, z. B. admin user create … < passwort.txt
                      Mitglieder brauchen --kommune (Amtlicher Gemeindeschlüssel).
  token create --email E-MAIL [--name NAME]
                      erstellt ein API-Token für das Konto und zeigt es einmal an
                      (gespeichert wird nur sein Hash)

Der Webserver darf nicht gleichzeitig mit demselben Datenordner laufen.

Auf AWS: mit WISSENSNETZ_TABLE und WISSENSNETZ_BUCKET (wie in der Konfiguration der
Funktionen) arbeiten alle Befehle auf Tabelle und Bucket der Installation; reindex baut
den Suchindex aus der Tabelle und veröffentlicht ihn als neuen Snapshot.
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "admin:", describe(err))
		os.Exit(exitCode(err))
	}
}

// exitPartial is the exit status of an import that stopped and could not take back all it
// had written.
const exitPartial = 3

// partialImport is the error of such an import.
type partialImport struct{ msg string }

func (e *partialImport) Error() string { return e.msg }

// exitCode returns the exit status for an error of run: exitPartial for a partial import,
// 1 otherwise.
func exitCode(err error) int {
	var p *partialImport
	if errors.As(err, &p) {
		return exitPartial
	}
	return 1
}

// describe returns the German text of an error: the message and, for invalid input, the
// message at each field, named as the option that sets it.
func describe(err error) string {
	var e *wiki.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	msg := wiki.ErrorText(text.German, err)
	var lines []string
	for field, m := range wiki.FieldTexts(text.German, err) {
		if m == msg {
			continue
		}
		name, ok := fieldOptions[field]
		if !ok {
			name = field
		}
		lines = append(lines, fmt.Sprintf("  %s: %s", name, m))
	}
	slices.Sort(lines)
	if len(lines) == 0 {
		return msg
	}
	return msg + "\n" + strings.Join(lines, "\n")
}

// fieldOptions names the options of the account commands by the fields they set.
var fieldOptions = map[string]string{
	"email":        "--email",
	"name":         "--name",
	"role":         "--role",
	"municipality": "--kommune",
	"password":     "Passwort",
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package's own messages are English; flagError says it in German
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	dataDir := fs.String("data", envOr("WISSENSNETZ_DATA_DIR", "./data"), "Datenordner")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("kein Befehl angegeben")
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "export", "import", "reindex":
	case "user", "token":
		if len(rest) == 0 || rest[0] != "create" {
			fs.Usage()
			return fmt.Errorf("%s kennt nur den Unterbefehl create", cmd)
		}
	default:
		fs.Usage()
		return fmt.Errorf("unbekannter Befehl %q", cmd)
	}
	var (
		a    *app.App
		done func()
		err  error
	)
	cloud := os.Getenv("WISSENSNETZ_TABLE") != ""
	if cloud {
		a, done, err = openAWS(ctx, cmd == "reindex")
	} else {
		var files app.Files
		if cmd == "import" {
			// The texts of imported files are read before the command ends, and the
			// files of new entries are checked for malware as uploads are.
			if addr := os.Getenv("WISSENSNETZ_CLAMD"); addr != "" {
				c, err := clamd.New(addr)
				if err != nil {
					return fmt.Errorf("WISSENSNETZ_CLAMD=%q: erwartet wird host:port oder unix:/pfad/zum/socket", addr)
				}
				files.Scanner = c
			}
			files.Extractor = extract.New(extract.Options{PDFCacheDir: filepath.Join(*dataDir, "cache", "pdf")})
		}
		a, err = openLocal(ctx, *dataDir, files)
		done = func() {
			a.Close()
			if files.Extractor != nil {
				files.Extractor.Close()
			}
		}
	}
	if err != nil {
		return err
	}
	defer done()
	switch cmd {
	case "export":
		return export(ctx, a, rest, stdout, stderr)
	case "import":
		if err := importFile(ctx, a, rest, stdout); err != nil {
			return err
		}
		return waitForTexts(ctx, a, stderr)
	case "user":
		return userCreate(ctx, a, rest[1:], stdin, stderr)
	case "token":
		return tokenCreate(ctx, a, rest[1:], stdout, stderr)
	default:
		if cloud {
			return publishIndex(ctx, a, stderr)
		}
		return reindex(ctx, a, stderr)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func export(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package's own messages are English; flagError says it in German
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	out := fs.String("o", "", "Zieldatei (Standard: Standardausgabe)")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	exp := a.Export
	if strings.HasSuffix(strings.ToLower(*out), ".zip") {
		exp = a.ExportArchive
	}
	if *out == "" {
		return exportFailed(exp(ctx, stdout))
	}
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	head := &headWriter{w: f}
	if err := exp(ctx, head); err != nil {
		f.Close()
		os.Remove(tmp)
		return exportFailed(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if bytes.HasPrefix(head.head, []byte("PK")) && !strings.HasSuffix(strings.ToLower(*out), ".zip") {
		fmt.Fprintf(stderr, "Hinweis: Einträge haben Dateien, %s ist deshalb ein ZIP-Archiv (wissensnetz.jsonl und dateien/). Ein Name auf .zip passt besser.\n", *out)
	}
	return os.Rename(tmp, *out)
}

// exportFailed says in German why an export stopped when the app says it (a file missing
// in the store or changed there), which describe would show as an internal error only.
func exportFailed(err error) error {
	var we *wiki.Error
	if errors.As(err, &we) && !we.Message.IsZero() {
		return errors.New(text.German.Render(we.Message))
	}
	return err
}

// headWriter passes writes on and keeps the first bytes written.
type headWriter struct {
	w    io.Writer
	head []byte
}

func (h *headWriter) Write(p []byte) (int, error) {
	if n := min(len(p), 4-len(h.head)); n > 0 {
		h.head = append(h.head, p[:n]...)
	}
	return h.w.Write(p)
}

// texter is the part of the app that waits for the texts of files being read.
type texter interface {
	WaitForTexts(ctx context.Context) error
}

// waitForTexts waits until the texts of the imported files are read, saying so if that
// takes a moment. Without a text reader (on AWS the extract function reads them) it
// returns at once.
func waitForTexts(ctx context.Context, a texter, stderr io.Writer) error {
	quick, cancel := context.WithTimeout(ctx, time.Second)
	err := a.WaitForTexts(quick)
	cancel()
	if err == nil {
		return nil
	}
	fmt.Fprintln(stderr, "Die Texte der Dateien werden für die Suche gelesen …")
	if err := a.WaitForTexts(ctx); err != nil {
		return fmt.Errorf("Texte der Dateien: %w (sie werden beim nächsten Start des Servers gelesen)", err)
	}
	fmt.Fprintln(stderr, "Texte der Dateien gelesen.")
	return nil
}

// importer is the part of the app that importFile uses.
type importer interface {
	Import(ctx context.Context, r io.Reader, author string) (*app.ImportResult, error)
}

// importFile imports the file named in args and says on stdout what was imported, or in
// the error what went wrong and whether anything of the file is left in the store.
func importFile(ctx context.Context, a importer, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("import braucht genau eine Datei")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := a.Import(ctx, f, "Import")
	if err == nil {
		fmt.Fprintf(stdout, "Importiert: %d Kommunen, %d Themen, %d Einträge.\n", res.Municipalities, res.Topics, res.Entries)
		return nil
	}
	if res == nil {
		return err
	}
	// One plain error of message and lines: describe would show a wrapped wiki.Error's
	// message alone, and nothing of an internal one.
	var b strings.Builder
	var we *wiki.Error
	if errors.As(err, &we) {
		b.WriteString(text.German.Render(we.Message))
	} else {
		b.WriteString(err.Error())
	}
	for _, p := range res.Problems {
		fmt.Fprintf(&b, "\n  %s", p)
	}
	if we != nil && we.Err != nil {
		fmt.Fprintf(&b, "\nUrsache: %v", we.Err)
	}
	if len(res.Left) > 0 {
		return &partialImport{b.String()}
	}
	return errors.New(b.String())
}

func reindex(ctx context.Context, a *app.App, stderr io.Writer) error {
	err := a.Reindex(ctx, func(done, total int) { progressBar(stderr, done, total) })
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, "Suchindex neu aufgebaut.")
	return nil
}

// progressBar draws "[#####     ]  50 % (5/10)" over the previous one.
func progressBar(w io.Writer, done, total int) {
	const width = 30
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	filled := pct * width / 100
	fmt.Fprintf(w, "\r[%s%s] %3d %% (%d/%d)", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), pct, done, total)
}

// roles maps the --role values, German as in the interface (English accepted too).
var roles = map[string]wiki.Role{
	"koordination": wiki.RoleCoordinator, "coordinator": wiki.RoleCoordinator,
	"mitglied": wiki.RoleMember, "member": wiki.RoleMember,
}

// userCreate creates an account with the password from the first line of stdin.
func userCreate(ctx context.Context, a *app.App, args []string, stdin io.Reader, stderr io.Writer) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package's own messages are English; flagError says it in German
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	email := fs.String("email", "", "E-Mail-Adresse (Anmeldename)")
	name := fs.String("name", "", "Name, wie er im Wissensnetz erscheint")
	role := fs.String("role", "", "Rolle: koordination oder mitglied")
	ags := fs.String("kommune", "", "Amtlicher Gemeindeschlüssel der Kommune (für Mitglieder)")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unerwartete Angabe %q; das Passwort wird über die Standardeingabe übergeben", fs.Arg(0))
	}
	var missing []string
	for _, f := range []struct{ name, value string }{{"--email", *email}, {"--name", *name}, {"--role", *role}} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("es fehlt %s", strings.Join(missing, ", "))
	}
	r, ok := roles[strings.ToLower(*role)]
	if !ok {
		return fmt.Errorf("unbekannte Rolle %q: koordination oder mitglied", *role)
	}
	if r == wiki.RoleMember && *ags == "" {
		return errors.New("Mitglieder gehören zu einer Kommune: bitte --kommune AGS angeben")
	}
	if *ags != "" {
		m, err := a.Municipality(*ags)
		if err != nil {
			if m, err = a.MunicipalityBySlug(*ags); err != nil {
				return fmt.Errorf("die Kommune %q ist im Netzwerk nicht bekannt (AGS mit acht Ziffern, z. B. 07312000)", *ags)
			}
		}
		*ags = m.AGS
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	u, err := a.CreateUser(ctx, auth.Visitor, app.NewUser{Email: *email, Name: *name, Role: r, Municipality: *ags, Password: password})
	if err != nil {
		return err
	}
	where := ""
	if u.Municipality != "" {
		where = ", " + a.Names().MunicipalityName(u.Municipality)
	}
	fmt.Fprintf(stderr, "Konto angelegt: %s <%s>, %s%s.\n", u.Name, u.Email, u.Role.Label(), where)
	return nil
}

// readPassword reads one line from stdin. On a terminal (where stty can switch off the
// echo) it asks for it and does not show what is typed.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && isCharDevice(f) && stty(f, "-echo") == nil {
		fmt.Fprint(stderr, "Passwort (mindestens 10 Zeichen, wird nicht angezeigt): ")
		defer func() {
			stty(f, "echo")
			fmt.Fprintln(stderr)
		}()
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("Passwort lesen: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("kein Passwort: bitte in einer Zeile auf der Standardeingabe übergeben")
	}
	return line, nil
}

// isCharDevice reports whether f is a character device, such as a terminal.
func isCharDevice(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// stty sets terminal modes of f.
func stty(f *os.File, mode string) error {
	cmd := exec.Command("stty", mode)
	cmd.Stdin = f
	return cmd.Run()
}

// tokenCreate makes an API token for an account and prints its secret once.
func tokenCreate(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the flag package's own messages are English; flagError says it in German
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	email := fs.String("email", "", "E-Mail-Adresse des Kontos")
	name := fs.String("name", "", "Bezeichnung des Tokens, z. B. wofür es dient")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if *email == "" {
		return errors.New("es fehlt --email")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unerwartete Angabe %q", fs.Arg(0))
	}
	secret, err := a.CreateAPITokenFor(ctx, *email, *name)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND {
		return fmt.Errorf("kein Konto mit der E-Mail-Adresse %s", *email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	fmt.Fprintln(stderr, "Das API-Token wird nur dieses eine Mal angezeigt. Skripte senden es als „Authorization: Bearer …“; es handelt mit der Rolle des Kontos.")
	return nil
}

// flagError says in German what was wrong with the options.
func flagError(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("unbekannte Option %s", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("die Option %s braucht einen Wert", name)
	}
	if errors.Is(err, flag.ErrHelp) {
		return errors.New("Hilfe angezeigt")
	}
	return fmt.Errorf("ungültige Option: %w", err)
}
