// Package extract reads the text of uploaded attachments so that search can find it.
//
// It recognises a file by its content, never by its name: PDF, DOCX, XLSX, PPTX, ODT,
// ODS, ODP, CSV, TXT, PNG and JPEG are allowed; anything else is refused with an *Error
// of kind ErrUnsupported. The text comes back in parts that say where it was found
// ("Seite 12", "Folie 3", a sheet's name), normalised (NFC, collapsed whitespace, no
// control characters).
//
// Every extraction is bounded: a time limit that loops inside the extractors respect, a
// limit on the text kept, zip-bomb limits for OOXML and OpenDocument files checked from
// the zip directory and again while decompressing, and limits on XML nesting. An
// encrypted or image-only PDF is not an error: its Result says it is not searchable and
// why. A damaged file is an *Error of kind ErrCorrupt; no input makes Extract panic.
package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"time"
)

// Part is the text found at one place of a file.
type Part struct {
	// Label names the place in German: "Seite 2" (PDF), "Folie 3" (PPTX, ODP), the
	// sheet's name (XLSX, ODS); empty for formats without pages (DOCX, ODT, CSV, TXT).
	Label string
	// Text is the normalised text: NFC, one space between words, one line break
	// between paragraphs or rows, no control characters.
	Text string
}

// Status tells whether a file's text could be read.
type Status int

const (
	// Searchable means text was found; Result.Parts holds it.
	Searchable Status = iota
	// NoText means the format holds no text at all (PNG, JPEG). Such a file is not
	// "nicht durchsuchbar"; there is simply nothing to search.
	NoText
	// NotSearchable means the file could hold text but none could be read; Result.Reason
	// says why.
	NotSearchable
)

// String returns the status as a short English word for logs.
func (s Status) String() string {
	switch s {
	case Searchable:
		return "searchable"
	case NoText:
		return "no-text"
	case NotSearchable:
		return "not-searchable"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// Reason says why a file is NotSearchable.
type Reason int

const (
	// ReasonNone is the reason of every Searchable or NoText result.
	ReasonNone Reason = iota
	// Encrypted: the PDF needs a password to be opened.
	Encrypted
	// ImageOnly: the PDF's pages hold images but no text layer, as a scan does.
	ImageOnly
	// Blank: the document holds neither text nor images.
	Blank
)

// String returns the reason as a short English word for logs.
func (r Reason) String() string {
	switch r {
	case ReasonNone:
		return "none"
	case Encrypted:
		return "encrypted"
	case ImageOnly:
		return "image-only"
	case Blank:
		return "blank"
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// Result is what Extract found in one file.
type Result struct {
	Format Format
	Status Status
	Reason Reason
	Parts  []Part
	// Truncated is set when the file held more text than Limits.Text; Parts then end
	// where the limit was reached.
	Truncated bool
}

// Note returns the German note shown beside a file that is not searchable, or "" for a
// searchable one.
func (r *Result) Note() string {
	switch r.Status {
	case NoText:
		return "Bild, enthält keinen Text"
	case NotSearchable:
		switch r.Reason {
		case Encrypted:
			return "nicht durchsuchbar: die Datei ist verschlüsselt"
		case ImageOnly:
			return "nicht durchsuchbar: die Datei enthält nur Bilder, keinen Text (z. B. ein Scan)"
		default:
			return "nicht durchsuchbar: die Datei enthält keinen Text"
		}
	}
	return ""
}

// Text returns the text of all parts, separated by blank lines.
func (r *Result) Text() string {
	var b bytes.Buffer
	for i, p := range r.Parts {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// Limits bound the work spent on one file. A zero field takes its default.
type Limits struct {
	// FileSize is the largest file accepted, in bytes (default 100 MiB).
	FileSize int64
	// Text is the most text kept, in bytes of UTF-8 (default 2 MiB).
	Text int
	// Timeout bounds one extraction (default 30 s); an earlier deadline of the
	// caller's context wins.
	Timeout time.Duration
	// ZipEntries is the most entries a zip directory may list (default 10 000).
	ZipEntries int
	// ZipEntrySize is the largest uncompressed size of one zip entry that is read
	// (default 64 MiB).
	ZipEntrySize int64
	// ZipTotalSize is the largest sum of the uncompressed sizes of all entries
	// (default 1 GiB).
	ZipTotalSize int64
	// ZipRatio is the largest ratio of uncompressed to compressed size of an entry
	// bigger than 1 MiB (default 100).
	ZipRatio int64
	// XMLDepth is the deepest nesting of XML elements accepted (default 256).
	XMLDepth int
	// PDFMemory is the most memory the PDF engine may use, in bytes (default 512 MiB).
	PDFMemory int64
}

// DefaultLimits are the limits used where a field of Limits is zero.
var DefaultLimits = Limits{
	FileSize:     100 << 20,
	Text:         2 << 20,
	Timeout:      30 * time.Second,
	ZipEntries:   10000,
	ZipEntrySize: 64 << 20,
	ZipTotalSize: 1 << 30,
	ZipRatio:     100,
	XMLDepth:     256,
	PDFMemory:    512 << 20,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.FileSize > 0 {
		d.FileSize = l.FileSize
	}
	if l.Text > 0 {
		d.Text = l.Text
	}
	if l.Timeout > 0 {
		d.Timeout = l.Timeout
	}
	if l.ZipEntries > 0 {
		d.ZipEntries = l.ZipEntries
	}
	if l.ZipEntrySize > 0 {
		d.ZipEntrySize = l.ZipEntrySize
	}
	if l.ZipTotalSize > 0 {
		d.ZipTotalSize = l.ZipTotalSize
	}
	if l.ZipRatio > 0 {
		d.ZipRatio = l.ZipRatio
	}
	if l.XMLDepth > 0 {
		d.XMLDepth = l.XMLDepth
	}
	if l.PDFMemory > 0 {
		d.PDFMemory = l.PDFMemory
	}
	return d
}

// Options configure an Extractor.
type Options struct {
	Limits Limits
	// PDFWorkers is how many PDFs are read at the same time (default 1); further
	// callers wait for a free worker within their deadline.
	PDFWorkers int
	// PDFCacheDir, if set, is a directory where the compiled PDF engine is cached
	// between processes. Compiling it takes seconds; with the cache a start takes
	// about a second. Leave it empty where nothing outlives the process.
	PDFCacheDir string
}

// Extractor extracts text from files. It is safe for concurrent use. The PDF engine is
// compiled on the first PDF (or by Prepare) and released by Close.
type Extractor struct {
	limits Limits
	pdf    *pdfEngine
}

// New returns an Extractor with the given options.
func New(opts Options) *Extractor {
	l := opts.Limits.withDefaults()
	return &Extractor{limits: l, pdf: newPDFEngine(l, opts.PDFWorkers, opts.PDFCacheDir)}
}

// Prepare compiles the PDF engine now instead of on the first PDF, for example in a
// Lambda function's init phase.
func (e *Extractor) Prepare(ctx context.Context) error {
	return e.pdf.prepare(ctx)
}

// Close releases the PDF engine.
func (e *Extractor) Close() error {
	return e.pdf.close()
}

// readyFor compiles the PDF engine if the file starts like a PDF and the engine is not
// ready yet. Whether it is one is decided by sniff, later.
func (e *Extractor) readyFor(r io.ReaderAt, size int64) error {
	if size <= 0 {
		return nil
	}
	head := make([]byte, min(size, 1024))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil // sniff reports it
	}
	if !bytes.Contains(head, []byte("%PDF-")) {
		return nil
	}
	if _, err := e.pdf.getPool(); err != nil {
		return &Error{Kind: ErrFailed, Format: PDF, Err: err}
	}
	return nil
}

// ExtractBytes is Extract for a file held in memory.
func (e *Extractor) ExtractBytes(ctx context.Context, b []byte) (*Result, error) {
	return e.Extract(ctx, bytes.NewReader(b), int64(len(b)))
}

// Extract sniffs the format of the size bytes readable from r and returns their text.
//
// Errors are *Error values; errors.Is tells their kind: ErrEmpty, ErrUnsupported (not
// an allowed format), ErrTooLarge (a limit was reached: file size, zip bomb, XML depth),
// ErrCorrupt (damaged or truncated), ErrTimeout (the deadline passed) or ErrFailed (the
// extractor itself failed). Encrypted and image-only PDFs are no error but a Result with
// Status NotSearchable.
func (e *Extractor) Extract(ctx context.Context, r io.ReaderAt, size int64) (*Result, error) {
	// The file's time starts once the engine for it is ready: compiling the PDF engine
	// (seconds, once per process) is no fault of the file.
	if err := e.readyFor(r, size); err != nil {
		return nil, err
	}
	return e.extract(ctx, r, size)
}

func (e *Extractor) extract(ctx context.Context, r io.ReaderAt, size int64) (res *Result, err error) {
	ctx, cancel := context.WithTimeout(ctx, e.limits.Timeout)
	defer cancel()
	var format Format
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, &Error{Kind: ErrFailed, Format: format, Err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
		}
		if err != nil {
			err = classify(ctx, format, err)
		}
	}()
	if size > e.limits.FileSize {
		return nil, &Error{Kind: ErrTooLarge, Err: fmt.Errorf("file of %d bytes over the limit of %d", size, e.limits.FileSize)}
	}
	s, err := sniff(r, size, e.limits)
	if err != nil {
		return nil, err
	}
	format = s.format
	res = &Result{Format: format}
	c := newCollector(ctx, e.limits.Text)
	switch format {
	case PNG, JPEG:
		res.Status = NoText
		return res, nil
	case PDF:
		res.Status, res.Reason, err = e.pdf.extract(ctx, r, size, c)
	case TXT, CSV:
		err = extractPlain(ctx, r, size, s, c)
	case DOCX, XLSX, PPTX:
		err = extractOOXML(s.zip, format, s.mainPart, c)
	case ODT, ODS, ODP:
		err = extractODF(s.zip, format, c)
	default:
		err = &Error{Kind: ErrFailed, Format: format, Err: errors.New("no extractor")}
	}
	if err != nil {
		return nil, err
	}
	res.Parts, res.Truncated = c.result()
	if res.Status == Searchable && len(res.Parts) == 0 {
		res.Status, res.Reason = NotSearchable, Blank
	}
	return res, nil
}
