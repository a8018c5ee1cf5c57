package search

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits of Similar.
const (
	// similarTerms is the number of significant terms an entry is compared by.
	similarTerms = 16
	// MaxSimilar is the number of similar entries Similar returns at most.
	MaxSimilar = 20
	// similarBodyBytes is how much of the body is read for terms: the start of a text
	// says what it is about, and a long body must not make an entry page slow.
	similarBodyBytes = 8000
)

// Similar returns up to n entries that look like d (more like this): the entries sharing
// most of d's significant terms — the words of its title, summary, tags and body weighted
// by how often they occur in d and how rare they are in the index (tf-idf; title and
// summary count more). The entry with d's ID is never among them; the filters and
// restrictions of q (States and Visibilities: the viewer's scope) apply, its text, sort and
// page are ignored. d need not be in the index: a draft being written finds its
// look-alikes too.
func (ix *Index) Similar(ctx context.Context, d Document, q Query, n int) ([]Hit, error) {
	n = min(max(n, 1), MaxSimilar)
	q.Text, q.Sort, q.Page, q.PerPage = "", SortRelevance, 1, n+1
	if err := q.normalize(); err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, errClosed
	}

	tf := map[string]float64{}
	for _, part := range []struct {
		text   string
		weight float64
	}{{d.Title, 3}, {d.Summary, 2}, {strings.Join(d.Tags, " "), 2}, {clipBytes(d.Body, similarBodyBytes), 1}} {
		for _, tok := range ix.analyzer.Analyze([]byte(part.text)) {
			if len([]rune(string(tok.Term))) >= 3 {
				tf[string(tok.Term)] += part.weight
			}
		}
	}
	if len(tf) == 0 {
		return []Hit{}, nil
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	// Statistics within the viewer's scope: which terms count as significant must not
	// depend on entries the viewer may not see.
	snap, err := ix.snapshotOf(r)
	if err != nil {
		_ = r.Close()
		return nil, err
	}
	scope := snap.scope(&q)
	var total uint64
	for _, bm := range scope {
		total += bm.GetCardinality()
	}
	type scored struct {
		term  string
		score float64
	}
	var terms []scored
	for t, f := range tf {
		df, err := snap.docFreq(scope, t, docFreqFields)
		if err != nil {
			_ = r.Close()
			return nil, err
		}
		if d.ID != "" && df > 0 && inScope(&q, d) {
			df-- // d itself, if indexed
		}
		if df < 1 {
			continue // no other entry has it
		}
		idf := math.Log(1 + float64(total)/float64(df+1))
		terms = append(terms, scored{t, math.Sqrt(f) * idf})
	}
	_ = r.Close()
	if len(terms) == 0 {
		return []Hit{}, nil
	}
	slices.SortFunc(terms, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(a.term, b.term))
	})
	terms = terms[:min(len(terms), similarTerms)]
	es := make([]*expr, len(terms))
	names := make([]string, len(terms))
	for i, t := range terms {
		es[i], names[i] = anyExpr(t.score, fieldExprs(t.term, false)...), t.term
	}
	res, err := ix.run(ctx, &q, anyExpr(1, es...), names, false)
	if err != nil {
		return nil, err
	}
	hits := slices.DeleteFunc(res.Hits, func(h Hit) bool { return h.ID == d.ID })
	return hits[:min(len(hits), n)], nil
}

// inScope reports whether d passes the restrictions of q (States, Visibilities).
func inScope(q *Query, d Document) bool {
	return (len(q.States) == 0 || slices.Contains(q.States, d.State)) &&
		(len(q.Visibilities) == 0 || slices.Contains(q.Visibilities, d.Visibility))
}

// clipBytes returns s cut to at most n bytes, at a character boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
