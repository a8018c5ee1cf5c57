package web

import (
	"net/http"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// catalogApp is the part of the app that reads the catalog of municipalities and topics,
// held in memory; pages of every kind use it.
// Each method's errors are those documented on app.App.
type catalogApp interface {
	catalogReader
	Municipalities() []wiki.Municipality
	Topics() []wiki.Topic
	Names() wiki.Names
}

// homePage is the data of the start page.
type homePage struct {
	Welcome  bool
	Featured []search.Hit
	Newest   []search.Hit
	Total    uint64
	Topics   []topicCount
}

type topicCount struct {
	Topic wiki.Topic
	Count int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	front, err := s.find.FrontPage(r.Context(), v, 6, 3)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	res := front.Newest
	s.render(w, r, http.StatusOK, "home", view{Title: T("home.title"), Nav: "home",
		Data: &homePage{Welcome: r.URL.Query().Get("willkommen") == "1", Featured: front.Featured, Newest: res.Hits, Total: res.Total, Topics: s.topicCounts(res)}})
}

// topicCounts lists every topic with the number of entries the result's facet counted.
func (s *Server) topicCounts(res *search.Result) []topicCount {
	counts := map[string]int{}
	for _, fv := range res.Facets.Topic {
		counts[fv.Value] = fv.Count
	}
	var out []topicCount
	for _, t := range s.catalog.Topics() {
		out = append(out, topicCount{Topic: t, Count: counts[t.Slug]})
	}
	return out
}

// groupPage is the data of a municipality's or a topic's page.
type groupPage struct {
	Municipality *wiki.Municipality
	Topic        *wiki.Topic
	Hits         []search.Hit
	States       map[string]wiki.State // slug → state of the hits that are not published
	Total        uint64
	AllLink      string
}

// maxGroupEntries is how many entries a municipality or topic page lists before it links
// to the full list.
const maxGroupEntries = 50

func (s *Server) municipalityList(w http.ResponseWriter, r *http.Request) {
	res, err := s.find.Search(r.Context(), viewerOf(r), search.Query{PerPage: 1}, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	counts := map[string]int{}
	for _, fv := range res.Facets.Municipality {
		counts[fv.Value] = fv.Count
	}
	type row struct {
		Municipality wiki.Municipality
		Count        int
	}
	var rows []row
	for _, m := range s.catalog.Municipalities() {
		rows = append(rows, row{m, counts[m.AGS]})
	}
	s.render(w, r, http.StatusOK, "municipalities", view{Title: T("municipalities.title"), Nav: "municipalities", Data: rows})
}

func (s *Server) municipalityShow(w http.ResponseWriter, r *http.Request) {
	m, err := s.catalog.MunicipalityBySlug(r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	res, err := s.find.MunicipalityEntries(r.Context(), viewerOf(r), m.AGS, 1, maxGroupEntries)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &groupPage{Municipality: &m, Hits: res.Hits, States: res.States, Total: res.Total, AllLink: "/eintraege?kommune=" + m.Slug}
	s.render(w, r, http.StatusOK, "group", view{Title: m.Name, Nav: "municipalities", Data: p})
}

func (s *Server) topicList(w http.ResponseWriter, r *http.Request) {
	res, err := s.find.Search(r.Context(), viewerOf(r), search.Query{PerPage: 1}, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "topics", view{Title: T("topics.title"), Nav: "topics", Data: s.topicCounts(res)})
}

func (s *Server) topicShow(w http.ResponseWriter, r *http.Request) {
	t, err := s.catalog.Topic(r.PathValue("slug"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	res, err := s.find.Search(r.Context(), viewerOf(r), search.Query{Topic: t.Slug, Sort: "newest", PerPage: maxGroupEntries}, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "group", view{Title: t.Name, Nav: "topics",
		Data: &groupPage{Topic: &t, Hits: res.Hits, Total: res.Total, AllLink: "/eintraege?thema=" + t.Slug}})
}
