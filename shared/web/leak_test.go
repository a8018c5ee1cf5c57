package web

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// The leak probe. Entries that a visitor, or a member of another municipality, must not
// see are created with unique marker words in every text field; then every route of the
// server is asked, by both, for everything that could reveal them: pages and lists with
// every filter, search for the marker words, facet counts, entry pages by slug, history,
// comparison and edit pages, workflow posts, the JSON API. Each response must be exactly
// the response from before the entries existed — so no marker, no slug, no count and no
// "exists but forbidden" differs — and must not contain the marker words.

// Catalog of the probe: a municipality and a topic that only hidden entries use, so that
// a facet count of them would show.
const (
	leakAGS          = "07999001"
	leakMunicipality = "Verbandsgemeinde Probehausen"
	leakMuniSlug     = "verbandsgemeinde-probehausen"
	leakTopicName    = "Testthema Leckprobe"
	leakTopic        = "testthema-leckprobe"
	otherAGS         = "07320000" // Zweibrücken: the prober's municipality, owner of no hidden entry
)

// publicProbe is a public, published entry with a contact person (whom visitors must not
// see) that names the hidden entries as related.
var publicProbe = struct{ title, slug, contactName, contactEmail, contactRole string }{
	"Offenes Referenzprojekt Pegelampel", "offenes-referenzprojekt-pegelampel",
	"Konrad Kontaktlich", "konrad.kontaktlich@beispiel-kommune.de", "Stabsstelle Vertraulich",
}

// hiddenEntry is an entry that some prober must not see.
type hiddenEntry struct {
	marker     string // in every text field
	slug       string
	state      wiki.State
	visibility wiki.Visibility
	ags        string
	memberSees bool // a member of another municipality may read it (published or archived)
}

var hiddenEntries = []hiddenEntry{
	{"Geheimwortalpha", "geheimwortalpha-messnetz", wiki.StatePublished, wiki.Internal, leakAGS, true},
	{"Geheimwortecho", "geheimwortecho-messnetz", wiki.StateArchived, wiki.Internal, "07312000", true},
	{"Geheimwortfoxtrot", "geheimwortfoxtrot-messnetz", wiki.StateArchived, wiki.Public, leakAGS, true},
	{"Geheimwortbravo", "geheimwortbravo-messnetz", wiki.StateDraft, wiki.Public, leakAGS, false},
	{"Geheimwortcharlie", "geheimwortcharlie-messnetz", wiki.StateSubmitted, wiki.Public, "07312000", false},
	{"Geheimwortdelta", "geheimwortdelta-messnetz", wiki.StateChangesRequested, wiki.Internal, leakAGS, false},
}

// probe is one request of the leak probe. In its path, form values and JSON body,
// {slug} stands for the slug of each hidden entry and {word} for each marker word; such a
// probe is sent once for each.
type probe struct {
	method, path string
	form         url.Values // a form post; the form token is added
	json         string     // an API body
	upload       string     // an API upload: the content of a text file sent as multipart/form-data
	header       map[string]string
	// fresh probes change the prober's account or session (signing out, new tokens): they
	// are sent by a new account of the same kind each time, and only the status, not the
	// body, is compared with the baseline.
	fresh bool
}

// madeUpSecret looks like a one-time link's secret and belongs to none.
const madeUpSecret = "QevuLvedgjHeRa8utCrtgwK4a_UClMD197Ik2fq_hGI"

// madeUpID looks like a user id and belongs to nobody.
const madeUpID = "01JC0000000000000000000000"

// pget is a GET probe.
func pget(path string) probe { return probe{method: "GET", path: path} }

// routeProbe lists the probes of one route, by the pattern it is registered with.
type routeProbe struct {
	pattern string
	probes  []probe
}

