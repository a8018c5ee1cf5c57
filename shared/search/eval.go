package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
	"github.com/blevesearch/vellum/levenshtein"
)

// A text search is evaluated here rather than by bleve's searchers, on the segments of one
// snapshot of the index, in two steps:
//
//  1. Which entries match is worked out on whole postings lists with roaring bitmaps: the
//     union of the ways a word can match, the intersection over the words, the filters.
//     The total and the facet counts come from the bitmaps too (see segmentCache).
//  2. How well they match is summed term by term into one score per matching entry, and
//     only the best ones are kept.
//
// bleve's searchers instead walk all postings of a query in step, one matching entry at
// a time, through a heap of searchers per disjunction: a word of a query looks for itself
// and for its compound parts in six fields, and that walk made up most of the time of a
// search. The score is the classic tf-idf of bleve's term scorer — boost · idf² · √tf ·
// norm, idf = 1 + ln(N/(df+1)) — summed over the terms that match, without bleve's
// coordination factor.

// exprKind is the kind of an expr.
type exprKind uint8

const (
	exprTerm   exprKind = iota // term in field
	exprAny                    // any of kids; scores the sum of those that match
	exprAll                    // all of kids
	exprFuzzy                  // term in field with up to fuzziness typos
	exprQuery                  // entries matching a bleve query (phrases); adds no score
	exprPrefix                 // any term of field beginning with term
)

// expr is what a query text asks for: a tree of terms in fields.
type expr struct {
	kind      exprKind
	field     string
	term      string
	fuzziness int
	boost     float64 // weight of the matches below, multiplied along the path
	kids      []*expr
	q         query.Query
}

func termExpr(field, term string, boost float64) *expr {
	return &expr{kind: exprTerm, field: field, term: term, boost: boost}
}

func anyExpr(boost float64, kids ...*expr) *expr {
	return &expr{kind: exprAny, boost: boost, kids: kids}
}

func allExpr(boost float64, kids ...*expr) *expr {
	return &expr{kind: exprAll, boost: boost, kids: kids}
}

// evaluation is one expr evaluated on one snapshot.
type evaluation struct {
	ctx    context.Context
	snap   *snapshot
	leaves []*expr                   // the terms of the expr, fuzzy ones expanded
	idf2   []float64                 // per leaf: idf², or 0 if no entry has the term
	docs   map[*expr]*roaring.Bitmap // exprQuery: the global numbers of the entries matching
	segs   []segEvaluation           // per segment of snap
	scope  []*roaring.Bitmap         // per segment: the entries term statistics count (see snapshot.scope)
	dicts  []map[string]segment.TermDictionary
	leafOf map[*expr]int
}

// segEvaluation is the part of an evaluation on one segment.
type segEvaluation struct {
	pls  []segment.PostingsList    // per leaf; nil if the segment lacks the term
	docs []*roaring.Bitmap         // per leaf: the entries having it, nil if none
	bits map[*expr]*roaring.Bitmap // entries of the segment matching an exprAll, by local number
}

