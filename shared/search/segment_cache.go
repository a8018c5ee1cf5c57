package search

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// snapshot is one state of the index as a search sees it: its segments with their
// segment caches.
type snapshot struct {
	r       *scorch.IndexSnapshot
	mapping mapping.IndexMapping
	segs    []snapSegment
	live    uint64   // entries, without the deleted ones
	values  []string // facet values known when the snapshot was taken, "facet:value"
	index   map[string]uint16

	scopeMu sync.Mutex
	scopes  map[string][]*roaring.Bitmap // of scope, by the restrictions; never changed
}

// snapSegment is one segment of a snapshot. The global number of an entry (bleve's
// internal id) is offset plus its local number in the segment.
type snapSegment struct {
	ss            *scorch.SegmentSnapshot
	seg           segment.Segment
	offset, count uint64
	deleted       *roaring.Bitmap // nil if none
	cache         *segmentCache
}

// segmentCache is the facet and length cache of one segment: the entries having each
// facet value, and the update time and length norms of every entry. Counting facets is
// then one bitmap intersection per value, and sorting by date an array lookup per entry;
// bleve's own facets and field sorts decode the doc values of every hit on every search.
// Segments never change, so a cache is built once per segment and kept as long as the
// segment is part of the index.
type segmentCache struct {
	values  map[uint16]*roaring.Bitmap // facet value (index into the values of the Index) → local numbers
	updated []int64                    // per local number: Updated in Unix nanoseconds
	// counted are the values of the facets of a Result (see facetSizes), ascending. Those
	// of local number n are docValues[docStart[n]:docStart[n+1]]: counting them entry by
	// entry is cheaper than intersecting bitmaps for few entries.
	counted   []uint16
	docStart  []uint32
	docValues []uint16

	impacts sync.Map // field and term → the largest impact of the term (float64)

	// per local number: what a term of the body, the summary or the files' text adds per
	// unit of weight (see lengthNorm), and the largest of each
	bodyNorm, summaryNorm, fileNorm          []float32
	maxBodyNorm, maxSummaryNorm, maxFileNorm float32
}

// maxImpact returns the largest impact (√tf · norm) the term of pl, key, has in any entry
// of the segment. It is worked out from the postings once and then kept.
func (st *segmentCache) maxImpact(key string, pl segment.PostingsList) (float64, error) {
	if v, ok := st.impacts.Load(key); ok {
		return v.(float64), nil
	}
	m := 0.0
	it := pl.Iterator(true, true, false, nil)
	p, err := it.Next()
	for ; p != nil && err == nil; p, err = it.Next() {
		m = max(m, impact(p))
	}
	if err != nil {
		return 0, fmt.Errorf("search: postings: %w", err)
	}
	st.impacts.Store(key, m)
	return m, nil
}

// perEntryShare: facets of fewer entries than a perEntryShare-th of a segment are counted
// entry by entry; of more, by intersecting the bitmap of the entries with that of each
// value, which is then cheaper (roaring keeps sets denser than 1 in 16 as bitsets).
const perEntryShare = 4

// count adds the facet values of the entries docs (ascending local numbers), bm, to
// counts: entry by entry, or, if they are many, by intersecting bitmaps.
func (st *segmentCache) count(docs []uint32, bm *roaring.Bitmap, counts []int) {
	if len(docs) < len(st.updated)/perEntryShare {
		for _, d := range docs {
			for _, v := range st.docValues[st.docStart[d]:st.docStart[d+1]] {
				counts[v]++
			}
		}
		return
	}
	for _, v := range st.counted {
		counts[v] += int(bm.AndCardinality(st.values[v]))
	}
}

// segmentCaches are the segment caches of an index and the facet values they refer to.
type segmentCaches struct {
	values []string          // distinct facet values, "facet:value"; only ever appended to
	index  map[string]uint16 // position of a value in values
	frozen map[string]uint16 // a copy of index, given to snapshots
	bySeg  map[segment.Segment]*segmentCache
	last   *snapshot // of the reader searched last
}

