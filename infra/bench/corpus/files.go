package corpus

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Files returns docs with files added, generated from seed, as app.document gives them
// to the index: their metadata and the text read from them. The entries themselves are
// those of docs, unchanged, so that an index with files and one without hold the same
// entries.
//
// Two in five entries get one to three files: PDFs (60 %) of 2 to 12 pages, DOCX (20 %)
// of one part of 3 to 12 body-sized sections, PPTX (10 %) of 5 to 20 slides of about 40
// words and XLSX (10 %) of 1 to 3 sheets. Every page or section is written from the same
// vocabulary as the bodies (about 300 words, 2.2 KB): on average 2 files and 28 KB of text
// per entry with files, about 11 KB per entry in all — five times the text of the
// entries themselves.
func Files(docs []search.Document, seed int64) []search.Document {
	g := generator{rnd: rand.New(rand.NewPCG(uint64(seed), 0xf11e5))}
	out := slices.Clone(docs)
	for i := range out {
		if g.rnd.IntN(5) >= 2 {
			continue
		}
		d := &out[i]
		m := municipality{d.Municipality, d.MunicipalityName}
		var ts []topic
		for _, slug := range d.Topics {
			if j := slices.IndexFunc(topics, func(t topic) bool { return t.slug == slug }); j >= 0 {
				ts = append(ts, topics[j])
			}
		}
		if len(ts) == 0 {
			ts = topics[:1]
		}
		year := max(d.Year, 2015)
		for k := range 1 + g.rnd.IntN(3) {
			d.Files = append(d.Files, g.file(fmt.Sprintf("%sF%d", d.ID, k), m, ts, year))
		}
	}
	return out
}

// fileTitles are what files of entries are called.
var fileTitles = []string{"Abschlussbericht", "Projektbericht", "Leitfaden", "Präsentation", "Kostenaufstellung",
	"Ausschreibungsunterlagen", "Protokoll der Lenkungsgruppe", "Konzept", "Evaluation", "Förderbescheid"}

func (g *generator) file(id string, m municipality, ts []topic, year int) search.File {
	format := weighted(g, []string{"pdf", "docx", "pptx", "xlsx"}, []int{60, 20, 10, 10})
	title := fmt.Sprintf("%s %s", pick(g, fileTitles), pick(g, ts[0].things))
	f := search.File{ID: id, Title: title, Format: format,
		Name: strings.ReplaceAll(fmt.Sprintf("%s_%s_%d.%s", title, m.name, year, format), " ", "_")}
	switch format {
	case "pdf":
		for p := range 2 + g.rnd.IntN(11) {
			f.Parts = append(f.Parts, wiki.TextPart{Label: fmt.Sprintf("Seite %d", p+1), Text: g.body(m, ts, year)})
		}
	case "docx":
		var b strings.Builder
		for range 3 + g.rnd.IntN(10) {
			b.WriteString(g.body(m, ts, year))
			b.WriteByte('\n')
		}
		f.Parts = []wiki.TextPart{{Text: strings.TrimSpace(b.String())}}
	case "pptx":
		for p := range 5 + g.rnd.IntN(16) {
			words := strings.Fields(g.body(m, ts, year))
			start := g.rnd.IntN(len(words) - 40)
			f.Parts = append(f.Parts, wiki.TextPart{Label: fmt.Sprintf("Folie %d", p+1), Text: strings.Join(words[start:start+40], " ")})
		}
	case "xlsx":
		for s := range 1 + g.rnd.IntN(3) {
			var b strings.Builder
			b.WriteString("Posten Betrag Anteil\n")
			for range 60 {
				fmt.Fprintf(&b, "%s %d %d %%\n", upper(pick(g, ts[g.rnd.IntN(len(ts))].things)), 500+g.rnd.IntN(99500), g.rnd.IntN(100))
			}
			f.Parts = append(f.Parts, wiki.TextPart{Label: []string{"Kosten", "Zeitplan", "Übersicht"}[s], Text: strings.TrimSpace(b.String())})
		}
	}
	return f
}
