package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Result is one page of a search or listing.
type Result struct {
	Total uint64 // entries found, on all pages
	Hits  []Hit  // the entries of the requested page; empty beyond the last page
	// Facets count the entries found, on all pages, by topic, municipality, kind,
	// project status and year.
	Facets Facets
	// AnyTerm is set if no entry contains every term of the query text and the hits
	// contain only some of them.
	AnyTerm bool
	// Typos is set if few entries contain the words as typed and words one or two typos
	// away were looked for too.
	Typos bool
	// Suggestion is the query text with the words no entry contains replaced by similar
	// words of the entries ("Meinten Sie …?"), set when there are few hits; "" if there is
	// nothing to suggest.
	Suggestion string
	Took       time.Duration
}

// fewHits is the number of entries below which typos are looked for and a suggestion is
// made.
const fewHits = 3

// Facets count the entries of a result by the values of one field each.
type Facets struct {
	Topic, Municipality, Kind, ProjectStatus, Year []FacetValue
}

// FacetValue is one value of a facet (a topic slug, an AGS, a kind, a project status or a
// year) and the number of entries that have it. Facets are sorted by count, most first,
// then by value.
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
	// Score is the relevance of the hit; 0 if the result is sorted by date.
	Score float64
}

// facetSizes bound the values a facet lists.
var facetSizes = map[string]int{
	facetTopic: 50, facetMunicipality: 50, facetKind: 10, facetProjectStatus: 10, facetYear: 50,
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
		res, err = ix.run(ctx, &q, query.NewMatchAllQuery(), nil)
	case len(p.words) == 0:
		res = emptyResult()
	default:
		res, err = ix.textSearch(ctx, &q, p, false)
		if err != nil || res.Total >= fewHits {
			break
		}
		unknown := ix.unknownWords(ctx, p.words)
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
	res, err := ix.run(ctx, q, p.query(true), p.terms)
	if err == nil && res.Total == 0 && len(p.phrases) > 0 {
		// the quoted words, but not next to each other
		words := *p
		words.phrases = nil
		res, err = ix.run(ctx, q, words.query(true), p.terms)
	}
	if err == nil && res.Total == 0 && len(p.clauses) > 1 {
		res, err = ix.run(ctx, q, p.query(false), p.terms)
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

// unknownWords returns the words of words that no entry contains and that are long enough
// to look for typos in, at most maxFuzzyWords.
func (ix *Index) unknownWords(ctx context.Context, words []queryWord) []queryWord {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil
	}
	r, err := adv.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	var out []queryWord
	for _, w := range words {
		if fuzziness(w.term) > 0 && ix.docFreq(ctx, r, w.term) == 0 {
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
	s := ix.suggest(ctx, r, q.Text, words)
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
	if res, err := ix.run(ctx, &check, p.query(true), p.terms); err != nil || res.Total == 0 {
		return ""
	}
	return s
}

// run searches for main within the filters of q. Text searches are sorted as q asks and
// highlighted; listings are sorted newest first.
//
// It drives bleve's collector itself rather than calling Index.Search, so that the facets
// and the date order come from the snapshot's table (see table) and term locations are
// read only for the hits of the page, all on one snapshot of the index.
func (ix *Index) run(ctx context.Context, q *Query, main query.Query, terms []string) (*Result, error) {
	text := terms != nil
	// A listing walks the postings of its filters; a text search checks the filters of
	// each match in the table, which is cheaper than walking their postings alongside.
	groups := q.filterGroups()
	qq := main
	if f := filterQuery(groups); f != nil && !text {
		qq = f
	}
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
	t, err := ix.tableFor(r)
	if err != nil {
		return nil, err
	}

	var order bsearch.SortOrder
	opts := bsearch.SearcherOptions{}
	switch {
	case q.Sort == SortOldest:
		order = bsearch.SortOrder{&updatedSort{t: t}}
		opts.Score = "none"
	case text && q.Sort != SortNewest:
		order = bsearch.SortOrder{&bsearch.SortScore{Desc: true}}
	default:
		order = bsearch.SortOrder{&updatedSort{t: t, desc: true}}
		opts.Score = "none"
	}
	s, err := qq.Searcher(ctx, r, ix.idx.Mapping(), opts)
	if err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	defer s.Close()
	var keep [][]uint16
	if text {
		keep = t.filter(groups)
	}
	counter := newFacetCounter(s, t, keep)
	coll := collector.NewTopNCollector(size, from, order)
	if err := coll.Collect(ctx, counter, r); err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	matches := coll.Results()
	if text && len(matches) > 0 {
		if err := ix.locate(ctx, r, terms, matches); err != nil {
			return nil, err
		}
	}

	res := &Result{Total: coll.Total(), Hits: make([]Hit, 0, len(matches))}
	for _, dm := range matches {
		h, err := ix.hit(r, dm)
		if err != nil {
			return nil, err
		}
		res.Hits = append(res.Hits, h)
	}
	res.Facets = facets(t.values, counter.counts)
	return res, nil
}

// locate sets the locations of terms in the highlighted fields of matches: the snippets are
// made from them. Reading locations only for the hits of the page is much cheaper than for
// every match.
func (ix *Index) locate(ctx context.Context, r index.IndexReader, terms []string, matches bsearch.DocumentMatchCollection) error {
	var qs []query.Query
	for _, t := range terms {
		for _, f := range highlightFields {
			tq := query.NewTermQuery(t)
			tq.SetField(f)
			qs = append(qs, tq)
		}
	}
	s, err := query.NewDisjunctionQuery(qs).Searcher(ctx, r, ix.idx.Mapping(), bsearch.SearcherOptions{IncludeTermVectors: true, Score: "none"})
	if err != nil {
		return fmt.Errorf("search: query: locations: %w", err)
	}
	defer s.Close()
	byID := slices.Clone(matches)
	slices.SortFunc(byID, func(a, b *bsearch.DocumentMatch) int { return a.IndexInternalID.Compare(b.IndexInternalID) })
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+len(byID), 0), IndexReader: r}
	var m *bsearch.DocumentMatch
	for _, dm := range byID {
		// A match may have its terms only in fields without locations; then the
		// searcher is already past it.
		if m == nil || m.IndexInternalID.Compare(dm.IndexInternalID) < 0 {
			if m, err = s.Advance(sctx, dm.IndexInternalID); err != nil {
				return fmt.Errorf("search: query: locations: %w", err)
			}
		}
		if m == nil {
			break
		}
		if m.IndexInternalID.Equals(dm.IndexInternalID) {
			m.Complete(nil)
			dm.Locations = m.Locations
		}
	}
	return nil
}

func emptyResult() *Result {
	return &Result{Hits: []Hit{}, Facets: Facets{
		Topic: []FacetValue{}, Municipality: []FacetValue{}, Kind: []FacetValue{},
		ProjectStatus: []FacetValue{}, Year: []FacetValue{},
	}}
}

// hit turns a bleve match into a Hit with the stored fields of its document.
func (ix *Index) hit(r index.IndexReader, dm *bsearch.DocumentMatch) (Hit, error) {
	h := Hit{ID: dm.ID, Score: dm.Score}
	doc, err := r.Document(dm.ID)
	if err != nil {
		return h, fmt.Errorf("search: load %s: %w", dm.ID, err)
	}
	if doc == nil {
		return h, nil
	}
	stored := map[string]string{}
	doc.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fieldTopics:
			h.Topics = append(h.Topics, string(f.Value()))
		case fieldUpdated:
			if dt, ok := f.(index.DateTimeField); ok {
				if t, _, err := dt.DateTime(); err == nil {
					h.Updated = t.UTC()
				}
			}
		default:
			if _, ok := f.(index.TextField); ok {
				stored[f.Name()] = string(f.Value())
			}
		}
	})
	h.Slug = stored[fieldSlug]
	h.Title = stored[fieldTitle]
	h.Summary = stored[fieldSummary]
	h.Municipality = stored[fieldMunicipality]
	h.MunicipalityName = stored[fieldMunicipalityName]
	h.Kind = stored[fieldKind]
	h.ProjectStatus = stored[fieldProjectStatus]
	h.Highlights = highlights(dm, func(field string) string { return stored[field] })
	return h, nil
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
	return Facets{
		Topic:         list(facetTopic),
		Municipality:  list(facetMunicipality),
		Kind:          list(facetKind),
		ProjectStatus: list(facetProjectStatus),
		Year:          list(facetYear),
	}
}
