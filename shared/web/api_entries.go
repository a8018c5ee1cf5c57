package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

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

func (s *Server) apiEntryList(w http.ResponseWriter, r *http.Request) {
	req, err := parseSearch(r.URL.Query(), apiSearchParams, s.catalog)
	if err == nil && req.Text != "" {
		err = wiki.E(wiki.EINVALID, "api.search_elsewhere")
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	q := req.Query
	q.Sort = "newest"
	res, err := s.find.Search(r.Context(), viewerOf(r), q, req.Archived)
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
	p, err := s.entries.EntryPage(r.Context(), viewerOf(r), r.PathValue("slug"), 0)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(p.Entry.Version))
	writeJSON(w, http.StatusOK, p.Shown)
}

// entryInput is the body of POST /api/v1/entries and PUT /api/v1/entries/{slug}: the
// fields of an entry as the API returns it, plus a comment for the version history and,
// on creation, whether to submit the entry for review at once. Control fields (id, slug,
// state, version, dates, authors, featured) are accepted, so that an entry read with GET
// can be sent back changed, and ignored.
type entryInput struct {
	wiki.Entry
	Comment string `json:"comment"`
	Submit  bool   `json:"submit"`
}

// content returns the entry of the input without its control fields, which the
// workflow sets (a client's submitted_by, for one, would redirect notifications).
func (in *entryInput) content() *wiki.Entry {
	e := in.Entry.Clone()
	e.ID, e.Slug, e.Version, e.PatrolledVersion = "", "", 0, 0
	e.State, e.StateComment, e.SubmittedBy, e.Featured = "", "", "", false
	e.CreatedAt, e.CreatedBy, e.UpdatedAt, e.UpdatedBy = time.Time{}, "", time.Time{}, ""
	return e
}

// transitionInput is the body of POST /api/v1/entries/{slug}/transitions.
type transitionInput struct {
	To      wiki.State `json:"to"`
	Comment string     `json:"comment"`
}

// apiFieldNames maps the field names of entry validation (those of the HTML form) to the
// names of the API's JSON.
var apiFieldNames = map[string]string{
	"partners":      "partner_municipalities",
	"contact_name":  "contact.name",
	"contact_role":  "contact.role",
	"contact_email": "contact.email",
}

// apiEntryError returns err with its field names as the API's JSON spells them.
func apiEntryError(err error) error {
	var e *wiki.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = make(map[string]text.Message, len(e.Fields))
	for k, v := range e.Fields {
		if n, ok := apiFieldNames[k]; ok {
			k = n
		}
		c.Fields[k] = v
	}
	return &c
}

var ifMatchPattern = regexp.MustCompile(`^"([1-9][0-9]{0,8})"$`)

// ifMatchVersion reads the entry version from If-Match ("3", as the ETag sent it). Without
// the header it returns 0, or, if required, an error answered with 428.
func ifMatchVersion(r *http.Request, required bool) (int, error) {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		if required {
			return 0, withStatus(http.StatusPreconditionRequired, wiki.E(wiki.EINVALID, "api.if_match_required"))
		}
		return 0, nil
	}
	m := ifMatchPattern.FindStringSubmatch(strings.TrimSpace(strings.Join(values, ",")))
	if m == nil {
		return 0, wiki.E(wiki.EINVALID, "api.if_match_bad")
	}
	n, _ := strconv.Atoi(m[1])
	return n, nil
}

// staleVersion is the answer to a write based on an old version.
func staleVersion() error {
	return withStatus(http.StatusPreconditionFailed, wiki.E(wiki.ECONFLICT, "api.stale"))
}

// writeEntry answers with an entry, its ETag and the given status.
func (s *Server) writeEntry(w http.ResponseWriter, r *http.Request, status int, e *wiki.Entry) {
	w.Header().Set("ETag", etag(e.Version))
	writeJSON(w, status, s.entries.Shown(r.Context(), viewerOf(r), e))
}

func (s *Server) apiEntryCreate(w http.ResponseWriter, r *http.Request) {
	var in entryInput
	err := requireToken(r)
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	v := viewerOf(r)
	if in.Municipality == "" && v.IsMember() {
		in.Municipality = v.Municipality()
	}
	e, err := s.entries.CreateEntry(r.Context(), v, in.content(), in.Comment, in.Submit)
	if err != nil {
		s.writeAPIError(w, r, apiEntryError(err))
		return
	}
	w.Header().Set("Location", "/api/v1/entries/"+e.Slug)
	s.writeEntry(w, r, http.StatusCreated, e)
}

func (s *Server) apiEntryUpdate(w http.ResponseWriter, r *http.Request) {
	var in entryInput
	version := 0
	err := requireToken(r)
	if err == nil {
		version, err = ifMatchVersion(r, true)
	}
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil && in.Submit {
		err = wiki.FieldError(wiki.EINVALID, "submit", "api.submit_on_update")
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	e := in.content()
	e.Version = version // If-Match decides, not a version in the body
	saved, err := s.entries.UpdateEntry(r.Context(), viewerOf(r), r.PathValue("slug"), e, in.Comment)
	if wiki.ErrorCode(err) == wiki.ECONFLICT {
		err = staleVersion() // the only conflict of an update: someone saved in between
	}
	if err != nil {
		s.writeAPIError(w, r, apiEntryError(err))
		return
	}
	s.writeEntry(w, r, http.StatusOK, saved)
}

func (s *Server) apiEntryTransition(w http.ResponseWriter, r *http.Request) {
	var in transitionInput
	err := requireToken(r)
	version := 0
	if err == nil {
		version, err = ifMatchVersion(r, false)
	}
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil && !in.To.Valid() {
		err = wiki.FieldError(wiki.EINVALID, "to", "api.transition_target")
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	slug := r.PathValue("slug")
	e, err := s.workflow.Transition(r.Context(), viewerOf(r), slug, version, in.To, in.Comment)
	if wiki.ErrorCode(err) == wiki.ECONFLICT && version != 0 {
		// A conflict is a stale If-Match or a move the workflow does not allow from the
		// current state; only the first is a failed precondition.
		if cur, cerr := s.entries.Entry(r.Context(), viewerOf(r), slug); cerr == nil && cur.Version != version {
			err = staleVersion()
		}
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.writeEntry(w, r, http.StatusOK, e)
}