// leakProbes is the one table of routes and how to probe them. TestLeakProbeCoversRoutes
// fails when a route is registered without a row here.
func leakProbes() []routeProbe {
	entryForm := url.Values{"title": {"Geänderter Titel"}, "kind": {"solution"}, "municipality": {otherAGS}, "summary": {"Kurz."},
		"topics": {"klima-umwelt"}, "project_status": {"running"}, "visibility": {"public"}, "version": {"1"}}
	entryJSON := `{"title": "Geänderter Titel", "kind": "solution", "summary": "Kurz.", "topics": ["klima-umwelt"], "project_status": "running", "visibility": "public"}`
	ifMatch := map[string]string{"If-Match": `"1"`}
	p := publicProbe.slug
	lists := []string{"", "?archiv=1", "?thema=" + leakTopic, "?thema=" + leakTopic + "&archiv=1", "?kommune=" + leakMuniSlug,
		"?kommune=" + leakMuniSlug + "&archiv=1", "?kommune=kaiserslautern", "?thema=klima-umwelt", "?art=event", "?status=idea",
		"?jahr=2029", "?jahr=2029&archiv=1", "?sortierung=neueste", "?seite=2"}
	var entryLists, searches []probe
	for _, q := range lists {
		entryLists = append(entryLists, pget("/eintraege"+q))
	}
	for _, q := range []string{"q={word}", "q={word}&archiv=1", "q={slug}", "q=", "q=&archiv=1", "q=Messnetz", "q=Messnetz&archiv=1",
		"q=Pegel", "q=" + url.QueryEscape(publicProbe.contactName), "q=" + url.QueryEscape(publicProbe.contactEmail),
		"q=&thema=" + leakTopic, "q=&kommune=" + leakMuniSlug, "q=&art=event", "q=&jahr=2029&archiv=1", "q={word}+Pegel"} {
		searches = append(searches, pget("/suche?"+q))
	}
	var apiLists, apiSearches []probe
	for _, q := range []string{"", "?per_page=100", "?archived=true&per_page=100", "?topic=" + leakTopic, "?topic=" + leakTopic + "&archived=true",
		"?municipality=" + leakAGS, "?municipality=" + leakMuniSlug + "&archived=true", "?kind=event", "?project_status=idea", "?year=2029&archived=true"} {
		apiLists = append(apiLists, pget("/api/v1/entries"+q))
	}
	for _, q := range []string{"q={word}", "q={word}&archived=true", "q={slug}", "q=", "q=&archived=true", "q=Messnetz&archived=true",
		"q=Pegel", "q=" + url.QueryEscape(publicProbe.contactName), "q=&topic=" + leakTopic, "q=&municipality=" + leakAGS + "&archived=true",
		"q=&kind=event&archived=true", "q={word}+Pegel"} {
		apiSearches = append(apiSearches, pget("/api/v1/search?"+q))
	}
	return []routeProbe{
		{"GET /{$}", []probe{pget("/")}},
		{"GET /eintraege", entryLists},
		{"GET /eintraege/neu", []probe{pget("/eintraege/neu")}},
		{"POST /eintraege", []probe{{method: "POST", path: "/eintraege", form: url.Values{"title": {"{word}"}, "related": {"{slug}"}}}}},
		{"GET /eintraege/{slug}", []probe{pget("/eintraege/{slug}"), pget("/eintraege/" + p)}},
		{"GET /eintraege/{slug}/bearbeiten", []probe{pget("/eintraege/{slug}/bearbeiten"), pget("/eintraege/" + p + "/bearbeiten")}},
		{"POST /eintraege/{slug}/bearbeiten", []probe{{method: "POST", path: "/eintraege/{slug}/bearbeiten", form: entryForm}}},
		{"GET /eintraege/{slug}/dateien/hochladen", []probe{pget("/eintraege/{slug}/dateien/hochladen"), pget("/eintraege/" + p + "/dateien/hochladen")}},
		{"GET /eintraege/{slug}/dateien/bestaetigen", []probe{pget("/eintraege/{slug}/dateien/bestaetigen?key=uploads/x/y/z/{word}.pdf"), pget("/eintraege/" + p + "/dateien/bestaetigen?key=uploads/x/y/z/a.pdf")}},
		{"POST /eintraege/{slug}/dateien/bestaetigen", []probe{{method: "POST", path: "/eintraege/{slug}/dateien/bestaetigen", form: url.Values{"version": {"2"}, "key": {"uploads/x/y/z/{word}.pdf"}, "title": {"{word}"}}}}},
		{"GET /eintraege/{slug}/versionen", []probe{pget("/eintraege/{slug}/versionen"), pget("/eintraege/" + p + "/versionen")}},
		{"GET /eintraege/{slug}/vergleich", []probe{pget("/eintraege/{slug}/vergleich?von=1&zu=2"), pget("/eintraege/" + p + "/vergleich?von=1&zu=2")}},
		{"POST /eintraege/{slug}/status", []probe{
			{method: "POST", path: "/eintraege/{slug}/status", form: url.Values{"to": {"published"}, "version": {"2"}}},
			{method: "POST", path: "/eintraege/{slug}/status", form: url.Values{"to": {"submitted"}}},
			{method: "POST", path: "/eintraege/{slug}/status", form: url.Values{"to": {"archived"}, "comment": {"weg"}}},
		}},
		{"POST /eintraege/{slug}/hervorheben", []probe{{method: "POST", path: "/eintraege/{slug}/hervorheben", form: url.Values{"featured": {"1"}, "version": {"2"}}}}},
		{"POST /eintraege/{slug}/geprueft", []probe{{method: "POST", path: "/eintraege/{slug}/geprueft", form: url.Values{"version": {"2"}}}}},
		{"GET /eintraege/{slug}/dateien/{id}", []probe{pget("/eintraege/{slug}/dateien/" + madeUpID), pget("/eintraege/{slug}/dateien/" + madeUpID + "?version=1")}},
		{"GET /anmelden", []probe{pget("/anmelden"), pget("/anmelden?weiter=/eintraege/{slug}")}},
		{"POST /anmelden", []probe{{method: "POST", path: "/anmelden", form: url.Values{"email": {"niemand@beispiel-kommune.de"}, "password": {"falsch-falsch"}}}}},
		{"POST /abmelden", []probe{{method: "POST", path: "/abmelden", form: url.Values{}, fresh: true}}},
		{"GET /passwort-vergessen", []probe{pget("/passwort-vergessen")}},
		{"POST /passwort-vergessen", []probe{{method: "POST", path: "/passwort-vergessen", form: url.Values{"email": {"niemand@beispiel-kommune.de"}}}}},
		{"GET /passwort/{token}", []probe{pget("/passwort/" + madeUpSecret)}},
		{"POST /passwort/{token}", []probe{{method: "POST", path: "/passwort/" + madeUpSecret, form: url.Values{"password": {"lang-genug-123"}, "password2": {"lang-genug-123"}}}}},
		{"GET /suche", searches},
		{"GET /kommunen", []probe{pget("/kommunen")}},
		{"GET /kommunen/{slug}", []probe{pget("/kommunen/" + leakMuniSlug), pget("/kommunen/kaiserslautern"), pget("/kommunen/zweibruecken")}},
		{"GET /themen", []probe{pget("/themen")}},
		{"GET /themen/{slug}", []probe{pget("/themen/" + leakTopic), pget("/themen/klima-umwelt")}},
		{"GET /profil", []probe{pget("/profil")}},
		{"POST /profil/passwort", []probe{{method: "POST", path: "/profil/passwort", form: url.Values{"current": {"falsch-falsch"}, "password": {"lang-genug-123"}, "password2": {"lang-genug-123"}}}}},
		{"POST /profil/tokens", []probe{{method: "POST", path: "/profil/tokens", form: url.Values{"name": {"Leckprobe"}}, fresh: true}}},
		{"POST /profil/tokens/widerrufen", []probe{{method: "POST", path: "/profil/tokens/widerrufen", form: url.Values{"token": {madeUpSecret}}}}},
		{"POST /profil/ueberall-abmelden", []probe{{method: "POST", path: "/profil/ueberall-abmelden", form: url.Values{}, fresh: true}}},
		{"GET /koordination", []probe{pget("/koordination")}},
		{"GET /koordination/pruefung", []probe{pget("/koordination/pruefung"), pget("/koordination/pruefung?thema=" + leakTopic + "&kommune=" + leakMuniSlug)}},
		{"GET /koordination/aenderungen", []probe{pget("/koordination/aenderungen")}},
		{"GET /koordination/kommunen", []probe{pget("/koordination/kommunen")}},
		{"POST /koordination/kommunen", []probe{{method: "POST", path: "/koordination/kommunen", form: url.Values{"ags": {"07999003"}, "name": {"Neustadt"}, "type": {"Stadt"}}}}},
		{"GET /koordination/kommunen/{ags}", []probe{pget("/koordination/kommunen/" + leakAGS)}},
		{"POST /koordination/kommunen/{ags}", []probe{{method: "POST", path: "/koordination/kommunen/" + leakAGS, form: url.Values{"name": {"Umbenannt"}, "type": {"Stadt"}}}}},
		{"GET /koordination/themen", []probe{pget("/koordination/themen")}},
		{"POST /koordination/themen", []probe{{method: "POST", path: "/koordination/themen", form: url.Values{"name": {"Neues Thema"}}}}},
		{"GET /koordination/themen/{slug}", []probe{pget("/koordination/themen/" + leakTopic)}},
		{"POST /koordination/themen/{slug}", []probe{{method: "POST", path: "/koordination/themen/" + leakTopic, form: url.Values{"name": {"Umbenannt"}}}}},
		{"POST /koordination/themen-zusammenfuehren", []probe{{method: "POST", path: "/koordination/themen-zusammenfuehren", form: url.Values{"from": {leakTopic}, "into": {"klima-umwelt"}}}}},
		{"GET /koordination/personen", []probe{pget("/koordination/personen")}},
		{"POST /koordination/personen", []probe{{method: "POST", path: "/koordination/personen", form: url.Values{"email": {"neu@beispiel-kommune.de"}, "name": {"Neu"}, "role": {"coordinator"}}}}},
		{"GET /koordination/personen/{id}", []probe{pget("/koordination/personen/" + madeUpID)}},
		{"POST /koordination/personen/{id}", []probe{{method: "POST", path: "/koordination/personen/" + madeUpID, form: url.Values{"name": {"Neu"}, "role": {"coordinator"}}}}},
		{"GET /koordination/protokoll", []probe{pget("/koordination/protokoll")}},
		{"GET /koordination/postausgang", []probe{pget("/koordination/postausgang")}},
		{"GET /koordination/suchwoerter", []probe{pget("/koordination/suchwoerter")}},
		{"POST /koordination/suchwoerter", []probe{{method: "POST", path: "/koordination/suchwoerter", form: url.Values{"synonyms": {"{word} = Messnetz"}, "protected": {"{word}"}, "version": {"0"}}}}},
		{"GET /static/", []probe{pget("/static/style.css")}},

		{"GET /healthz", []probe{pget("/healthz")}},
		{"GET /api/v1/openapi.yaml", []probe{pget("/api/v1/openapi.yaml")}},
		{"GET /api/v1/entries", apiLists},
		{"GET /api/v1/entries/{slug}", []probe{pget("/api/v1/entries/{slug}"), pget("/api/v1/entries/" + p)}},
		{"GET /api/v1/search", apiSearches},
		{"GET /api/v1/suggest", []probe{pget("/api/v1/suggest?q={word}"), pget("/api/v1/suggest?q=Geheimwort"), pget("/api/v1/suggest?q=Messn"),
			pget("/api/v1/suggest?q=Pegel+Messnetz"), pget("/api/v1/suggest?q=Offenes+Ref"), pget("/api/v1/suggest?q=Testthema")}},
		{"GET /api/v1/similar", []probe{pget("/api/v1/similar?title={word}+Messnetz&summary=Kurzfassung+{word}"),
			pget("/api/v1/similar?title=Messnetz+misst+Pegel&summary=Ein+verborgenes+Messnetz+misst+Pegel+" + url.QueryEscape("überall")),
			pget("/api/v1/similar?title=Pegelampel+Messnetz&exclude={slug}"), pget("/api/v1/similar?title=" + url.QueryEscape(publicProbe.title) + "&limit=10")}},
		{"GET /api/v1/municipalities", []probe{pget("/api/v1/municipalities")}},
		{"GET /api/v1/topics", []probe{pget("/api/v1/topics")}},
		{"POST /api/v1/entries", []probe{{method: "POST", path: "/api/v1/entries", json: `{"title": "", "related": ["{slug}"]}`}}},
		{"PUT /api/v1/entries/{slug}", []probe{
			{method: "PUT", path: "/api/v1/entries/{slug}", json: entryJSON, header: ifMatch},
			{method: "PUT", path: "/api/v1/entries/{slug}", json: entryJSON},
		}},
		{"POST /api/v1/entries/{slug}/transitions", []probe{
			{method: "POST", path: "/api/v1/entries/{slug}/transitions", json: `{"to": "published"}`},
			{method: "POST", path: "/api/v1/entries/{slug}/transitions", json: `{"to": "archived", "comment": "weg"}`, header: ifMatch},
		}},
		{"GET /api/v1/entries/{slug}/files", []probe{pget("/api/v1/entries/{slug}/files"), pget("/api/v1/entries/" + p + "/files")}},
		{"POST /api/v1/entries/{slug}/files", []probe{
			{method: "POST", path: "/api/v1/entries/{slug}/files", upload: "Notiz zum Messnetz.\n", header: ifMatch},
			{method: "POST", path: "/api/v1/entries/{slug}/files", upload: "Notiz zum Messnetz.\n"},
		}},
		{"GET /api/v1/entries/{slug}/files/{id}", []probe{pget("/api/v1/entries/{slug}/files/" + madeUpID), pget("/api/v1/entries/{slug}/files/" + madeUpID + "?version=1")}},
		{"DELETE /api/v1/entries/{slug}/files/{id}", []probe{{method: "DELETE", path: "/api/v1/entries/{slug}/files/" + madeUpID, header: ifMatch}}},
		{"POST /api/v1/entries/{slug}/uploads", []probe{{method: "POST", path: "/api/v1/entries/{slug}/uploads"}}},
		{"POST /api/v1/entries/{slug}/uploads/confirm", []probe{
			{method: "POST", path: "/api/v1/entries/{slug}/uploads/confirm", json: `{"version": 2, "files": [{"key": "uploads/x/y/z/{word}.pdf", "title": "{word}"}]}`},
		}},
		{"GET /api/v1/municipalities/{ags}", []probe{pget("/api/v1/municipalities/" + leakAGS)}},
		{"POST /api/v1/municipalities", []probe{{method: "POST", path: "/api/v1/municipalities", json: `{"ags": "07999002", "name": "Neustadt"}`}}},
		{"PUT /api/v1/municipalities/{ags}", []probe{{method: "PUT", path: "/api/v1/municipalities/" + leakAGS, json: `{"name": "Umbenannt"}`}}},
		{"GET /api/v1/topics/{slug}", []probe{pget("/api/v1/topics/" + leakTopic)}},
		{"POST /api/v1/topics", []probe{{method: "POST", path: "/api/v1/topics", json: `{"name": "Neues Thema"}`}}},
		{"PUT /api/v1/topics/{slug}", []probe{{method: "PUT", path: "/api/v1/topics/" + leakTopic, json: `{"name": "Umbenannt"}`}}},
		{"GET /api/v1/review-queue", []probe{pget("/api/v1/review-queue"), pget("/api/v1/review-queue?topic=" + leakTopic + "&municipality=" + leakAGS)}},
		{"GET /api/v1/audit", []probe{pget("/api/v1/audit"), pget("/api/v1/audit?limit=1000")}},
		{"/api/", []probe{pget("/api/v1/gibt-es-nicht/{slug}")}},
		{"/", []probe{pget("/gibt-es-nicht/{slug}")}},
	}
}

