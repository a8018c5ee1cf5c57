// Command mkcorpus writes the sample files of shared/extract/testdata: one small, valid
// document per format, and the bad inputs the extractor must refuse or mark. Run it from
// the repository root after changing it, and commit what it writes:
//
//	go run ./shared/extract/internal/mkcorpus
//
// The output is the same on every run.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"
)

// Sentences the tests look for.
const (
	// Page2Sentence stands on page 2 of bericht.pdf only.
	Page2Sentence = "Die Straßenbeleuchtung in Bad Dürkheim spart seit Mai 40 % Energie; Bürgerinnen und Bürger melden Störungen über die App."
	Page1Sentence = "Abschlussbericht Sensornetzwerke & IoT"
)

var stamp = time.Date(2024, 5, 17, 12, 0, 0, 0, time.UTC)

func main() {
	dir := flag.String("dir", "shared/extract/testdata", "folder to write the files to")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	docx := docx()
	files := map[string][]byte{
		"bericht.pdf":        reportPDF(),
		"verschluesselt.pdf": encryptedPDF(),
		"scan.pdf":           scanPDF(),
		"leitfaden.docx":     docx,
		"tabelle.xlsx":       xlsx(),
		"vortrag.pptx":       pptx(),
		"leitfaden.odt":      odt(),
		"tabelle.ods":        ods(),
		"vortrag.odp":        odp(),
		"daten.csv":          csvWindows1252(),
		"notiz.txt":          []byte("Notiz zur Sitzung in Mu\u0308nchen\r\n\r\nGroße   Übereinstimmung\tbei der Förderung.\x07\n"),
		"bild.png":           pngImage(),
		"foto.jpg":           jpegImage(),
		// Bad inputs.
		"abgeschnitten.docx": docx[:len(docx)/2],
		"bombe.docx":         bombDOCX(),
		"luege.docx":         lyingDOCX(),
		"seite.pdf":          []byte("<!DOCTYPE html>\n<html><head><title>Kein PDF</title></head><body><p>Eine Webseite.</p></body></html>\n"),
		"archiv.docx":        plainZip(),
		"leer.txt":           {},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("wrote %d files to %s\n", len(files), *dir)
}

func newPDF() *fpdf.Fpdf {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(stamp)
	p.SetModificationDate(stamp)
	p.SetCatalogSort(true)
	p.SetCompression(true)
	return p
}

func pdfBytes(p *fpdf.Fpdf) []byte {
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// reportPDF has two pages of text in a standard font (Windows-1252 encoded, as fpdf
// writes the core fonts): the title on page 1, the sentence on page 2.
func reportPDF() []byte {
	p := newPDF()
	tr := p.UnicodeTranslatorFromDescriptor("")
	p.SetFont("Helvetica", "B", 16)
	p.AddPage()
	p.MultiCell(0, 10, tr(Page1Sentence), "", "L", false)
	p.SetFont("Helvetica", "", 11)
	p.MultiCell(0, 6, tr("Kommunen im Netzwerk messen Luftqualität und Pegelstände mit LoRaWAN-Sensoren."), "", "L", false)
	p.AddPage()
	p.MultiCell(0, 6, tr("Ergebnisse"), "", "L", false)
	p.MultiCell(0, 6, tr(Page2Sentence), "", "L", false)
	return pdfBytes(p)
}

// encryptedPDF needs the user password "geheim" to be opened.
func encryptedPDF() []byte {
	p := newPDF()
	p.SetProtection(fpdf.CnProtectPrint, "geheim", "eigentuemer")
	p.SetFont("Helvetica", "", 12)
	p.AddPage()
	p.Cell(0, 10, "Vertraulicher Bericht")
	return pdfBytes(p)
}

// scanPDF shows an image and holds no text, like a scanned page.
func scanPDF() []byte {
	p := newPDF()
	p.AddPage()
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	p.RegisterImageOptionsReader("scan", opt, bytes.NewReader(pngImage()))
	p.ImageOptions("scan", 20, 20, 120, 60, false, opt, 0, "")
	return pdfBytes(p)
}

func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 8), 128, 255})
		}
	}
	return img
}

func pngImage() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture()); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func jpegImage() []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(), &jpeg.Options{Quality: 80}); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// zipFile is one entry of a generated archive.
type zipFile struct {
	name  string
	body  string
	store bool // stored, not deflated (the ODF mimetype)
}

func makeZip(files ...zipFile) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: stamp}
		if f.store {
			h.Method = zip.Store
		}
		fw, err := w.CreateHeader(h)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := fw.Write([]byte(f.body)); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

