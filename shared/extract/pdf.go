package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// pdfEngine reads PDFs with PDFium, the PDF engine of Chromium, compiled to
// WebAssembly (go-pdfium's build) and run by wazero, a WebAssembly runtime written in
// Go.
//
// Why PDFium in WebAssembly: its text extraction is what a browser shows, with correct
// umlauts from embedded and standard fonts, ToUnicode maps and reading order by lines;
// it is fuzzed continuously as part of Chromium, and whatever still goes wrong inside it
// stays inside the WebAssembly sandbox: a bad file ends in an error, not in a crash of
// the process, memory is capped (Limits.PDFMemory), the module sees no file system,
// and a deadline stops it even in the middle of a page. The binary stays pure Go (no
// cgo), so it cross-compiles for Lambda's arm64 like everything else. The pure-Go
// parsers weighed against it fall short: ledongthuc/pdf (a fork of rsc.io/pdf) has no
// releases for years, panics on many malformed files and gets text with non-standard
// encodings wrong; pdfcpu is made for editing and validating PDFs, and its content
// extraction gives raw content-stream text without a reading order or reliable Unicode
// mapping. The costs: about 6 MB of WebAssembly in the binary, and compiling it to
// machine code takes seconds once per process (Prepare, or Options.PDFCacheDir to
// keep the compiled code between processes).
type pdfEngine struct {
	l        Limits
	workers  int
	cacheDir string

	mu     sync.Mutex
	pool   pdfium.Pool
	closed bool
}

func newPDFEngine(l Limits, workers int, cacheDir string) *pdfEngine {
	if workers <= 0 {
		workers = 1
	}
	return &pdfEngine{l: l, workers: workers, cacheDir: cacheDir}
}

func (e *pdfEngine) prepare(ctx context.Context) error {
	_, err := e.getPool()
	return err
}

func (e *pdfEngine) getPool() (pdfium.Pool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, errors.New("pdf engine closed")
	}
	if e.pool != nil {
		return e.pool, nil
	}
	rc := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(uint32(min(e.l.PDFMemory>>16, 65536)))
	if e.cacheDir != "" {
		cc, err := wazero.NewCompilationCacheWithDir(e.cacheDir)
		if err != nil {
			return nil, fmt.Errorf("pdf engine cache: %w", err)
		}
		rc = rc.WithCompilationCache(cc)
	}
	pool, err := webassembly.Init(webassembly.Config{
		MinIdle:       0,
		MaxIdle:       e.workers,
		MaxTotal:      e.workers,
		RuntimeConfig: rc,
		FSConfig:      wazero.NewFSConfig(), // no file system: documents come through a reader
		Stdout:        io.Discard,
		Stderr:        io.Discard,
		// A worker serves document after document: a new WebAssembly instance per
		// document costs about 100 ms. A worker whose document ran past the
		// deadline is killed and replaced.
		ReuseWorkers: true,
	})
	if err != nil {
		return nil, fmt.Errorf("pdf engine: %w", err)
	}
	e.pool = pool
	return pool, nil
}

func (e *pdfEngine) close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	if e.pool == nil {
		return nil
	}
	err := e.pool.Close()
	e.pool = nil
	return err
}

// extract reads the text of each page into a part "Seite N". A PDF that needs a
// password is NotSearchable/Encrypted; one whose pages hold no text is
// NotSearchable/ImageOnly (or Blank without images).
func (e *pdfEngine) extract(ctx context.Context, r io.ReaderAt, size int64, c *collector) (Status, Reason, error) {
	pool, err := e.getPool()
	if err != nil {
		return 0, 0, &Error{Kind: ErrFailed, Format: PDF, Err: err}
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		return 0, 0, err
	}
	// A deadline kills the instance, which stops PDFium wherever it is.
	stop := context.AfterFunc(ctx, func() { inst.Kill() })
	defer func() {
		if stop() {
			inst.Close()
		}
	}()

	doc, err := inst.OpenDocument(&requests.OpenDocument{FileReader: io.NewSectionReader(r, 0, size), FileReaderSize: size})
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return 0, 0, ctx.Err()
		case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
			return NotSearchable, Encrypted, nil
		}
		return 0, 0, corrupt(PDF, err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})

	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return 0, 0, pdfErr(ctx, err)
	}
	images := false
	for i := 0; i < count.PageCount; i++ {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		if c.full() {
			c.truncated = true
			break
		}
		text, hasImage, err := pageText(inst, doc.Document, i, c.rawLimit())
		if err != nil {
			if ctx.Err() != nil {
				return 0, 0, ctx.Err()
			}
			continue // a broken page does not spoil the others
		}
		images = images || hasImage
		c.start("Seite " + strconv.Itoa(i+1))
		c.write(text)
	}
	c.end()
	if len(c.parts) == 0 && count.PageCount > 0 && !c.truncated {
		if images {
			return NotSearchable, ImageOnly, nil
		}
		return NotSearchable, Blank, nil
	}
	return Searchable, ReasonNone, nil
}

func pdfErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return corrupt(PDF, err)
}

// pageText returns the text of page i, at most max characters, and for a page without
// text whether it shows an image.
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i, max int) (string, bool, error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return "", false, err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	ref := requests.Page{ByReference: &page.Page}
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: ref})
	if err != nil {
		return "", false, err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return "", false, err
	}
	text := ""
	if n.Count > 0 {
		t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: min(n.Count, max)})
		if err != nil {
			return "", false, err
		}
		text = t.Text
	}
	if strings.TrimSpace(text) != "" {
		return text, false, nil
	}
	objs, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: ref})
	if err != nil {
		return "", false, err
	}
	for j := 0; j < min(objs.Count, 10000); j++ {
		o, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: ref, Index: j})
		if err != nil {
			return "", false, err
		}
		typ, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o.PageObject})
		if err != nil {
			return "", false, err
		}
		if typ.Type == enums.FPDF_PAGEOBJ_IMAGE {
			return "", true, nil
		}
	}
	return "", false, nil
}
