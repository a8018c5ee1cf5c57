package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// officeApp is the part of the app behind the coordination office's overview pages, also
// used by the API.
// Each method's errors are those documented on app.App.
type officeApp interface {
	ReviewQueue(ctx context.Context, v auth.Viewer, f app.ReviewFilter) (*app.ReviewQueue, error)
	Dashboard(ctx context.Context, v auth.Viewer) (*app.Dashboard, error)
	RecentChanges(ctx context.Context, v auth.Viewer, page int) ([]app.RecentChange, uint64, error)
	ScannerName() string
}

// coordinatorOnly lets a request for a coordination page through if the policy allows the
// viewer a: visitors are sent to the sign-in page, everyone else gets the policy's error.
func (s *Server) coordinatorOnly(w http.ResponseWriter, r *http.Request, a auth.Action) bool {
	if !requireSignIn(w, r) {
		return false
	}
	if err := auth.Require(viewerOf(r), a, nil); err != nil {
		s.renderError(w, r, err)
		return false
	}
	w.Header().Set("Cache-Control", "no-store")
	return true
}

// pageParam reads the page number ("seite") of a list, 1 when it is missing or bad.
func pageParam(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("seite"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// pageCount returns the number of pages of total items, at least 1.
func pageCount(total uint64, perPage int) int {
	return max(1, int((total+uint64(perPage)-1)/uint64(perPage)))
}

// coordinationPerPage is the page size of the review queue and "Letzte Änderungen" (the
// app's).
const coordinationPerPage = 20

func (s *Server) coordination(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.Review) {
		return
	}
	d, err := s.office.Dashboard(r.Context(), viewerOf(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "coordination", view{Title: T("coord.title"), Nav: "coordination", Data: dashboardPage{Dashboard: d, Scanner: s.office.ScannerName()}})
}

// dashboardPage is the data of the coordination's start page.
type dashboardPage struct {
	*app.Dashboard
	Scanner string // the malware scanner that checks uploads; "" for none
}

// reviewPage is the data of the review queue.
type reviewPage struct {
	Items          []app.ReviewItem
	Total          uint64
	Page, Pages    int
	Topic          string // selected topic slug
	Municipality   string // selected municipality slug
	Topics         []wiki.Topic
	Municipalities []wiki.Municipality
	Decided        bool   // a decision was just made
	Back           string // this page, to return to after a decision
	PrevLink       string
	NextLink       string
}

// reviewFilter is the filter form of the review queue, by slugs as in addresses.
type reviewFilter struct {
	Topic, Municipality string
	Page                int
}

// parseReviewFilter reads the queue's filters from the query string.
func parseReviewFilter(r *http.Request) reviewFilter {
	q := r.URL.Query()
	return reviewFilter{Topic: q.Get("thema"), Municipality: q.Get("kommune"), Page: pageParam(r)}
}

// link returns the queue's address with these filters on page n, with extra parameters.
func (f reviewFilter) link(n int, extra ...string) string {
	v := url.Values{}
	if f.Topic != "" {
		v.Set("thema", f.Topic)
	}
	if f.Municipality != "" {
		v.Set("kommune", f.Municipality)
	}
	if n > 1 {
		v.Set("seite", strconv.Itoa(n))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return "/koordination/pruefung"
	}
	return "/koordination/pruefung?" + v.Encode()
}

func (s *Server) reviewQueue(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.Review) {
		return
	}
	f := parseReviewFilter(r)
	filter := app.ReviewFilter{Page: f.Page}
	if f.Topic != "" {
		t, err := s.catalog.Topic(f.Topic)
		if err != nil {
			s.renderError(w, r, wiki.E(wiki.EINVALID, "filter.unknown"))
			return
		}
		filter.Topic = t.Slug
	}
	if f.Municipality != "" {
		m, err := s.catalog.MunicipalityBySlug(f.Municipality)
		if err != nil {
			s.renderError(w, r, wiki.E(wiki.EINVALID, "filter.unknown"))
			return
		}
		filter.Municipality = m.AGS
	}
	res, err := s.office.ReviewQueue(r.Context(), viewerOf(r), filter)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &reviewPage{Items: res.Items, Total: res.Total, Page: f.Page, Pages: pageCount(res.Total, coordinationPerPage),
		Topic: f.Topic, Municipality: f.Municipality, Topics: s.catalog.Topics(), Municipalities: s.catalog.Municipalities(),
		Decided: r.URL.Query().Get("entschieden") == "1", Back: f.link(f.Page, "entschieden", "1")}
	if f.Page > 1 {
		p.PrevLink = f.link(f.Page - 1)
	}
	if f.Page < p.Pages {
		p.NextLink = f.link(f.Page + 1)
	}
	s.render(w, r, http.StatusOK, "review_queue", view{Title: T("review.title"), Nav: "coordination", Data: p})
}

// changesPage is the data of "Letzte Änderungen".
type changesPage struct {
	Changes     []changeItem
	Total       uint64
	Page, Pages int
	Checked     bool // an entry was just marked as checked
	PrevLink    string
	NextLink    string
}

// changeItem is one edited entry with its changes since it was last checked.
type changeItem struct {
	app.RecentChange
	MunicipalityName string
}

func (s *Server) recentChanges(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.Review) {
		return
	}
	page := pageParam(r)
	changes, total, err := s.office.RecentChanges(r.Context(), viewerOf(r), page)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &changesPage{Total: total, Page: page, Pages: pageCount(total, coordinationPerPage), Checked: r.URL.Query().Get("geprueft") == "1"}
	if page > 1 {
		p.PrevLink = "/koordination/aenderungen?seite=" + strconv.Itoa(page-1)
	}
	if page < p.Pages {
		p.NextLink = "/koordination/aenderungen?seite=" + strconv.Itoa(page+1)
	}
	for _, c := range changes {
		p.Changes = append(p.Changes, changeItem{RecentChange: c, MunicipalityName: s.catalog.Names().MunicipalityName(c.Entry.Municipality)})
	}
	s.render(w, r, http.StatusOK, "recent_changes", view{Title: T("changes.title"), Nav: "coordination", Data: p})
}
