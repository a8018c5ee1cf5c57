package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The API's contract. Every test server of this package is made by contractServer (through
// newTestServer or directly), which sends each answer under /api/, and of /healthz, through
// the OpenAPI document that the server itself serves (openapi.yaml): the route must be in
// the document, the status documented for its operation, the content type and the headers
// must match, and the body must match the schema. An answer that does not is an error of
// the test that made the server, reported before the client gets the answer, naming the
// route, the status and what is wrong. So the document cannot drift from what the handlers
// answer, as far as the tests exercise them.
//
// The validator is github.com/getkin/kin-openapi (openapi3filter.ValidateResponse, JSON
// Schema 2020-12 for OpenAPI 3.1); it is imported from tests only.
//
// A path that is in no operation of the document (a typo, a method the route lacks) is
// answered by the API's catch-all with 404 and an error body, or refused before with 401
// or 403 (see check): only those, with an error body, are accepted for it.
//
// TestMain prints how many answers were checked and how many of the documented (method,
// path, status) they covered; with WISSENSNETZ_CONTRACT_REPORT=1 also each of those and
// the documented ones that no test saw.

// contract is the loaded document.
type contract struct {
	doc       *openapi3.T
	router    routers.Router
	errorBody *openapi3.SchemaRef
}

var loadContract = sync.OnceValues(func() (*contract, error) {
	b, err := openapiFS.ReadFile("openapi.yaml")
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.yaml is no valid OpenAPI document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: routes: %w", err)
	}
	eb := doc.Components.Schemas["ErrorBody"]
	if eb == nil {
		return nil, errors.New("openapi.yaml: no schema ErrorBody")
	}
	return &contract{doc: doc, router: router, errorBody: eb}, nil
})

func init() {
	// The error page of /healthz is HTML, documented as a string.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
}

// contractReporter is where contract violations go: the test (testing.TB) or, in the test
// of the check itself, a recorder.
type contractReporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// contractServer is httptest.NewServer(h) with the answers checked against the contract
// as errors of t. The caller closes it.
func contractServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	return httptest.NewServer(checkContract(t, h))
}

// contractChecked is the handler of contractServer.
type contractChecked struct {
	next     http.Handler
	c        *contract
	report   contractReporter
	tally    bool // count the answers checked for TestMain's summary
	mu       sync.Mutex
	reported map[string]bool // operations and statuses already reported: one error each
}

// checkContract wraps h so that its answers under /api/ and of /healthz are checked
// against openapi.yaml, with violations reported to r.
func checkContract(r contractReporter, h http.Handler) *contractChecked {
	r.Helper()
	c, err := loadContract()
	if err != nil {
		r.Errorf("%v", err)
	}
	return &contractChecked{next: h, c: c, report: r, tally: true, reported: map[string]bool{}}
}

func (h *contractChecked) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.c == nil || !contractCovers(r) {
		h.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	h.next.ServeHTTP(rec, r)
	h.check(r, rec)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// check checks the answer rec to r and reports a violation, once for each operation and
// status.
func (h *contractChecked) check(r *http.Request, rec *httptest.ResponseRecorder) {
	op, err := h.c.check(r, rec.Code, rec.Header().Clone(), rec.Body.Bytes())
	if op == "" {
		return // no answer of the API
	}
	key := op + " " + strconv.Itoa(rec.Code)
	if err == nil {
		if h.tally {
			contractCount(key)
		}
		return
	}
	h.mu.Lock()
	seen := h.reported[key]
	h.reported[key] = true
	h.mu.Unlock()
	if !seen {
		h.report.Errorf("openapi.yaml: %s answered %d (to %s %.200s): %v\nbody: %.500s",
			op, rec.Code, r.Method, r.URL.RequestURI(), err, rec.Body.String())
	}
}

// contractCovers reports whether the answer to r is one the document describes.
func contractCovers(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz"
}

// contractSeen counts the answers checked, by method, path of the document and status.
var contractSeen = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

// undocumentedRoute stands for the path of an answer to a route that is in no operation.
const undocumentedRoute = "(no operation)"

// check checks one answer to r against the document. op names the operation ("GET
// /api/v1/entries/{slug}"; "" for an answer that is none of the API's); err says what
// does not match.
func (c *contract) check(r *http.Request, status int, header http.Header, body []byte) (op string, err error) {
	if redirect(status) && cleanPath(r.URL.Path) != r.URL.Path {
		return "", nil // net/http's mux sends the client to the cleaned path
	}
	req := r.Clone(context.Background())
	req.Body = http.NoBody
	if req.Method == http.MethodHead {
		req.Method = http.MethodGet // net/http answers HEAD with the GET route
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		op = r.Method + " " + undocumentedRoute
		if !errors.Is(err, routers.ErrPathNotFound) && !errors.Is(err, routers.ErrMethodNotAllowed) {
			return op, err
		}
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			return "", nil // another method of /healthz: a page, not the API
		}
		// The API's catch-all answers 404. Before any route, writes from another site are
		// refused (403), every request's Authorization is checked and writes with a
		// session cookie are refused (401).
		if status != http.StatusNotFound && status != http.StatusUnauthorized && status != http.StatusForbidden {
			return op, fmt.Errorf("%s %s is in no operation of the document (%v), yet answered %d, not 404", r.Method, r.URL.Path, err, status)
		}
		return op, c.checkErrorBody(header, body)
	}
	op = r.Method + " " + route.Path
	resp := route.Operation.Responses.Status(status)
	if resp == nil {
		resp = route.Operation.Responses.Default()
	}
	if resp == nil {
		return op, fmt.Errorf("status %d is not documented for %s %s", status, req.Method, route.Path)
	}
	if len(resp.Value.Content) == 0 && len(body) > 0 {
		return op, fmt.Errorf("a body, but the document describes none for status %d", status)
	}
	// ValidateResponse passes HEAD answers, which have no body, after the check of the
	// status above.
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	return op, openapi3filter.ValidateResponse(context.Background(), in)
}