// prepare expands the fuzzy terms of e into the terms of the index they stand for, runs
// its bleve queries, and collects its leaves. It returns the expanded expr.
func (ev *evaluation) prepare(e *expr) (*expr, error) {
	switch e.kind {
	case exprTerm:
		ev.leafOf[e] = len(ev.leaves)
		ev.leaves = append(ev.leaves, e)
		return e, nil
	case exprFuzzy, exprPrefix:
		// The terms of the index the word stands for, any of them.
		var terms []string
		var err error
		if e.kind == exprFuzzy {
			terms, err = ev.fuzzyTerms(e.field, e.term, e.fuzziness)
		} else {
			terms, err = ev.prefixTerms(e.field, e.term)
		}
		if err != nil {
			return nil, fmt.Errorf("search: expand %q: %w", e.term, err)
		}
		out := anyExpr(e.boost)
		for _, t := range terms {
			out.kids = append(out.kids, termExpr(e.field, t, 1))
		}
		return ev.prepare(out)
	case exprQuery:
		bm, err := ev.queryDocs(e.q)
		if err != nil {
			return nil, err
		}
		ev.docs[e] = bm
		return e, nil
	}
	out := *e
	out.kids = make([]*expr, len(e.kids))
	for i, k := range e.kids {
		var err error
		if out.kids[i], err = ev.prepare(k); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// maxFuzzyTerms bounds the terms of the index one word with typos stands for.
const maxFuzzyTerms = 50

// fuzzyTerms returns the terms of field, at most maxFuzzyTerms, that are at most fuzziness
// edits away from term and begin as it does (fuzzyPrefix). The automaton of term is built
// once per evaluation and shared by the fields.
func (ev *evaluation) fuzzyTerms(field, term string, fuzziness int) ([]string, error) {
	a, err := automaton(term, fuzziness)
	if err != nil {
		return nil, err
	}
	var start []byte
	if r := []rune(term); len(r) >= fuzzyPrefix {
		start = []byte(string(r[:fuzzyPrefix]))
	}
	return ev.dictTerms(field, a, start, maxFuzzyTerms)
}

// maxPrefixTerms bounds the terms of the index a prefix stands for; of more, those first
// in alphabetical order.
const maxPrefixTerms = 1000

// prefixTerms returns the terms of field that begin with prefix, at most maxPrefixTerms.
func (ev *evaluation) prefixTerms(field, prefix string) ([]string, error) {
	return ev.dictTerms(field, &vellum.AlwaysMatch{}, []byte(prefix), maxPrefixTerms)
}

// dictTerms returns the terms of field in all segments that begin with prefix and that a
// accepts, at most limit.
func (ev *evaluation) dictTerms(field string, a segment.Automaton, prefix []byte, limit int) ([]string, error) {
	var end []byte
	if len(prefix) > 0 {
		end = prefixEnd(prefix)
	}
	start := prefix
	seen := map[string]bool{}
	var out []string
	for s := range ev.snap.segs {
		dict, err := ev.dict(s, field)
		if err != nil {
			return nil, err
		}
		var it segment.DictionaryIterator
		if o, ok := dict.(interface {
			AutomatonIteratorOmitCount(segment.Automaton, []byte, []byte) segment.DictionaryIterator
		}); ok {
			it = o.AutomatonIteratorOmitCount(a, start, end)
		} else {
			it = dict.AutomatonIterator(a, start, end)
		}
		for len(out) < limit {
			de, err := it.Next()
			if err != nil {
				return nil, err
			}
			if de == nil {
				break
			}
			if !seen[de.Term] {
				seen[de.Term] = true
				out = append(out, de.Term)
			}
		}
	}
	return out, nil
}

// automaton returns the automaton that accepts the words at most fuzziness edits away
// from term. Automata are remembered, at most maxAutomata: building one takes longer than
// the rest of a search, and the same words with typos come again.
func automaton(term string, fuzziness int) (*levenshtein.DFA, error) {
	key := fmt.Sprintf("%d\x00%s", fuzziness, term)
	automata.mu.Lock()
	a, ok := automata.m[key]
	automata.mu.Unlock()
	if ok {
		return a, nil
	}
	lb, err := levenshteinBuilder(fuzziness)
	if err != nil {
		return nil, err
	}
	if a, err = lb.BuildDfa(term, uint8(fuzziness)); err != nil {
		return nil, err
	}
	automata.mu.Lock()
	if len(automata.m) >= maxAutomata {
		clear(automata.m)
	}
	automata.m[key] = a
	automata.mu.Unlock()
	return a, nil
}

const maxAutomata = 1024

var automata = struct {
	mu sync.Mutex
	m  map[string]*levenshtein.DFA
}{m: map[string]*levenshtein.DFA{}}

// levenshteinBuilder returns the builder of automata for fuzziness 1 or 2, made once: it
// takes a while.
func levenshteinBuilder(fuzziness int) (*levenshtein.LevenshteinAutomatonBuilder, error) {
	switch fuzziness {
	case 1:
		return levenshtein1()
	case 2:
		return levenshtein2()
	}
	return nil, fmt.Errorf("search: fuzziness %d", fuzziness)
}

var (
	levenshtein1 = sync.OnceValues(func() (*levenshtein.LevenshteinAutomatonBuilder, error) {
		return levenshtein.NewLevenshteinAutomatonBuilder(1, true)
	})
	levenshtein2 = sync.OnceValues(func() (*levenshtein.LevenshteinAutomatonBuilder, error) {
		return levenshtein.NewLevenshteinAutomatonBuilder(2, true)
	})
)

// prefixEnd returns the first key after all keys beginning with prefix; nil if there is
// none.
func prefixEnd(prefix []byte) []byte {
	end := slices.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// queryDocs returns the global numbers of the entries matching q.
func (ev *evaluation) queryDocs(q query.Query) (*roaring.Bitmap, error) {
	s, err := q.Searcher(ev.ctx, ev.snap.r, ev.snap.mapping, bsearch.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: ev.snap.r}
	bm := roaring.New()
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, fmt.Errorf("search: query: %w", err)
		}
		if dm == nil {
			return bm, nil
		}
		bm.Add(uint32(dm.IndexInternalID.Value()))
		sctx.DocumentMatchPool.Put(dm)
	}
}

// postings looks up the postings lists of the leaves in every segment and works out the
// weight of each leaf from the number of entries that have it.
func (ev *evaluation) postings() error {
	df := make([]uint64, len(ev.leaves))
	ev.segs = make([]segEvaluation, len(ev.snap.segs))
	for s := range ev.snap.segs {
		se := &ev.segs[s]
		se.pls = make([]segment.PostingsList, len(ev.leaves))
		se.docs = make([]*roaring.Bitmap, len(ev.leaves))
		se.bits = map[*expr]*roaring.Bitmap{}
		for i, l := range ev.leaves {
			dict, err := ev.dict(s, l.field)
			if err != nil {
				return err
			}
			pl, err := dict.PostingsList([]byte(l.term), nil, nil)
			if err != nil {
				return fmt.Errorf("search: postings %s:%s: %w", l.field, l.term, err)
			}
			if pl.Count() > 0 {
				se.pls[i] = pl
				se.docs[i] = roaring.New()
				orInto(pl, se.docs[i])
				df[i] += se.docs[i].AndCardinality(ev.scope[s])
			}
		}
	}
	var n float64
	for _, bm := range ev.scope {
		n += float64(bm.GetCardinality())
	}
	ev.idf2 = make([]float64, len(ev.leaves))
	for i, d := range df {
		if d > 0 {
			idf := 1 + math.Log(n/float64(d+1))
			ev.idf2[i] = idf * idf
		}
	}
	return nil
}

// dict returns the term dictionary of field in segment s.
func (ev *evaluation) dict(s int, field string) (segment.TermDictionary, error) {
	if ev.dicts[s] == nil {
		ev.dicts[s] = map[string]segment.TermDictionary{}
	}
	if d, ok := ev.dicts[s][field]; ok {
		return d, nil
	}
	d, err := ev.snap.segs[s].seg.Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("search: dictionary %s: %w", field, err)
	}
	ev.dicts[s][field] = d
	return d, nil
}

