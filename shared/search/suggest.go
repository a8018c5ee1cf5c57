package search

import (
	"context"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// suggestFields are the fields whose words a "Meinten Sie …?" suggestion is made of.
var suggestFields = []string{fieldTitle, fieldSummary, fieldBody}

// suggest returns text with each of words (words no entry within scope contains) replaced
// by the word of those entries fewest typos away (see fuzziness; the most common one of
// those), as it is written in one of them; "" if no word was replaced. Words only entries
// outside scope have are never candidates: they would be checked away (see suggestion),
// and a visible word further away would not be suggested in their place.
func (ix *Index) suggest(ctx context.Context, snap *snapshot, scope []*roaring.Bitmap, text string, words []queryWord) string {
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
		counted := map[string]uint64{}
		for _, f := range suggestFields {
			dict, err := snap.r.FieldDictFuzzy(f, w.term, d, string([]rune(w.term)[:fuzzyPrefix]))
			if err != nil {
				continue
			}
			for e, err := dict.Next(); err == nil && e != nil; e, err = dict.Next() {
				if e.EditDistance > bestDist {
					continue
				}
				n, ok := counted[e.Term]
				if !ok {
					if n, err = snap.docFreq(scope, e.Term, suggestFields); err != nil {
						n = 0
					}
					counted[e.Term] = n
				}
				if n > 0 && (e.EditDistance < bestDist || n > bestCount) {
					best, bestCount, bestDist = e.Term, n, e.EditDistance
				}
			}
			_ = dict.Close()
		}
		if best == "" {
			continue
		}
		if surface := ix.surface(snap, scope, best); surface != "" {
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

// docFreqFields are the fields of the entry itself, by whose words Similar compares
// entries (see snapshot.docFreq).
var docFreqFields = []string{fieldTitle, fieldSummary, fieldBody, fieldTags, fieldTopicNames}

// knownFields are the fields in which a word of a query counts as known: no typos are
// looked for in it (see unknownWords). A word found only in the files of entries the
// viewer may see is known; one found only in files of other entries is not.
var knownFields = append(slices.Clone(docFreqFields), fieldFiles)

// surface returns a word of an entry within scope whose analysed term is term, as written
// there; "" if none is found.
func (ix *Index) surface(snap *snapshot, scope []*roaring.Bitmap, term string) string {
	for _, f := range suggestFields {
		for s := range snap.segs {
			seg := &snap.segs[s]
			dict, err := seg.seg.Dictionary(f)
			if err != nil {
				continue
			}
			pl, err := dict.PostingsList([]byte(term), nil, nil)
			if err != nil {
				continue
			}
			bm := roaring.New()
			orInto(pl, bm)
			bm.And(scope[s])
			if bm.IsEmpty() {
				continue
			}
			var text string
			err = seg.ss.VisitDocument(uint64(bm.Minimum()), func(field string, _ byte, value []byte, _ []uint64) bool {
				if field == f {
					text = string(value)
					return false
				}
				return true
			})
			if err != nil {
				continue
			}
			for _, tok := range ix.analyzer.Analyze([]byte(text)) {
				if string(tok.Term) == term && tok.End <= len(text) {
					return text[tok.Start:tok.End]
				}
			}
		}
	}
	return ""
}
