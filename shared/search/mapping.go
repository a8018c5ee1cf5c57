package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/mapping"
)

// mappingVersion names the shape of the index. Raise it whenever newMapping or the way
// documents are indexed changes: an index built with another version reports NeedsRebuild.
const mappingVersion = "14"

// Keys of the values stored beside the documents (bleve's internal storage).
const (
	keyMappingVersion = "wissensnetz.mapping_version"
	keySeq            = "wissensnetz.seq"
)

// Field names in the index.
const (
	fieldSlug             = "slug"
	fieldTitle            = "title"
	fieldSummary          = "summary"
	fieldBody             = "body"
	fieldTags             = "tags"
	fieldMunicipality     = "municipality"
	fieldMunicipalityName = "municipality_name"
	fieldTopics           = "topics"
	fieldTopicNames       = "topic_names"
	fieldKind             = "kind"
	fieldProjectStatus    = "project_status"
	fieldUpdated          = "updated"
	// fieldFiles holds the text, titles and names of the entry's files: indexed without
	// positions, and stored as what hits need to name the file and place a word was found
	// at (see files.go). It is not mapped: indexDocument adds it.
	fieldFiles = "files"
	// fieldLengths holds the number of words of the files' text, body and summary, as the
	// hexadecimal number files<<32 | body<<16 | summary (see Document.lengths): presence
	// scoring weighs a term of a long text less than one of a short text.
	fieldLengths = "lengths"
	// fieldFacets holds every value an entry is filtered or counted by, each as
	// "name:value", e.g. "topic:mobilitaet", "year:2021", "state:published",
	// "file_format:pdf" or "flag:featured" (see Document.facetValues). One field serves all filters, and
	// counting one field per hit is several times cheaper than counting five.
	fieldFacets = "facets"
)

// Names of the values in fieldFacets. The first six are the facets of a Result; of the
// flags, it counts flagFiles (Facets.WithFiles).
const (
	facetTopic         = "topic"
	facetMunicipality  = "municipality"
	facetKind          = "kind"
	facetProjectStatus = "project_status"
	facetYear          = "year"
	facetFileFormat    = "file_format" // the formats of the entry's files, "pdf", "docx", …
	facetState         = "state"
	facetVisibility    = "visibility"
	facetFlag          = "flag" // flagFeatured, flagNeedsCheck, flagFiles
)

// Values of the flag facet.
const (
	flagFeatured   = "featured"    // shown on the start page
	flagNeedsCheck = "needs_check" // published and edited since a coordinator last checked it
	flagFiles      = "files"       // the entry has files
)

// newMapping returns the index mapping. German text is analysed as by bleve's "de" analyzer
// (lower case, stop words, umlaut folding, light stemming), once per distinct word (see
// words.go); the parts of compounds go to the text fields as terms of their own, the
// protected words never split (see analysis.go); codes are kept whole in fieldFacets. Only
// the fields shown in hits are stored; the text of files is indexed and stored apart (see
// files.go); title, summary, tags and body carry term vectors, for
// quoted phrases: the positions of whole words, without offsets (see
// wordAnalyzer.frequencies, and indexDocument, which has the text fields analysed by it);
// only fieldFacets, the update time and the text lengths carry doc values. Nothing goes
// into the composite _all field.
func newMapping(protected []string, wholeWords bool) mapping.IndexMapping {
	textAnalyzer := textAnalyzerName(wholeWords)
	// text returns a German text field.
	text := func(store, termVectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		f.Store = store
		f.IncludeTermVectors = termVectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	// stored returns a field that is only stored, for hits.
	stored := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Index = false
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	facets := bleve.NewKeywordFieldMapping()
	facets.Analyzer = keyword.Name
	facets.Store = false
	facets.IncludeInAll = false
	facets.DocValues = true

	// A keyword rather than a number: bleve indexes a number as 16 terms of different
	// precision, which made a rebuild about 10 % slower.
	lengths := bleve.NewKeywordFieldMapping()
	lengths.Analyzer = keyword.Name
	lengths.Store = false
	lengths.IncludeInAll = false
	lengths.DocValues = true

	// The update time, in Unix nanoseconds as a hexadecimal keyword: only read from the doc
	// values (see segment_cache.go), and a date would be indexed as 16 terms.
	updated := bleve.NewKeywordFieldMapping()
	updated.Analyzer = keyword.Name
	updated.Store = false
	updated.IncludeInAll = false
	updated.DocValues = true

	doc := bleve.NewDocumentStaticMapping()
	for name, f := range map[string]*mapping.FieldMapping{
		fieldSlug:             stored(),
		fieldTitle:            text(true, true),
		fieldSummary:          text(true, true),
		fieldBody:             text(true, true),
		fieldTags:             text(false, true),
		fieldMunicipality:     stored(),
		fieldMunicipalityName: text(true, false),
		fieldTopics:           stored(),
		fieldTopicNames:       text(false, false),
		fieldKind:             stored(),
		fieldProjectStatus:    stored(),
		fieldFacets:           facets,
		fieldUpdated:          updated,
		fieldLengths:          lengths,
	} {
		doc.AddFieldMappingsAt(name, f)
	}
	// No composite _all field at all, not even an empty one per document.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	im := bleve.NewIndexMapping()
	filter, analyzer := compoundAnalyzerConfig(protected)
	if err := im.AddCustomTokenFilter(compoundFilterName, filter); err != nil {
		panic(err) // a bug: the configuration is fixed
	}
	if err := im.AddCustomAnalyzer(compoundAnalyzerName, analyzer); err != nil {
		panic(err)
	}
	if err := im.AddCustomAnalyzer(wholeAnalyzerName, wholeWordsAnalyzerConfig()); err != nil {
		panic(err)
	}
	im.DefaultMapping = doc
	im.DefaultAnalyzer = de.AnalyzerName
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	return im
}

// textAnalyzerName returns the name of the analyzer of the text fields.
func textAnalyzerName(wholeWords bool) string {
	if wholeWords {
		return wholeAnalyzerName
	}
	return compoundAnalyzerName
}