// matches returns the entries of segment s matching e, by local number; deleted entries may
// be among them. The bitmap may be shared: callers must not change it.
func (ev *evaluation) matches(s int, e *expr) *roaring.Bitmap {
	se := &ev.segs[s]
	switch e.kind {
	case exprTerm:
		if bm := se.docs[ev.leafOf[e]]; bm != nil {
			return bm
		}
		return roaring.New()
	case exprAny:
		if len(e.kids) == 1 {
			return ev.matches(s, e.kids[0])
		}
		bms := make([]*roaring.Bitmap, len(e.kids))
		for i, k := range e.kids {
			bms[i] = ev.matches(s, k)
		}
		return roaring.FastOr(bms...)
	case exprAll:
		bms := make([]*roaring.Bitmap, len(e.kids))
		for i, k := range e.kids {
			bms[i] = ev.matches(s, k)
		}
		slices.SortFunc(bms, func(a, b *roaring.Bitmap) int { return cmp.Compare(a.GetCardinality(), b.GetCardinality()) })
		bm := roaring.FastAnd(bms...)
		se.bits[e] = bm
		return bm
	case exprQuery:
		seg := ev.snap.segs[s]
		bm := roaring.New()
		it := ev.docs[e].Iterator()
		it.AdvanceIfNeeded(uint32(seg.offset))
		for it.HasNext() {
			v := uint64(it.Next())
			if v >= seg.offset+seg.count {
				break
			}
			bm.Add(uint32(v - seg.offset))
		}
		return bm
	}
	return roaring.New()
}

