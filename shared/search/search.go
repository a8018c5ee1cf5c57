package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Result is one page of a search or listing.
type Result struct {
	Total uint64 // entries found, on all pages
	Hits  []Hit  // the entries of the requested page; empty beyond the last page
	// Facets count the entries found, on all pages, by topic, municipality, kind,
	// project status, year and the formats of their files.
	Facets Facets
	// AnyTerm is set if no entry contains every term of the query text and the hits
	// contain only some of them.
	AnyTerm bool
	// Typos is set if few entries contain the words as typed and words one or two typos
	// away were looked for too.
	Typos bool
	// PhrasesApart is set if no entry contains a quoted phrase of the query text as
	// written, and the hits contain its words apart.
	PhrasesApart bool
	// Suggestion is the query text with the words no entry contains replaced by similar
	// words of the entries ("Meinten Sie …?"), set when there are few hits; "" if there is
	// nothing to suggest.
	Suggestion string
	Took       time.Duration
}

// fewHits is the number of entries below which typos are looked for and a suggestion is
// made.
const fewHits = 3

// Facets count the entries of a result by the values of one field each. FileFormat counts
// the entries having at least one file of a format ("pdf", "docx", …), WithFiles those
// having files at all.
type Facets struct {
	Topic, Municipality, Kind, ProjectStatus, Year, FileFormat []FacetValue
	WithFiles                                                  int
}

// FacetValue is one value of a facet (a topic slug, an AGS, a kind, a project status, a
// year or a file format) and the number of entries that have it. Facets are sorted by
// count, most first, then by value.
type FacetValue struct {
	Value string
	Count int
}

// Hit is one entry found.
type Hit struct {
	ID, Slug, Title, Summary       string
	Municipality, MunicipalityName string
	Kind, ProjectStatus            string
	Topics                         []string
	Updated                        time.Time
	// Highlights are up to two snippets of the field in which the most terms matched
	// (body, summary or title; body first on a tie) as safe HTML: the text is escaped
	// and the matched words are wrapped in <mark>…</mark>. Empty for listings.
	Highlights []string
	// FileMatches are the files of the entry in whose text, title or name words of the
	// query were found that Highlights cannot show, because the entry's title, summary and
	// body lack them: at most two, the best first, each with a snippet of the place (page,
	// slide, sheet) with the most words of the query. Empty for listings, and if the entry
	// itself shows every word found.
	FileMatches []FileMatch
	// Score is the relevance of the hit; 0 if the result is sorted by date.
	Score float64
}

// facetSizes bound the values a facet lists.
var facetSizes = map[string]int{
	facetTopic: 50, facetMunicipality: 50, facetKind: 10, facetProjectStatus: 10, facetYear: 50, facetFileFormat: 20,
	facetFlag: 10, // for WithFiles
}

// maxFacetValues bounds the distinct values of fieldFacets in an index.
const maxFacetValues = math.MaxUint16

