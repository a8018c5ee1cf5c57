package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// catalogEditApp is the part of the app that changes the catalog of municipalities and
// topics, for the coordination pages and the API.
// Each method's errors are those documented on app.App.
type catalogEditApp interface {
	SaveMunicipality(ctx context.Context, v auth.Viewer, m wiki.Municipality, isNew bool) (*wiki.Municipality, error)
	SaveTopic(ctx context.Context, v auth.Viewer, t wiki.Topic, isNew bool) (*wiki.Topic, error)
	MergeTopics(ctx context.Context, v auth.Viewer, from, into string) (int, error)
}

// catalogPage is the data of the pages that manage municipalities and topics: the list,
// and the form to create or change one.
type catalogPage struct {
	Municipalities []wiki.Municipality
	Topics         []wiki.Topic
	Municipality   wiki.Municipality // the form's input
	Topic          wiki.Topic        // the form's input
	Edit           bool              // the form changes an existing one
	Errors         map[string]string
	Message        string
	Notice         string
	Merge          topicMerge // the merge form's input
	MergeErrors    map[string]string
}

// topicMerge is the form that merges one topic into another.
type topicMerge struct {
	From, Into string // slugs
	Confirmed  bool
	FromName   string
	IntoName   string
}

// catalogNotice is the confirmation shown after a redirect.
func catalogNotice(r *http.Request) string {
	if r.URL.Query().Get("gespeichert") == "1" {
		return T("catalog.saved")
	}
	return ""
}

// parseMunicipalityForm reads the municipality form; the AGS of an existing one comes
// from the address.
func parseMunicipalityForm(f url.Values) wiki.Municipality {
	return wiki.Municipality{AGS: f.Get("ags"), Name: f.Get("name"), Type: f.Get("type")}
}

// parseTopicForm reads the topic form; the slug of an existing one comes from the address.
func parseTopicForm(f url.Values) wiki.Topic {
	return wiki.Topic{Name: f.Get("name"), Description: f.Get("description")}
}

// parseTopicMerge reads the merge form.
func parseTopicMerge(f url.Values) topicMerge {
	return topicMerge{From: f.Get("from"), Into: f.Get("into"), Confirmed: f.Get("bestaetigt") == "1"}
}

// renderCatalogError shows the form again with the input and the messages at the fields,
// or the error page for errors that are not about the input.
func (s *Server) renderCatalogError(w http.ResponseWriter, r *http.Request, page string, p *catalogPage, err error) {
	code := wiki.ErrorCode(err)
	if code != wiki.EINVALID && code != wiki.ECONFLICT {
		s.renderError(w, r, err)
		return
	}
	p.Errors, p.Message = map[string]string{}, wiki.ErrorText(catalogue, err)
	for field, msg := range fieldMessages(err) {
		if field == "slug" { // made from the name, which is what the form has
			field = "name"
		}
		p.Errors[field] = msg
	}
	s.renderCatalog(w, r, errorStatus(err), page, p)
}

func (s *Server) renderCatalog(w http.ResponseWriter, r *http.Request, status int, page string, p *catalogPage) {
	p.Municipalities, p.Topics = s.catalog.Municipalities(), s.catalog.Topics()
	title := map[string]string{
		"coord_municipalities": T("municipalities.manage"), "coord_municipality": T("municipality.edit"),
		"coord_topics": T("topics.manage"), "coord_topic": T("topic.edit"), "coord_topic_merge": T("topics.merge"),
	}[page]
	if p.Message != "" {
		title = T("error.title") + ": " + title
	}
	s.render(w, r, status, page, view{Title: title, Nav: "coordination", Data: p})
}

func (s *Server) municipalitiesManage(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ManageCatalog) {
		return
	}
	s.renderCatalog(w, r, http.StatusOK, "coord_municipalities", &catalogPage{Notice: catalogNotice(r)})
}