func redirect(status int) bool { return status >= 300 && status < 400 }

// cleanPath is the path as net/http's mux wants it: no empty, "." or ".." segments.
func cleanPath(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// checkErrorBody checks the answer of the API's catch-all: an ErrorBody in JSON.
func (c *contract) checkErrorBody(header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("content type %q, want application/json", ct)
	}
	value, err := openapi3filter.JSONBodyDecoder(bytes.NewReader(body), header, c.errorBody, nil)
	if err != nil {
		return err
	}
	return c.errorBody.Value.VisitJSON(value, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse(), openapi3.MultiErrors())
}

func contractCount(key string) {
	contractSeen.Lock()
	contractSeen.n[key]++
	contractSeen.Unlock()
}

func TestMain(m *testing.M) {
	code := m.Run()
	contractSummary(os.Stdout, os.Getenv("WISSENSNETZ_CONTRACT_REPORT") != "")
	os.Exit(code)
}

// contractSummary tells how many answers were checked against the document, how many
// distinct documented (method, path, status) they were, and with all set, each of those
// and the documented ones that no test saw.
func contractSummary(w io.Writer, all bool) {
	contractSeen.Lock()
	defer contractSeen.Unlock()
	c, err := loadContract()
	if err != nil || len(contractSeen.n) == 0 {
		return
	}
	answers, catchAll := 0, 0
	for k, n := range contractSeen.n {
		answers += n
		if strings.Contains(k, undocumentedRoute) {
			catchAll += n
		}
	}
	var seen, missed, missedOps []string
	documented, ops := 0, 0
	for _, p := range c.doc.Paths.InMatchingOrder() {
		for method, op := range c.doc.Paths.Value(p).Operations() {
			ops++
			called := false
			for status := range op.Responses.Map() {
				documented++
				k := method + " " + p + " " + status
				if n := contractSeen.n[k]; n > 0 {
					called = true
					seen = append(seen, fmt.Sprintf("%s (%d)", k, n))
				} else {
					missed = append(missed, k)
				}
			}
			if !called {
				missedOps = append(missedOps, method+" "+p)
			}
		}
	}
	fmt.Fprintf(w, "openapi.yaml: %d answers checked (%d of them to paths of no operation); %d of %d documented (method, path, status) seen; %d of %d operations called\n",
		answers, catchAll, len(seen), documented, ops-len(missedOps), ops)
	if !all {
		return
	}
	slices.Sort(seen)
	slices.Sort(missed)
	slices.Sort(missedOps)
	for _, k := range seen {
		fmt.Fprintf(w, "  seen %s\n", k)
	}
	for k, n := range contractSeen.n {
		if strings.Contains(k, undocumentedRoute) {
			fmt.Fprintf(w, "  catch-all %s (%d)\n", k, n)
		}
	}
	for _, k := range missedOps {
		fmt.Fprintf(w, "  no test calls %s\n", k)
	}
	for _, k := range missed {
		fmt.Fprintf(w, "  no test sees %s\n", k)
	}
}

// contractReports collects what the check reports, for the test of the check itself.
type contractReports struct {
	mu   sync.Mutex
	msgs []string
}

func (r *contractReports) Helper() {}