// Search runs q. Returns EINVALID if the text is longer than MaxTextLength characters or
// the sort order is unknown. A page beyond the last one has no hits but the right Total. A
// text of stop words only ("und der die") finds nothing.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	if err := q.normalize(); err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, errClosed
	}

	var (
		res *Result
		err error
	)
	p := ix.plan(q.Text, nil)
	switch {
	case strings.TrimSpace(q.Text) == "":
		res, err = ix.run(ctx, &q, nil, nil, false)
	case len(p.words) == 0:
		res = emptyResult()
	default:
		res, err = ix.textSearch(ctx, &q, p, false)
		if err != nil || res.Total >= fewHits {
			break
		}
		unknown := ix.unknownWords(&q, p.words)
		if len(unknown) > 0 || hasCompound(p.words) {
			fuzzy := map[string]bool{}
			for _, w := range unknown {
				fuzzy[w.folded] = true
			}
			var fres *Result
			if fres, err = ix.textSearch(ctx, &q, ix.plan(q.Text, fuzzy), len(unknown) > 0); err == nil && fres.Total > res.Total {
				res = fres
			}
			if err == nil && len(unknown) > 0 {
				res.Suggestion = ix.suggestion(ctx, &q, unknown)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// textSearch runs the text search of p: every word and quoted phrase required; if that finds
// nothing, every word; if that finds nothing, any word.
func (ix *Index) textSearch(ctx context.Context, q *Query, p *textPlan, typos bool) (*Result, error) {
	res, err := ix.run(ctx, q, p.expr(true), p.terms, true)
	if err == nil && res.Total == 0 && len(p.phrases) > 0 {
		// the quoted words, but not next to each other
		words := *p
		words.phrases = nil
		res, err = ix.run(ctx, q, words.expr(true), p.terms, true)
		if res != nil {
			res.PhrasesApart = true
		}
	}
	if err == nil && res.Total == 0 && len(p.clauses) > 1 {
		res, err = ix.run(ctx, q, p.expr(false), p.terms, true)
		if res != nil {
			res.AnyTerm = true
		}
	}
	if res != nil {
		res.Typos = typos
	}
	return res, err
}

// hasCompound reports whether one of words is a compound.
func hasCompound(words []queryWord) bool {
	for _, w := range words {
		if len(w.parts) > 1 {
			return true
		}
	}
	return false
}

// unknownWords returns the words of words that no entry within the restrictions of q
// contains and that are long enough to look for typos in, at most maxFuzzyWords.
func (ix *Index) unknownWords(q *Query, words []queryWord) []queryWord {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil
	}
	r, err := adv.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	snap, err := ix.snapshotOf(r)
	if err != nil {
		return nil
	}
	scope := snap.scope(q)
	var out []queryWord
	for _, w := range words {
		if fuzziness(w.term) == 0 {
			continue
		}
		if n, err := snap.docFreq(scope, w.term, knownFields); err == nil && n == 0 {
			out = append(out, w)
			if len(out) == maxFuzzyWords {
				break
			}
		}
	}
	return out
}

// suggestion returns the suggestion for the text of q; "" if there is none, or if it finds
// nothing within the filters and restrictions of q: the index holds words of entries the
// viewer may not see, and a suggestion must not tell them.
func (ix *Index) suggestion(ctx context.Context, q *Query, words []queryWord) string {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return ""
	}
	r, err := adv.Reader()
	if err != nil {
		return ""
	}
	snap, err := ix.snapshotOf(r)
	if err != nil {
		_ = r.Close()
		return ""
	}
	s := ix.suggest(ctx, snap, snap.scope(q), q.Text, words)
	_ = r.Close()
	if s == "" || s == q.Text {
		return ""
	}
	check := *q
	check.Text, check.Page, check.PerPage = s, 1, 1
	p := ix.plan(s, nil)
	if len(p.words) == 0 {
		return ""
	}
	if res, err := ix.run(ctx, &check, p.expr(true), p.terms, false); err != nil || res.Total == 0 {
		return ""
	}
	return s
}

// run searches for e within the filters of q; a nil e lists all entries within them. Text
// searches are sorted as q asks and highlighted with terms, and with files, their hits
// name the files terms were found in; listings are sorted newest first. See eval.go for
// how.
func (ix *Index) run(ctx context.Context, q *Query, e *expr, terms []string, files bool) (*Result, error) {
	text := e != nil
	size, from := q.PerPage, (q.Page-1)*q.PerPage
	if q.Page > maxPage {
		size, from = 0, 0
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	defer r.Close()
	snap, err := ix.snapshotOf(r)
	if err != nil {
		return nil, err
	}
	ev := &evaluation{
		ctx: ctx, snap: snap, leafOf: map[*expr]int{}, docs: map[*expr]*roaring.Bitmap{},
		dicts: make([]map[string]segment.TermDictionary, len(snap.segs)),
	}
	if text {
		ev.scope = snap.scope(q)
		if e, err = ev.prepare(e); err != nil {
			return nil, err
		}
		if err := ev.postings(); err != nil {
			return nil, err
		}
	}
	byScore := text && q.Sort != SortNewest && q.Sort != SortOldest
	top := topN{n: from + size, byScore: byScore, asc: q.Sort == SortOldest}
	groups := snap.filter(q.filterGroups())
	// The segments are searched at the same time, each into a result of its own.
	parts := make([]segResult, len(snap.segs))
	var wg sync.WaitGroup
	for s := range snap.segs {
		parts[s].top = topN{n: top.n, byScore: top.byScore, asc: top.asc}
		parts[s].counts = make([]int, len(snap.values))
		search := func() { parts[s].err = ix.runSegment(ctx, ev, s, e, groups, &parts[s]) }
		if s == len(snap.segs)-1 {
			search()
		} else {
			wg.Go(search)
		}
	}
	wg.Wait()
	counts := make([]int, len(snap.values))
	var total uint64
	for _, part := range parts {
		if part.err != nil {
			return nil, part.err
		}
		total += part.total
		for v, c := range part.counts {
			counts[v] += c
		}
		for _, c := range part.top.h {
			top.add(c)
		}
	}
	picked := top.sorted()
	picked = picked[min(from, len(picked)):]

	res := &Result{Total: total, Hits: make([]Hit, len(picked))}
	marked := map[string]bool{}
	for _, t := range terms {
		marked[t] = true
	}
	seen := map[string][]string{}
	var fq *fileQuery
	if files && len(marked) > 0 {
		fq = newFileQuery(marked, seen)
	}
	for i, c := range picked {
		var buf *[]byte
		if fq != nil {
			buf = &fq.store
		}
		h, stored, store, err := ix.hit(snap, c, buf)
		if err != nil {
			return nil, err
		}
		if len(marked) > 0 {
			locs := bsearch.FieldTermLocationMap{}
			for _, f := range highlightFields {
				if tlm := ix.words.locate(stored[f], marked, seen); tlm != nil {
					locs[f] = tlm
				}
			}
			h.Highlights = highlights(locs, stored)
			if store != nil {
				shown := map[string]bool{}
				for _, tlm := range locs {
					for t := range tlm {
						shown[t] = true
					}
				}
				h.FileMatches = ix.fileMatches(store, fq, shown)
			}
		}
		res.Hits[i] = h
	}
	res.Facets = facets(snap.values, counts)
	return res, nil
}

// segResult is what the search of one segment found.
type segResult struct {
	total  uint64
	counts []int // by facet value
	top    topN
	err    error
}

// runSegment searches segment s of the snapshot of ev for e (nil: all entries) within
// groups, into r.
func (ix *Index) runSegment(ctx context.Context, ev *evaluation, s int, e *expr, groups [][]uint16, r *segResult) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	seg := &ev.snap.segs[s]
	var bm *roaring.Bitmap
	if e != nil {
		bm = ev.matches(s, e).Clone()
	} else {
		bm = roaring.New()
		bm.AddRange(0, seg.count)
	}
	if seg.deleted != nil {
		bm.AndNot(seg.deleted)
	}
	for _, g := range groups {
		if bm.IsEmpty() {
			break
		}
		bm.And(seg.group(g))
	}
	r.total = bm.GetCardinality()
	if r.total == 0 {
		return nil
	}
	buf := scratches.Get().(*scratch)
	defer scratches.Put(buf)
	docs := buf.entries(bm)
	seg.cache.count(docs, bm, r.counts)
	if r.top.n == 0 {
		return nil
	}
	var scores []float64
	if r.top.byScore {
		var err error
		if docs, scores, err = ev.rank(s, e, docs, r.top.n, buf); err != nil {
			return err
		}
	}
	for j, d := range docs {
		c := candidate{global: seg.offset + uint64(d), seg: s, local: uint64(d), updated: seg.cache.updated[d]}
		if r.top.byScore {
			c.score = scores[j]
		}
		r.top.add(c)
	}
	return nil
}

// candidate is an entry that may be on the page of a result.
type candidate struct {
	global  uint64 // bleve's internal number
	seg     int    // segment and number in it
	local   uint64
	score   float64
	updated int64
}

// topN keeps the first n candidates: by score, best first, or by update time, newest
// first (oldest first with asc). Equal scores go newest first; then, and on equal times, in
// the order of the index, which depends on the order entries were written in.
type topN struct {
	n            int
	byScore, asc bool
	h            []candidate // a heap with the worst kept candidate first
}

// before reports whether a comes before b in the result.
func (t *topN) before(a, b candidate) bool {
	switch {
	case t.byScore && a.score != b.score:
		return a.score > b.score
	case t.byScore && a.updated != b.updated:
		return a.updated > b.updated
	case !t.byScore && a.updated != b.updated:
		return (a.updated < b.updated) == t.asc
	}
	return a.global < b.global
}

// add offers c.
func (t *topN) add(c candidate) {
	if len(t.h) < t.n {
		t.h = append(t.h, c)
		// sift up: the worst at the root
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !t.before(t.h[p], t.h[i]) {
				break
			}
			t.h[p], t.h[i] = t.h[i], t.h[p]
			i = p
		}
		return
	}
	if t.n == 0 || !t.before(c, t.h[0]) {
		return
	}
	t.h[0] = c
	for i := 0; ; {
		w, l, r := i, 2*i+1, 2*i+2
		if l < len(t.h) && t.before(t.h[w], t.h[l]) {
			w = l
		}
		if r < len(t.h) && t.before(t.h[w], t.h[r]) {
			w = r
		}
		if w == i {
			break
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}

// sorted returns the kept candidates in the order of the result.
func (t *topN) sorted() []candidate {
	out := slices.Clone(t.h)
	slices.SortFunc(out, func(a, b candidate) int {
		if t.before(a, b) {
			return -1
		}
		if t.before(b, a) {
			return 1
		}
		return 0
	})
	return out
}

func emptyResult() *Result {
	return &Result{Hits: []Hit{}, Facets: Facets{
		Topic: []FacetValue{}, Municipality: []FacetValue{}, Kind: []FacetValue{},
		ProjectStatus: []FacetValue{}, Year: []FacetValue{}, FileFormat: []FacetValue{},
	}}
}

// hit returns the Hit of c with the stored fields of its entry, and the stored texts by
// field for the snippets; with a buffer for it, also the stored value of fieldFiles, in
// the buffer (nil if the entry has no files).
func (ix *Index) hit(snap *snapshot, c candidate, files *[]byte) (Hit, map[string]string, []byte, error) {
	h, stored := Hit{Score: c.score}, map[string]string{}
	var store []byte
	if c.updated != 0 {
		h.Updated = time.Unix(0, c.updated).UTC()
	}
	err := snap.segs[c.seg].ss.VisitDocument(c.local, func(field string, _ byte, value []byte, _ []uint64) bool {
		switch field {
		case "_id":
			h.ID = string(value)
		case fieldTopics:
			h.Topics = append(h.Topics, string(value))
		case fieldSlug, fieldTitle, fieldSummary, fieldBody, fieldMunicipality, fieldMunicipalityName, fieldKind, fieldProjectStatus:
			stored[field] = string(value)
		case fieldFiles:
			if files != nil {
				*files = append((*files)[:0], value...)
				store = *files
			}
		}
		return true
	})
	if err != nil {
		return h, nil, nil, fmt.Errorf("search: load entry %d: %w", c.global, err)
	}
	h.Slug = stored[fieldSlug]
	h.Title = stored[fieldTitle]
	h.Summary = stored[fieldSummary]
	h.Municipality = stored[fieldMunicipality]
	h.MunicipalityName = stored[fieldMunicipalityName]
	h.Kind = stored[fieldKind]
	h.ProjectStatus = stored[fieldProjectStatus]
	return h, stored, store, nil
}

// facets splits the counts of the facet values into the facets, sorted by count (most
// first) and value, each at most as long as facetSizes says.
func facets(values []string, counts []int) Facets {
	byFacet := map[string][]FacetValue{}
	for i, c := range counts {
		if c == 0 {
			continue
		}
		facet, value, ok := strings.Cut(values[i], ":")
		if ok {
			byFacet[facet] = append(byFacet[facet], FacetValue{Value: value, Count: c})
		}
	}
	list := func(facet string) []FacetValue {
		out := byFacet[facet]
		slices.SortFunc(out, func(a, b FacetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
		})
		if out == nil {
			out = []FacetValue{}
		}
		return out[:min(len(out), facetSizes[facet])]
	}
	withFiles := 0
	for _, v := range byFacet[facetFlag] {
		if v.Value == flagFiles {
			withFiles = v.Count
		}
	}
	return Facets{
		WithFiles:     withFiles,
		Topic:         list(facetTopic),
		Municipality:  list(facetMunicipality),
		Kind:          list(facetKind),
		ProjectStatus: list(facetProjectStatus),
		Year:          list(facetYear),
		FileFormat:    list(facetFileFormat),
	}
}
