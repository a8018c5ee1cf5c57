package search

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	"github.com/blevesearch/bleve/v2/search/highlight/format/html"
)

const (
	// snippetLength is the length of a highlight in characters at most, without the
	// ellipses; snippetLead is how many characters it shows before the match it is built
	// around.
	snippetLength = 160
	snippetLead   = 50
	// maxSnippets is the number of highlights of a hit.
	maxSnippets = 2
	// maxLocationsPerTerm bounds the matches of one term considered for snippets.
	maxLocationsPerTerm = 8
	// ellipsis marks a snippet that starts or ends inside the text.
	ellipsis = "…"
)

// highlightFields are the fields snippets are taken from, in order of preference.
var highlightFields = []string{fieldBody, fieldSummary, fieldTitle}

// highlights returns the snippets of the field in highlightFields in which the most distinct
// terms matched, whole words counting twice as much as parts of compounds; on a tie, the
// earlier field in highlightFields.
func highlights(locs bsearch.FieldTermLocationMap, stored map[string]string) []string {
	best, bestWeight := "", 0
	for _, field := range highlightFields {
		if w := matchWeight(locs[field]); w > bestWeight {
			best, bestWeight = field, w
		}
	}
	if best == "" {
		return nil
	}
	text := stored[best]
	if text == "" {
		return nil
	}
	return snippets([]byte(text), locs[best], maxSnippets)
}

// matchWeight counts the distinct terms of tlm, whole words twice.
func matchWeight(tlm bsearch.TermLocationMap) int {
	w := 0
	for term := range tlm {
		if strings.HasPrefix(term, partMarker) {
			w++
		} else {
			w += 2
		}
	}
	return w
}

// snippets returns up to n non-overlapping pieces of text around the matches in tlm as
// HTML: the text is escaped (by bleve's HTML fragment formatter) and every match is wrapped
// in <mark>…</mark>. The first piece is the one with the most distinct terms; each further
// one adds the most terms not shown yet. They are returned in text order.
func snippets(text []byte, tlm bsearch.TermLocationMap, n int) []string {
	locs := highlight.OrderTermLocations(tlm)
	perTerm := map[string]int{}
	locs = slices.DeleteFunc(locs, func(l *highlight.TermLocation) bool {
		if l.Start < 0 || l.End > len(text) || l.Start >= l.End || perTerm[l.Term] == maxLocationsPerTerm {
			return true
		}
		perTerm[l.Term]++
		return false
	})
	frags := make([]*highlight.Fragment, 0, len(locs))
	for _, l := range locs {
		f := window(text, l)
		if !slices.ContainsFunc(frags, func(g *highlight.Fragment) bool { return g.Start == f.Start && g.End == f.End }) {
			frags = append(frags, f)
		}
	}

	var chosen []*highlight.Fragment
	shown := make(map[string]bool)
	for len(chosen) < n {
		var best *highlight.Fragment
		bestScore := 0
		for _, f := range frags {
			if slices.ContainsFunc(chosen, f.Overlaps) {
				continue
			}
			if s := fragmentScore(f, locs, shown); s > bestScore {
				best, bestScore = f, s
			}
		}
		if best == nil {
			break
		}
		chosen = append(chosen, best)
		for _, l := range locs {
			if l.Start >= best.Start && l.End <= best.End {
				shown[l.Term] = true
			}
		}
	}
	slices.SortFunc(chosen, func(a, b *highlight.Fragment) int { return a.Start - b.Start })

	marks := mergeOverlapping(locs)
	format := html.NewFragmentFormatter("<mark>", "</mark>")
	out := make([]string, 0, len(chosen))
	for _, f := range chosen {
		s := format.Format(f, marks)
		if f.Start > 0 {
			s = ellipsis + s
		}
		if f.End < len(text) {
			s += ellipsis
		}
		out = append(out, s)
	}
	return out
}

// window returns the piece of text to show around the match l: about snippetLength
// characters with the match about snippetLead characters in, unless the text starts or ends
// sooner, and then shortened to whole words.
func window(text []byte, l *highlight.TermLocation) *highlight.Fragment {
	start, end, used := l.Start, l.Start, 0
	for ; used < snippetLead && start > 0; used++ {
		_, size := utf8.DecodeLastRune(text[:start])
		start -= size
	}
	for ; used < snippetLength && end < len(text); used++ {
		_, size := utf8.DecodeRune(text[end:])
		end += size
	}
	for ; used < snippetLength && start > 0; used++ { // the text ended: use the room before
		_, size := utf8.DecodeLastRune(text[:start])
		start -= size
	}
	end = max(end, l.End)
	// Move the ends inwards to the nearest spaces, without cutting off the match.
	if start > 0 && !isSpace(text[start-1]) {
		if i := bytes.IndexFunc(text[start:l.Start], unicode.IsSpace); i >= 0 {
			start += i + 1
		}
	}
	if end < len(text) && !isSpace(text[end]) {
		if i := bytes.LastIndexFunc(text[l.End:end], unicode.IsSpace); i >= 0 {
			end = l.End + i
		}
	}
	return &highlight.Fragment{Orig: text, Start: start, End: end}
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

// fragmentScore rates f by the distinct terms in it, terms not yet shown counting most. It
// is 0 for a fragment without matches.
func fragmentScore(f *highlight.Fragment, locs highlight.TermLocations, shown map[string]bool) int {
	seen := make(map[string]bool)
	score := 0
	for _, l := range locs {
		if l.Start < f.Start || l.End > f.End || seen[l.Term] {
			continue
		}
		seen[l.Term] = true
		score++
		if !shown[l.Term] {
			score += 1000
		}
	}
	return score
}

// mergeOverlapping returns locs (ordered by start) with overlapping matches joined, so that
// no <mark> is nested in another.
func mergeOverlapping(locs highlight.TermLocations) highlight.TermLocations {
	out := make(highlight.TermLocations, 0, len(locs))
	for _, l := range locs {
		if last := len(out) - 1; last >= 0 && l.Start < out[last].End {
			if l.End > out[last].End {
				merged := *out[last]
				merged.End = l.End
				out[last] = &merged
			}
			continue
		}
		out = append(out, l)
	}
	return out
}
