package extract

import (
	"encoding/xml"
	"strconv"
)

// extractODF reads the content.xml of an ODT (one part), ODS (a part per table,
// labelled with its name) or ODP (a part per slide, "Folie N"). Speaker notes are not
// read.
func extractODF(z *safeZip, f Format, c *collector) error {
	content := z.file("content.xml")
	if content == nil {
		return corrupt(f, errString("content.xml missing"))
	}
	var fn func(xml.Token)
	switch f {
	case ODT:
		c.start("")
		fn = odfText(c, nil)
	case ODS:
		fn = odfText(c, func(t xml.StartElement, n int) (string, bool) {
			if t.Name.Local == "table" && t.Name.Space == nsTable {
				return attr(t, "name"), true
			}
			return "", false
		})
	case ODP:
		fn = odfText(c, func(t xml.StartElement, n int) (string, bool) {
			if t.Name.Local == "page" && t.Name.Space == nsDraw {
				return "Folie " + strconv.Itoa(n+1), true
			}
			return "", false
		})
	}
	if err := z.walk(c, content, fn); err != nil {
		if e, ok := err.(*Error); ok && e.Format == "" {
			e.Format = f
		}
		return err
	}
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }

const (
	nsText         = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	nsTable        = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsDraw         = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
	nsPresentation = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
	nsOffice       = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
)

// odfText turns OpenDocument content into text: the character data inside text:p and
// text:h, spaces for text:s and text:tab, line breaks after paragraphs and table rows,
// a space after table cells. part says which elements open a new part and its label.
func odfText(c *collector, part func(xml.StartElement, int) (string, bool)) func(xml.Token) {
	inPara, skip, parts := 0, 0, 0
	return func(t xml.Token) {
		switch t := t.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				return
			}
			if part != nil {
				if label, ok := part(t, parts); ok {
					parts++
					c.start(label)
					return
				}
			}
			switch {
			case t.Name.Space == nsPresentation && t.Name.Local == "notes",
				t.Name.Space == nsOffice && t.Name.Local == "annotation":
				skip = 1
			case t.Name.Space == nsText && (t.Name.Local == "p" || t.Name.Local == "h"):
				inPara++
			case t.Name.Space == nsText && (t.Name.Local == "s" || t.Name.Local == "tab"):
				c.write(" ")
			case t.Name.Space == nsText && t.Name.Local == "line-break":
				c.write("\n")
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				return
			}
			switch {
			case t.Name.Space == nsText && (t.Name.Local == "p" || t.Name.Local == "h"):
				inPara--
				c.write("\n")
			case t.Name.Space == nsTable && t.Name.Local == "table-cell":
				c.write(" ")
			case t.Name.Space == nsTable && t.Name.Local == "table-row":
				c.write("\n")
			}
		case xml.CharData:
			if inPara > 0 && skip == 0 {
				c.write(string(t))
			}
		}
	}
}