// snapshotOf returns the snapshot of the reader r, building the caches of segments it has
// not seen yet.
func (ix *Index) snapshotOf(r index.IndexReader) (*snapshot, error) {
	sr, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search: reader %T is not a scorch snapshot", r)
	}
	ix.cacheMu.Lock()
	defer ix.cacheMu.Unlock()
	t := &ix.caches
	if t.last != nil && t.last.r == sr {
		return t.last, nil
	}
	if t.index == nil {
		t.index = map[string]uint16{}
		t.bySeg = map[segment.Segment]*segmentCache{}
	}
	var facetTerms []string // of the whole snapshot, read once if a segment is new
	snap := &snapshot{r: sr, mapping: ix.idx.Mapping()}
	seen := map[segment.Segment]bool{}
	var offset uint64
	for _, ss := range sr.Segments() {
		seg := ss.Segment()
		s := snapSegment{ss: ss, seg: seg, offset: offset, count: seg.Count(), cache: t.bySeg[seg]}
		offset += s.count
		if d := ss.Deleted(); d != nil && !d.IsEmpty() {
			s.deleted = d
		}
		snap.live += s.count
		if s.deleted != nil {
			snap.live -= s.deleted.GetCardinality()
		}
		if s.cache == nil {
			if facetTerms == nil {
				var err error
				if facetTerms, err = fieldTerms(sr, fieldFacets); err != nil {
					return nil, err
				}
			}
			st, err := t.build(seg, facetTerms)
			if err != nil {
				return nil, err
			}
			s.cache = st
			t.bySeg[seg] = st
		}
		seen[seg] = true
		snap.segs = append(snap.segs, s)
	}
	for seg := range t.bySeg {
		if !seen[seg] {
			delete(t.bySeg, seg) // merged away
		}
	}
	if facetTerms != nil || t.frozen == nil {
		t.frozen = maps.Clone(t.index) // index grows; snapshots read theirs without the lock
	}
	snap.values, snap.index = t.values, t.frozen
	t.last = snap
	return snap, nil
}

// fieldTerms returns the terms of field in r.
func fieldTerms(r index.IndexReader, field string) ([]string, error) {
	d, err := r.FieldDict(field)
	if err != nil {
		return nil, fmt.Errorf("search: terms of %s: %w", field, err)
	}
	defer d.Close()
	out := []string{}
	for {
		e, err := d.Next()
		if err != nil {
			return nil, fmt.Errorf("search: terms of %s: %w", field, err)
		}
		if e == nil {
			return out, nil
		}
		out = append(out, e.Term)
	}
}

// build reads the cache of seg; facetTerms are all facet values of the index.
func (t *segmentCaches) build(seg segment.Segment, facetTerms []string) (*segmentCache, error) {
	st := &segmentCache{values: map[uint16]*roaring.Bitmap{}, updated: make([]int64, seg.Count())}
	dict, err := seg.Dictionary(fieldFacets)
	if err != nil {
		return nil, fmt.Errorf("search: build segment cache: %w", err)
	}
	for _, term := range facetTerms {
		pl, err := dict.PostingsList([]byte(term), nil, nil)
		if err != nil {
			return nil, fmt.Errorf("search: build segment cache: %w", err)
		}
		if pl.Count() == 0 {
			continue
		}
		i, ok := t.index[term]
		if !ok {
			if len(t.values) == maxFacetValues {
				return nil, fmt.Errorf("search: build segment cache: more than %d distinct facet values", maxFacetValues)
			}
			i = uint16(len(t.values))
			// values is shared with snapshots taken before: never write into its array.
			t.values = append(t.values[:len(t.values):len(t.values)], term)
			t.index[term] = i
		}
		bm := roaring.New()
		orInto(pl, bm)
		st.values[i] = bm
	}
	for v := range st.values {
		if facet, _, _ := strings.Cut(t.values[v], ":"); facetSizes[facet] > 0 {
			st.counted = append(st.counted, v)
		}
	}
	slices.Sort(st.counted)
	st.indexDocs(int(seg.Count()))
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("search: build segment cache: segment %T has no doc values", seg)
	}
	fields := []string{fieldUpdated, fieldLengths}
	st.bodyNorm = make([]float32, len(st.updated))
	st.summaryNorm = make([]float32, len(st.updated))
	st.fileNorm = make([]float32, len(st.updated))
	var state segment.DocVisitState
	for n := range st.updated {
		lengths := 0
		state, err = dv.VisitDocValues(uint64(n), fields, func(field string, term []byte) {
			switch field {
			case fieldUpdated:
				if v, err := strconv.ParseInt(string(term), 16, 64); err == nil {
					st.updated[n] = v
				}
			case fieldLengths:
				if v, err := strconv.ParseInt(string(term), 16, 64); err == nil {
					lengths = int(v)
				}
			}
		}, state)
		if err != nil {
			return nil, fmt.Errorf("search: build segment cache: %w", err)
		}
		st.fileNorm[n] = lengthNorm(lengths>>32, fileLengthNorm)
		st.bodyNorm[n] = lengthNorm(lengths>>16&(1<<16-1), bodyLengthNorm)
		st.summaryNorm[n] = lengthNorm(lengths&(1<<16-1), summaryLengthNorm)
		st.maxBodyNorm = max(st.maxBodyNorm, st.bodyNorm[n])
		st.maxSummaryNorm = max(st.maxSummaryNorm, st.summaryNorm[n])
		st.maxFileNorm = max(st.maxFileNorm, st.fileNorm[n])
	}
	return st, nil
}

