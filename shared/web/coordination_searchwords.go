package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// wordListApp is the part of the app that reads and saves the search's word lists.
// Each method's errors are those documented on app.App.
type wordListApp interface {
	WordLists(ctx context.Context, v auth.Viewer) (*wiki.WordLists, error)
	SaveWordLists(ctx context.Context, v auth.Viewer, w wiki.WordLists, base int) (*wiki.WordLists, error)
	WordListsRebuiltElsewhere() bool
}

// searchWordsPage is the data of the page on which coordinators edit the search's
// synonyms and protected words.
type searchWordsPage struct {
	Lists   wiki.WordLists  // the form's input; Version is the version it was edited from
	Stored  *wiki.WordLists // after a conflict: what someone else saved meanwhile
	Delay   bool            // protected words take effect when the indexer has published (AWS)
	Errors  map[string]string
	Message string
	Notice  string
}

// parseSearchWordsForm reads the form: both lists and the version they were edited from
// (-1 if it is missing or no number, which the app answers with a conflict).
func parseSearchWordsForm(f url.Values) (wiki.WordLists, int) {
	base, err := strconv.Atoi(f.Get("version"))
	if err != nil || base < 0 {
		base = -1
	}
	return wiki.WordLists{Synonyms: f.Get("synonyms"), Protected: f.Get("protected"), Version: max(base, 0)}, base
}

func (s *Server) renderSearchWords(w http.ResponseWriter, r *http.Request, status int, p *searchWordsPage) {
	p.Delay = s.wordLists.WordListsRebuiltElsewhere()
	title := T("searchwords.title")
	if p.Message != "" {
		title = T("error.title") + ": " + title
	}
	s.render(w, r, status, "coord_searchwords", view{Title: title, Nav: "coordination", Data: p})
}

func (s *Server) searchWords(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ManageSearchWords) {
		return
	}
	lists, err := s.wordLists.WordLists(r.Context(), viewerOf(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &searchWordsPage{Lists: *lists}
	if r.URL.Query().Get("gespeichert") == "1" {
		p.Notice = T("searchwords.saved")
	}
	s.renderSearchWords(w, r, http.StatusOK, p)
}

// searchWordsSave saves both lists. Invalid lines and a conflict with someone else's save
// show the form again with the input kept; after a conflict the form carries the stored
// version, so that saving again replaces it deliberately.
func (s *Server) searchWordsSave(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx, v := r.Context(), viewerOf(r)
	f, base := parseSearchWordsForm(form)
	_, err = s.wordLists.SaveWordLists(ctx, v, f, base)
	if err == nil {
		http.Redirect(w, r, "/koordination/suchwoerter?gespeichert=1", http.StatusSeeOther)
		return
	}
	p := &searchWordsPage{Lists: f, Message: wiki.ErrorText(catalogue, err)}
	switch wiki.ErrorCode(err) {
	case wiki.EINVALID:
		p.Errors = fieldMessages(err)
	case wiki.ECONFLICT:
		stored, serr := s.wordLists.WordLists(ctx, v)
		if serr != nil {
			s.renderError(w, r, serr)
			return
		}
		p.Stored, p.Lists.Version = stored, stored.Version
	default:
		s.renderError(w, r, err)
		return
	}
	s.renderSearchWords(w, r, errorStatus(err), p)
}
