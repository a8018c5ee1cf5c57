package web

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Help while typing: completions for the search box and look-alikes for the entry form.
// Both answer per keystroke (debounced), so they do little, and their answers depend on
// who asks, so nothing may cache them.

// apiSuggestions is the body of /api/v1/suggest.
type apiSuggestions struct {
	Entries []apiSuggestedEntry `json:"entries"`
	Topics  []apiSuggestedTopic `json:"topics"`
}

type apiSuggestedEntry struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

type apiSuggestedTopic struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

func (s *Server) apiSuggest(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if n := utf8.RuneCountInString(q); n > search.MaxCompleteLength {
		s.writeAPIError(w, r, wiki.E(wiki.EINVALID, "api.q_too_long", search.MaxCompleteLength, n))
		return
	}
	sug, err := s.find.Suggest(r.Context(), viewerOf(r), q, app.MaxSuggestions)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := apiSuggestions{Entries: []apiSuggestedEntry{}, Topics: []apiSuggestedTopic{}}
	for _, h := range sug.Entries {
		out.Entries = append(out.Entries, apiSuggestedEntry{Slug: h.Slug, Title: h.Title})
	}
	for _, t := range sug.Topics {
		out.Topics = append(out.Topics, apiSuggestedTopic{Slug: t.Slug, Name: t.Name})
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// defaultLookAlikes is the number of similar entries sent unless limit says otherwise.
const defaultLookAlikes = 5

func (s *Server) apiSimilar(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	title, summary, exclude := v.Get("title"), v.Get("summary"), v.Get("exclude")
	fields := map[string]text.Message{}
	if n := utf8.RuneCountInString(title); n > app.MaxDraftTitle {
		fields["title"] = text.M("api.at_most_chars", app.MaxDraftTitle, n)
	}
	if n := utf8.RuneCountInString(summary); n > app.MaxDraftSummary {
		fields["summary"] = text.M("api.at_most_chars", app.MaxDraftSummary, n)
	}
	if exclude != "" && !wiki.ValidSlug(exclude) {
		fields["exclude"] = text.M("api.bad_entry_slug")
	}
	limit := defaultLookAlikes
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > app.MaxLookAlikes {
			fields["limit"] = text.M("api.integer_range", app.MaxLookAlikes)
		}
		limit = n
	}
	if len(fields) > 0 {
		s.writeAPIError(w, r, &wiki.Error{Code: wiki.EINVALID, Message: text.M("api.similar_invalid"), Fields: fields})
		return
	}
	hits, err := s.find.LookAlikes(r.Context(), viewerOf(r), title, summary, exclude, limit)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := struct {
		Items []apiEntrySummary `json:"items"`
	}{Items: []apiEntrySummary{}}
	for _, h := range hits {
		out.Items = append(out.Items, apiEntrySummary{Slug: h.Slug, Title: h.Title, Summary: h.Summary, Kind: h.Kind, ProjectStatus: h.ProjectStatus,
			Municipality: h.Municipality, Topics: nonNil(h.Topics), UpdatedAt: h.Updated})
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}