// registeredRoutes returns the patterns that the package's code registers on a mux, read
// from its source: every HandleFunc or Handle call with a string literal pattern.
func registeredRoutes(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				pattern, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatalf("%s: pattern %s: %v", fset.Position(lit.Pos()), lit.Value, err)
				}
				out = append(out, pattern)
			}
			return true
		})
	}
	slices.Sort(out)
	return out
}

func TestLeakProbeCoversRoutes(t *testing.T) {
	t.Parallel()
	registered := registeredRoutes(t)
	if len(registered) < 30 {
		t.Fatalf("found only %d routes in the source; is registeredRoutes still reading them?", len(registered))
	}
	probed := map[string]bool{}
	for _, rp := range leakProbes() {
		if probed[rp.pattern] {
			t.Errorf("route %q is twice in leakProbes", rp.pattern)
		}
		probed[rp.pattern] = true
		if len(rp.probes) == 0 {
			t.Errorf("route %q has no probe", rp.pattern)
		}
	}
	for _, p := range registered {
		if !probed[p] {
			t.Errorf("route %q has no row in leakProbes: add how to probe it for hidden entries", p)
		}
		delete(probed, p)
	}
	for p := range probed {
		t.Errorf("leakProbes has a row for %q, which is not registered", p)
	}
}

