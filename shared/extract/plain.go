package extract

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// decodeSample returns the sniffed sample as UTF-8.
func (e textEncoding) decodeSample(b []byte) string {
	s, _ := io.ReadAll(e.reader(strings.NewReader(string(b))))
	return string(s)
}

// reader returns r decoded to UTF-8. Invalid bytes stay as they are in UTF-8 text and
// are dropped by normalize.
func (e textEncoding) reader(r io.Reader) io.Reader {
	switch e {
	case encUTF16LE:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case encUTF16BE:
		return transform.NewReader(r, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	case encWindows1252:
		// Text that is not UTF-8 is taken for Windows-1252, what German spreadsheet
		// programs write into CSV files.
		return transform.NewReader(r, charmap.Windows1252.NewDecoder())
	}
	return r
}

// extractPlain reads a TXT or CSV file as one part. CSV fields are separated by a
// space and records by a line break; a CSV file that does not parse is read as text.
func extractPlain(ctx context.Context, r io.ReaderAt, size int64, s sniffed, c *collector) error {
	c.start("")
	if s.format == CSV {
		err := readCSV(ctx, s.text.reader(io.NewSectionReader(r, 0, size)), c)
		if err == nil || errors.Is(err, ErrTimeout) || ctx.Err() != nil {
			return err
		}
		c.start("") // start over as text
	}
	tr := s.text.reader(io.NewSectionReader(r, 0, size))
	buf := make([]byte, min(size, 64<<10)+16)
	for !c.full() {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.ReadFull(tr, buf)
		c.write(string(buf[:n]))
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return &Error{Kind: ErrFailed, Err: err}
		}
	}
	c.truncated = true
	return nil
}

func readCSV(ctx context.Context, r io.Reader, c *collector) error {
	br := bufio.NewReaderSize(r, 16<<10)
	head, _ := br.Peek(sniffLen)
	cr := csv.NewReader(br)
	cr.Comma = csvDelimiter(string(head))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	for n := 0; ; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if c.full() {
			c.truncated = true
			return nil
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for i, f := range rec {
			if i > 0 {
				c.write(" ")
			}
			c.write(f)
		}
		c.write("\n")
	}
}

// csvDelimiter returns the delimiter that looksLikeCSV found in the sample.
func csvDelimiter(sample string) rune {
	line, _, _ := strings.Cut(sample, "\n")
	best, most := ';', 0
	for _, d := range []rune{';', '\t', ','} {
		if n := strings.Count(line, string(d)); n > most {
			best, most = d, n
		}
	}
	return best
}
