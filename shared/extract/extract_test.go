package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// page2Sentence stands on page 2 of testdata/bericht.pdf (see internal/mkcorpus).
const page2Sentence = "Die Straßenbeleuchtung in Bad Dürkheim spart seit Mai 40 % Energie; Bürgerinnen und Bürger melden Störungen über die App."

var (
	sharedOnce sync.Once
	shared     *Extractor
)

// testExtractor returns one Extractor for the whole test binary, with the compiled PDF
// engine cached in the temporary directory so that later runs (and fuzz workers) start
// in about a second.
func testExtractor(t testing.TB) *Extractor {
	t.Helper()
	sharedOnce.Do(func() {
		shared = New(Options{PDFCacheDir: pdfCacheDir(), PDFWorkers: 2})
	})
	return shared
}

// pdfCacheDir is where tests keep the compiled PDF engine, or "" if it cannot be made.
func pdfCacheDir() string {
	dir := filepath.Join(os.TempDir(), "wissensnetz-extract-pdfium")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ""
	}
	return dir
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// flat collapses all whitespace, for sentences that wrap across lines.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestExtractCorpus(t *testing.T) {
	type want struct {
		label    string
		contains []string
		lacks    []string
	}
	tests := []struct {
		file   string
		format Format
		status Status
		reason Reason
		parts  []want
	}{
		{"bericht.pdf", PDF, Searchable, ReasonNone, []want{
			{"Seite 1", []string{"Abschlussbericht Sensornetzwerke & IoT", "Luftqualität und Pegelstände"}, []string{"Straßenbeleuchtung"}},
			{"Seite 2", []string{page2Sentence}, nil},
		}},
		{"verschluesselt.pdf", PDF, NotSearchable, Encrypted, nil},
		{"scan.pdf", PDF, NotSearchable, ImageOnly, nil},
		{"leitfaden.docx", DOCX, Searchable, ReasonNone, []want{
			{"", []string{"Leitfaden Bürgerbeteiligung\nAusgangslage", "Geteilte Läufe", "Schritt 40: Die Verwaltung prüft die Übertragbarkeit", "Größe des Vorhabens"}, []string{"gelöscht"}},
		}},
		{"tabelle.xlsx", XLSX, Searchable, ReasonNone, []want{
			{"Kosten", []string{"Posten Betrag\nStraßenbeleuchtung 125000\nÖffentlichkeitsarbeit 12500"}, []string{"B2/10"}},
			{"Zeitplan", []string{"Ausschreibung im März"}, nil},
		}},
		{"vortrag.pptx", PPTX, Searchable, ReasonNone, []want{
			{"Folie 1", []string{"Digitale Zukunft gemeinsam gestalten\nVorstellung im Ausschuss für Digitalisierung"}, nil},
			{"Folie 2", []string{"Nächste Schritte", "Übergabe an den Kreistag"}, nil},
		}},
		{"leitfaden.odt", ODT, Searchable, ReasonNone, []want{
			{"", []string{"Erfahrungsbericht Open Data\nDie Stadt veröffentlicht Haushaltsdaten als offene Daten.\nGrößte Hürde\nwar die Datenqualität."}, []string{"Interner Kommentar"}},
		}},
		{"tabelle.ods", ODS, Searchable, ReasonNone, []want{
			{"Übersicht", []string{"Maßnahme Förderquote\nGlasfaser 90 %"}, nil},
			{"Notizen", []string{"Fördermittel beantragt"}, nil},
		}},
		{"vortrag.odp", ODP, Searchable, ReasonNone, []want{
			{"Folie 1", []string{"Krisenmanagement in der Pandemie"}, []string{"Sprechernotiz"}},
			{"Folie 2", []string{"Lagezentrum digital vernetzt"}, nil},
		}},
		{"daten.csv", CSV, Searchable, ReasonNone, []want{
			{"", []string{"Kommune Projekt Kosten\nBad Dürkheim Straßenbeleuchtung; smart 125000\n", "Wörth am Rhein Sensoren für Pegelstände 45000"}, nil},
		}},
		{"notiz.txt", TXT, Searchable, ReasonNone, []want{
			{"", []string{"Notiz zur Sitzung in M\u00fcnchen\nGroße Übereinstimmung bei der Förderung."}, []string{"\a", "\r"}},
		}},
		{"bild.png", PNG, NoText, ReasonNone, nil},
		{"foto.jpg", JPEG, NoText, ReasonNone, nil},
	}
	x := testExtractor(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := x.ExtractBytes(context.Background(), readTestdata(t, tt.file))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if res.Format != tt.format || res.Status != tt.status || res.Reason != tt.reason {
				t.Fatalf("got %s %s %s, want %s %s %s", res.Format, res.Status, res.Reason, tt.format, tt.status, tt.reason)
			}
			if len(res.Parts) != len(tt.parts) {
				t.Fatalf("got %d parts %q, want %d", len(res.Parts), res.Parts, len(tt.parts))
			}
			for i, w := range tt.parts {
				p := res.Parts[i]
				if p.Label != w.label {
					t.Errorf("part %d: got label %q, want %q", i, p.Label, w.label)
				}
				for _, s := range w.contains {
					if !strings.Contains(p.Text, s) && !strings.Contains(flat(p.Text), flat(s)) {
						t.Errorf("part %q: text %q lacks %q", p.Label, p.Text, s)
					}
				}
				for _, s := range w.lacks {
					if strings.Contains(p.Text, s) {
						t.Errorf("part %q: text %q holds %q", p.Label, p.Text, s)
					}
				}
				if normalize(p.Text) != p.Text {
					t.Errorf("part %q: text not normalised: %q", p.Label, p.Text)
				}
			}
			if (res.Note() == "") != (res.Status == Searchable) {
				t.Errorf("got note %q for status %s", res.Note(), res.Status)
			}
		})
	}
}