func (s *Server) municipalityCreate(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m := parseMunicipalityForm(form)
	if _, err := s.catalogEdit.SaveMunicipality(r.Context(), viewerOf(r), m, true); err != nil {
		s.renderCatalogError(w, r, "coord_municipalities", &catalogPage{Municipality: m}, err)
		return
	}
	http.Redirect(w, r, "/koordination/kommunen?gespeichert=1", http.StatusSeeOther)
}

func (s *Server) municipalityEdit(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ManageCatalog) {
		return
	}
	m, err := s.catalog.Municipality(r.PathValue("ags"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderCatalog(w, r, http.StatusOK, "coord_municipality", &catalogPage{Municipality: m, Edit: true})
}

func (s *Server) municipalityUpdate(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m := parseMunicipalityForm(form)
	m.AGS = r.PathValue("ags")
	if _, err := s.catalogEdit.SaveMunicipality(r.Context(), viewerOf(r), m, false); err != nil {
		s.renderCatalogError(w, r, "coord_municipality", &catalogPage{Municipality: m, Edit: true}, err)
		return
	}
	http.Redirect(w, r, "/koordination/kommunen?gespeichert=1", http.StatusSeeOther)
}

func (s *Server) topicsManage(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ManageCatalog) {
		return
	}
	p := &catalogPage{Notice: catalogNotice(r)}
	if n := r.URL.Query().Get("verschoben"); n != "" {
		if count, err := strconv.Atoi(n); err == nil {
			p.Notice = fmt.Sprintf(T("topics.merged"), count)
		}
	}
	s.renderCatalog(w, r, http.StatusOK, "coord_topics", p)
}

func (s *Server) topicCreate(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	t := parseTopicForm(form)
	if _, err := s.catalogEdit.SaveTopic(r.Context(), viewerOf(r), t, true); err != nil {
		s.renderCatalogError(w, r, "coord_topics", &catalogPage{Topic: t}, err)
		return
	}
	http.Redirect(w, r, "/koordination/themen?gespeichert=1", http.StatusSeeOther)
}

func (s *Server) topicEdit(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ManageCatalog) {
		return
	}
	t, err := s.catalog.Topic(r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderCatalog(w, r, http.StatusOK, "coord_topic", &catalogPage{Topic: t, Edit: true})
}

func (s *Server) topicUpdate(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	t := parseTopicForm(form)
	t.Slug = r.PathValue("slug")
	if _, err := s.catalogEdit.SaveTopic(r.Context(), viewerOf(r), t, false); err != nil {
		s.renderCatalogError(w, r, "coord_topic", &catalogPage{Topic: t, Edit: true}, err)
		return
	}
	http.Redirect(w, r, "/koordination/themen?gespeichert=1", http.StatusSeeOther)
}

// topicMerge asks for confirmation first; the confirmed form merges.
func (s *Server) topicMerge(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := viewerOf(r)
	if err := auth.Require(v, auth.ManageCatalog, nil); err != nil {
		s.renderError(w, r, err)
		return
	}
	f := parseTopicMerge(form)
	from, errFrom := s.catalog.Topic(f.From)
	into, errInto := s.catalog.Topic(f.Into)
	errs := map[string]string{}
	switch {
	case errFrom != nil:
		errs["from"] = T("topics.merge.choose")
	case errInto != nil:
		errs["into"] = T("topics.merge.choose")
	case f.From == f.Into:
		errs["into"] = T("topics.merge.same")
	}
	if len(errs) > 0 {
		p := &catalogPage{Merge: f, MergeErrors: errs, Message: T("form.errors")}
		s.renderCatalog(w, r, http.StatusBadRequest, "coord_topics", p)
		return
	}
	f.FromName, f.IntoName = from.Name, into.Name
	if !f.Confirmed {
		s.renderCatalog(w, r, http.StatusOK, "coord_topic_merge", &catalogPage{Merge: f})
		return
	}
	n, err := s.catalogEdit.MergeTopics(r.Context(), v, f.From, f.Into)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/koordination/themen?"+url.Values{"verschoben": {strconv.Itoa(n)}}.Encode(), http.StatusSeeOther)
}
