package web

import (
	"embed"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

//go:embed openapi.yaml
var openapiFS embed.FS

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// apiError is the body of every API error response.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    wiki.Code         `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	err = diskFull(err)
	logIfInternal(r, err)
	code := wiki.ErrorCode(err)
	if errorStatus(err) == http.StatusRequestEntityTooLarge {
		code = wiki.EINVALID
	}
	if errorStatus(err) == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Wissensnetz"`)
	}
	setRetryAfter(w, err)
	writeJSON(w, errorStatus(err), apiError{apiErrorBody{Code: code, Message: userMessage(err), Fields: wiki.FieldErrors(err)}})
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeAPIError(w, r, wiki.Errorf(wiki.ENOTFOUND, "Diese Schnittstelle gibt es nicht."))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, _ := openapiFS.ReadFile("openapi.yaml")
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(b)
}

// apiEntrySummary is an entry in API lists.
type apiEntrySummary struct {
	Slug          string    `json:"slug"`
	Title         string    `json:"title"`
	Summary       string    `json:"summary"`
	Kind          string    `json:"kind"`
	ProjectStatus string    `json:"project_status"`
	Municipality  string    `json:"municipality"`
	Topics        []string  `json:"topics"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// apiPage is a page of an API list.
type apiPage[T any] struct {
	Total   uint64 `json:"total"`
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	Items   []T    `json:"items"`
}

// apiQuery reads the API's list and search parameters (English names, API identifiers).
func (s *Server) apiQuery(r *http.Request) (search.Query, error) {
	v := r.URL.Query()
	q := search.Query{Text: v.Get("q"), Topic: v.Get("topic"), Kind: v.Get("kind"), ProjectStatus: v.Get("project_status"), Sort: v.Get("sort")}
	var err error
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &q.Page}, {"per_page", &q.PerPage}, {"year", &q.Year}} {
		if s := v.Get(p.name); s != "" {
			if *p.dst, err = strconv.Atoi(s); err != nil || *p.dst < 0 {
				return q, wiki.Errorf(wiki.EINVALID, "Der Parameter %s muss eine nicht negative ganze Zahl sein.", p.name)
			}
		}
	}
	if q.Sort != "" && q.Sort != "relevance" && q.Sort != "newest" {
		return q, wiki.Errorf(wiki.EINVALID, "Der Parameter sort ist relevance oder newest.")
	}
	if q.Topic != "" {
		if _, err := s.app.Topic(q.Topic); err != nil {
			return q, wiki.Errorf(wiki.EINVALID, "Unbekanntes Thema %q.", q.Topic)
		}
	}
	if m := v.Get("municipality"); m != "" {
		mu, err := s.app.Municipality(m)
		if err != nil {
			if mu, err = s.app.MunicipalityBySlug(m); err != nil {
				return q, wiki.Errorf(wiki.EINVALID, "Unbekannte Kommune %q (AGS oder Kurzname).", m)
			}
		}
		q.Municipality = mu.AGS
	}
	if q.Kind != "" && !wiki.Kind(q.Kind).Valid() {
		return q, wiki.Errorf(wiki.EINVALID, "Unbekannte Art %q.", q.Kind)
	}
	if q.ProjectStatus != "" && !wiki.ProjectStatus(q.ProjectStatus).Valid() {
		return q, wiki.Errorf(wiki.EINVALID, "Unbekannter Projektstatus %q.", q.ProjectStatus)
	}
	return q, nil
}

func (s *Server) apiEntryList(w http.ResponseWriter, r *http.Request) {
	q, err := s.apiQuery(r)
	if err == nil && q.Text != "" {
		err = wiki.Errorf(wiki.EINVALID, "Zum Suchen dient /api/v1/search.")
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	q.Sort = "newest"
	res, err := s.app.Search(r.Context(), viewerOf(r), q, r.URL.Query().Get("archived") == "true")
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := apiPage[apiEntrySummary]{Total: res.Total, Page: max(q.Page, 1), PerPage: perPage(q.PerPage), Items: []apiEntrySummary{}}
	for _, h := range res.Hits {
		out.Items = append(out.Items, apiEntrySummary{Slug: h.Slug, Title: h.Title, Summary: h.Summary, Kind: h.Kind, ProjectStatus: h.ProjectStatus,
			Municipality: h.Municipality, Topics: h.Topics, UpdatedAt: h.Updated})
	}
	writeJSON(w, http.StatusOK, out)
}

func perPage(n int) int {
	switch {
	case n <= 0:
		return 10
	case n > 100:
		return 100
	}
	return n
}

func (s *Server) apiEntryShow(w http.ResponseWriter, r *http.Request) {
	e, err := s.app.Entry(r.Context(), viewerOf(r), r.PathValue("slug"))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(e.Version))
	writeJSON(w, http.StatusOK, s.entryForViewer(r, e))
}

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
	Slug         string   `json:"slug"`
	Title        string   `json:"title"`
	Summary      string   `json:"summary"`
	Municipality string   `json:"municipality"`
	Topics       []string `json:"topics"`
	Highlights   []string `json:"highlights"`
}

type apiFacets struct {
	Topic         []apiFacetValue `json:"topic"`
	Municipality  []apiFacetValue `json:"municipality"`
	Kind          []apiFacetValue `json:"kind"`
	ProjectStatus []apiFacetValue `json:"project_status"`
	Year          []apiFacetValue `json:"year"`
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
	q, err := s.apiQuery(r)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	res, err := s.app.Search(r.Context(), viewerOf(r), q, r.URL.Query().Get("archived") == "true")
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := apiSearchResult{Total: res.Total, Page: max(q.Page, 1), Hits: []apiSearchHit{}, Facets: apiFacets{
		Topic: apiFacet(res.Facets.Topic), Municipality: apiFacet(res.Facets.Municipality), Kind: apiFacet(res.Facets.Kind),
		ProjectStatus: apiFacet(res.Facets.ProjectStatus), Year: apiFacet(res.Facets.Year)},
		Suggestion: res.Suggestion, AnyTerm: res.AnyTerm, Typos: res.Typos, PhrasesApart: res.PhrasesApart}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, apiSearchHit{Slug: h.Slug, Title: h.Title, Summary: h.Summary, Municipality: h.Municipality,
			Topics: nonNil(h.Topics), Highlights: nonNil(h.Highlights)})
	}
	writeJSON(w, http.StatusOK, out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) apiMunicipalities(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.app.Municipalities()))
}

func (s *Server) apiTopics(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.app.Topics()))
}

// etag is the entity tag of an entry version, for If-Match.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }
