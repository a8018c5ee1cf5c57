package extract

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"unicode/utf8"
)

// Format is an allowed file format, named by its usual file extension.
type Format string

// The allowed formats.
const (
	PDF  Format = "pdf"
	DOCX Format = "docx"
	XLSX Format = "xlsx"
	PPTX Format = "pptx"
	ODT  Format = "odt"
	ODS  Format = "ods"
	ODP  Format = "odp"
	CSV  Format = "csv"
	TXT  Format = "txt"
	PNG  Format = "png"
	JPEG Format = "jpeg"
)

// Formats lists the allowed formats.
var Formats = []Format{PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, CSV, TXT, PNG, JPEG}

// Name returns the format's name as people write it: "PDF", "DOCX".
func (f Format) Name() string { return strings.ToUpper(string(f)) }

// MediaType returns the format's MIME type, for Content-Type headers.
func (f Format) MediaType() string {
	switch f {
	case PDF:
		return "application/pdf"
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case PPTX:
		return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	case ODT:
		return "application/vnd.oasis.opendocument.text"
	case ODS:
		return "application/vnd.oasis.opendocument.spreadsheet"
	case ODP:
		return "application/vnd.oasis.opendocument.presentation"
	case CSV:
		return "text/csv; charset=utf-8"
	case TXT:
		return "text/plain; charset=utf-8"
	case PNG:
		return "image/png"
	case JPEG:
		return "image/jpeg"
	}
	return "application/octet-stream"
}

// AllowedFormats returns the allowed formats as German prose: "PDF, DOCX, … und JPEG".
func AllowedFormats() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name()
	}
	return strings.Join(names[:len(names)-1], ", ") + " und " + names[len(names)-1]
}

// Sniff returns the format of the size bytes readable from r, judged by content alone.
// Errors are *Error of kind ErrEmpty, ErrUnsupported, ErrCorrupt or ErrTooLarge.
func Sniff(r io.ReaderAt, size int64) (Format, error) {
	s, err := sniff(r, size, DefaultLimits)
	if err != nil {
		return "", err
	}
	return s.format, nil
}

const sniffLen = 8 << 10

// sniffed is what sniff learnt about a file on the way to its format.
type sniffed struct {
	format   Format
	zip      *safeZip // OOXML and ODF
	mainPart string   // OOXML: the name of the main part
	text     textEncoding
}

func sniff(r io.ReaderAt, size int64, l Limits) (sniffed, error) {
	if size <= 0 {
		return sniffed{}, &Error{Kind: ErrEmpty}
	}
	head := make([]byte, min(size, sniffLen))
	n, err := r.ReadAt(head, 0)
	if n < len(head) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return sniffed{}, &Error{Kind: ErrFailed, Err: err}
	}
	unsupported := func(what string) (sniffed, error) {
		return sniffed{}, &Error{Kind: ErrUnsupported, Detected: what}
	}
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return sniffed{format: PNG}, nil
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return sniffed{format: JPEG}, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return sniffZip(r, size, l)
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return unsupported("ole")
	case bytes.Contains(head[:min(len(head), 1024)], []byte("%PDF-")):
		// PDF readers accept up to 1 KB of junk before the header; so does PDFium.
		return sniffed{format: PDF}, nil
	}
	enc, ok := sniffTextEncoding(head, int64(len(head)) == size)
	if !ok {
		return unsupported("binary")
	}
	sample := enc.decodeSample(head)
	if what := markup(sample); what != "" {
		return unsupported(what)
	}
	if looksLikeCSV(sample, int64(len(head)) < size) {
		return sniffed{format: CSV, text: enc}, nil
	}
	return sniffed{format: TXT, text: enc}, nil
}

// markup reports text that is a markup language (HTML, XML, SVG), which is refused: it
// would be served back to browsers.
func markup(s string) string {
	t := strings.ToLower(strings.TrimLeft(s, " \t\r\n\ufeff"))
	switch {
	case strings.HasPrefix(t, "<!doctype html"), strings.HasPrefix(t, "<html"),
		strings.HasPrefix(t, "<head"), strings.HasPrefix(t, "<body"), strings.HasPrefix(t, "<script"):
		return "html"
	case strings.HasPrefix(t, "<?xml"), strings.HasPrefix(t, "<svg"):
		if strings.Contains(t[:min(len(t), 1024)], "<html") {
			return "html"
		}
		return "xml"
	case strings.HasPrefix(t, "<") && strings.Contains(t[:min(len(t), 1024)], "<html"):
		return "html"
	}
	return ""
}

// looksLikeCSV reports text whose first lines all hold the same number (at least one)
// of one delimiter: semicolon, comma or tab. A single line is CSV only if it is the
// whole file and holds delimiters.
func looksLikeCSV(s string, cut bool) bool {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if cut && len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last line may be cut off
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 10 {
		lines = lines[:10]
	}
	if len(lines) < 2 {
		return false
	}
	for _, d := range []string{";", "\t", ","} {
		n := countUnquoted(lines[0], d[0])
		if n == 0 {
			continue
		}
		same := true
		for _, l := range lines[1:] {
			if countUnquoted(l, d[0]) != n {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// countUnquoted counts the delimiter d in a CSV line outside double quotes.
func countUnquoted(line string, d byte) int {
	n, quoted := 0, false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case d:
			if !quoted {
				n++
			}
		}
	}
	return n
}

// The content types of the main parts of the allowed OOXML formats (not their
// macro-enabled or template variants).
var ooxmlMain = map[string]Format{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   DOCX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         XLSX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}

var odfTypes = map[string]Format{
	"application/vnd.oasis.opendocument.text":         ODT,
	"application/vnd.oasis.opendocument.spreadsheet":  ODS,
	"application/vnd.oasis.opendocument.presentation": ODP,
}

func sniffZip(r io.ReaderAt, size int64, l Limits) (sniffed, error) {
	z, err := openZip(r, size, l)
	if err != nil {
		return sniffed{}, err
	}
	if f := z.file("mimetype"); f != nil {
		b, err := z.readAll(f, 256)
		if err != nil {
			return sniffed{}, err
		}
		if format, ok := odfTypes[strings.TrimSpace(string(b))]; ok {
			return sniffed{format: format, zip: z}, nil
		}
		return sniffed{}, &Error{Kind: ErrUnsupported, Detected: "zip"}
	}
	if f := z.file("[Content_Types].xml"); f != nil {
		b, err := z.readAll(f, 1<<20)
		if err != nil {
			return sniffed{}, err
		}
		var ct struct {
			Overrides []struct {
				PartName    string `xml:"PartName,attr"`
				ContentType string `xml:"ContentType,attr"`
			} `xml:"Override"`
		}
		if err := xml.Unmarshal(b, &ct); err != nil {
			return sniffed{}, corrupt("", err)
		}
		for _, o := range ct.Overrides {
			if format, ok := ooxmlMain[o.ContentType]; ok {
				return sniffed{format: format, zip: z, mainPart: strings.TrimPrefix(o.PartName, "/")}, nil
			}
		}
	}
	return sniffed{}, &Error{Kind: ErrUnsupported, Detected: "zip"}
}

// textEncoding is how a text file is encoded.
type textEncoding int

const (
	encUTF8 textEncoding = iota
	encUTF16LE
	encUTF16BE
	encWindows1252
)

// sniffTextEncoding tells the encoding of a text file from its first bytes, or false
// for binary content: NUL bytes or many control characters outside UTF-16.
func sniffTextEncoding(head []byte, whole bool) (textEncoding, bool) {
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return encUTF16LE, true
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return encUTF16BE, true
	}
	controls := 0
	for _, c := range head {
		if c == 0 {
			return 0, false
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			controls++
		}
	}
	if controls > len(head)/100+1 {
		return 0, false
	}
	valid := head
	if !whole {
		// The sample may end inside a character.
		for i := 0; i < utf8.UTFMax && len(valid) > 0 && !utf8.Valid(valid); i++ {
			valid = valid[:len(valid)-1]
		}
	}
	if utf8.Valid(valid) {
		return encUTF8, true
	}
	return encWindows1252, true
}