// prober is someone probing the site.
type prober struct {
	name      string
	http      *http.Client
	token     string         // API token sent as Authorization: Bearer
	csrf      string         // the form token of the prober's forms
	fresh     func() *prober // another session of the same person
	hidden    []hiddenEntry  // what they must not see
	sees      func(hiddenEntry) bool
	baseline  map[string]response // by request key
	isVisitor bool
}

// response is what a probe got.
type response struct {
	status   int
	location string
	etag     string
	body     string
}

// request is a probe with its placeholders filled in.
type request struct {
	probe
	path, json string
	form       url.Values
	key        string
}

// text is everything the request itself says, in lower case: what a response may echo.
func (r request) text() string {
	path, err := url.PathUnescape(r.path)
	if err != nil {
		path = r.path
	}
	if q, err := url.QueryUnescape(path); err == nil {
		path = q
	}
	var form []string
	for _, vs := range r.form {
		form = append(form, vs...)
	}
	return strings.ToLower(path + "\n" + r.json + "\n" + strings.Join(form, "\n"))
}

// expand fills in the placeholders of a probe.
func (p probe) expand() []request {
	text := p.path + p.json + p.form.Encode()
	var out []request
	fill := func(placeholder, value string) {
		r := request{probe: p, path: strings.ReplaceAll(p.path, placeholder, value), json: strings.ReplaceAll(p.json, placeholder, value)}
		if p.form != nil {
			r.form = url.Values{}
			for k, vs := range p.form {
				for _, v := range vs {
					r.form.Add(k, strings.ReplaceAll(v, placeholder, value))
				}
			}
		}
		r.key = p.method + " " + r.path + " " + r.json + " " + r.form.Encode() + " " + p.header["If-Match"]
		out = append(out, r)
	}
	switch {
	case strings.Contains(text, "{slug}"):
		for _, h := range hiddenEntries {
			fill("{slug}", h.slug)
		}
	case strings.Contains(text, "{word}"):
		for _, h := range hiddenEntries {
			fill("{word}", h.marker)
		}
	default:
		fill("", "")
	}
	return out
}

