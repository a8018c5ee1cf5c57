package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/mapping"
)

// mappingVersion names the shape of the index. Raise it whenever newMapping or the way
// documents are indexed changes: an index built with another version reports NeedsRebuild.
const mappingVersion = "1"

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
	fieldState            = "state"
	fieldVisibility       = "visibility"
	fieldYear             = "year"
	fieldUpdated          = "updated"
)

// storedFields are the fields a Hit is made of, plus body for its snippets.
var storedFields = []string{
	fieldSlug, fieldTitle, fieldSummary, fieldBody, fieldMunicipality, fieldMunicipalityName,
	fieldTopics, fieldKind, fieldProjectStatus, fieldUpdated,
}

// newMapping returns the index mapping. German text is analysed with bleve's "de" analyzer
// (lower case, stop words, umlaut folding, light stemming); codes and slugs are kept whole.
// Only the fields shown in hits are stored, only highlighted fields carry term vectors, and
// only facet and sort fields carry doc values. Nothing goes into the composite _all field.
func newMapping() mapping.IndexMapping {
	// text returns a German text field.
	text := func(store, termVectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = de.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = termVectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	// code returns a keyword field.
	code := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}
	updated := bleve.NewDateTimeFieldMapping()
	updated.Store = true
	updated.IncludeInAll = false
	updated.DocValues = true

	doc := bleve.NewDocumentStaticMapping()
	for name, f := range map[string]*mapping.FieldMapping{
		fieldSlug:             code(true, false),
		fieldTitle:            text(true, true),
		fieldSummary:          text(true, true),
		fieldBody:             text(true, true),
		fieldTags:             text(false, false),
		fieldMunicipality:     code(true, true),
		fieldMunicipalityName: text(true, false),
		fieldTopics:           code(true, true),
		fieldTopicNames:       text(false, false),
		fieldKind:             code(true, true),
		fieldProjectStatus:    code(true, true),
		fieldState:            code(false, false),
		fieldVisibility:       code(false, false),
		fieldYear:             code(false, true),
		fieldUpdated:          updated,
	} {
		doc.AddFieldMappingsAt(name, f)
	}

	im := bleve.NewIndexMapping()
	im.DefaultMapping = doc
	im.DefaultAnalyzer = de.AnalyzerName
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	return im
}