// orInto adds the entries of pl to bm.
func orInto(pl segment.PostingsList, bm *roaring.Bitmap) {
	if o, ok := pl.(interface{ OrInto(*roaring.Bitmap) }); ok {
		o.OrInto(bm)
		return
	}
	it := pl.Iterator(false, false, false, nil)
	for p, err := it.Next(); p != nil && err == nil; p, err = it.Next() {
		bm.Add(uint32(p.Number()))
	}
}

// scorer is one way a term adds to the score of the entries it is in: weighted, and
// counted only for the entries within (if not nil), those an enclosing exprAll matched.
type scorer struct {
	pl     segment.PostingsList
	docs   *roaring.Bitmap // the entries having the term
	weight float64
	within *roaring.Bitmap
	bound  float64 // the most it adds to the score of one entry
	count  uint64  // entries having the term
	key    string  // field and term, for the cache of bounds
	// norm, if not nil, is what the term adds to each entry having it, per local number
	// and times weight, however often it occurs there (see bodyImpact), and maxNorm the
	// largest of it; nil: worked out from the term's frequency and the field's length.
	norm    []float32
	maxNorm float64
}

// scorers returns the scorers of e in segment s.
func (ev *evaluation) scorers(s int, e *expr, weight float64, within *roaring.Bitmap, out []scorer) []scorer {
	weight *= e.boost
	switch e.kind {
	case exprTerm:
		i := ev.leafOf[e]
		if pl := ev.segs[s].pls[i]; pl != nil && ev.idf2[i] > 0 {
			sc := scorer{pl: pl, docs: ev.segs[s].docs[i], weight: weight * ev.idf2[i], within: within, count: pl.Count(), key: e.field + "\x00" + e.term}
			switch t := ev.snap.segs[s].cache; e.field {
			case fieldBody:
				sc.norm, sc.maxNorm = t.bodyNorm, float64(t.maxBodyNorm)
			case fieldSummary:
				sc.norm, sc.maxNorm = t.summaryNorm, float64(t.maxSummaryNorm)
			case fieldFiles:
				sc.norm, sc.maxNorm = t.fileNorm, float64(t.maxFileNorm)
			}
			out = append(out, sc)
		}
	case exprAny:
		for _, k := range e.kids {
			out = ev.scorers(s, k, weight, within, out)
		}
	case exprAll:
		bm := ev.segs[s].bits[e]
		if within != nil {
			bm = roaring.And(bm, within)
		}
		if !bm.IsEmpty() {
			for _, k := range e.kids {
				out = ev.scorers(s, k, weight, bm, out)
			}
		}
	}
	return out
}