// lengthNorm returns what a term found in a text of n words adds, per unit of weight: the
// norm of tf-idf, 1/√n, with n at least minLen, scaled so that a text of ref words gives
// l.impact (see bodyImpact).
func lengthNorm(n int, l lengthScale) float32 {
	return float32(l.impact * math.Sqrt(float64(l.ref)/float64(max(n, l.min))))
}

// indexDocs fills docStart and docValues from values for n entries.
func (st *segmentCache) indexDocs(n int) {
	per := make([]uint32, n+1)
	for _, v := range st.counted {
		it := st.values[v].Iterator()
		for it.HasNext() {
			per[it.Next()+1]++
		}
	}
	for i := 1; i <= n; i++ {
		per[i] += per[i-1]
	}
	st.docStart = per
	st.docValues = make([]uint16, per[n])
	fill := slices.Clone(per[:n])
	for _, v := range st.counted {
		it := st.values[v].Iterator()
		for it.HasNext() {
			d := it.Next()
			st.docValues[fill[d]] = v
			fill[d]++
		}
	}
}

// group returns the local numbers of the entries of s having one of the facet values of
// g (indexes into the values of the snapshot).
func (s *snapSegment) group(g []uint16) *roaring.Bitmap {
	bms := make([]*roaring.Bitmap, 0, len(g))
	for _, v := range g {
		if bm := s.cache.values[v]; bm != nil {
			bms = append(bms, bm)
		}
	}
	return roaring.FastOr(bms...)
}

// filter returns groups as indexes into the values of snap. A value no entry has is left
// out, so that a group of such values keeps no entry.
func (snap *snapshot) filter(groups [][]string) [][]uint16 {
	out := make([][]uint16, len(groups))
	for i, g := range groups {
		out[i] = []uint16{}
		for _, v := range g {
			if j, ok := snap.index[v]; ok {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

// scope returns, for each segment of snap, the entries the restrictions of q (States and
// Visibilities: what the viewer may see) let through, deleted ones left out. Term
// statistics are counted within it, so that neither the order of hits nor which words
// count as known depends on entries the viewer may not see.
func (snap *snapshot) scope(q *Query) []*roaring.Bitmap {
	key := fmt.Sprint(q.scopeGroups())
	snap.scopeMu.Lock()
	defer snap.scopeMu.Unlock()
	if out, ok := snap.scopes[key]; ok {
		return out
	}
	groups := snap.filter(q.scopeGroups())
	out := make([]*roaring.Bitmap, len(snap.segs))
	for s := range snap.segs {
		seg := &snap.segs[s]
		bm := roaring.New()
		bm.AddRange(0, seg.count)
		if seg.deleted != nil {
			bm.AndNot(seg.deleted)
		}
		for _, g := range groups {
			bm.And(seg.group(g))
		}
		out[s] = bm
	}
	if snap.scopes == nil {
		snap.scopes = map[string][]*roaring.Bitmap{}
	}
	snap.scopes[key] = out
	return out
}

// docFreq returns the number of entries within scope (see scope) that have term in one of
// fields.
func (snap *snapshot) docFreq(scope []*roaring.Bitmap, term string, fields []string) (uint64, error) {
	var n uint64
	for s := range snap.segs {
		bm := roaring.New()
		for _, f := range fields {
			dict, err := snap.segs[s].seg.Dictionary(f)
			if err != nil {
				return 0, fmt.Errorf("search: dictionary %s: %w", f, err)
			}
			pl, err := dict.PostingsList([]byte(term), nil, nil)
			if err != nil {
				return 0, fmt.Errorf("search: postings %s:%s: %w", f, term, err)
			}
			orInto(pl, bm)
		}
		n += bm.AndCardinality(scope[s])
	}
	return n, nil
}
