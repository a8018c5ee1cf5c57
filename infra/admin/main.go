// Command admin maintains a local Wissensnetz installation:
//
//	go run ./infra/admin export [-o datei.jsonl]   whole knowledge base as JSON Lines
//	go run ./infra/admin import datei.jsonl        read such a file (all or nothing)
//	go run ./infra/admin reindex                   rebuild the search index
//
// The data folder is WISSENSNETZ_DATA_DIR (default ./data) or -data. The web server must
// not be running on the same folder at the same time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/app"
)

const usage = `Verwendung: admin [-data ORDNER] BEFEHL

Befehle:
  export [-o DATEI]   schreibt die ganze Wissensbasis als JSON Lines (Standard: Standardausgabe)
  import DATEI        liest eine solche Datei; bei einem Fehler wird nichts übernommen
  reindex             baut den Suchindex neu auf
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "admin:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	dataDir := fs.String("data", envOr("WISSENSNETZ_DATA_DIR", "./data"), "Datenordner")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("kein Befehl angegeben")
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "export", "import", "reindex":
	default:
		fs.Usage()
		return fmt.Errorf("unbekannter Befehl %q", cmd)
	}
	a, err := app.OpenLocal(ctx, app.LocalConfig{DataDir: *dataDir})
	if err != nil {
		return err
	}
	defer a.Close()
	switch cmd {
	case "export":
		return export(ctx, a, rest, stdout, stderr)
	case "import":
		return importFile(ctx, a, rest, stdout)
	default:
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
	fs.SetOutput(stderr)
	out := fs.String("o", "", "Zieldatei (Standard: Standardausgabe)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return a.Export(ctx, stdout)
	}
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := a.Export(ctx, f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, *out)
}

func importFile(ctx context.Context, a *app.App, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("import braucht genau eine Datei")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := a.Import(ctx, f, "Import")
	if res != nil && len(res.Problems) > 0 {
		var b strings.Builder
		for _, p := range res.Problems {
			fmt.Fprintf(&b, "  %s\n", p)
		}
		return fmt.Errorf("%w\n%s", err, b.String())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Importiert: %d Kommunen, %d Themen, %d Einträge.\n", res.Municipalities, res.Topics, res.Entries)
	return nil
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
