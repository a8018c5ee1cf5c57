package search

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// table holds, for one snapshot of the index, the facet values and the update time of every
// entry, indexed by bleve's internal document number. Counting facets and sorting by date
// from it costs a few array lookups per hit; bleve's own facets and field sorts decode the
// compressed doc values of every hit on every search, which made up most of the time of a
// search.
type table struct {
	snapshot index.IndexReader // the snapshot the table was built from, compared by identity
	values   []string          // distinct facet values, "facet:value"
	index    map[string]uint16 // position of a value in values
	facets   [][]uint16        // per document number: indexes into values
	updated  []int64           // per document number: Updated in Unix nanoseconds
}

// tableFor returns the table of the snapshot r, building it if r is not the snapshot of the
// last table.
func (ix *Index) tableFor(r index.IndexReader) (*table, error) {
	ix.tableMu.Lock()
	defer ix.tableMu.Unlock()
	if ix.table != nil && ix.table.snapshot == r {
		return ix.table, nil
	}
	t, err := buildTable(r)
	if err != nil {
		return nil, err
	}
	ix.table = t
	return t, nil
}

// buildTable reads the facet values and update times of all documents of r.
func buildTable(r index.IndexReader) (*table, error) {
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("search: build table: %w", err)
	}
	defer ids.Close()
	dv, err := r.DocValueReader([]string{fieldFacets, fieldUpdated})
	if err != nil {
		return nil, fmt.Errorf("search: build table: %w", err)
	}
	t := &table{snapshot: r, index: map[string]uint16{}}
	tooMany := false
	for {
		id, err := ids.Next()
		if err != nil {
			return nil, fmt.Errorf("search: build table: %w", err)
		}
		if id == nil {
			break
		}
		n := id.Value()
		for uint64(len(t.facets)) <= n {
			t.facets = append(t.facets, nil)
			t.updated = append(t.updated, 0)
		}
		err = dv.VisitDocValues(id, func(field string, term []byte) {
			switch field {
			case fieldFacets:
				i, ok := t.index[string(term)]
				if !ok {
					if len(t.values) == maxFacetValues {
						tooMany = true
						return
					}
					i = uint16(len(t.values))
					t.index[string(term)] = i
					t.values = append(t.values, string(term))
				}
				t.facets[n] = append(t.facets[n], i)
			case fieldUpdated:
				// Numbers are indexed with several precisions; shift 0 is the exact one.
				if shift, err := numeric.PrefixCoded(term).Shift(); err == nil && shift == 0 {
					if v, err := numeric.PrefixCoded(term).Int64(); err == nil {
						t.updated[n] = v
					}
				}
			}
		})
		if err != nil {
			return nil, fmt.Errorf("search: build table: %w", err)
		}
	}
	if tooMany {
		return nil, fmt.Errorf("search: build table: more than %d distinct facet values", maxFacetValues)
	}
	return t, nil
}

// docNum returns the index of a document in the table, -1 if it is not in it.
func (t *table) docNum(id index.IndexInternalID) int {
	if len(id) != 8 {
		return -1
	}
	n := id.Value()
	if n >= uint64(len(t.facets)) {
		return -1
	}
	return int(n)
}

// filter returns groups as indexes into t.values, for facetCounter. A value no document has
// is left out, so that a group of such values keeps no document.
func (t *table) filter(groups [][]string) [][]uint16 {
	if len(groups) == 0 {
		return nil
	}
	out := make([][]uint16, len(groups))
	for i, g := range groups {
		out[i] = []uint16{}
		for _, v := range g {
			if j, ok := t.index[v]; ok {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

// facetCounter is a searcher that passes on only the matches that have, for every group of
// keep, one of its values, and counts their facet values.
type facetCounter struct {
	bsearch.Searcher
	t      *table
	keep   [][]uint16
	counts []int
}

func newFacetCounter(s bsearch.Searcher, t *table, keep [][]uint16) *facetCounter {
	return &facetCounter{Searcher: s, t: t, keep: keep, counts: make([]int, len(t.values))}
}

// Next returns the next match that passes and counts it.
func (c *facetCounter) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
		d, err := c.Searcher.Next(ctx)
		if d == nil || err != nil {
			return d, err
		}
		if c.pass(ctx, d) {
			return d, nil
		}
	}
}

// Advance returns the next match at or after id that passes and counts it.
func (c *facetCounter) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := c.Searcher.Advance(ctx, id)
	if d == nil || err != nil {
		return d, err
	}
	if c.pass(ctx, d) {
		return d, nil
	}
	return c.Next(ctx)
}

// pass reports whether d passes keep and counts it if so; a rejected d goes back to the
// pool.
func (c *facetCounter) pass(ctx *bsearch.SearchContext, d *bsearch.DocumentMatch) bool {
	n := c.t.docNum(d.IndexInternalID)
	var values []uint16
	if n >= 0 {
		values = c.t.facets[n]
	}
	for _, g := range c.keep {
		if !slices.ContainsFunc(values, func(v uint16) bool { return slices.Contains(g, v) }) {
			ctx.DocumentMatchPool.Put(d)
			return false
		}
	}
	for _, v := range values {
		c.counts[v]++
	}
	return true
}

// updatedSort orders documents by their update time, read from the table.
type updatedSort struct {
	t    *table
	desc bool
}

var _ bsearch.SearchSort = (*updatedSort)(nil)

// Value returns the update time of d as a string that sorts like the time.
func (s *updatedSort) Value(d *bsearch.DocumentMatch) string {
	var v int64
	if n := s.t.docNum(d.IndexInternalID); n >= 0 {
		v = s.t.updated[n]
	}
	return string(binary.BigEndian.AppendUint64(nil, uint64(v)^(1<<63)))
}

func (s *updatedSort) UpdateVisitor(string, []byte)    {}
func (s *updatedSort) DecodeValue(value string) string { return value }
func (s *updatedSort) Descending() bool                { return s.desc }
func (s *updatedSort) RequiresDocID() bool             { return false }
func (s *updatedSort) RequiresScoring() bool           { return false }
func (s *updatedSort) RequiresFields() []string        { return nil }
func (s *updatedSort) Reverse()                        { s.desc = !s.desc }
func (s *updatedSort) Copy() bsearch.SearchSort        { c := *s; return &c }
