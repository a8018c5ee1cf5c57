package web

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// fakeCatalog knows one municipality and one topic.
type fakeCatalog struct{}

var fakeMunicipality = wiki.Municipality{AGS: "07312000", Slug: "kaiserslautern", Name: "Kaiserslautern"}

func (fakeCatalog) Topic(slug string) (wiki.Topic, error) {
	if slug == "mobilitaet" {
		return wiki.Topic{Slug: slug, Name: "Mobilität"}, nil
	}
	return wiki.Topic{}, wiki.E(wiki.ENOTFOUND, "topic.not_found")
}

func (fakeCatalog) Municipality(ags string) (wiki.Municipality, error) {
	if ags == fakeMunicipality.AGS {
		return fakeMunicipality, nil
	}
	return wiki.Municipality{}, wiki.E(wiki.ENOTFOUND, "municipality.not_found")
}

func (fakeCatalog) MunicipalityBySlug(slug string) (wiki.Municipality, error) {
	if slug == fakeMunicipality.Slug {
		return fakeMunicipality, nil
	}
	return wiki.Municipality{}, wiki.E(wiki.ENOTFOUND, "municipality.not_found")
}

func TestParseSearch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params searchParams
		query  string
		want   searchRequest
		errMsg string
	}{
		{"page, everything", pageSearchParams, "q=Sensor&thema=mobilitaet&kommune=kaiserslautern&art=solution&status=running&jahr=2023&sortierung=neueste&seite=2&archiv=1",
			searchRequest{search.Query{Text: "Sensor", Topic: "mobilitaet", Municipality: "07312000", Kind: "solution", ProjectStatus: "running", Year: 2023, Sort: "newest", Page: 2, PerPage: 10}, true}, ""},
		{"page, bad numbers and sort count as missing", pageSearchParams, "jahr=x&seite=-3&sortierung=alt",
			searchRequest{Query: search.Query{Page: 1, PerPage: 10}}, ""},
		{"page, municipality only by slug", pageSearchParams, "kommune=07312000", searchRequest{}, "Die Kommune „07312000“ ist im Netzwerk nicht bekannt."},
		{"page, unknown topic", pageSearchParams, "thema=raumfahrt", searchRequest{}, "Das Thema „raumfahrt“ gibt es nicht."},
		{"api, everything", apiSearchParams, "q=Sensor&topic=mobilitaet&municipality=07312000&kind=solution&project_status=running&year=2023&sort=newest&page=2&per_page=5&archived=true",
			searchRequest{search.Query{Text: "Sensor", Topic: "mobilitaet", Municipality: "07312000", Kind: "solution", ProjectStatus: "running", Year: 2023, Sort: "newest", Page: 2, PerPage: 5}, true}, ""},
		{"api, municipality by slug", apiSearchParams, "municipality=kaiserslautern", searchRequest{Query: search.Query{Municipality: "07312000"}}, ""},
		{"api, bad page", apiSearchParams, "page=-1", searchRequest{}, "Der Parameter page muss eine nicht negative ganze Zahl sein."},
		{"api, bad per_page", apiSearchParams, "per_page=viele", searchRequest{}, "Der Parameter per_page muss eine nicht negative ganze Zahl sein."},
		{"api, bad sort", apiSearchParams, "sort=oldest", searchRequest{}, "Der Parameter sort ist relevance oder newest."},
		{"api, unknown topic", apiSearchParams, "topic=raumfahrt", searchRequest{}, "Das Thema „raumfahrt“ gibt es nicht."},
		{"api, unknown municipality", apiSearchParams, "municipality=mars", searchRequest{}, "Die Kommune „mars“ ist im Netzwerk nicht bekannt."},
		{"api, unknown kind", apiSearchParams, "kind=quatsch", searchRequest{}, "Unbekannte Art „quatsch“."},
		{"api, unknown status", apiSearchParams, "project_status=quatsch", searchRequest{}, "Unbekannter Projektstatus „quatsch“."},
		{"page, files", pageSearchParams, "dateien=1&dateityp=pdf", searchRequest{Query: search.Query{WithFiles: true, FileFormat: "pdf", Page: 1, PerPage: 10}}, ""},
		{"page, unknown file format", pageSearchParams, "dateityp=exe", searchRequest{}, "Unbekannter Dateityp „exe“."},
		{"api, files", apiSearchParams, "has_files=true&file_format=docx", searchRequest{Query: search.Query{WithFiles: true, FileFormat: "docx"}}, ""},
		{"api, not only with files", apiSearchParams, "has_files=false", searchRequest{}, ""},
		{"api, unknown file format", apiSearchParams, "file_format=PDF", searchRequest{}, "Unbekannter Dateityp „PDF“."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			got, err := parseSearch(v, tt.params, fakeCatalog{})
			if tt.errMsg != "" {
				if wiki.ErrorCode(err) != wiki.EINVALID || userMessage(err) != tt.errMsg {
					t.Errorf("error = %v, want EINVALID %q", err, tt.errMsg)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
