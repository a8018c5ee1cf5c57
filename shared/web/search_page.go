package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// findApp is the part of the app that finds entries: search, a municipality's entries,
// related entries and suggestions.
// Each method's errors are those documented on app.App.
type findApp interface {
	Search(ctx context.Context, v auth.Viewer, q search.Query, withArchived bool) (*search.Result, error)
	MunicipalityEntries(ctx context.Context, v auth.Viewer, ags string, page, perPage int) (*app.MunicipalityEntries, error)
	Related(ctx context.Context, v auth.Viewer, e *wiki.Entry, n int) ([]search.Hit, error)
	Suggest(ctx context.Context, v auth.Viewer, text string, n int) (app.Suggestions, error)
	LookAlikes(ctx context.Context, v auth.Viewer, title, summary, exclude string, n int) ([]search.Hit, error)
	FrontPage(ctx context.Context, v auth.Viewer, newest, featured int) (*app.FrontPage, error)
}

// resultsPage is the data of the search page and the entry list: the query as the user
// set it, the hits and the facets to narrow it down.
type resultsPage struct {
	Path      string // "/suche" or "/eintraege"
	Heading   string
	Params    listParams
	Result    *search.Result
	Page      int
	Pages     int
	Facets    []facetGroup
	HasFilter bool
}

// listParams are the German query parameters of the search page and the entry list.
type listParams struct {
	Q            string
	Topic        string // topic slug (thema)
	Municipality string // municipality slug (kommune)
	Kind         string // art
	Status       string // status
	Year         int    // jahr
	Sort         string // sortierung: "" or "neueste"
	Page         int    // seite
	Archived     bool   // archiv=1: archived entries too (members)
}

func (p listParams) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", p.Q)
	set("thema", p.Topic)
	set("kommune", p.Municipality)
	set("art", p.Kind)
	set("status", p.Status)
	if p.Year != 0 {
		v.Set("jahr", strconv.Itoa(p.Year))
	}
	set("sortierung", p.Sort)
	if p.Archived {
		v.Set("archiv", "1")
	}
	if p.Page > 1 {
		v.Set("seite", strconv.Itoa(p.Page))
	}
	return v
}

// facetGroup is one facet with links that set or clear its filter.
type facetGroup struct {
	Key    string // query parameter
	Label  string
	Values []facetLink
}

type facetLink struct {
	Label    string
	Count    int
	URL      template.URL
	Selected bool
}

// listParamsOf returns the parameters of a page as read into req, with the municipality's
// slug and the sort order as the address gave them, for links.
func listParamsOf(v url.Values, req searchRequest) listParams {
	return listParams{Q: req.Text, Topic: req.Topic, Municipality: v.Get(pageSearchParams.municipality), Kind: req.Kind,
		Status: req.ProjectStatus, Year: req.Year, Sort: v.Get(pageSearchParams.sort), Page: req.Page, Archived: req.Archived}
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	s.results(w, r, "/suche", T("search.title"))
}

func (s *Server) entryList(w http.ResponseWriter, r *http.Request) {
	s.results(w, r, "/eintraege", T("list.title"))
}

func (s *Server) results(w http.ResponseWriter, r *http.Request, path, heading string) {
	req, err := parseSearch(r.URL.Query(), pageSearchParams, s.catalog)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := listParamsOf(r.URL.Query(), req)
	res, err := s.find.Search(r.Context(), viewerOf(r), req.Query, req.Archived)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := &resultsPage{Path: path, Heading: heading, Params: p, Result: res, Page: p.Page,
		Pages: int((res.Total + pagePerPage - 1) / pagePerPage), HasFilter: p.Topic != "" || p.Municipality != "" || p.Kind != "" || p.Status != "" || p.Year != 0}
	page.Facets = s.facetGroups(page)
	title := heading
	if p.Q != "" {
		title = catalogue.Text("search.results.title", p.Q)
	}
	nav := ""
	if path == "/eintraege" {
		nav = "entries"
	}
	s.render(w, r, http.StatusOK, "results", view{Title: title, Q: p.Q, Nav: nav, Data: page})
}

// Link returns the page's address with one parameter changed (and paging reset).
func (p *resultsPage) Link(key, value string) template.URL {
	v := p.Params.values()
	v.Del("seite")
	if value == "" {
		v.Del(key)
	} else {
		v.Set(key, value)
	}
	return template.URL(p.Path + "?" + v.Encode())
}

// PageLink returns the address of another page of the same results.
func (p *resultsPage) PageLink(n int) template.URL {
	v := p.Params.values()
	v.Set("seite", strconv.Itoa(n))
	return template.URL(p.Path + "?" + v.Encode())
}

func (s *Server) facetGroups(p *resultsPage) []facetGroup {
	names := s.catalog.Names()
	f := p.Result.Facets
	group := func(key, label, selected string, values []search.FacetValue, value func(string) (string, string)) facetGroup {
		g := facetGroup{Key: key, Label: label}
		for _, fv := range values {
			param, text := value(fv.Value)
			sel := param == selected
			link := param
			if sel {
				link = ""
			}
			g.Values = append(g.Values, facetLink{Label: text, Count: fv.Count, URL: p.Link(key, link), Selected: sel})
		}
		return g
	}
	return []facetGroup{
		group("thema", T("list.filter.topic"), p.Params.Topic, f.Topic, func(v string) (string, string) { return v, names.TopicName(v) }),
		group("kommune", T("list.filter.municipality"), p.Params.Municipality, f.Municipality, func(v string) (string, string) {
			m, err := s.catalog.Municipality(v)
			if err != nil {
				return v, v
			}
			return m.Slug, m.Name
		}),
		group("art", T("list.filter.kind"), p.Params.Kind, f.Kind, func(v string) (string, string) { return v, wiki.Kind(v).Label() }),
		group("status", T("list.filter.status"), p.Params.Status, f.ProjectStatus, func(v string) (string, string) { return v, wiki.ProjectStatus(v).Label() }),
		group("jahr", T("list.filter.year"), strconv.Itoa(p.Params.Year), f.Year, func(v string) (string, string) { return v, v }),
	}
}
