package search

import (
	"context"
	"strings"

	index "github.com/blevesearch/bleve_index_api"
)

// suggestFields are the fields whose words a "Meinten Sie …?" suggestion is made of.
var suggestFields = []string{fieldTitle, fieldSummary, fieldBody}

// suggest returns text with each of words (words no entry contains) replaced by the word
// of the index fewest typos away (see fuzziness; the most common one of those), as it is
// written in an entry; "" if no word was replaced.
func (ix *Index) suggest(ctx context.Context, r index.IndexReader, text string, words []queryWord) string {
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return ""
	}
	type replacement struct {
		start, end int
		word       string
	}
	var reps []replacement
	for _, w := range words {
		d := fuzziness(w.term)
		if d == 0 || ctx.Err() != nil {
			continue
		}
		best, bestCount, bestDist := "", uint64(0), uint8(255)
		for _, f := range suggestFields {
			dict, err := fr.FieldDictFuzzy(f, w.term, d, string([]rune(w.term)[:fuzzyPrefix]))
			if err != nil {
				continue
			}
			for e, err := dict.Next(); err == nil && e != nil; e, err = dict.Next() {
				if e.EditDistance < bestDist || (e.EditDistance == bestDist && e.Count > bestCount) {
					best, bestCount, bestDist = e.Term, e.Count, e.EditDistance
				}
			}
			_ = dict.Close()
		}
		if best == "" {
			continue
		}
		if surface := ix.surface(ctx, r, best); surface != "" {
			reps = append(reps, replacement{w.start, w.end, surface})
		}
	}
	if len(reps) == 0 {
		return ""
	}
	var b strings.Builder
	last := 0
	for _, rep := range reps {
		if rep.start < last || rep.end > len(text) {
			continue
		}
		b.WriteString(text[last:rep.start])
		b.WriteString(rep.word)
		last = rep.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// docFreqFields are the fields in which a word counts as known (see snapshot.docFreq).
var docFreqFields = []string{fieldTitle, fieldSummary, fieldBody, fieldTags, fieldTopicNames}

// surface returns a word of an entry whose analysed term is term, as written there; "" if
// none is found.
func (ix *Index) surface(ctx context.Context, r index.IndexReader, term string) string {
	for _, f := range suggestFields {
		tfr, err := r.TermFieldReader(ctx, []byte(term), f, false, false, false)
		if err != nil {
			continue
		}
		var tfd index.TermFieldDoc
		m, err := tfr.Next(&tfd)
		_ = tfr.Close()
		if err != nil || m == nil {
			continue
		}
		id, err := r.ExternalID(m.ID)
		if err != nil {
			continue
		}
		doc, err := r.Document(id)
		if err != nil || doc == nil {
			continue
		}
		var text string
		doc.VisitFields(func(fl index.Field) {
			if fl.Name() == f {
				text = string(fl.Value())
			}
		})
		for _, tok := range ix.analyzer.Analyze([]byte(text)) {
			if string(tok.Term) == term && tok.End <= len(text) {
				return text[tok.Start:tok.End]
			}
		}
	}
	return ""
}
