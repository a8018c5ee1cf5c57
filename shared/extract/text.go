package extract

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// collector gathers the parts of one file within the text limit.
type collector struct {
	ctx       context.Context
	left      int // bytes of normalised text still allowed
	parts     []Part
	truncated bool

	label string
	raw   strings.Builder
	open  bool
}

func newCollector(ctx context.Context, limit int) *collector {
	return &collector{ctx: ctx, left: limit}
}

// rawLimit bounds the raw text of the open part: normalising shrinks text, so some
// slack over what is left is kept.
func (c *collector) rawLimit() int { return 2*c.left + 4096 }

// start ends the open part, if any, and opens a new one.
func (c *collector) start(label string) {
	c.end()
	c.label, c.open = label, true
	c.raw.Reset()
}

// write adds raw text to the open part.
func (c *collector) write(s string) {
	if !c.open || c.full() {
		return
	}
	if room := c.rawLimit() - c.raw.Len(); len(s) > room {
		s = cutRunes(s, room)
		c.truncated = true
	}
	c.raw.WriteString(s)
}

// full reports that no more text is wanted; extractors stop reading then.
func (c *collector) full() bool {
	return c.left <= 0 || (c.open && c.raw.Len() >= c.rawLimit())
}

// end normalises the open part and keeps it if it holds text.
func (c *collector) end() {
	if !c.open {
		return
	}
	c.open = false
	t := normalize(c.raw.String())
	c.raw.Reset()
	if t == "" {
		return
	}
	if len(t) > c.left {
		t = strings.TrimSpace(cutRunes(t, c.left))
		c.truncated = true
	}
	c.left -= len(t)
	if t != "" {
		c.parts = append(c.parts, Part{Label: c.label, Text: t})
	}
}

func (c *collector) result() ([]Part, bool) {
	c.end()
	return c.parts, c.truncated
}

// cutRunes returns the longest prefix of s of at most n bytes that ends on a rune
// boundary.
func cutRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// normalize returns s in NFC with control and invisible formatting characters
// dropped, runs of spaces collapsed to one space, runs of line breaks to one line
// break, and no space at the start or end of a line. Invalid UTF-8 is dropped.
// Letters such as ä, ö, ü and ß are kept as they are.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false
	for i, w := 0, 0; i < len(s); i += w {
		r, n := utf8.DecodeRuneInString(s[i:])
		w = n
		switch {
		case r == utf8.RuneError && n == 1:
			continue
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			newline = true
		case unicode.IsSpace(r):
			space = true
		case unicode.IsControl(r), invisible(r):
			continue
		default:
			if b.Len() > 0 {
				if newline {
					b.WriteByte('\n')
				} else if space {
					b.WriteByte(' ')
				}
			}
			space, newline = false, false
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// invisible reports formatting characters that only get in the way of search: soft
// hyphens, zero-width spaces and joiners, byte order marks, and private-use code
// points that PDFs use for glyphs without Unicode.
func invisible(r rune) bool {
	switch {
	case r == 0xad, r == 0xfeff, r >= 0x200b && r <= 0x200f, r >= 0x2060 && r <= 0x2064,
		r >= 0xe000 && r <= 0xf8ff, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}

// xmlWalker reads XML tokens within the depth limit, checking the deadline as it goes.
type xmlWalker struct {
	d        *xml.Decoder
	ctx      context.Context
	depth    int
	maxDepth int
	n        int
}

func newXMLWalker(ctx context.Context, r io.Reader, maxDepth int) *xmlWalker {
	d := xml.NewDecoder(r)
	return &xmlWalker{d: d, ctx: ctx, maxDepth: maxDepth}
}

// next returns the next token; io.EOF at the end.
func (w *xmlWalker) next() (xml.Token, error) {
	w.n++
	if w.n%1024 == 0 {
		if err := w.ctx.Err(); err != nil {
			return nil, err
		}
	}
	t, err := w.d.Token()
	if err != nil {
		if err == io.EOF {
			return nil, err
		}
		if e, ok := err.(*Error); ok {
			return nil, e
		}
		return nil, corrupt("", fmt.Errorf("xml: %w", err))
	}
	switch t.(type) {
	case xml.StartElement:
		w.depth++
		if w.depth > w.maxDepth {
			return nil, tooLarge("", "xml: nested deeper than %d", w.maxDepth)
		}
	case xml.EndElement:
		w.depth--
	}
	return t, nil
}

// attr returns the value of the attribute with the given local name.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
