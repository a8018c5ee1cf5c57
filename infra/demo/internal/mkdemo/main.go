// Command mkdemo writes the files of the demo content, infra/demo/dateien: a short
// report as PDF, a guide as DOCX and a table as XLSX, all invented like the rest of the
// demo content. Run it from the repository root after changing it, and commit what it
// writes:
//
//	go run ./infra/demo/internal/mkdemo
//
// The output is the same on every run (TestFilesAreCurrent checks the committed files).
package main

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// ReportSentence stands on page 2 of the report, with the word of demo.FileWord, which no
// demo entry has.
const ReportSentence = "Am Messpunkt Ostring zeigte die Ampel am 14. August 2024 bei 480 kPa Saugspannung Rot – elf Tage bevor die feste Gießtour dort vorbeigekommen wäre."

// stamp is the date written into the files.
var stamp = time.Date(2024, 11, 8, 9, 0, 0, 0, time.UTC)

func main() {
	dir := flag.String("dir", "infra/demo/dateien", "folder to write the files to")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	files, err := Files()
	if err != nil {
		log.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("wrote %d files to %s\n", len(files), *dir)
}

// Files returns the demo files by name.
func Files() (map[string][]byte, error) {
	pdf, err := reportPDF()
	if err != nil {
		return nil, err
	}
	docx, err := guideDOCX()
	if err != nil {
		return nil, err
	}
	xlsx, err := readingsXLSX()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		"abschlussbericht-bodenfeuchte.pdf": pdf,
		"leitfaden-hybride-sitzungen.docx":  docx,
		"messwerte-bodenfeuchte.xlsx":       xlsx,
	}, nil
}

// reportPDF is the final report of the soil moisture project: three pages in a core
// font (fpdf writes them in Windows-1252, which has the umlauts), the sentence that the
// demo's search finds on page 2.
func reportPDF() ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(stamp)
	p.SetModificationDate(stamp)
	p.SetCatalogSort(true)
	p.SetCompression(true)
	p.SetTitle("Abschlussbericht Bodenfeuchtemessung an Stadtbäumen", true)
	p.SetAuthor("Grünflächenamt (Beispieldaten)", true)
	tr := p.UnicodeTranslatorFromDescriptor("")
	p.SetFooterFunc(func() {
		p.SetY(-15)
		p.SetFont("Helvetica", "I", 8)
		p.CellFormat(0, 10, tr(fmt.Sprintf("Beispieldaten – alle Angaben erfunden · Seite %d von 3", p.PageNo())), "", 0, "C", false, 0, "")
	})
	heading := func(s string) {
		p.SetFont("Helvetica", "B", 13)
		p.MultiCell(0, 8, tr(s), "", "L", false)
		p.Ln(2)
	}
	para := func(s string) {
		p.SetFont("Helvetica", "", 11)
		p.MultiCell(0, 6, tr(s), "", "J", false)
		p.Ln(3)
	}

	p.AddPage()
	p.SetFont("Helvetica", "B", 18)
	p.MultiCell(0, 10, tr("Abschlussbericht Bodenfeuchtemessung an Stadtbäumen"), "", "L", false)
	p.SetFont("Helvetica", "", 12)
	p.MultiCell(0, 7, tr("Pilotphase 2023–2024 · Grünflächenamt, Baumpflege"), "", "L", false)
	p.Ln(6)
	heading("1. Ausgangslage")
	para("Jungbäume brauchen in den ersten fünf Standjahren regelmäßig Wasser. Bisher fuhren die Gießtrupps feste Touren ab, unabhängig davon, ob es geregnet hatte. In den heißen Sommern 2022 und 2023 reichte die Kapazität trotzdem nicht aus.")
	heading("2. Vorgehen")
	para("An 150 Jungbäumen wurden beim Pflanzen Bodenfeuchtesensoren in 30 und 60 cm Tiefe gesetzt. Sie messen die Saugspannung und senden stündlich über das städtische LoRaWAN-Netz. Eine Webanwendung fasst die Werte jeden Morgen zu einer Ampelkarte zusammen.")
	para("Grün heißt: ausreichend Wasser. Gelb heißt: in den nächsten Tagen gießen. Rot heißt: sofort gießen.")

	p.AddPage()
	heading("3. Ergebnisse")
	para(ReportSentence)
	para("Über den ganzen Sommer sank die Zahl der Gießfahrten um etwa ein Drittel und der Wasserverbrauch um rund 25 %. Keiner der überwachten Bäume ist vertrocknet.")
	para("Die Messwerte je Standort und Monat stehen in der Tabelle „Messwerte Bodenfeuchte 2024“ beim selben Eintrag.")
	heading("4. Kosten")
	para("Sensoren, Gateways und Entwicklung kosteten zusammen rund 35.000 €. Der laufende Betrieb kostet etwa 1.200 € im Jahr für Batterien und Ersatzsensoren.")

	p.AddPage()
	heading("5. Empfehlungen für andere Kommunen")
	para("Setzen Sie die Sensoren beim Pflanzen; ein späterer Einbau beschädigt Wurzeln. Rechnen Sie die Werte verschiedener Hersteller in Saugspannung (kPa) um. Binden Sie die Gießtrupps von Anfang an ein: Die Akzeptanz kam erst, als die Tourenplanung wirklich leichter wurde.")
	para("Die Webanwendung, die Schwellenwerte je Baumart und eine Einbauanleitung geben wir gern weiter.")

	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// zipFile is one member of a generated Office file.
type zipFile struct{ name, body string }

