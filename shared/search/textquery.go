package search

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// Weights of the ways a query word can match besides the word itself.
const (
	partsBoost    = 0.4 // the word is a part of a compound in the entry
	compoundBoost = 0.5 // the parts of a compound query word occur in the entry
	synonymBoost  = 0.8 // a synonym of the words occurs
	fuzzyBoost    = 0.3 // a word one or two edits away occurs
	fuzzyPrefix   = 1   // letters at the start of a word a typo is not looked for in
	// maxFuzzyWords and maxFuzzyLen bound the cost of looking for typos: at most this many
	// words of a query, each of at most this many letters.
	maxFuzzyWords = 3
	maxFuzzyLen   = 30
)

// fuzzyFields are the fields words with typos are looked for in.
var fuzzyFields = []struct {
	field string
	boost float64
}{{fieldTitle, 4}, {fieldSummary, 2}, {fieldTags, 2}, {fieldBody, 1}}

// synonyms are groups of words and phrases that stand for each other in a query.
type synonyms struct {
	// groups hold the analysed words of each member.
	groups [][][]queryWord
	// first maps the folded first word of a member to the groups and members it starts.
	first map[string][][2]int
}

// parseSynonyms reads groups of the form "ÖPNV = Nahverkehr = öffentlicher Verkehr", one a
// line; members that are only stop words are left out.
func parseSynonyms(text string, a *queryAnalyzer) *synonyms {
	s := &synonyms{first: map[string][][2]int{}}
	for _, line := range wordList(text, true) {
		var group [][]queryWord
		for _, m := range strings.Split(line, "=") {
			if ws := a.words(m); len(ws) > 0 {
				group = append(group, ws)
			}
		}
		if len(group) < 2 {
			continue
		}
		g := len(s.groups)
		s.groups = append(s.groups, group)
		for i, m := range group {
			s.first[m[0].folded] = append(s.first[m[0].folded], [2]int{g, i})
		}
	}
	return s
}

// match returns the group and member of the longest member that words starts with, and its
// length in words; 0 if none does.
func (s *synonyms) match(words []queryWord) (group, member, n int) {
	for _, gm := range s.first[words[0].folded] {
		m := s.groups[gm[0]][gm[1]]
		if len(m) <= n || len(m) > len(words) {
			continue
		}
		ok := true
		for i := range m {
			if m[i].folded != words[i].folded {
				ok = false
				break
			}
		}
		if ok {
			group, member, n = gm[0], gm[1], len(m)
		}
	}
	return group, member, n
}

// textPlan is a query text analysed and expanded: its clauses (one per word or synonym
// group) and every term that may be marked in snippets.
type textPlan struct {
	words   []queryWord
	clauses []*expr
	phrases []*expr // of the quoted parts of the text, required with all clauses
	terms   []string
}

// maxPhrases is the number of quoted phrases of a text that are searched as phrases.
const maxPhrases = 4

// phraseFields are the fields a quoted phrase is looked for in.
var phraseFields = []string{fieldTitle, fieldSummary, fieldTags, fieldBody}

// phrases returns the quoted parts of text of two words or more, at most maxPhrases; an
// unbalanced quote counts as no quote.
func phrases(text string) []string {
	var out []string
	segs := strings.Split(strings.NewReplacer("„", `"`, "“", `"`, "”", `"`).Replace(text), `"`)
	for i := 1; i < len(segs)-1; i += 2 {
		if len(strings.Fields(segs[i])) >= 2 && len(out) < maxPhrases {
			out = append(out, segs[i])
		}
	}
	return out
}

// phraseExpr matches the words of phrase next to each other in one of phraseFields.
func phraseExpr(phrase string) *expr {
	qs := make([]query.Query, len(phraseFields))
	for i, f := range phraseFields {
		pq := query.NewMatchPhraseQuery(phrase)
		pq.SetField(f)
		qs[i] = pq
	}
	return &expr{kind: exprQuery, boost: 1, q: query.NewDisjunctionQuery(qs)}
}