func TestExtractRefuses(t *testing.T) {
	tests := []struct {
		file     string
		kind     error
		detected string
	}{
		{"abgeschnitten.docx", ErrCorrupt, ""},
		{"bombe.docx", ErrTooLarge, ""},
		{"luege.docx", ErrTooLarge, ""},
		{"seite.pdf", ErrUnsupported, "html"},
		{"archiv.docx", ErrUnsupported, "zip"},
		{"leer.txt", ErrEmpty, ""},
	}
	x := testExtractor(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := x.ExtractBytes(context.Background(), readTestdata(t, tt.file))
			if err == nil {
				t.Fatalf("got %+v, want an error", res)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if !errors.Is(err, tt.kind) || e.Detected != tt.detected {
				t.Errorf("got %v (detected %q), want kind %v detected %q", err, e.Detected, tt.kind, tt.detected)
			}
			if m := e.Message(); m == "" || strings.Contains(m, "zip:") {
				t.Errorf("got message %q", m)
			}
		})
	}
}

func TestUnsupportedMessageNamesFormats(t *testing.T) {
	_, err := testExtractor(t).ExtractBytes(context.Background(), []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00"))
	var e *Error
	if !errors.As(err, &e) || e.Kind != ErrUnsupported {
		t.Fatalf("got %v, want ErrUnsupported", err)
	}
	want := "Erlaubt sind PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, CSV, TXT, PNG und JPEG."
	if !strings.Contains(e.Message(), want) {
		t.Errorf("got %q, want it to hold %q", e.Message(), want)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Format
		kind error
	}{
		{"pdf after junk", "junk\n%PDF-1.7\n", PDF, nil},
		{"csv with commas", "a,b,c\n1,2,3\n4,5,6\n", CSV, nil},
		{"csv with tabs", "a\tb\n1\t2\n", CSV, nil},
		{"prose with commas", "Hallo, Welt.\nDas ist, wie gesagt, ein Text.\n", TXT, nil},
		{"one line", "Nur eine Zeile; mit Semikolon", TXT, nil},
		{"utf-16", "\xff\xfeH\x00a\x00l\x00l\x00o\x00", TXT, nil},
		{"latin-1 text", "Gr\xfc\xdfe aus W\xf6rth\n", TXT, nil},
		{"svg", "<?xml version=\"1.0\"?><svg></svg>", "", ErrUnsupported},
		{"html without doctype", "  <html><body>x</body></html>", "", ErrUnsupported},
		{"binary", "\x00\x01\x02\x03", "", ErrUnsupported},
		{"legacy office", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "", ErrUnsupported},
		{"empty", "", "", ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff(strings.NewReader(tt.in), int64(len(tt.in)))
			if got != tt.want || !errors.Is(err, tt.kind) && !(err == nil && tt.kind == nil) {
				t.Errorf("got %q, %v; want %q, %v", got, err, tt.want, tt.kind)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a  b\t c  ", "a b c"},
		{"Zeile 1\r\n\r\n  Zeile 2 \n", "Zeile 1\nZeile 2"},
		{"Mu\u0308nchen", "M\u00fcnchen"},
		{"Stra\u00dfe", "Straße"},
		{"Ge\u00admein\u200bde", "Gemeinde"},
		{"a\x00b\x1bc\u0085d", "abc\nd"},
		{"bad \xff utf8", "bad utf8"},
		{"\u00a0geschützt\u00a0", "geschützt"},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTextLimit(t *testing.T) {
	x := New(Options{Limits: Limits{Text: 500}})
	defer x.Close()
	for _, file := range []string{"leitfaden.docx", "daten.csv", "leitfaden.odt"} {
		res, err := x.ExtractBytes(context.Background(), readTestdata(t, file))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range res.Parts {
			n += len(p.Text)
		}
		if n > 500 {
			t.Errorf("%s: got %d bytes of text, want at most 500", file, n)
		}
		if file == "leitfaden.docx" && (!res.Truncated || n < 400) {
			t.Errorf("%s: got %d bytes, truncated %v; want about 500, truncated", file, n, res.Truncated)
		}
	}
}

// zipOf builds an archive of the given entries (name, body, name, body, ...).
func zipOf(t testing.TB, entries ...string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for i := 0; i < len(entries); i += 2 {
		fw, err := w.Create(entries[i])
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(entries[i+1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const docxTypes = `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

func TestZipLimits(t *testing.T) {
	deep := strings.Repeat("<w:x>", 1000) + strings.Repeat("</w:x>", 1000)
	many := []string{"[Content_Types].xml", docxTypes, "word/document.xml", "<w:document/>"}
	for i := 0; i < 50; i++ {
		many = append(many, "f"+strings.Repeat("x", i), "")
	}
	tests := []struct {
		name   string
		limits Limits
		file   []byte
	}{
		{"xml depth", Limits{}, zipOf(t, "[Content_Types].xml", docxTypes, "word/document.xml", `<w:document xmlns:w="w">`+deep+`</w:document>`)},
		{"entries", Limits{ZipEntries: 20}, zipOf(t, many...)},
		{"entry size", Limits{ZipEntrySize: 1000}, zipOf(t, "[Content_Types].xml", docxTypes, "word/document.xml", "<w:document>"+strings.Repeat("x", 2000)+"</w:document>")},
		{"total size", Limits{ZipTotalSize: 1000}, zipOf(t, "[Content_Types].xml", docxTypes, "word/document.xml", "<w:document/>", "media/a.bin", strings.Repeat("x", 2000))},
		{"file size", Limits{FileSize: 100}, readTestdata(t, "leitfaden.docx")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := New(Options{Limits: tt.limits})
			defer x.Close()
			_, err := x.ExtractBytes(context.Background(), tt.file)
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("got %v, want ErrTooLarge", err)
			}
		})
	}
}

// TestBombsCheap checks that zip bombs are refused within milliseconds and without
// allocating what they would expand to.
func TestBombsCheap(t *testing.T) {
	x := testExtractor(t)
	for _, file := range []string{"bombe.docx", "luege.docx"} {
		b := readTestdata(t, file)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		_, err := x.ExtractBytes(context.Background(), b)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: got %v, want ErrTooLarge", file, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 2<<20 {
			t.Errorf("%s: allocated %d bytes, want under 2 MiB", file, alloc)
		}
		if took > 2*time.Second {
			t.Errorf("%s: took %v", file, took)
		}
	}
}

func TestDeadline(t *testing.T) {
	x := testExtractor(t)
	for _, file := range []string{"bericht.pdf", "leitfaden.docx", "daten.csv"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := x.ExtractBytes(ctx, readTestdata(t, file))
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("%s: got %v, want ErrTimeout", file, err)
		}
	}
	// The PDF engine still works after an instance was killed.
	res, err := x.ExtractBytes(context.Background(), readTestdata(t, "bericht.pdf"))
	if err != nil || len(res.Parts) != 2 {
		t.Errorf("after a timeout: got %v, %v", res, err)
	}
}

func TestConcurrentPDFs(t *testing.T) {
	x := testExtractor(t)
	b := readTestdata(t, "bericht.pdf")
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := x.ExtractBytes(context.Background(), b)
			if err == nil && !strings.Contains(flat(res.Parts[1].Text), page2Sentence) {
				err = errors.New("page 2 lacks the sentence")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
