package search

import (
	"strconv"
	"unicode/utf8"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Sort orders of a Query.
const (
	SortRelevance = "relevance" // best match first; the default when Text is set
	SortNewest    = "newest"    // last updated first; the default for listings
	SortOldest    = "oldest"    // least recently updated first (review queue)
)

// Limits of a Query.
const (
	MaxTextLength  = 500 // characters of Text
	DefaultPerPage = 10
	MaxPerPage     = 100
	// maxTerms is the number of distinct search terms used from Text; the rest is ignored.
	maxTerms = 32
	// maxPage is the last page that is collected; later pages are reported empty.
	maxPage = 10_000
)

// Query is one search or listing. The zero Query lists all entries, newest first.
type Query struct {
	// Text is what the user typed. It is never parsed as query syntax: every word is a
	// term, and an entry must contain every term in some field (in the German base form,
	// so "Sensornetzwerke" finds "Sensornetzwerk"; umlauts and ß folded, so "Strasse"
	// finds "Straße"), as a whole word or as a part of a compound ("Netzwerk" finds
	// "Sensornetzwerk"; whole words rank first), or through a synonym or abbreviation of
	// lexicon/synonyme.txt ("ÖPNV" finds "Nahverkehr"). The fields include the text, titles
	// and names of the entry's files, which weigh less (see files.go); quoted phrases are
	// looked for in the entry only, typos not in files. If no entry does, entries with any
	// of the terms are found and Result.AnyTerm is set. With fewer than three hits, words
	// no entry contains are looked for with typos too (Result.Typos) and a corrected text
	// is suggested (Result.Suggestion). "" lists everything.
	Text string

	// Filters; "" or 0 means any. All filters must hold. FileFormat keeps the entries
	// with a file of that format ("pdf", "docx", … as wiki.Attachment.Format).
	Topic, Municipality, Kind, ProjectStatus, FileFormat string
	Year                                                 int

	// WithFiles keeps only entries that have files.
	WithFiles bool

	// States and Visibilities restrict the result to entries in one of these workflow
	// states and visibilities; empty means any. The permission layer sets them.
	States, Visibilities []string

	// Featured keeps only entries shown on the start page; NeedsCheck only published
	// entries edited since a coordinator last checked them.
	Featured, NeedsCheck bool

	// Sort is SortRelevance, SortNewest or SortOldest; "" picks SortRelevance for a Text
	// and SortNewest for a listing. A listing sorted by relevance is sorted by SortNewest.
	Sort string

	// Page counts from 1; values below 1 mean 1. PerPage defaults to DefaultPerPage and
	// is at most MaxPerPage.
	Page, PerPage int
}

// normalize checks q and fills in defaults. Returns EINVALID for a too long Text or an
// unknown Sort.
func (q *Query) normalize() error {
	if utf8.RuneCountInString(q.Text) > MaxTextLength {
		return wiki.E(wiki.EINVALID, "search.query.too_long", MaxTextLength)
	}
	switch q.Sort {
	case "", SortRelevance, SortNewest, SortOldest:
	default:
		return wiki.E(wiki.EINVALID, "search.query.unknown_sort", clip(q.Sort, 40))
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 {
		q.PerPage = DefaultPerPage
	}
	if q.PerPage > MaxPerPage {
		q.PerPage = MaxPerPage
	}
	return nil
}

// clip returns s cut to at most n characters.
func clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// fieldBoosts are the fields a term is looked for in, with their weights. Body, summary
// and files are weighed by presence (see eval.go): how much a term found there adds is its
// weight times what bodyLengthNorm, summaryLengthNorm or fileLengthNorm give.
var fieldBoosts = []struct {
	field string
	boost float64
}{
	{fieldTitle, 4},
	{fieldSummary, 2},
	{fieldTags, 2},
	{fieldTopicNames, 1.5},
	{fieldMunicipalityName, 1.5},
	{fieldBody, 1},
	{fieldFiles, 1},
}

// fieldExprs match term in each of the searched fields, with its weight; without files,
// not in the fields of the entry's files.
func fieldExprs(term string, files bool) []*expr {
	es := make([]*expr, 0, len(fieldBoosts))
	for _, fb := range fieldBoosts {
		if files || fb.field != fieldFiles {
			es = append(es, termExpr(fb.field, term, fb.boost))
		}
	}
	return es
}

// scopeGroups returns the restrictions of q (States, Visibilities) as values of
// fieldFacets, like filterGroups.
func (q *Query) scopeGroups() [][]string {
	var groups [][]string
	anyOf := func(facet string, values []string) {
		if len(values) == 0 {
			return
		}
		g := make([]string, len(values))
		for i, v := range values {
			g[i] = facet + ":" + v
		}
		groups = append(groups, g)
	}
	anyOf(facetState, q.States)
	anyOf(facetVisibility, q.Visibilities)
	return groups
}

// filterGroups returns the filters and restrictions of q as values of fieldFacets: an entry
// passes if it has, for every group, one of the group's values.
func (q *Query) filterGroups() [][]string {
	var groups [][]string
	one := func(facet, value string) {
		if value != "" {
			groups = append(groups, []string{facet + ":" + value})
		}
	}
	one(facetTopic, q.Topic)
	one(facetMunicipality, q.Municipality)
	one(facetKind, q.Kind)
	one(facetProjectStatus, q.ProjectStatus)
	if q.Year != 0 {
		one(facetYear, strconv.Itoa(q.Year))
	}
	one(facetFileFormat, q.FileFormat)
	if q.WithFiles {
		one(facetFlag, flagFiles)
	}
	groups = append(groups, q.scopeGroups()...)
	if q.Featured {
		one(facetFlag, flagFeatured)
	}
	if q.NeedsCheck {
		one(facetFlag, flagNeedsCheck)
	}
	return groups
}