func makeZip(files ...zipFile) ([]byte, error) {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range files {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write([]byte(f.body)); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const (
	relOffice = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	relSheet  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
)

func contentTypes(overrides ...string) zipFile {
	var b strings.Builder
	b.WriteString(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>`)
	for i := 0; i < len(overrides); i += 2 {
		fmt.Fprintf(&b, `<Override PartName="%s" ContentType="%s"/>`, overrides[i], overrides[i+1])
	}
	b.WriteString(`</Types>`)
	return zipFile{"[Content_Types].xml", b.String()}
}

func rels(name string, targets ...string) zipFile {
	var b strings.Builder
	b.WriteString(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := 0; i < len(targets); i += 2 {
		fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="%s" Target="%s"/>`, i/2+1, targets[i], targets[i+1])
	}
	b.WriteString(`</Relationships>`)
	return zipFile{name, b.String()}
}

// guideDOCX is the guide to hybrid council meetings: headings and paragraphs.
func guideDOCX() ([]byte, error) {
	var b strings.Builder
	heading := func(s string) {
		b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>` + s + `</w:t></w:r></w:p>`)
	}
	para := func(s string) { b.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>`) }
	b.WriteString(xmlHead + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	heading("Leitfaden hybride Rats- und Ausschusssitzungen")
	para("Beispieldaten – alle Angaben erfunden. Stand: November 2024.")
	heading("1. Vor der Sitzung")
	para("Prüfen Sie, ob die Hauptsatzung und die Geschäftsordnung die Teilnahme per Video zulassen, und klären Sie offene Fragen mit der Kommunalaufsicht.")
	para("Technik-Check 30 Minuten vor Sitzungsbeginn: Deckenmikrofone, beide Kameras, Ton in den Saal und zurück. Ratsmitglieder erhalten ihren persönlichen Zugangslink spätestens drei Tage vorher.")
	heading("2. Während der Sitzung")
	para("Eine Person kümmert sich nur um die Technik; die Sitzungsleitung kann das nicht nebenbei. Wortmeldungen aus dem Videoraum ruft die Sitzungsleitung in der Reihenfolge der Meldung auf.")
	para("Abstimmungen: namentlicher Aufruf der Teilnehmenden im Videoraum, das Ergebnis steht sofort im Protokoll. Geheime Abstimmungen und Wahlen finden in Präsenz statt.")
	para("Bricht die Verbindung eines Ratsmitglieds ab, unterbricht die Sitzungsleitung bis zu zehn Minuten; Beschlüsse während der Unterbrechung werden nicht gefasst.")
	heading("3. Öffentlichkeit und Barrierefreiheit")
	para("Der öffentliche Teil wird live übertragen; aufgezeichnet wird nur mit Einwilligung aller Sprechenden. Untertitel und eine Übertragung in Gebärdensprache auf Anfrage machen die Sitzung für alle zugänglich.")
	heading("4. Nach der Sitzung")
	para("Das Protokoll vermerkt, wer per Video teilgenommen hat. Störungen und ihre Dauer werden festgehalten, damit die Technik verbessert werden kann.")
	b.WriteString(`</w:body></w:document>`)
	return makeZip(
		contentTypes("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
		rels("_rels/.rels", relOffice, "word/document.xml"),
		zipFile{"word/document.xml", b.String()},
	)
}

// readingsXLSX is the table of soil moisture readings: two sheets with inline strings.
func readingsXLSX() ([]byte, error) {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	cols := "ABCDEFGH"
	sheet := func(rows [][]string) string {
		var b strings.Builder
		b.WriteString(xmlHead + `<worksheet ` + ns + `><sheetData>`)
		for i, row := range rows {
			fmt.Fprintf(&b, `<row r="%d">`, i+1)
			for j, v := range row {
				ref := fmt.Sprintf("%c%d", cols[j], i+1)
				if v != "" && strings.Trim(v, "0123456789") == "" {
					fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, v)
				} else {
					fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, v)
				}
			}
			b.WriteString(`</row>`)
		}
		b.WriteString(`</sheetData></worksheet>`)
		return b.String()
	}
	readings := [][]string{
		{"Standort", "Baumart", "Juni (kPa)", "Juli (kPa)", "August (kPa)", "Ampel im August"},
		{"Ostring", "Feldahorn", "85", "240", "480", "rot"},
		{"Südpark", "Winterlinde", "60", "150", "210", "gelb"},
		{"Marktstraße", "Amberbaum", "70", "130", "180", "gelb"},
		{"Goethepark", "Stieleiche", "40", "90", "120", "grün"},
	}
	tours := [][]string{
		{"Monat", "Gießfahrten 2023", "Gießfahrten 2024"},
		{"Juni", "18", "11"},
		{"Juli", "26", "17"},
		{"August", "27", "19"},
	}
	return makeZip(
		contentTypes("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
		rels("_rels/.rels", relOffice, "xl/workbook.xml"),
		zipFile{"xl/workbook.xml", xmlHead + `<workbook ` + ns + `><sheets>` +
			`<sheet name="Messwerte" sheetId="1" r:id="rId1"/><sheet name="Gießfahrten" sheetId="2" r:id="rId2"/></sheets></workbook>`},
		rels("xl/_rels/workbook.xml.rels", relSheet, "worksheets/sheet1.xml", relSheet, "worksheets/sheet2.xml"),
		zipFile{"xl/worksheets/sheet1.xml", sheet(readings)},
		zipFile{"xl/worksheets/sheet2.xml", sheet(tours)},
	)
}
