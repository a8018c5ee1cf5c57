package search

import (
	"slices"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	"github.com/blevesearch/bleve/v2/search/highlight/format/html"
	"github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
)

const (
	// snippetLength is the length of a highlight in characters, without the ellipses.
	snippetLength = 160
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
// terms matched; on a tie, the earlier field in highlightFields.
func highlights(dm *bsearch.DocumentMatch, stored func(string) string) []string {
	best := ""
	for _, field := range highlightFields {
		if len(dm.Locations[field]) > len(dm.Locations[best]) {
			best = field
		}
	}
	if best == "" {
		return nil
	}
	text := stored(best)
	if text == "" {
		return nil
	}
	return snippets([]byte(text), dm.Locations[best], maxSnippets)
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
	frags := simple.NewFragmenter(snippetLength).Fragment(text, locs)

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
		wholeWords(f, text, locs)
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

// wholeWords moves the ends of f inwards to the nearest spaces, so that it neither starts
// nor ends inside a word, without cutting off a match.
func wholeWords(f *highlight.Fragment, text []byte, locs highlight.TermLocations) {
	first, last := f.End, f.Start
	for _, l := range locs {
		if l.Start >= f.Start && l.End <= f.End {
			first, last = min(first, l.Start), max(last, l.End)
		}
	}
	if f.Start > 0 && !isSpace(text[f.Start-1]) {
		for i := f.Start; i < first; i++ {
			if isSpace(text[i]) {
				f.Start = i + 1
				break
			}
		}
	}
	if f.End < len(text) && !isSpace(text[f.End]) {
		for i := f.End - 1; i >= last; i-- {
			if isSpace(text[i]) {
				f.End = i
				break
			}
		}
	}
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
