package web

import (
	"net/http"
	"regexp"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// reviewQueuePerPage is the page size of the review queue (set by the app).
const reviewQueuePerPage = 20

func (s *Server) apiReviewQueue(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	f, err := s.apiReviewFilter(r)
	if aerr := auth.Require(v, auth.Review, nil); aerr != nil {
		err = aerr // who may not see the queue learns nothing about their parameters
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	res, err := s.office.ReviewQueue(r.Context(), v, f)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := apiPage[apiEntrySummary]{Total: res.Total, Page: max(f.Page, 1), PerPage: reviewQueuePerPage, Items: []apiEntrySummary{}}
	for _, it := range res.Items {
		e := it.Entry
		out.Items = append(out.Items, apiEntrySummary{Slug: e.Slug, Title: e.Title, Summary: e.Summary, Kind: string(e.Kind), ProjectStatus: string(e.ProjectStatus),
			Municipality: e.Municipality, Topics: nonNil(e.Topics), UpdatedAt: e.UpdatedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

// apiReviewFilter reads the parameters of the review queue: topic (slug), municipality (AGS
// or slug) and page.
func (s *Server) apiReviewFilter(r *http.Request) (app.ReviewFilter, error) {
	q := r.URL.Query()
	f := app.ReviewFilter{Topic: q.Get("topic")}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return f, wiki.E(wiki.EINVALID, "api.page_param")
		}
		f.Page = n
	}
	if f.Topic != "" {
		if err := knownTopic(s.catalog, f.Topic); err != nil {
			return f, err
		}
	}
	if m := q.Get("municipality"); m != "" {
		ags, err := municipalityKey(s.catalog, m, true)
		if err != nil {
			return f, err
		}
		f.Municipality = ags
	}
	return f, nil
}

// apiAuditPage is the body of GET /api/v1/audit.
type apiAuditPage struct {
	Items []wiki.AuditEvent `json:"items"`
	// NextBefore is the value of before for the next (older) page; empty on the last page.
	NextBefore string `json:"next_before,omitempty"`
}

// auditIDPattern matches the ids of audit events (ULIDs), the cursor of the audit log.
var auditIDPattern = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)

// Limits of GET /api/v1/audit.
const (
	auditDefaultLimit = 100
	auditMaxLimit     = 1000
)

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	q := r.URL.Query()
	before, limit := q.Get("before"), auditDefaultLimit
	var err error
	if before != "" && !auditIDPattern.MatchString(before) {
		err = wiki.E(wiki.EINVALID, "api.before_param")
	}
	if l := q.Get("limit"); l != "" && err == nil {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > auditMaxLimit {
			err = wiki.E(wiki.EINVALID, "api.limit_param", auditMaxLimit)
		}
	}
	if aerr := auth.Require(v, auth.ReadAudit, nil); aerr != nil {
		err = aerr
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	events, err := s.audit.AuditLog(r.Context(), v, before, limit)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := apiAuditPage{Items: nonNil(events)}
	if len(events) == limit {
		out.NextBefore = events[len(events)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}
