package extract

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// extractOOXML reads a DOCX (one part), XLSX (a part per sheet, labelled with the
// sheet's name) or PPTX (a part per slide, "Folie N" in the presentation's order).
// Headers, footers, footnotes, comments and speaker notes are not read.
func extractOOXML(z *safeZip, f Format, main string, c *collector) error {
	mainFile := z.file(main)
	if mainFile == nil {
		return corrupt(f, fmt.Errorf("main part %q missing", main))
	}
	var err error
	switch f {
	case DOCX:
		c.start("")
		err = z.walk(c, mainFile, docxText(c))
	case PPTX:
		err = extractPPTX(z, main, mainFile, c)
	case XLSX:
		err = extractXLSX(z, main, mainFile, c)
	}
	if err != nil {
		if e, ok := err.(*Error); ok && e.Format == "" {
			e.Format = f
		}
		return err
	}
	return nil
}

// walk feeds every XML token of an entry to fn until the end, an error, or the
// collector is full.
func (z *safeZip) walk(c *collector, f *zip.File, fn func(xml.Token)) error {
	if err := c.ctx.Err(); err != nil {
		return err
	}
	rc, err := z.open(f, z.l.ZipEntrySize)
	if err != nil {
		return err
	}
	defer rc.Close()
	w := newXMLWalker(c.ctx, rc, z.l.XMLDepth)
	for !c.full() {
		t, err := w.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		fn(t)
	}
	c.truncated = true
	return nil
}

// docxText turns WordprocessingML into text: w:t runs, tabs and breaks, a line break
// after each paragraph. Deleted text (w:delText) and field codes (w:instrText) are left
// out.
func docxText(c *collector) func(xml.Token) {
	inText := false
	return func(t xml.Token) {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab", "noBreakHyphen":
				c.write(" ")
			case "br", "cr":
				c.write("\n")
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p", "tc":
				c.write("\n")
			}
		case xml.CharData:
			if inText {
				c.write(string(t))
			}
		}
	}
}

// drawingText turns DrawingML (slides) into text: a:t runs, a line break after each
// paragraph.
func drawingText(c *collector) func(xml.Token) {
	inText := false
	return func(t xml.Token) {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "br":
				c.write("\n")
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				c.write("\n")
			}
		case xml.CharData:
			if inText {
				c.write(string(t))
			}
		}
	}
}

// rels reads the relationships of a part: id → zip name of the target.
func (z *safeZip) rels(part string) (map[string]string, error) {
	name := path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
	f := z.file(name)
	if f == nil {
		return map[string]string{}, nil
	}
	b, err := z.readAll(f, 4<<20)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, corrupt("", fmt.Errorf("%s: %w", name, err))
	}
	m := make(map[string]string, len(doc.Rels))
	for _, r := range doc.Rels {
		if r.Mode == "External" {
			continue
		}
		if t := resolve(part, r.Target); t != "" {
			m[r.ID] = t
		}
	}
	return m, nil
}

// smallXML reads a whole entry (at most 16 MiB) into v.
func (z *safeZip) smallXML(f *zip.File, v any) error {
	b, err := z.readAll(f, 16<<20)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return corrupt("", fmt.Errorf("%s: %w", f.Name, err))
	}
	return nil
}

func extractPPTX(z *safeZip, main string, mainFile *zip.File, c *collector) error {
	var pres struct {
		Slides []struct {
			RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sldIdLst>sldId"`
	}
	if err := z.smallXML(mainFile, &pres); err != nil {
		return err
	}
	rels, err := z.rels(main)
	if err != nil {
		return err
	}
	var slides []string
	for _, s := range pres.Slides {
		if t, ok := rels[s.RID]; ok {
			slides = append(slides, t)
		}
	}
	if len(slides) == 0 {
		// No slide list: take the slide files in the order of their numbers.
		slides = numbered(z, path.Join(path.Dir(main), "slides")+"/slide")
	}
	for i, name := range slides {
		if c.full() {
			c.truncated = true
			break
		}
		f := z.file(name)
		if f == nil {
			return corrupt("", fmt.Errorf("slide %q missing", name))
		}
		c.start("Folie " + strconv.Itoa(i+1))
		if err := z.walk(c, f, drawingText(c)); err != nil {
			return err
		}
	}
	return nil
}

// numbered returns the entries named prefix + number + ".xml", by number.
func numbered(z *safeZip, prefix string) []string {
	type entry struct {
		n    int
		name string
	}
	var es []entry
	for name := range z.byName {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSuffix(rest, ".xml")); err == nil && strings.HasSuffix(rest, ".xml") {
			es = append(es, entry{n, name})
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].n < es[j].n })
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.name
	}
	return names
}

func extractXLSX(z *safeZip, main string, mainFile *zip.File, c *collector) error {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := z.smallXML(mainFile, &wb); err != nil {
		return err
	}
	rels, err := z.rels(main)
	if err != nil {
		return err
	}
	shared, err := sharedStrings(z, path.Join(path.Dir(main), "sharedStrings.xml"), c)
	if err != nil {
		return err
	}
	for _, s := range wb.Sheets {
		if c.full() {
			c.truncated = true
			break
		}
		name, ok := rels[s.RID]
		if !ok {
			continue
		}
		f := z.file(name)
		if f == nil {
			return corrupt("", fmt.Errorf("sheet %q missing", name))
		}
		c.start(s.Name)
		if err := z.walk(c, f, sheetText(c, shared)); err != nil {
			return err
		}
	}
	return nil
}

// sharedStrings reads the workbook's table of strings, within the text limit.
func sharedStrings(z *safeZip, name string, c *collector) ([]string, error) {
	f := z.file(name)
	if f == nil {
		return nil, nil
	}
	rc, err := z.open(f, z.l.ZipEntrySize)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	w := newXMLWalker(c.ctx, rc, z.l.XMLDepth)
	var (
		out          []string
		cur          strings.Builder
		inT, inPhon  bool
		size, budget = 0, c.rawLimit()
	)
	for {
		t, err := w.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "t":
				inT = true
			case "rPh":
				inPhon = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				s := cur.String()
				if size+len(s) > budget {
					s = "" // beyond the text limit: kept as an index only
				}
				size += len(s)
				out = append(out, s)
			case "t":
				inT = false
			case "rPh":
				inPhon = false
			}
		case xml.CharData:
			if inT && !inPhon && cur.Len() < budget {
				cur.Write(t)
			}
		}
	}
}

// sheetText turns a SpreadsheetML worksheet into text: each cell's value (shared
// strings looked up), a space between cells, a line break after each row. Formulas are
// left out; their cached values are kept.
func sheetText(c *collector, shared []string) func(xml.Token) {
	var typ string
	inV, inT := false, false
	var v strings.Builder
	return func(t xml.Token) {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				typ = attr(t, "t")
			case "v":
				inV = true
				v.Reset()
			case "t":
				inT = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
				s := v.String()
				if typ == "s" {
					i, err := strconv.Atoi(strings.TrimSpace(s))
					if err != nil || i < 0 || i >= len(shared) {
						return
					}
					s = shared[i]
				}
				c.write(s)
				c.write(" ")
			case "t":
				inT = false
				c.write(" ")
			case "row":
				c.write("\n")
			}
		case xml.CharData:
			switch {
			case inV && v.Len() < 1<<16:
				v.Write(t)
			case inT:
				c.write(string(t))
			}
		}
	}
}
