package web

import (
	"net/http"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// entryPage is the data of an entry's page.
type entryPage struct {
	Entry        *wiki.Entry
	Municipality wiki.Municipality
	Partners     []wiki.Municipality
	Topics       []wiki.Topic
	Saved        bool
	Demo         bool
}

func (s *Server) entryShow(w http.ResponseWriter, r *http.Request) {
	e, err := s.app.Entry(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &entryPage{Entry: e, Saved: r.URL.Query().Get("gespeichert") == "1", Demo: e.CreatedBy == wiki.DemoAuthor}
	p.Municipality, _ = s.app.Municipality(e.Municipality)
	for _, ags := range e.Partners {
		if m, err := s.app.Municipality(ags); err == nil {
			p.Partners = append(p.Partners, m)
		}
	}
	for _, slug := range e.Topics {
		if t, err := s.app.Topic(slug); err == nil {
			p.Topics = append(p.Topics, t)
		}
	}
	s.render(w, r, http.StatusOK, "entry", view{Title: e.Title, Data: p})
}

// historyPage is the data of an entry's version history.
type historyPage struct {
	Entry     *wiki.Entry
	Revisions []wiki.Revision
}

func (s *Server) entryHistory(w http.ResponseWriter, r *http.Request) {
	e, revs, err := s.app.History(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "entry_history", view{Title: T("history.title") + ": " + e.Title, Data: &historyPage{Entry: e, Revisions: revs}})
}

func (s *Server) entryCompare(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err1 := strconv.Atoi(q.Get("von"))
	to, err2 := strconv.Atoi(q.Get("zu"))
	if err1 != nil || err2 != nil {
		s.renderError(w, r, wiki.Errorf(wiki.EINVALID, "Bitte wählen Sie zwei Versionen zum Vergleich aus."))
		return
	}
	c, err := s.app.Compare(r.Context(), r.PathValue("slug"), from, to)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "entry_compare", view{Title: T("compare.title") + ": " + c.Entry.Title, Data: c})
}