// plan analyses text into at most maxTerms words and builds their clauses: a word matches
// as itself in the text fields, as a part of a compound there, if it is a compound
// by all its parts, and through its synonyms. A nil fuzzy gives the first, strict query;
// otherwise it is the loose one for few hits: compounds also match by their parts found
// anywhere, and the words fuzzy holds (folded) also with one typo (five letters or more)
// or two (eight or more).
func (ix *Index) plan(text string, fuzzy map[string]bool) *textPlan {
	p := &textPlan{}
	seen := map[string]bool{}
	for _, w := range ix.qa.words(text) {
		if seen[w.term] {
			continue
		}
		seen[w.term] = true
		p.words = append(p.words, w)
		if len(p.words) == maxTerms {
			break
		}
	}
	// addTerm adds t and t as a part of compounds: snippets mark the compound then.
	addTerm := func(t string) {
		for _, have := range p.terms {
			if have == t {
				return
			}
		}
		p.terms = append(p.terms, t, partMarker+t)
	}
	for i := 0; i < len(p.words); {
		g, m, n := 0, 0, 0
		if ix.syn != nil {
			g, m, n = ix.syn.match(p.words[i:])
		}
		if n == 0 {
			p.clauses = append(p.clauses, wordExpr(p.words[i], fuzzy != nil, fuzzy[p.words[i].folded]))
			addTerm(p.words[i].term)
			i++
			continue
		}
		alts := []*expr{wordsExpr(p.words[i:i+n], fuzzy, 1)}
		for _, w := range p.words[i : i+n] {
			addTerm(w.term)
		}
		for j, member := range ix.syn.groups[g] {
			if j == m {
				continue
			}
			alts = append(alts, wordsExpr(member, nil, synonymBoost))
			for _, w := range member {
				addTerm(w.term)
			}
		}
		p.clauses = append(p.clauses, anyExpr(1, alts...))
		i += n
	}
	if len(p.clauses) > 0 {
		for _, ph := range phrases(text) {
			p.phrases = append(p.phrases, phraseExpr(ph))
		}
	}
	return p
}

// expr returns what p asks for: every clause and phrase (all) or any clause.
func (p *textPlan) expr(all bool) *expr {
	if all && len(p.phrases) > 0 {
		return allExpr(1, append(slices.Clone(p.clauses), p.phrases...)...)
	}
	if len(p.clauses) == 1 {
		return p.clauses[0]
	}
	if all {
		return allExpr(1, p.clauses...)
	}
	return anyExpr(1, p.clauses...)
}

// wordsExpr requires all of ws, weighted by boost.
func wordsExpr(ws []queryWord, fuzzy map[string]bool, boost float64) *expr {
	if len(ws) == 1 {
		e := wordExpr(ws[0], fuzzy != nil, fuzzy[ws[0].folded])
		e.boost *= boost
		return e
	}
	es := make([]*expr, len(ws))
	for i, w := range ws {
		es[i] = wordExpr(w, fuzzy != nil, fuzzy[w.folded])
	}
	return allExpr(boost, es...)
}

// partExprs match term as a part of a compound, in the fields of fieldBoosts with a
// weight partsBoost times theirs.
func partExprs(term string) []*expr {
	es := make([]*expr, 0, len(fieldBoosts))
	for _, fb := range fieldBoosts {
		if fb.field == fieldMunicipalityName {
			continue // names are not split
		}
		es = append(es, termExpr(fb.field, partMarker+term, fb.boost*partsBoost))
	}
	return es
}

// wordExpr matches one query word; loose, a compound also by its parts wherever they
// are, and with fuzzy, with typos.
func wordExpr(w queryWord, loose, fuzzy bool) *expr {
	alts := append(fieldExprs(w.term, true), partExprs(w.term)...)
	if len(w.parts) > 1 && loose {
		parts := make([]*expr, len(w.parts))
		for i, p := range w.parts {
			parts[i] = anyExpr(1, append(fieldExprs(p, true), partExprs(p)...)...)
		}
		alts = append(alts, allExpr(compoundBoost, parts...))
	}
	if d := fuzziness(w.term); fuzzy && d > 0 {
		for _, f := range fuzzyFields {
			alts = append(alts, &expr{kind: exprFuzzy, field: f.field, term: w.term, fuzziness: d, boost: f.boost * fuzzyBoost})
		}
	}
	return anyExpr(1, alts...)
}

// fuzziness is the number of typos looked for in a term: none below five letters, one
// below eight, two from eight; none above maxFuzzyLen.
func fuzziness(term string) int {
	switch n := utf8.RuneCountInString(term); {
	case n > maxFuzzyLen:
		return 0
	case n >= 8:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}
