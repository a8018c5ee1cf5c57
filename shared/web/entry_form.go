package web

import (
	"net/http"
	"net/url"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// formPage is the data of the entry form page.
type formPage struct {
	Form              *entryForm
	Errors            map[string]string
	Message           string
	Action            string
	IsNew             bool
	Slug              string
	Municipalities    []wiki.Municipality // those the viewer may choose as owner
	AllMunicipalities []wiki.Municipality // partners can be any
	Topics            []wiki.Topic
	Kinds             []wiki.Kind
	Statuses          []wiki.ProjectStatus
	Conflict          *conflict
	filesPage
}

// conflict shows what someone else saved while the user was editing.
type conflict struct {
	Current *wiki.Entry
	Changes []wiki.FieldChange // from the current version to the user's input
}

// formPage builds the form page. Members choose no municipality: theirs is set.
func (s *Server) formPage(r *http.Request, form *entryForm, isNew bool, slug string) *formPage {
	v := viewerOf(r)
	p := &formPage{Form: form, IsNew: isNew, Slug: slug, Topics: s.catalog.Topics(),
		Kinds: wiki.Kinds, Statuses: wiki.ProjectStatuses, Action: "/eintraege"}
	for _, m := range s.catalog.Municipalities() {
		if v.IsCoordinator() || m.AGS == form.Entry.Municipality || (isNew && m.AGS == v.Municipality()) {
			p.Municipalities = append(p.Municipalities, m)
		}
	}
	p.AllMunicipalities = s.catalog.Municipalities()
	if !isNew {
		p.Action = "/eintraege/" + slug + "/bearbeiten"
	}
	p.filesPage = s.filesPage(r, form, isNew, slug)
	return p
}

// requireSignIn sends visitors to the sign-in page and back here afterwards.
func requireSignIn(w http.ResponseWriter, r *http.Request) bool {
	if viewerOf(r).SignedIn() {
		return true
	}
	http.Redirect(w, r, "/anmelden?weiter="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	return false
}

func (s *Server) entryNew(w http.ResponseWriter, r *http.Request) {
	if !requireSignIn(w, r) {
		return
	}
	form := &entryForm{Entry: &wiki.Entry{Body: T("form.body.template"), Visibility: wiki.Internal, Municipality: viewerOf(r).Municipality()}}
	s.render(w, r, http.StatusOK, "entry_form", view{Title: T("form.new.title"), Nav: "new", Data: s.formPage(r, form, true, "")})
}

func (s *Server) entryCreate(w http.ResponseWriter, r *http.Request) {
	form, err := s.parseEntryForm(w, r)
	if form == nil {
		s.renderError(w, r, err)
		return
	}
	defer form.close()
	v := viewerOf(r)
	if v.IsMember() {
		form.Entry.Municipality = v.Municipality()
	}
	var e *wiki.Entry
	if err == nil {
		e, err = s.files.CreateEntryFiles(r.Context(), v, form.Entry, form.Comment, form.Submit, form.added())
	}
	if err != nil {
		s.formError(w, r, s.formPage(r, form, true, ""), err)
		return
	}
	http.Redirect(w, r, "/eintraege/"+e.Slug+"?gespeichert=1", http.StatusSeeOther)
}

func (s *Server) entryEdit(w http.ResponseWriter, r *http.Request) {
	if !requireSignIn(w, r) {
		return
	}
	v := viewerOf(r)
	e, err := s.entries.Entry(r.Context(), v, r.PathValue("slug"))
	if err == nil {
		err = auth.Require(v, auth.EditEntry, e)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "entry_form", view{Title: T("form.edit.title") + ": " + e.Title, Data: s.formPage(r, formFromEntry(e), false, e.Slug)})
}

func (s *Server) entryUpdate(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	form, err := s.parseEntryForm(w, r)
	if form == nil {
		s.renderError(w, r, err)
		return
	}
	defer form.close()
	var e *wiki.Entry
	if err == nil {
		e, err = s.files.UpdateEntryFiles(r.Context(), viewerOf(r), slug, form.Entry, form.Comment, form.changes())
	}
	switch {
	case wiki.ErrorCode(err) == wiki.ECONFLICT:
		s.entryConflict(w, r, slug, form)
	case err != nil:
		s.formError(w, r, s.formPage(r, form, false, slug), err)
	default:
		http.Redirect(w, r, "/eintraege/"+url.PathEscape(e.Slug)+"?gespeichert=1", http.StatusSeeOther)
	}
}

// entryConflict shows the current version next to the user's input, with the form filled
// with the input and set to the current version, so that saving again is a deliberate act.
func (s *Server) entryConflict(w http.ResponseWriter, r *http.Request, slug string, form *entryForm) {
	cur, err := s.entries.Entry(r.Context(), viewerOf(r), slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	mine := form.Entry.Clone()
	mine.Normalize()
	mine.State = cur.State
	mine.Attachments = cur.Attachments // the files are not compared: those chosen are to be chosen again
	form.current, form.known = cur.Attachments, true
	p := s.formPage(r, form, false, slug)
	p.Rechoose = rechoose(form)
	p.Conflict = &conflict{Current: cur, Changes: wiki.Compare(cur, mine, s.catalog.Names())}
	form.Entry.Version = cur.Version
	s.render(w, r, http.StatusConflict, "entry_form", view{Title: T("conflict.title") + ": " + cur.Title, Data: p})
}

// formError shows the form again with the user's input and the messages at the fields.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, p *formPage, err error) {
	err = diskFull(err)
	switch wiki.ErrorCode(err) {
	case wiki.EINVALID, wiki.ECONFLICT, wiki.EFULL, wiki.ETOOMANY, wiki.ETOOLARGE, wiki.EUNAVAILABLE:
		// The form again, with what was typed: nothing of it is lost but the files
		// chosen, which the browser cannot be given back.
	default:
		s.renderError(w, r, err)
		return
	}
	logIfInternal(r, err)
	setRetryAfter(w, err)
	p.Errors = fieldMessages(err)
	p.Message = wiki.ErrorText(catalogue, err)
	p.Rechoose = rechoose(p.Form)
	title := T("form.new.title")
	if !p.IsNew {
		title = T("form.edit.title")
	}
	s.render(w, r, errorStatus(err), "entry_form", view{Title: catalogue.Text("error.page_title", title), Data: p})
}
