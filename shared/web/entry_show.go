package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// workflowApp is the part of the app that moves an entry through its workflow.
// Each method's errors are those documented on app.App.
type workflowApp interface {
	Transition(ctx context.Context, v auth.Viewer, slug string, version int, to wiki.State, comment string) (*wiki.Entry, error)
	SetFeatured(ctx context.Context, v auth.Viewer, slug string, version int, featured bool) (*wiki.Entry, error)
	MarkChecked(ctx context.Context, v auth.Viewer, slug string, version int) (*wiki.Entry, error)
}

// entryApp is the part of the app that reads and writes entries, for the pages and the
// API.
// Each method's errors are those documented on app.App.
type entryApp interface {
	CreateEntry(ctx context.Context, v auth.Viewer, in *wiki.Entry, comment string, submit bool) (*wiki.Entry, error)
	UpdateEntry(ctx context.Context, v auth.Viewer, slug string, in *wiki.Entry, comment string) (*wiki.Entry, error)
	Entry(ctx context.Context, v auth.Viewer, slug string) (*wiki.Entry, error)
	History(ctx context.Context, v auth.Viewer, slug string) (*wiki.Entry, []wiki.Revision, error)
	Compare(ctx context.Context, v auth.Viewer, slug string, from, to int) (*app.Comparison, error)
	EntryPage(ctx context.Context, v auth.Viewer, slug string, similar int) (*app.EntryPage, error)
	Shown(ctx context.Context, v auth.Viewer, e *wiki.Entry) *wiki.Entry
}

// maxSimilar is the number of similar entries shown on an entry's page.
const maxSimilar = 5

// entryPage is the data of an entry's page.
type entryPage struct {
	Entry        *wiki.Entry
	Municipality wiki.Municipality
	Partners     []wiki.Municipality
	Topics       []wiki.Topic
	Related      []*wiki.Entry // the related entries the viewer may read
	Similar      []search.Hit  // entries that look alike, as far as the viewer may see them
	Saved        bool
	Demo         bool
	Moves        []move // workflow buttons the viewer may press
	CanEdit      bool
	CanHistory   bool
	CanContact   bool
	HasContact   bool // the entry names a contact person, whom Entry shows only if CanContact
	CanFeature   bool
	Files        []pageFile
}

// move is one workflow button.
type move struct {
	To           wiki.State
	Label        string
	NeedsComment bool
}

func (s *Server) entryShow(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	page, err := s.entries.EntryPage(r.Context(), v, r.PathValue("slug"), maxSimilar)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	e := page.Entry
	p := &entryPage{Entry: auth.EntryFor(v, e), Related: page.Related, Similar: page.Similar, Saved: r.URL.Query().Get("gespeichert") == "1", Demo: e.CreatedBy == wiki.DemoAuthor,
		CanEdit: auth.Can(v, auth.EditEntry, e), CanHistory: auth.Can(v, auth.ReadHistory, e),
		CanContact: auth.Can(v, auth.SeeContact, e), HasContact: !e.Contact.IsZero(), CanFeature: auth.Can(v, auth.FeatureEntry, e) && e.State == wiki.StatePublished}
	for _, to := range auth.Transitions(v, e) {
		p.Moves = append(p.Moves, move{To: to, Label: wiki.ActionLabel(e.State, to), NeedsComment: to == wiki.StateChangesRequested})
	}
	p.Files = s.pageFiles(r, e, p.CanEdit)
	p.Municipality, _ = s.catalog.Municipality(e.Municipality)
	for _, ags := range e.Partners {
		if m, err := s.catalog.Municipality(ags); err == nil {
			p.Partners = append(p.Partners, m)
		}
	}
	for _, slug := range e.Topics {
		if t, err := s.catalog.Topic(slug); err == nil {
			p.Topics = append(p.Topics, t)
		}
	}
	s.render(w, r, http.StatusOK, "entry", view{Title: e.Title, Data: p})
}

// historyPage is the data of an entry's version history.
type historyPage struct {
	Entry     *wiki.Entry
	Revisions []wiki.Revision
	HasFiles  bool // some version has files, which the page links
}

func (s *Server) entryHistory(w http.ResponseWriter, r *http.Request) {
	e, revs, err := s.entries.History(r.Context(), viewerOf(r), r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &historyPage{Entry: e, Revisions: revs}
	for _, rev := range revs {
		p.HasFiles = p.HasFiles || len(rev.Entry.Attachments) > 0
	}
	s.render(w, r, http.StatusOK, "entry_history", view{Title: T("history.title") + ": " + e.Title, Data: p})
}

func (s *Server) entryCompare(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err1 := strconv.Atoi(q.Get("von"))
	to, err2 := strconv.Atoi(q.Get("zu"))
	if err1 != nil || err2 != nil {
		s.renderError(w, r, wiki.E(wiki.EINVALID, "compare.pick_two"))
		return
	}
	c, err := s.entries.Compare(r.Context(), viewerOf(r), r.PathValue("slug"), from, to)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "entry_compare", view{Title: T("compare.title") + ": " + c.Entry.Title, Data: c})
}

func (s *Server) entryTransition(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	version, _ := strconv.Atoi(form.Get("version"))
	e, err := s.workflow.Transition(r.Context(), viewerOf(r), r.PathValue("slug"), version, wiki.State(form.Get("to")), form.Get("comment"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if next := form.Get("weiter"); next != "" { // a decision from the review queue
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/eintraege/"+e.Slug+"?gespeichert=1", http.StatusSeeOther)
}

func (s *Server) entryFeature(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	version, _ := strconv.Atoi(form.Get("version"))
	e, err := s.workflow.SetFeatured(r.Context(), viewerOf(r), r.PathValue("slug"), version, form.Get("featured") == "1")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/eintraege/"+e.Slug+"?gespeichert=1", http.StatusSeeOther)
}

func (s *Server) entryChecked(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	version, _ := strconv.Atoi(form.Get("version"))
	if _, err := s.workflow.MarkChecked(r.Context(), viewerOf(r), r.PathValue("slug"), version); err != nil {
		s.renderError(w, r, err)
		return
	}
	next := "/koordination/aenderungen"
	if n := form.Get("weiter"); n != "" {
		next = safeNext(n)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
