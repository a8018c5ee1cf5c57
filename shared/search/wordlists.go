package search

import (
	"strings"
)

// Word lists the coordinators maintain, besides the bundled ones in lexicon/: synonym
// groups, which only queries use, so that a change needs no rebuild; and protected words,
// which the analysis of the entries uses, so that a change needs one (they are given to
// SetProtected together with the names of the municipalities).

// SetSynonyms sets synonym groups in addition to those of lexicon/synonyme.txt, in the same
// format: one group a line, its members separated by "=", lines starting with # ignored.
// Queries use them at once; the index needs no rebuild. Groups that share a member with
// another group, bundled or not, are joined into one: "ÖPNV = Bus" extends the bundled
// group of ÖPNV, so that a search for "Bus" also finds "Nahverkehr". Members of stop words
// only are left out (see UnusableSynonyms).
func (ix *Index) SetSynonyms(text string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.synExtra = text
	ix.syn = ix.synonymsWith(ix.qa)
}

// synonymsWith returns the synonym groups of the bundled list and of SetSynonyms, analysed
// with qa. The caller holds ix.mu.
func (ix *Index) synonymsWith(qa *queryAnalyzer) *synonyms {
	return parseSynonyms(mergeSynonymGroups(synonymsText+"\n"+ix.synExtra, qa), qa)
}

// mergeSynonymGroups returns the groups of text (lines "A = B = C") with the groups that
// share a member joined, one group a line. Members are the same if their analysed words
// are; each is kept once, as first written. Members of stop words only are left out.
func mergeSynonymGroups(text string, qa *queryAnalyzer) string {
	type member struct{ text, key string }
	var (
		groups [][]member
		parent []int              // union-find over groups
		owner  = map[string]int{} // member key → a group that has it
	)
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, line := range wordList(text, true) {
		g := len(groups)
		parent = append(parent, g)
		var ms []member
		for _, m := range strings.Split(line, "=") {
			key := memberKey(qa, m)
			if key == "" {
				continue
			}
			ms = append(ms, member{strings.TrimSpace(m), key})
			if o, ok := owner[key]; ok {
				parent[find(g)] = find(o)
			} else {
				owner[key] = g
			}
		}
		groups = append(groups, ms)
	}
	var order []int // roots in the order of their first group
	joined := map[int][]member{}
	for g, ms := range groups {
		r := find(g)
		if _, ok := joined[r]; !ok {
			order = append(order, r)
			joined[r] = nil
		}
		joined[r] = append(joined[r], ms...)
	}
	var b strings.Builder
	for _, r := range order {
		seen := map[string]bool{}
		var texts []string
		for _, m := range joined[r] {
			if !seen[m.key] {
				seen[m.key] = true
				texts = append(texts, m.text)
			}
		}
		if len(texts) >= 2 {
			b.WriteString(strings.Join(texts, " = "))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// memberKey returns the analysed words of a member, "" if it has none.
func memberKey(qa *queryAnalyzer, m string) string {
	ws := qa.words(m)
	keys := make([]string, len(ws))
	for i, w := range ws {
		keys[i] = w.folded
	}
	return strings.Join(keys, " ")
}

// UnusableSynonym is a member of a synonym group that search leaves out: it consists of
// stop words only ("die", "und so weiter").
type UnusableSynonym struct {
	Line   int // counted from 1, blank lines and comments included
	Member string
}

// UnusableSynonyms returns the members of the groups in text (the format of SetSynonyms)
// that search leaves out.
func (ix *Index) UnusableSynonyms(text string) []UnusableSynonym {
	ix.mu.RLock()
	qa := ix.qa
	ix.mu.RUnlock()
	var out []UnusableSynonym
	for i, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, m := range strings.Split(line, "=") {
			if m = strings.TrimSpace(m); m != "" && memberKey(qa, m) == "" {
				out = append(out, UnusableSynonym{Line: i + 1, Member: m})
			}
		}
	}
	return out
}
