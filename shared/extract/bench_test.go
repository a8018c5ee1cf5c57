package extract

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

const benchSentence = "Die Verwaltung prüft die Übertragbarkeit der Lösung auf weitere Gemeinden im Netzwerk."

// benchFiles returns larger documents of each format, built from the same pieces as
// the corpus: about 1–2 MB of text each where the format allows.
func benchFiles(b *testing.B) map[string][]byte {
	const paras = 10000
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(benchWords)
	// A paragraph of random words compresses like real prose (about 3:1), not like
	// one sentence repeated.
	para := func() string {
		var p strings.Builder
		for i := 0; i < 12; i++ {
			p.WriteString(words[rng.IntN(len(words))])
			p.WriteByte(' ')
		}
		p.WriteString(benchSentence)
		return p.String()
	}
	var docx, odt, csv, txt strings.Builder
	docx.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	odt.WriteString(`<office:document-content ` + odfTestNS + `><office:body><office:text>`)
	for i := 0; i < paras; i++ {
		fmt.Fprintf(&docx, `<w:p><w:r><w:t>Absatz %d: %s</w:t></w:r></w:p>`, i, benchSentence)
		fmt.Fprintf(&odt, `<text:p>Absatz %d: %s</text:p>`, i, para())
		fmt.Fprintf(&csv, "Gemeinde %d;\"%s\";%d\r\n", i, para(), i*100)
		fmt.Fprintf(&txt, "Absatz %d: %s\n\n", i, para())
	}
	docx.WriteString(`</w:body></w:document>`)
	odt.WriteString(`</office:text></office:body></office:document-content>`)

	var sheet, ods strings.Builder
	sheet.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	ods.WriteString(`<office:document-content ` + odfTestNS + `><office:body><office:spreadsheet><table:table table:name="Daten">`)
	for i := 0; i < paras; i++ {
		fmt.Fprintf(&sheet, `<row><c t="inlineStr"><is><t>%s</t></is></c><c><v>%d</v></c></row>`, para(), i)
		fmt.Fprintf(&ods, `<table:table-row><table:table-cell><text:p>%s</text:p></table:table-cell><table:table-cell><text:p>%d</text:p></table:table-cell></table:table-row>`, para(), i)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	ods.WriteString(`</table:table></office:spreadsheet></office:body></office:document-content>`)

	const slides = 500
	pptx := []string{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>`,
		"ppt/presentation.xml", `<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>`}
	var odp strings.Builder
	odp.WriteString(`<office:document-content ` + odfTestNS + `><office:body><office:presentation>`)
	for i := 1; i <= slides; i++ {
		var s strings.Builder
		s.WriteString(`<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree>`)
		odp.WriteString(`<draw:page><draw:frame><draw:text-box>`)
		for j := 0; j < 20; j++ {
			fmt.Fprintf(&s, `<p:sp><p:txBody><a:p><a:r><a:t>%s</a:t></a:r></a:p></p:txBody></p:sp>`, para())
			fmt.Fprintf(&odp, `<text:p>%s</text:p>`, para())
		}
		s.WriteString(`</p:spTree></p:cSld></p:sld>`)
		odp.WriteString(`</draw:text-box></draw:frame></draw:page>`)
		pptx = append(pptx, fmt.Sprintf("ppt/slides/slide%d.xml", i), s.String())
	}
	odp.WriteString(`</office:presentation></office:body></office:document-content>`)

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetFont("Helvetica", "", 10)
	for p := 0; p < 100; p++ {
		pdf.AddPage()
		for l := 0; l < 50; l++ {
			pdf.CellFormat(0, 5, tr(para()[:90]), "", 1, "L", false, 0, "")
		}
	}
	var pdfBuf bytes.Buffer
	if err := pdf.Output(&pdfBuf); err != nil {
		b.Fatal(err)
	}

	return map[string][]byte{
		"pdf":  pdfBuf.Bytes(),
		"docx": zipOf(b, "[Content_Types].xml", docxTypes, "word/document.xml", docx.String()),
		"xlsx": zipOf(b, "[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`,
			"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Daten" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml", sheet.String()),
		"pptx": zipOf(b, pptx...),
		"odt":  zipOf(b, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", odt.String()),
		"ods":  zipOf(b, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", ods.String()),
		"odp":  zipOf(b, "mimetype", "application/vnd.oasis.opendocument.presentation", "content.xml", odp.String()),
		"csv":  []byte(csv.String()),
		"txt":  []byte(txt.String()),
	}
}

const benchWords = `Gemeinde Verwaltung Digitalisierung Bürgerbeteiligung Förderung Sensoren Straße
Pegelstand Glasfaser Ausschreibung Kreistag Übertragbarkeit Lösung Größe Maßnahme Haushalt
Datenplattform Krisenstab Schule Mobilität Klimaschutz Wärmeplanung Ortsgemeinde Verbandsgemeinde
und oder mit für über unter nach vor bei seit durch gegen ohne um 2023 2024 40 % 125000 Euro`

const odfTestNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"`

// BenchmarkExtract measures throughput (MB/s of file read) and allocations per format.
// The PDF engine is compiled before the timer starts.
func BenchmarkExtract(b *testing.B) {
	x := New(Options{Limits: Limits{Text: 64 << 20}, PDFCacheDir: pdfCacheDir()})
	defer x.Close()
	if err := x.Prepare(context.Background()); err != nil {
		b.Fatal(err)
	}
	files := benchFiles(b)
	for _, format := range []string{"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"} {
		data := files[format]
		b.Run(format, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			text := 0
			for b.Loop() {
				res, err := x.ExtractBytes(context.Background(), data)
				if err != nil {
					b.Fatal(err)
				}
				if res.Truncated || len(res.Parts) == 0 {
					b.Fatalf("%s: text incomplete", format)
				}
				text = len(res.Text())
			}
			b.ReportMetric(float64(text)*float64(b.N)/b.Elapsed().Seconds()/1e6, "text-MB/s")
			b.ReportMetric(float64(len(data))/1e6, "file-MB")
		})
	}
	b.Run("bomb", func(b *testing.B) {
		data := readTestdata(b, "bombe.docx")
		b.ReportAllocs()
		for b.Loop() {
			x.ExtractBytes(context.Background(), data)
		}
	})
}

// BenchmarkPDFEngineStart measures compiling the PDF engine without a cache, as a
// Lambda function's cold start does, and with the cache warm.
func BenchmarkPDFEngineStart(b *testing.B) {
	for _, dir := range []string{"", pdfCacheDir()} {
		name := "cold"
		if dir != "" {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				x := New(Options{PDFCacheDir: dir})
				if err := x.Prepare(context.Background()); err != nil {
					b.Fatal(err)
				}
				x.Close()
			}
		})
	}
}
