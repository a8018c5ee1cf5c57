package web

import (
	"net/http"

	"github.com/ikone-ds/wissensnetz/shared/search"
)

// apiSearchResult is the body of /api/v1/search.
type apiSearchResult struct {
	Total  uint64         `json:"total"`
	Page   int            `json:"page"`
	Hits   []apiSearchHit `json:"hits"`
	Facets apiFacets      `json:"facets"`
	// Suggestion, AnyTerm, Typos and PhrasesApart: see search.Result.
	Suggestion   string `json:"suggestion,omitempty"`
	AnyTerm      bool   `json:"any_term"`
	Typos        bool   `json:"typos"`
	PhrasesApart bool   `json:"phrases_apart"`
}

// apiSearchHit is one hit of /api/v1/search, in relevance order. The relevance score
// itself is not sent: it depends on statistics of the whole index (how many entries there
// are and which words they hold), internal and unpublished entries included, so it would
// tell about entries that the caller may not see.
type apiSearchHit struct {
	Slug         string         `json:"slug"`
	Title        string         `json:"title"`
	Summary      string         `json:"summary"`
	Municipality string         `json:"municipality"`
	Topics       []string       `json:"topics"`
	Highlights   []string       `json:"highlights"`
	FileMatches  []apiFileMatch `json:"file_matches"`
}

// apiFileMatch is a file of a hit in which words of the query were found; see
// search.FileMatch.
type apiFileMatch struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Title   string `json:"title"`
	Format  string `json:"format"`
	Label   string `json:"label"`
	Snippet string `json:"snippet"`
}

type apiFacets struct {
	Topic         []apiFacetValue `json:"topic"`
	Municipality  []apiFacetValue `json:"municipality"`
	Kind          []apiFacetValue `json:"kind"`
	ProjectStatus []apiFacetValue `json:"project_status"`
	Year          []apiFacetValue `json:"year"`
	FileFormat    []apiFacetValue `json:"file_format"`
	HasFiles      []apiFacetValue `json:"has_files"` // one value, "true", if any entry found has files
}

// apiFacetValue is one value of a facet and how many entries found have it.
type apiFacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

func apiFacet(values []search.FacetValue) []apiFacetValue {
	out := make([]apiFacetValue, 0, len(values))
	for _, v := range values {
		out = append(out, apiFacetValue{Value: v.Value, Count: v.Count})
	}
	return out
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	req, err := parseSearch(r.URL.Query(), apiSearchParams, s.catalog)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	q := req.Query
	res, err := s.find.Search(r.Context(), viewerOf(r), q, req.Archived)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	hasFiles := []apiFacetValue{}
	if n := res.Facets.WithFiles; n > 0 {
		hasFiles = append(hasFiles, apiFacetValue{Value: "true", Count: n})
	}
	out := apiSearchResult{Total: res.Total, Page: max(q.Page, 1), Hits: []apiSearchHit{}, Facets: apiFacets{
		Topic: apiFacet(res.Facets.Topic), Municipality: apiFacet(res.Facets.Municipality), Kind: apiFacet(res.Facets.Kind),
		ProjectStatus: apiFacet(res.Facets.ProjectStatus), Year: apiFacet(res.Facets.Year),
		FileFormat: apiFacet(res.Facets.FileFormat), HasFiles: hasFiles},
		Suggestion: res.Suggestion, AnyTerm: res.AnyTerm, Typos: res.Typos, PhrasesApart: res.PhrasesApart}
	for _, h := range res.Hits {
		hit := apiSearchHit{Slug: h.Slug, Title: h.Title, Summary: h.Summary, Municipality: h.Municipality,
			Topics: nonNil(h.Topics), Highlights: nonNil(h.Highlights), FileMatches: []apiFileMatch{}}
		for _, m := range h.FileMatches {
			hit.FileMatches = append(hit.FileMatches, apiFileMatch{ID: m.ID, Name: m.Name, Title: m.Title, Format: m.Format, Label: m.Label, Snippet: m.Snippet})
		}
		out.Hits = append(out.Hits, hit)
	}
	writeJSON(w, http.StatusOK, out)
}