// rank scores the entries docs of segment s (ascending local numbers) by e and returns
// those of them that may be among the best k, with their scores.
//
// It adds up the terms with the fewest entries first (titles, summaries, rare words).
// Before each further term it works out the score the k-th best entry has reached so
// far, which the k-th best has at least in the end: an entry that cannot reach it even if
// every remaining term added the most it can (see maxImpact) is dropped, and the
// remaining terms are looked up only for the entries left (MaxScore, term at a time). The
// terms of a body are common and weigh little, so many entries drop out before the long
// postings lists are read.
func (ev *evaluation) rank(s int, e *expr, docs []uint32, k int, buf *scratch) ([]uint32, []float64, error) {
	sc := ev.scorers(s, e, 1, nil, nil)
	// The order of adding must not vary between runs: sums of floats depend on it.
	slices.SortStableFunc(sc, func(a, b scorer) int {
		return cmp.Or(cmp.Compare(a.count, b.count), strings.Compare(a.key, b.key), cmp.Compare(a.weight, b.weight))
	})
	scores := buf.floats(len(docs))
	prune := k > 0 && len(sc) > 1
	remaining := 0.0 // the most the scorers not yet added can add
	if prune {
		for i := range sc {
			b := sc[i].maxNorm
			if sc[i].norm == nil {
				var err error
				if b, err = ev.snap.segs[s].cache.maxImpact(sc[i].key, sc[i].pl); err != nil {
					return nil, nil, err
				}
			}
			sc[i].bound = sc[i].weight * b
			remaining += sc[i].bound
		}
	}
	for i, t := range sc {
		if t.norm != nil {
			scorePresence(t.docs, t.weight, t.norm, docs, t.within, scores)
		} else if err := scoreTerm(t.pl, t.weight, docs, t.within, scores); err != nil {
			return nil, nil, err
		}
		remaining -= t.bound
		if !prune || i == len(sc)-1 || k >= len(docs) {
			continue
		}
		theta := kth(scores, k)
		if theta <= 0 {
			continue
		}
		n := 0
		for j, d := range docs {
			if scores[j]+remaining >= theta {
				docs[n], scores[n] = d, scores[j]
				n++
			}
		}
		docs, scores = docs[:n], scores[:n]
	}
	return docs, scores, nil
}