func (r *contractReports) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// TestContractCatchesDrift makes sure that the check cannot silently pass: a handler that
// answers what the document does not say is reported, with the operation, the status and
// what is wrong, for each way an answer can drift; the right answers are not.
func TestContractCatchesDrift(t *testing.T) {
	const entry = `{"id": "01JC0000000000000000000000", "slug": "lorawan-sensornetz-fuer-pegelstaende", "title": "LoRaWAN-Sensornetz für Pegelstände",
		"kind": "solution", "municipality": "07312000", "summary": "Pegel.", "body": "Text", "topics": ["klima-umwelt"], "project_status": "running",
		"visibility": "public", "state": "published", "version": 3, "created_at": "2030-11-04T09:31:00Z", "updated_at": "2030-11-04T09:32:00Z"}`
	tests := []struct {
		name, method, path string
		status             int
		contentType, etag  string
		body               string
		want               []string // in the report; none: no report
	}{
		{"right list", "GET", "/api/v1/topics", 200, "application/json; charset=utf-8", "", `[{"slug": "klima-umwelt", "name": "Klima & Umwelt"}]`, nil},
		{"right entry", "GET", "/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende", 200, "application/json; charset=utf-8", `"3"`, entry, nil},
		{"right error of the catch-all", "DELETE", "/api/v1/entries/x", 404, "application/json; charset=utf-8", "", `{"error": {"code": "not_found", "message": "Nichts."}}`, nil},
		{"right error", "GET", "/api/v1/topics/raumfahrt", 404, "application/json; charset=utf-8", "", `{"error": {"code": "not_found", "message": "Nichts."}}`, nil},
		{"required field missing", "GET", "/api/v1/topics/klima-umwelt", 200, "application/json; charset=utf-8", "", `{"slug": "klima-umwelt"}`,
			[]string{"GET /api/v1/topics/{slug} answered 200", "Topic", `"name"`}},
		{"wrong type", "GET", "/api/v1/entries", 200, "application/json; charset=utf-8", "", `{"total": "3", "page": 1, "per_page": 10, "items": []}`,
			[]string{"GET /api/v1/entries answered 200", "total", "integer"}},
		{"const of OpenAPI 3.1", "GET", "/api/v1/review-queue", 200, "application/json; charset=utf-8", "", `{"total": 0, "page": 1, "per_page": 10, "items": []}`,
			[]string{"GET /api/v1/review-queue answered 200", "per_page"}},
		{"value out of its enum, deep down", "GET", "/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende", 200, "application/json; charset=utf-8", `"3"`,
			strings.Replace(entry, `"state": "published"`, `"state": "live"`, 1), []string{"GET /api/v1/entries/{slug} answered 200", "state", "live"}},
		{"error code out of its enum", "GET", "/api/v1/topics/raumfahrt", 404, "application/json; charset=utf-8", "", `{"error": {"code": "gone", "message": "Weg."}}`,
			[]string{"GET /api/v1/topics/{slug} answered 404", "code"}},
		{"header against its schema", "GET", "/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende", 200, "application/json; charset=utf-8", `W/"3"`, entry,
			[]string{"GET /api/v1/entries/{slug} answered 200", "ETag"}},
		{"undocumented status", "GET", "/api/v1/suggest?q=Pegel", 429, "application/json; charset=utf-8", "", `{"error": {"code": "too_many_requests", "message": "Langsam."}}`,
			[]string{"GET /api/v1/suggest answered 429", "status 429 is not documented"}},
		{"undocumented route", "GET", "/api/v1/kommunen", 200, "application/json; charset=utf-8", "", `[]`,
			[]string{"GET (no operation) answered 200", "no operation"}},
		{"undocumented method", "PATCH", "/api/v1/topics/klima-umwelt", 200, "application/json; charset=utf-8", "", `{"slug": "klima-umwelt", "name": "Klima"}`,
			[]string{"PATCH (no operation) answered 200"}},
		{"content type", "GET", "/api/v1/municipalities", 200, "text/html; charset=utf-8", "", `<p>Kommunen</p>`,
			[]string{"GET /api/v1/municipalities answered 200", "text/html"}},
		{"no JSON", "GET", "/api/v1/municipalities", 200, "application/json; charset=utf-8", "", `[{"ags": "07312000",`,
			[]string{"GET /api/v1/municipalities answered 200", "decode"}},
		{"catch-all without an error body", "GET", "/api/v1/nichts", 404, "application/json; charset=utf-8", "", `{"message": "Nichts."}`,
			[]string{"GET (no operation) answered 404", "error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				if tt.etag != "" {
					w.Header().Set("ETag", tt.etag)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			reports := &contractReports{}
			h := checkContract(reports, answer)
			h.tally = false // not an answer of the server
			ts := httptest.NewServer(h)
			defer ts.Close()
			req, err := http.NewRequest(tt.method, ts.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || string(b) != tt.body {
				t.Errorf("the check changed the answer: %d %q", resp.StatusCode, b)
			}
			ts.Close()
			switch {
			case tt.want == nil && len(reports.msgs) > 0:
				t.Errorf("a right answer reported: %s", reports.msgs[0])
			case tt.want != nil && len(reports.msgs) != 1:
				t.Errorf("%d reports, want 1: %q", len(reports.msgs), reports.msgs)
			case tt.want != nil:
				for _, w := range tt.want {
					if !strings.Contains(reports.msgs[0], w) {
						t.Errorf("report lacks %q:\n%s", w, reports.msgs[0])
					}
				}
			}
		})
	}
}

// TestContractCheckedServers makes sure that the test servers of this package check the
// contract.
func TestContractCheckedServers(t *testing.T) {
	ts, _ := newTestServer(t)
	if _, ok := ts.Config.Handler.(*contractChecked); !ok {
		t.Errorf("newTestServer serves %T, not through checkContract", ts.Config.Handler)
	}
}