func (pr *prober) send(t *testing.T, ts *httptest.Server, r request) response {
	t.Helper()
	c := pr
	if r.fresh {
		c = pr.fresh()
	}
	var body io.Reader
	var contentType string
	switch {
	case r.form != nil:
		f := url.Values{}
		for k, v := range r.form {
			f[k] = v
		}
		f.Set("csrf", c.csrf)
		body, contentType = strings.NewReader(f.Encode()), "application/x-www-form-urlencoded"
	case r.json != "":
		body, contentType = strings.NewReader(r.json), "application/json"
	case r.upload != "":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("title", "Notiz")
		fw, _ := mw.CreateFormFile("file", "notiz.txt")
		io.WriteString(fw, r.upload)
		mw.Close()
		body, contentType = &buf, mw.FormDataContentType()
	}
	req, err := http.NewRequest(r.method, ts.URL+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, location: resp.Header.Get("Location"), etag: resp.Header.Get("ETag"), body: string(b)}
}

// probeAll sends every probe of the table.
func (pr *prober) probeAll(t *testing.T, ts *httptest.Server) map[string]response {
	t.Helper()
	out := map[string]response{}
	for _, rp := range leakProbes() {
		for _, p := range rp.probes {
			for _, r := range p.expand() {
				out[r.key] = pr.send(t, ts, r)
			}
		}
	}
	return out
}