// scratch holds the buffers of a search, for the next one to reuse: the entries matching
// in a segment and their scores, up to a few megabytes for a large index.
type scratch struct {
	docs   []uint32
	scores []float64
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// entries returns the entries of bm, ascending, in the buffer.
func (b *scratch) entries(bm *roaring.Bitmap) []uint32 {
	n := int(bm.GetCardinality())
	if cap(b.docs) < n {
		b.docs = make([]uint32, n, n+n/4)
	}
	docs := b.docs[:n]
	bm.ManyIterator().NextMany(docs)
	return docs
}

// floats returns n zeros in the buffer.
func (b *scratch) floats(n int) []float64 {
	if cap(b.scores) < n {
		b.scores = make([]float64, n, n+n/4)
	}
	f := b.scores[:n]
	clear(f)
	return f
}

// kth returns the k-th largest of scores (1 ≤ k ≤ len(scores)).
func kth(scores []float64, k int) float64 {
	h := make([]float64, 0, k) // a heap of the k largest, the smallest first
	for _, v := range scores {
		if len(h) < k {
			h = append(h, v)
			for i := len(h) - 1; i > 0 && h[(i-1)/2] > h[i]; i = (i - 1) / 2 {
				h[(i-1)/2], h[i] = h[i], h[(i-1)/2]
			}
			continue
		}
		if v <= h[0] {
			continue
		}
		h[0] = v
		for i := 0; ; {
			m, l, r := i, 2*i+1, 2*i+2
			if l < k && h[l] < h[m] {
				m = l
			}
			if r < k && h[r] < h[m] {
				m = r
			}
			if m == i {
				break
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	return h[0]
}

// scoreTerm adds weight · √tf · norm of the postings pl to the scores of the entries docs
// that are within (if not nil). It walks the postings one by one, or, if there are many
// more postings than docs, skips ahead to each of docs.
func scoreTerm(pl segment.PostingsList, weight float64, docs []uint32, within *roaring.Bitmap, scores []float64) error {
	if len(docs) == 0 {
		return nil
	}
	skip := uint64(len(docs))*8 < pl.Count()
	it := pl.Iterator(true, true, false, nil)
	next := func(j int) (segment.Posting, error) {
		if skip {
			return it.Advance(uint64(docs[j]))
		}
		return it.Next()
	}
	j := 0
	p, err := next(0)
	for p != nil && err == nil {
		n := p.Number()
		switch d := uint64(docs[j]); {
		case n < d:
			p, err = next(j)
			continue
		case n > d:
			j += sortSearch(docs[j:], uint32(n))
			if j == len(docs) {
				return nil
			}
			continue
		}
		if within == nil || within.Contains(uint32(n)) {
			scores[j] += weight * impact(p)
		}
		j++
		if j == len(docs) {
			return nil
		}
		p, err = next(j)
	}
	if err != nil {
		return fmt.Errorf("search: postings: %w", err)
	}
	return nil
}

// bodyImpact is what a term of a body of bodyLengthNorm.ref words adds to the score of an
// entry, times its weight: about √tf · norm of a term found once or twice there. How often
// a word occurs in the body is not counted, only the body's length (see lengthNorm): in a
// body, being there at all says most, the judged collection ranks as well without it
// (infra/bench/relevance), and the entries having a word then come straight from the
// bitmap of its postings instead of decoding each posting, several times faster for the
// common words of bodies.
const bodyImpact = 0.15

// summaryImpact is the same for a summary of summaryLengthNorm.ref words; summaries are
// short and say a thing once.
const summaryImpact = 0.3

// fileImpact is the same for the text, titles and names of the files of an entry,
// fileLengthNorm.ref words in all: half of what the same term adds in a body of as many
// words. Files are long and say much besides what the entry is about; a word found in the
// entry itself weighs more.
const fileImpact = bodyImpact / 2

// lengthScale says how a text's length weighs a term found in it (see lengthNorm): a text
// of ref words gives impact, shorter ones more, longer ones less, as 1/√length; texts
// shorter than min count as min words long.
type lengthScale struct {
	impact   float64
	ref, min int
}

var (
	bodyLengthNorm    = lengthScale{impact: bodyImpact, ref: 150, min: 30}
	summaryLengthNorm = lengthScale{impact: summaryImpact, ref: 15, min: 5}
	fileLengthNorm    = lengthScale{impact: fileImpact, ref: 150, min: 30}
)

// scorePresence adds weight · norm[entry] to the scores of the entries docs (ascending
// local numbers) that are in has and within (if not nil).
func scorePresence(has *roaring.Bitmap, weight float64, norm []float32, docs []uint32, within *roaring.Bitmap, scores []float64) {
	add := func(j int, d uint32) { scores[j] += weight * float64(norm[d]) }
	if uint64(len(docs))*4 < has.GetCardinality() {
		// few entries left: look each up
		for j, d := range docs {
			if has.Contains(d) && (within == nil || within.Contains(d)) {
				add(j, d)
			}
		}
		return
	}
	bm := has
	if within != nil {
		bm = roaring.And(has, within)
	}
	j := 0
	it := bm.Iterator()
	for it.HasNext() && j < len(docs) {
		n := it.Next()
		if n < docs[j] {
			it.AdvanceIfNeeded(docs[j])
			continue
		}
		if n > docs[j] {
			j += sortSearch(docs[j:], n)
			if j == len(docs) || docs[j] != n {
				continue
			}
		}
		add(j, n)
		j++
	}
}

// impact is √tf · norm of p, the norm being 1/√(length of the field).
func impact(p segment.Posting) float64 {
	tf := p.Frequency()
	if l, ok := p.(interface{ NormUint64() uint64 }); ok {
		// zap stores the length of the field; Norm would work out 1/√length each time.
		n := l.NormUint64()
		if tf < uint64(len(sqrts)) && n < uint64(len(sqrts)) && n > 0 {
			return sqrts[tf] / sqrts[n]
		}
	}
	return math.Sqrt(float64(tf)) * p.Norm()
}

// sqrts are the square roots of small numbers.
var sqrts = func() (s [4096]float64) {
	for i := range s {
		s[i] = math.Sqrt(float64(i))
	}
	return s
}()

// sortSearch returns the index of the first of the ascending docs that is not below n.
func sortSearch(docs []uint32, n uint32) int {
	i, _ := slices.BinarySearch(docs, n)
	return i
}