func contentTypes(overrides ...string) zipFile {
	var b strings.Builder
	b.WriteString(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>`)
	for i := 0; i < len(overrides); i += 2 {
		fmt.Fprintf(&b, `<Override PartName="%s" ContentType="%s"/>`, overrides[i], overrides[i+1])
	}
	b.WriteString(`</Types>`)
	return zipFile{name: "[Content_Types].xml", body: b.String()}
}

func rels(name string, targets ...string) zipFile {
	var b strings.Builder
	b.WriteString(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := 0; i < len(targets); i += 2 {
		fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="%s" Target="%s"/>`, i/2+1, targets[i], targets[i+1])
	}
	b.WriteString(`</Relationships>`)
	return zipFile{name: name, body: b.String()}
}

const (
	relOffice = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	relSlide  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide"
	relSheet  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
	relShared = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)

func docxBody() string {
	para := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	var b strings.Builder
	b.WriteString(xmlHead + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Leitfaden Bürgerbeteiligung</w:t></w:r></w:p>`)
	b.WriteString(para("Ausgangslage: Viele Kommunen möchten Bürgerinnen und Bürger früh beteiligen."))
	b.WriteString(`<w:p><w:r><w:t>Geteilte</w:t></w:r><w:r><w:tab/><w:t>Läufe</w:t></w:r><w:r><w:delText>gelöscht</w:delText></w:r></w:p>`)
	for i := 1; i <= 40; i++ {
		b.WriteString(para(fmt.Sprintf("Schritt %d: Die Verwaltung prüft die Übertragbarkeit der Lösung auf weitere Gemeinden.", i)))
	}
	b.WriteString(para("Lessons Learned: Früh anfangen, offen kommunizieren, Größe des Vorhabens realistisch einschätzen."))
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

func docx() []byte {
	return makeZip(
		contentTypes("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
		rels("_rels/.rels", relOffice, "word/document.xml"),
		zipFile{name: "word/document.xml", body: docxBody()},
	)
}

func xlsx() []byte {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	return makeZip(
		contentTypes("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
		rels("_rels/.rels", relOffice, "xl/workbook.xml"),
		zipFile{name: "xl/workbook.xml", body: xmlHead + `<workbook ` + ns + `><sheets>` +
			`<sheet name="Kosten" sheetId="1" r:id="rId1"/><sheet name="Zeitplan" sheetId="2" r:id="rId2"/></sheets></workbook>`},
		rels("xl/_rels/workbook.xml.rels", relSheet, "worksheets/sheet1.xml", relSheet, "/xl/worksheets/sheet2.xml", relShared, "sharedStrings.xml"),
		zipFile{name: "xl/sharedStrings.xml", body: xmlHead + `<sst ` + ns + ` count="4" uniqueCount="4">` +
			`<si><t>Posten</t></si><si><t>Betrag</t></si><si><r><t>Straßen</t></r><r><t>beleuchtung</t></r></si><si><t>Öffentlichkeitsarbeit</t></si></sst>`},
		zipFile{name: "xl/worksheets/sheet1.xml", body: xmlHead + `<worksheet ` + ns + `><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
			`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>125000</v></c></row>` +
			`<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><f>B2/10</f><v>12500</v></c></row>` +
			`</sheetData></worksheet>`},
		zipFile{name: "xl/worksheets/sheet2.xml", body: xmlHead + `<worksheet ` + ns + `><sheetData>` +
			`<row r="1"><c r="A1" t="inlineStr"><is><t>Ausschreibung im März</t></is></c></row>` +
			`</sheetData></worksheet>`},
	)
}

func pptx() []byte {
	const ns = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	slide := func(title, body string) string {
		return xmlHead + `<p:sld ` + ns + `><p:cSld><p:spTree>` +
			`<p:sp><p:txBody><a:p><a:r><a:t>` + title + `</a:t></a:r></a:p></p:txBody></p:sp>` +
			`<p:sp><p:txBody><a:p><a:r><a:t>` + body + `</a:t></a:r></a:p></p:txBody></p:sp>` +
			`</p:spTree></p:cSld></p:sld>`
	}
	// The presentation shows slide2.xml first: labels follow the presentation, not
	// the file names.
	return makeZip(
		contentTypes("/ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
			"/ppt/slides/slide1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slide+xml",
			"/ppt/slides/slide2.xml", "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"),
		rels("_rels/.rels", relOffice, "ppt/presentation.xml"),
		zipFile{name: "ppt/presentation.xml", body: xmlHead + `<p:presentation ` + ns + `><p:sldIdLst>` +
			`<p:sldId id="256" r:id="rId2"/><p:sldId id="257" r:id="rId1"/></p:sldIdLst></p:presentation>`},
		rels("ppt/_rels/presentation.xml.rels", relSlide, "slides/slide1.xml", relSlide, "slides/slide2.xml"),
		zipFile{name: "ppt/slides/slide1.xml", body: slide("Nächste Schritte", "Übergabe an den Kreistag")},
		zipFile{name: "ppt/slides/slide2.xml", body: slide("Digitale Zukunft gemeinsam gestalten", "Vorstellung im Ausschuss für Digitalisierung")},
	)
}

const odfNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" office:version="1.3"`

func odf(mime, body string) []byte {
	return makeZip(
		zipFile{name: "mimetype", body: mime, store: true},
		zipFile{name: "META-INF/manifest.xml", body: xmlHead + `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">` +
			`<manifest:file-entry manifest:full-path="/" manifest:media-type="` + mime + `"/>` +
			`<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
		zipFile{name: "content.xml", body: xmlHead + `<office:document-content ` + odfNS + `><office:body>` + body + `</office:body></office:document-content>`},
	)
}

func odt() []byte {
	return odf("application/vnd.oasis.opendocument.text", `<office:text>`+
		`<text:h text:outline-level="1">Erfahrungsbericht Open Data</text:h>`+
		`<text:p>Die Stadt veröffentlicht<text:s text:c="3"/>Haushaltsdaten<text:tab/>als offene Daten.</text:p>`+
		`<text:p>Größte Hürde<text:line-break/>war die Datenqualität.</text:p>`+
		`<office:annotation><text:p>Interner Kommentar</text:p></office:annotation>`+
		`</office:text>`)
}

func ods() []byte {
	return odf("application/vnd.oasis.opendocument.spreadsheet", `<office:spreadsheet>`+
		`<table:table table:name="Übersicht"><table:table-row>`+
		`<table:table-cell><text:p>Maßnahme</text:p></table:table-cell><table:table-cell><text:p>Förderquote</text:p></table:table-cell></table:table-row>`+
		`<table:table-row><table:table-cell><text:p>Glasfaser</text:p></table:table-cell><table:table-cell office:value-type="percentage"><text:p>90 %</text:p></table:table-cell></table:table-row>`+
		`<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>`+
		`</table:table>`+
		`<table:table table:name="Notizen"><table:table-row><table:table-cell><text:p>Fördermittel beantragt</text:p></table:table-cell></table:table-row></table:table>`+
		`</office:spreadsheet>`)
}

func odp() []byte {
	return odf("application/vnd.oasis.opendocument.presentation", `<office:presentation>`+
		`<draw:page draw:name="Seite1"><draw:frame><draw:text-box><text:p>Krisenmanagement in der Pandemie</text:p></draw:text-box></draw:frame>`+
		`<presentation:notes><draw:frame><draw:text-box><text:p>Sprechernotiz</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>`+
		`<draw:page draw:name="Seite2"><draw:frame><draw:text-box><text:p>Lagezentrum digital vernetzt</text:p></draw:text-box></draw:frame></draw:page>`+
		`</office:presentation>`)
}

// csvWindows1252 is a semicolon-separated table as German spreadsheet programs save
// it: Windows-1252, CRLF line ends, quoted fields.
func csvWindows1252() []byte {
	s := "Kommune;Projekt;Kosten\r\n" +
		"Bad Dürkheim;\"Straßenbeleuchtung; smart\";125000\r\n" +
		"Kaiserslautern;Bürgerportal;80000\r\n" +
		"Wörth am Rhein;Sensoren für Pegelstände;45000\r\n"
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// bombDOCX is a DOCX whose document.xml expands from a few KB to 20 MB: its
// directory tells, and the ratio limit refuses it.
func bombDOCX() []byte {
	body := xmlHead + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` +
		strings.Repeat(" ", 20<<20) + `</w:t></w:r></w:p></w:body></w:document>`
	return makeZip(
		contentTypes("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
		rels("_rels/.rels", relOffice, "word/document.xml"),
		zipFile{name: "word/document.xml", body: body},
	)
}

// lyingDOCX is a DOCX whose directory says document.xml has 1 KB while it expands to
// 8 MB: only a limit enforced while reading catches it.
func lyingDOCX() []byte {
	body := []byte(xmlHead + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` +
		strings.Repeat("Ä", 4<<20) + `</w:t></w:r></w:p></w:body></w:document>`)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(body)
	fw.Close()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range []zipFile{
		contentTypes("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
		rels("_rels/.rels", relOffice, "word/document.xml"),
	} {
		fw, _ := w.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: stamp})
		fw.Write([]byte(f.body))
	}
	raw, err := w.CreateRaw(&zip.FileHeader{
		Name: "word/document.xml", Method: zip.Deflate, Modified: stamp,
		CRC32:              crc32.ChecksumIEEE(body),
		CompressedSize64:   uint64(deflated.Len()),
		UncompressedSize64: 1024,
	})
	if err != nil {
		log.Fatal(err)
	}
	raw.Write(deflated.Bytes())
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// plainZip is a zip archive that is neither OOXML nor ODF.
func plainZip() []byte {
	return makeZip(zipFile{name: "liesmich.txt", body: "Nur ein Archiv."})
}
