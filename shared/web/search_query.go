package web

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// catalogReader is the part of the app that reading parameters needs: the municipalities
// and topics, held in memory.
type catalogReader interface {
	Topic(slug string) (wiki.Topic, error)
	Municipality(ags string) (wiki.Municipality, error)
	MunicipalityBySlug(slug string) (wiki.Municipality, error)
}

// searchParams names the query parameters of a search in one of its two languages: the
// German ones of the pages and the English ones of the API.
type searchParams struct {
	text, topic, municipality, kind, status, year, sort, page string
	perPage                                                   string // "": a fixed page size
	sorts                                                     map[string]string
	archived, archivedOn                                      string // archived entries too: archived=archivedOn
	files, filesOn                                            string // only entries with files: files=filesOn
	fileFormat                                                string // only entries with a file of this format
	// strict refuses bad numbers and sort orders (the API: a script must learn of its
	// mistake); otherwise they count as missing (the pages: an edited address still
	// shows results). strict also accepts an AGS for the municipality, not only a slug.
	strict bool
}

var (
	pageSearchParams = searchParams{text: "q", topic: "thema", municipality: "kommune", kind: "art", status: "status",
		year: "jahr", sort: "sortierung", page: "seite", sorts: map[string]string{"neueste": "newest"}, archived: "archiv", archivedOn: "1",
		files: "dateien", filesOn: "1", fileFormat: "dateityp"}
	apiSearchParams = searchParams{text: "q", topic: "topic", municipality: "municipality", kind: "kind", status: "project_status",
		year: "year", sort: "sort", page: "page", perPage: "per_page",
		sorts: map[string]string{"relevance": "relevance", "newest": "newest"}, archived: "archived", archivedOn: "true",
		files: "has_files", filesOn: "true", fileFormat: "file_format", strict: true}
)

// pagePerPage is the page size of the search page and the entry list.
const pagePerPage = 10

// searchRequest is a search as a request asks for it.
type searchRequest struct {
	search.Query
	Archived bool // archived entries too (members)
}

// parseSearch reads a search from the parameters v, named as p says. Unknown filter values
// are the user's mistake (an edited address) and give EINVALID.
func parseSearch(v url.Values, p searchParams, c catalogReader) (searchRequest, error) {
	req := searchRequest{Archived: v.Get(p.archived) == p.archivedOn}
	q := &req.Query
	*q = search.Query{Text: v.Get(p.text), Topic: v.Get(p.topic), Kind: v.Get(p.kind), ProjectStatus: v.Get(p.status),
		FileFormat: v.Get(p.fileFormat), WithFiles: v.Get(p.files) == p.filesOn, PerPage: pagePerPage}
	if p.perPage != "" {
		q.PerPage = 0
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{p.page, &q.Page}, {p.perPage, &q.PerPage}, {p.year, &q.Year}} {
		s := v.Get(n.name)
		if n.name == "" || s == "" {
			continue
		}
		var err error
		*n.dst, err = strconv.Atoi(s)
		if p.strict && (err != nil || *n.dst < 0) {
			return req, wiki.E(wiki.EINVALID, "search.param.not_negative", n.name)
		}
	}
	if !p.strict {
		q.Page = max(q.Page, 1)
	}
	if s := v.Get(p.sort); s != "" {
		sort, ok := p.sorts[s]
		if !ok && p.strict {
			return req, wiki.E(wiki.EINVALID, "search.param.sort", p.sort)
		}
		q.Sort = sort
	}
	if q.Topic != "" {
		if err := knownTopic(c, q.Topic); err != nil {
			return req, err
		}
	}
	if s := v.Get(p.municipality); s != "" {
		ags, err := municipalityKey(c, s, p.strict)
		if err != nil {
			return req, err
		}
		q.Municipality = ags
	}
	if q.Kind != "" && !wiki.Kind(q.Kind).Valid() {
		return req, wiki.E(wiki.EINVALID, "search.unknown_kind", clipField(q.Kind))
	}
	if q.ProjectStatus != "" && !wiki.ProjectStatus(q.ProjectStatus).Valid() {
		return req, wiki.E(wiki.EINVALID, "search.unknown_status", clipField(q.ProjectStatus))
	}
	if q.FileFormat != "" && !slices.Contains(extract.Formats, extract.Format(q.FileFormat)) {
		return req, wiki.E(wiki.EINVALID, "search.unknown_file_format", clipField(q.FileFormat))
	}
	return req, nil
}

// knownTopic returns EINVALID unless the topic slug exists.
func knownTopic(c catalogReader, slug string) error {
	if _, err := c.Topic(slug); err != nil {
		return wiki.E(wiki.EINVALID, "search.unknown_topic", clipField(slug))
	}
	return nil
}

// municipalityKey returns the AGS of the municipality named by its slug or, if orAGS, by
// its AGS. Returns EINVALID for an unknown one.
func municipalityKey(c catalogReader, s string, orAGS bool) (string, error) {
	if orAGS {
		if m, err := c.Municipality(s); err == nil {
			return m.AGS, nil
		}
	}
	m, err := c.MunicipalityBySlug(s)
	if err != nil {
		return "", wiki.E(wiki.EINVALID, "search.unknown_municipality", clipField(s))
	}
	return m.AGS, nil
}
