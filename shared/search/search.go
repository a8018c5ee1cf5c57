package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
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
	Took    time.Duration
}

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
	Score      float64
}

// Facet names and sizes: no facet lists more values than this.
var facetSizes = []struct {
	name, field string
	size        int
}{
	{"topic", fieldTopics, 50},
	{"municipality", fieldMunicipality, 50},
	{"kind", fieldKind, 10},
	{"project_status", fieldProjectStatus, 10},
	{"year", fieldYear, 50},
}

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
	switch terms := ix.terms(q.Text); {
	case strings.TrimSpace(q.Text) == "":
		res, err = ix.run(ctx, &q, query.NewMatchAllQuery(), false)
	case len(terms) == 0:
		res = emptyResult()
	default:
		res, err = ix.run(ctx, &q, textQuery(terms, true), true)
		if err == nil && res.Total == 0 && len(terms) > 1 {
			res, err = ix.run(ctx, &q, textQuery(terms, false), true)
			if res != nil {
				res.AnyTerm = true
			}
		}
	}
	if err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// run searches for main within the filters of q. Text searches are sorted as q asks and
// highlighted; listings are sorted newest first.
func (ix *Index) run(ctx context.Context, q *Query, main query.Query, text bool) (*Result, error) {
	qq := main
	if f := q.filter(); f != nil {
		qq = &query.BooleanQuery{Must: main, Filter: f}
	}
	size, from := q.PerPage, (q.Page-1)*q.PerPage
	if q.Page > maxPage {
		size, from = 0, 0
	}
	req := bleve.NewSearchRequestOptions(qq, size, from, false)
	req.Fields = storedFields
	if text && q.Sort != SortNewest {
		req.SortBy([]string{"-_score", "_id"})
		req.IncludeLocations = true
	} else {
		req.SortBy([]string{"-" + fieldUpdated, "_id"})
		req.IncludeLocations = text
	}
	for _, f := range facetSizes {
		req.AddFacet(f.name, bleve.NewFacetRequest(f.field, f.size))
	}

	sr, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	res := &Result{Total: sr.Total, Hits: make([]Hit, 0, len(sr.Hits))}
	if q.Page > maxPage {
		sr.Hits = nil
	}
	for _, dm := range sr.Hits {
		res.Hits = append(res.Hits, ix.hit(dm))
	}
	res.Facets = Facets{
		Topic:         facetValues(sr.Facets["topic"]),
		Municipality:  facetValues(sr.Facets["municipality"]),
		Kind:          facetValues(sr.Facets["kind"]),
		ProjectStatus: facetValues(sr.Facets["project_status"]),
		Year:          facetValues(sr.Facets["year"]),
	}
	return res, nil
}

func emptyResult() *Result {
	return &Result{Hits: []Hit{}, Facets: Facets{
		Topic: []FacetValue{}, Municipality: []FacetValue{}, Kind: []FacetValue{},
		ProjectStatus: []FacetValue{}, Year: []FacetValue{},
	}}
}

// hit turns a bleve match with its stored fields into a Hit.
func (ix *Index) hit(dm *bsearch.DocumentMatch) Hit {
	str := func(name string) string {
		s, _ := dm.Fields[name].(string)
		return s
	}
	h := Hit{
		ID:               dm.ID,
		Slug:             str(fieldSlug),
		Title:            str(fieldTitle),
		Summary:          str(fieldSummary),
		Municipality:     str(fieldMunicipality),
		MunicipalityName: str(fieldMunicipalityName),
		Kind:             str(fieldKind),
		ProjectStatus:    str(fieldProjectStatus),
		Score:            dm.Score,
	}
	switch v := dm.Fields[fieldTopics].(type) {
	case string:
		h.Topics = []string{v}
	case []any:
		for _, t := range v {
			if s, ok := t.(string); ok {
				h.Topics = append(h.Topics, s)
			}
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, str(fieldUpdated)); err == nil {
		h.Updated = t
	}
	h.Highlights = highlights(dm, str)
	return h
}

func facetValues(fr *bsearch.FacetResult) []FacetValue {
	out := []FacetValue{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, FacetValue{Value: t.Term, Count: t.Count})
	}
	slices.SortFunc(out, func(a, b FacetValue) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
	})
	return out
}