// newProber makes a browser-like client; signed in with the session secret if one is given.
func newProber(t *testing.T, ts *httptest.Server, name, session, token string) *prober {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	pr := &prober{name: name, token: token, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	u, _ := url.Parse(ts.URL)
	if session != "" {
		jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: session, Path: "/"}})
	}
	// The sign-in page has a form, so it shows the form token (and sets a visitor's cookie).
	resp := pr.send(t, ts, request{probe: pget("/anmelden"), path: "/anmelden"})
	m := csrfField.FindStringSubmatch(resp.body)
	if m == nil {
		t.Fatalf("%s: no form token on /anmelden (status %d)", name, resp.status)
	}
	pr.csrf = m[1]
	return pr
}

// seedLeakCatalog adds the probe's municipality and topic, and the public entry.
func seedLeakCatalog(t *testing.T, a *app.App, coord auth.Viewer) {
	t.Helper()
	ctx := t.Context()
	if _, err := a.SaveMunicipality(ctx, coord, wiki.Municipality{AGS: leakAGS, Name: leakMunicipality, Type: "Verbandsgemeinde"}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveTopic(ctx, coord, wiki.Topic{Name: leakTopicName}, true); err != nil {
		t.Fatal(err)
	}
	var related []string
	for _, h := range hiddenEntries {
		related = append(related, h.slug)
	}
	pub := &wiki.Entry{Title: publicProbe.title, Kind: wiki.KindSolution, Municipality: "07312000",
		Contact: wiki.Contact{Name: publicProbe.contactName, Email: publicProbe.contactEmail, Role: publicProbe.contactRole},
		Summary: "Eine öffentliche Ampel zeigt Pegelstände.", Body: "## Lösung\n\nEine Ampel.", Topics: []string{"klima-umwelt"},
		ProjectStatus: wiki.StatusRunning, Visibility: wiki.Public, Related: related}
	e, err := a.CreateEntry(ctx, coord, pub, "", true)
	if err == nil {
		e, err = a.Transition(ctx, coord, e.Slug, 0, wiki.StatePublished, "")
	}
	if err != nil || e.Slug != publicProbe.slug {
		t.Fatalf("public entry: %v (slug %s)", err, e.Slug)
	}
}

// createHidden creates a hidden entry through the app, with a file that carries the marker
// in its name, title, description and content, and brings it to its state.
func createHidden(t *testing.T, a *app.App, coord auth.Viewer, h hiddenEntry) *wiki.Entry {
	t.Helper()
	ctx := t.Context()
	m := h.marker
	in := &wiki.Entry{Title: m + " Messnetz", Kind: wiki.KindEvent, Municipality: h.ags, Partners: []string{"07335000"},
		ExternalPartners: []string{m + " GmbH"}, Contact: wiki.Contact{Name: "Frau " + m, Role: m + "-Stelle", Email: strings.ToLower(m) + "@beispiel-kommune.de"},
		Summary: "Kurzfassung " + m + ": ein verborgenes Messnetz.", Body: "## Ausgangslage\n\nDas " + m + " Messnetz misst Pegel.\n\n## Lösung\n\n" + m + " überall.",
		Topics: []string{leakTopic, "klima-umwelt"}, Tags: []string{m, m + "tag"}, ProjectStatus: wiki.StatusIdea, PeriodStart: "2029-01",
		Costs: m + " Euro", Funding: m + "-Programm", Software: []string{m + "Suite"}, Links: []wiki.Link{{Title: m + " Portal", URL: "https://example.org/" + strings.ToLower(m)}},
		Visibility: h.visibility}
	submit := h.state != wiki.StateDraft
	content := "Bericht über das " + m + " Messnetz.\n"
	file := app.FileUpload{Name: strings.ToLower(m) + "-bericht.txt", Title: m + " Bericht", Description: "Anhang " + m,
		Content: strings.NewReader(content), Size: int64(len(content))}
	e, err := a.CreateEntryFiles(ctx, coord, in, "Erste Fassung "+m, submit, []app.FileUpload{file})
	if err != nil {
		t.Fatalf("create %s: %v", m, err)
	}
	var path []wiki.State
	switch h.state {
	case wiki.StatePublished:
		path = []wiki.State{wiki.StatePublished}
	case wiki.StateChangesRequested:
		path = []wiki.State{wiki.StateChangesRequested}
	case wiki.StateArchived:
		path = []wiki.State{wiki.StatePublished, wiki.StateArchived}
	}
	for _, to := range path {
		if e, err = a.Transition(ctx, coord, e.Slug, 0, to, "Kommentar "+m); err != nil {
			t.Fatalf("move %s to %s: %v", m, to, err)
		}
	}
	if h.state == wiki.StatePublished {
		if e, err = a.SetFeatured(ctx, coord, e.Slug, 0, true); err != nil {
			t.Fatalf("feature %s: %v", m, err)
		}
	}
	if e.Slug != h.slug || e.State != h.state {
		t.Fatalf("hidden entry %s: slug %s state %s, want %s %s", m, e.Slug, e.State, h.slug, h.state)
	}
	return e
}

func TestLeakProbe(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	ctx := t.Context()
	coordUser, err := a.CreateUser(ctx, auth.Visitor, app.NewUser{Email: "koordination@ikone-ds.de", Name: "Karla Koordination", Role: wiki.RoleCoordinator, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	coord := auth.Viewer{User: coordUser}
	seedLeakCatalog(t, a, coord)

	// Members of Zweibrücken, which owns none of the hidden entries: the main one, and
	// new ones for probes that sign out or add tokens.
	accounts := 0
	member := func() *wiki.User {
		accounts++
		u, err := a.CreateUser(ctx, auth.Visitor, app.NewUser{Email: "zoe" + strconv.Itoa(accounts) + "@beispiel-zweibruecken.de", Name: "Zoe Zweibrücken", Role: wiki.RoleMember, Municipality: otherAGS, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	session := func(u *wiki.User) string {
		secret, _, err := a.Login(ctx, u.Email, testPassword, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	token := func(u *wiki.User) string {
		secret, err := a.CreateAPIToken(ctx, auth.Viewer{User: u}, "Leckprobe")
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	zoe := member()
	probers := []*prober{
		newProber(t, ts, "Besucher:in", "", ""),
		newProber(t, ts, "Mitglied (Sitzung)", session(zoe), ""),
		newProber(t, ts, "Mitglied (API-Token)", "", token(zoe)),
	}
	probers[0].fresh = func() *prober { return newProber(t, ts, "Besucher:in", "", "") }
	probers[1].fresh = func() *prober { return newProber(t, ts, "Mitglied (Sitzung)", session(member()), "") }
	probers[2].fresh = func() *prober { return newProber(t, ts, "Mitglied (API-Token)", "", token(member())) }
	probers[0].isVisitor = true
	probers[0].sees = func(hiddenEntry) bool { return false }
	probers[1].sees = func(h hiddenEntry) bool { return h.memberSees }
	probers[2].sees = probers[1].sees

	// Baselines: the visitor's before any hidden entry exists; the member's once those that
	// members may read exist, before those they may not.
	probers[0].baseline = probers[0].probeAll(t, ts)
	created := map[string]*wiki.Entry{}
	for _, h := range hiddenEntries {
		if h.memberSees {
			created[h.slug] = createHidden(t, a, coord, h)
		}
	}
	probers[1].baseline = probers[1].probeAll(t, ts)
	probers[2].baseline = probers[2].probeAll(t, ts)
	for _, h := range hiddenEntries {
		if !h.memberSees {
			created[h.slug] = createHidden(t, a, coord, h)
		}
	}

	for _, pr := range probers {
		t.Run(pr.name, func(t *testing.T) {
			var hidden []string
			for _, h := range hiddenEntries {
				if !pr.sees(h) {
					hidden = append(hidden, strings.ToLower(h.marker), h.slug)
				}
			}
			if pr.isVisitor {
				hidden = append(hidden, strings.ToLower(publicProbe.contactName), strings.ToLower(publicProbe.contactEmail), strings.ToLower(publicProbe.contactRole))
			}
			n := 0
			for _, rp := range leakProbes() {
				for _, p := range rp.probes {
					for _, r := range p.expand() {
						n++
						got := pr.send(t, ts, r)
						checkProbe(t, rp.pattern, r, got, pr.baseline[r.key], hidden)
					}
				}
			}
			t.Logf("%d requests, each answered as before the hidden entries existed", n)
		})
	}

	t.Run("facets", func(t *testing.T) {
		// The equality above covers every count; this spells out the JSON facets.
		for _, pr := range probers {
			for _, path := range []string{"/api/v1/search?q=&archived=true", "/api/v1/search?q=Messnetz&archived=true"} {
				resp := pr.send(t, ts, request{probe: pget(path), path: path})
				var res apiSearchResult
				if err := json.Unmarshal([]byte(resp.body), &res); err != nil {
					t.Fatalf("%s %s: %v", pr.name, path, err)
				}
				counts := map[string]int{}
				for _, fv := range slices.Concat(res.Facets.Topic, res.Facets.Municipality, res.Facets.Kind, res.Facets.Year) {
					counts[fv.Value] += fv.Count
				}
				want := 0
				for _, h := range hiddenEntries {
					if pr.sees(h) && h.ags == leakAGS {
						want++
					}
				}
				if counts[leakAGS] != want {
					t.Errorf("%s %s: municipality facet counts %d of the hidden municipality's entries, want %d", pr.name, path, counts[leakAGS], want)
				}
				want = 0
				for _, h := range hiddenEntries {
					if pr.sees(h) {
						want++
					}
				}
				for _, v := range []string{leakTopic, "event", "2029"} {
					if counts[v] != want {
						t.Errorf("%s %s: facet %s counts %d, want %d", pr.name, path, v, counts[v], want)
					}
				}
			}
		}
	})

	t.Run("nothing changed", func(t *testing.T) {
		everyone := auth.Viewer{User: &wiki.User{Role: wiki.RoleCoordinator}}
		for slug, before := range created {
			e, err := a.Entry(ctx, everyone, slug)
			if err != nil || e.Version != before.Version || e.State != before.State || e.Title != before.Title {
				t.Errorf("%s changed by the probes: %+v %v", slug, e, err)
			}
		}
		if m, _ := a.Municipality(leakAGS); m.Name != leakMunicipality {
			t.Errorf("municipality renamed by the probes: %q", m.Name)
		}
		if tp, _ := a.Topic(leakTopic); tp.Name != leakTopicName {
			t.Errorf("topic renamed by the probes: %q", tp.Name)
		}
	})
}

// checkProbe compares a response with the baseline and looks for the hidden words.
func checkProbe(t *testing.T, pattern string, r request, got, want response, hidden []string) {
	t.Helper()
	where := pattern + ": " + r.method + " " + r.path
	if r.json != "" {
		where += " " + r.json
	}
	if got.status != want.status || got.location != want.location || got.etag != want.etag {
		t.Errorf("%s: status %d location %q etag %q, before the hidden entries existed %d %q %q", where, got.status, got.location, got.etag, want.status, want.location, want.etag)
	}
	if got.body != want.body && !r.fresh {
		t.Errorf("%s: the response differs from the one before the hidden entries existed:\n%s", where, firstDifference(want.body, got.body))
	}
	text := strings.ToLower(got.body + "\n" + got.location)
	asked := r.text()
	for _, w := range hidden {
		if strings.Contains(asked, w) {
			continue // the request itself names it; the equality above says it is only echoed
		}
		if i := strings.Index(text, w); i >= 0 {
			t.Errorf("%s: response contains %q: …%s…", where, w, text[max(0, i-80):min(len(text), i+len(w)+80)])
		}
	}
}

// firstDifference shows where two texts part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-120)
	return "before: …" + a[from:min(len(a), i+200)] + "…\nnow:    …" + b[from:min(len(b), i+200)] + "…"
}
