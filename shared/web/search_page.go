package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
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
	Hits      []resultHit // of Result, with what their files say
	Page      int
	Pages     int
	Facets    []facetGroup
	HasFilter bool
}

// resultHit is a hit of the search page with the files its words were found in.
type resultHit struct {
	search.Hit
	Files []fileFound
}

// fileFound says where in a file of a hit words of the query were found: "Gefunden in
// „Abschlussbericht“ (bericht.pdf), Seite 2", and a snippet from there.
type fileFound struct {
	Where string
	URL   string // the file's download

	Snippet template.HTML // made by the search highlighter, which escapes the text
}

// resultHits returns the hits of res with the places their files were found at.
func resultHits(res *search.Result) []resultHit {
	out := make([]resultHit, len(res.Hits))
	for i, h := range res.Hits {
		out[i].Hit = h
		for _, m := range h.FileMatches {
			out[i].Files = append(out[i].Files, fileFound{Where: fileWhere(m), URL: fileURL(h.Slug, m.ID, 0), Snippet: template.HTML(m.Snippet)})
		}
	}
	return out
}

// fileWhere names the file of m and the place in it: its title and name (the name alone if
// they are the same), then the page or slide, or the sheet of a spreadsheet.
func fileWhere(m search.FileMatch) string {
	name := m.Name
	if m.Title != "" && m.Title != m.Name {
		name = catalogue.Text("search.file.titled", m.Title, m.Name)
	}
	switch {
	case m.Label == "":
		return catalogue.Text("search.file.found", name)
	case m.Format == string(extract.XLSX) || m.Format == string(extract.ODS):
		return catalogue.Text("search.file.found_at", name, catalogue.Text("search.file.sheet", m.Label))
	}
	return catalogue.Text("search.file.found_at", name, m.Label)
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
	Files        bool   // dateien=1: only entries with files
	FileFormat   string // dateityp: only entries with a file of this format
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
	if p.Files {
		v.Set("dateien", "1")
	}
	set("dateityp", p.FileFormat)
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
		Status: req.ProjectStatus, Year: req.Year, Sort: v.Get(pageSearchParams.sort), Page: req.Page, Archived: req.Archived,
		Files: req.WithFiles, FileFormat: req.FileFormat}
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
	page := &resultsPage{Path: path, Heading: heading, Params: p, Result: res, Hits: resultHits(res), Page: p.Page,
		Pages:     int((res.Total + pagePerPage - 1) / pagePerPage),
		HasFilter: p.Topic != "" || p.Municipality != "" || p.Kind != "" || p.Status != "" || p.Year != 0 || p.Files || p.FileFormat != ""}
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
	files := ""
	if p.Params.Files {
		files = "1"
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
		group("dateien", T("search.filter.files"), files, withFiles(f.WithFiles),
			func(v string) (string, string) { return v, T("search.filter.with_files") }),
		group("dateityp", T("search.filter.file_format"), p.Params.FileFormat, f.FileFormat,
			func(v string) (string, string) { return v, extract.Format(v).Name() }),
	}
}

// withFiles returns the count of entries with files as the one value of a facet, "1" as
// the parameter dateien sets it; none if no entry found has files.
func withFiles(n int) []search.FacetValue {
	if n == 0 {
		return nil
	}
	return []search.FacetValue{{Value: "1", Count: n}}
}
