package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// The load run. 64 workers send random requests to every registered route for a bounded
// time, as visitors, members and coordinators, with valid and invalid path values, query
// strings, forms and JSON bodies. Whatever arrives, the server must answer below 500 and
// must not panic or log an internal error.
//
//	WISSENSNETZ_LOAD_DURATION=3m go test -run TestAllRoutesUnderLoad -count 1 -timeout 20m ./shared/web
//
// infra/bench/load.sh runs it for minutes.

const (
	loadWorkers         = 64
	loadDefaultDuration = 10 * time.Second
	loadMaxPerWorker    = 1_000_000 // a bound besides the time
	loadMaxLogins       = 40        // throwaway sign-ins (each costs a password hash)
)

// lockedBuffer collects the server's log lines from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loadRoute is a registered pattern split into method and path.
type loadRoute struct {
	pattern, method, path string
	probes                []probe // the leak probe's requests for it: valid bodies and queries
}

// loadData is what the workers fill path values and bodies with.
type loadData struct {
	entrySlugs, topicSlugs, muniSlugs, ags, userIDs, words []string
}

// loadClient is one person's browser: cookies, form token, perhaps an API token.
type loadClient struct {
	http  *http.Client
	csrf  string
	token string
}

// loadResult is what a worker saw.
type loadResult struct {
	statuses map[int]int
	errors   []string
	fails    []string // 5xx answers
}

func TestAllRoutesUnderLoad(t *testing.T) {
	t.Parallel()
	duration := loadDefaultDuration
	if v := os.Getenv("WISSENSNETZ_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("WISSENSNETZ_LOAD_DURATION=%q: %v", v, err)
		}
		duration = d
	}
	ctx := t.Context()
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := openLocal(ctx, app.Local{DataDir: t.TempDir(), Demo: demo.Open, DemoAuthor: demo.Author}, app.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(a, logger)
	if err != nil {
		t.Fatal(err)
	}
	ts := contractServer(t, s)
	t.Cleanup(func() { ts.Close(); a.Close() })

	users := map[string]*wiki.User{}
	for _, nu := range []app.NewUser{
		{Email: "last.koordination@ikone-ds.de", Name: "Lena Last", Role: wiki.RoleCoordinator},
		{Email: "last.mitglied@beispiel-kommune.de", Name: "Mia Mitglied", Role: wiki.RoleMember, Municipality: "07312000"},
		{Email: "wegwerf@beispiel-kommune.de", Name: "Wanda Wegwerf", Role: wiki.RoleMember, Municipality: "07312000"},
	} {
		nu.Password = testPassword
		u, err := a.CreateUser(ctx, auth.Visitor, nu)
		if err != nil {
			t.Fatal(err)
		}
		users[nu.Email] = u
	}
	coordUser, memberUser, throwaway := users["last.koordination@ikone-ds.de"], users["last.mitglied@beispiel-kommune.de"], users["wegwerf@beispiel-kommune.de"]
	session := func(u *wiki.User, addr string) string {
		secret, _, err := a.Login(ctx, u.Email, testPassword, addr)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	apiToken := func(u *wiki.User) string {
		secret, err := a.CreateAPIToken(ctx, auth.Viewer{User: u}, "Last")
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	coordSession, memberSession := session(coordUser, "192.0.2.1"), session(memberUser, "192.0.2.2")
	coordToken, memberToken := apiToken(coordUser), apiToken(memberUser)

	transport := &http.Transport{MaxIdleConns: 2 * loadWorkers, MaxIdleConnsPerHost: 2 * loadWorkers, IdleConnTimeout: time.Minute}
	t.Cleanup(transport.CloseIdleConnections)
	// newLoadClient returns a browser signed in with the session secret, if one is given,
	// holding the form token that its pages show.
	newLoadClient := func(session, token string) (*loadClient, error) {
		jar, _ := cookiejar.New(nil)
		c := &loadClient{token: token, http: &http.Client{Jar: jar, Transport: transport, Timeout: time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		u, _ := url.Parse(ts.URL)
		if session != "" {
			jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: session, Path: "/"}})
		}
		resp, err := c.http.Get(ts.URL + "/anmelden")
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfField.FindStringSubmatch(string(b))
		if m == nil {
			return nil, fmt.Errorf("no form token on /anmelden (status %d)", resp.StatusCode)
		}
		c.csrf = m[1]
		return c, nil
	}

	data := discoverLoadData(t, ts, coordToken, throwaway)
	routes := loadRoutes(t)
	t.Logf("%d routes; %d entries, %d topics, %d municipalities in the demo data; %d workers for %s",
		len(routes), len(data.entrySlugs), len(data.topicSlugs), len(data.ags), loadWorkers, duration)

	var logins atomic.Int32
	// freshClient is a new browser for requests that sign in or out: as a visitor, or
	// signed in as the throwaway account while sign-ins remain.
	freshClient := func(signedIn bool) (*loadClient, error) {
		if signedIn {
			if n := logins.Add(1); n <= loadMaxLogins {
				secret, _, err := a.Login(ctx, throwaway.Email, testPassword, fmt.Sprintf("198.51.100.%d", n))
				if err == nil {
					return newLoadClient(secret, "")
				}
			}
		}
		return newLoadClient("", "")
	}

	deadline := time.Now().Add(duration)
	results := make([]loadResult, loadWorkers)
	var wg sync.WaitGroup
	for w := range loadWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[w]
			res.statuses = map[int]int{}
			var roles [3]*loadClient // visitor, member, coordinator
			var err error
			for i, sec := range []struct{ session, token string }{{"", ""}, {memberSession, memberToken}, {coordSession, coordToken}} {
				if roles[i], err = newLoadClient(sec.session, sec.token); err != nil {
					res.errors = append(res.errors, "sign in: "+err.Error())
					return
				}
			}
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for n := 0; n < loadMaxPerWorker && time.Now().Before(deadline); n++ {
				rt := routes[rng.IntN(len(routes))]
				role := rng.IntN(3)
				c := roles[role]
				if rt.signsInOrOut() {
					if c, err = freshClient(role > 0); err != nil {
						res.errors = append(res.errors, "fresh client: "+err.Error())
						continue
					}
				}
				req := buildLoadRequest(rng, ts.URL, rt, c, data)
				status, body, err := sendLoad(ctx, c, req)
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					if _, perr := url.PathUnescape(req.URL.Opaque); perr != nil {
						// net/http rejects a request line whose path does not decode
						// before reading the headers, and closes the connection with
						// them unread: the client may see a reset instead of its 400.
						res.statuses[0]++
						continue
					}
					if len(res.errors) < 20 {
						res.errors = append(res.errors, fmt.Sprintf("%s %.200s: %v", req.Method, req.URL.RequestURI(), err))
					}
					res.statuses[-1]++
					continue
				}
				res.statuses[status]++
				if status >= 500 && len(res.fails) < 20 {
					res.fails = append(res.fails, fmt.Sprintf("%s %.200s as %s: status %d: %.300s", req.Method, req.URL.RequestURI(), [3]string{"visitor", "member", "coordinator"}[role], status, strings.Join(strings.Fields(body), " ")))
				}
			}
		}()
	}
	wg.Wait()

	statuses := map[int]int{}
	total := 0
	var errs, fails []string
	for _, r := range results {
		for st, n := range r.statuses {
			statuses[st] += n
			total += n
		}
		errs = append(errs, r.errors...)
		fails = append(fails, r.fails...)
	}
	codes := make([]int, 0, len(statuses))
	for st := range statuses {
		codes = append(codes, st)
	}
	slices.Sort(codes)
	var line []string
	for _, st := range codes {
		line = append(line, fmt.Sprintf("%d: %d", st, statuses[st]))
	}
	// Status 0: the connection was reset by net/http on a path that does not decode;
	// -1: the request failed otherwise (counted as an error below).
	t.Logf("%d requests in %s (%.0f/s); status counts: %s", total, duration, float64(total)/duration.Seconds(), strings.Join(line, ", "))
	if total < loadWorkers {
		t.Errorf("only %d requests sent", total)
	}
	for _, f := range fails {
		t.Errorf("server error: %s", f)
	}
	for _, e := range errs {
		t.Errorf("request failed: %s", e)
	}
	// The server's recovery logs "panic" and failed requests log "internal error", both at
	// level ERROR; so does any other failure inside the server.
	logged := 0
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `"level":"ERROR"`) || strings.Contains(l, `"msg":"panic"`) {
			if logged++; logged <= 20 {
				t.Errorf("server log: %.2000s", l)
			}
		}
	}
	if logged > 20 {
		t.Errorf("%d error entries in the server log, the first 20 shown", logged)
	}
}

// signsInOrOut reports whether the route changes who its client is; such requests are sent
// by a fresh browser so that the workers' own sessions stay.
func (rt loadRoute) signsInOrOut() bool {
	switch rt.pattern {
	case "POST /anmelden", "POST /abmelden", "POST /profil/ueberall-abmelden":
		return true
	}
	return false
}

// loadRoutes returns every registered route with the leak probe's requests for it.
func loadRoutes(t *testing.T) []loadRoute {
	probes := map[string][]probe{}
	for _, rp := range leakProbes() {
		probes[rp.pattern] = rp.probes
	}
	var out []loadRoute
	for _, p := range registeredRoutes(t) {
		rt := loadRoute{pattern: p, path: p, probes: probes[p]}
		if m, path, ok := strings.Cut(p, " "); ok {
			rt.method, rt.path = m, path
		}
		out = append(out, rt)
	}
	if len(out) < 30 {
		t.Fatalf("found only %d routes", len(out))
	}
	return out
}

var (
	slugJSON = regexp.MustCompile(`"slug":\s*"([^"]+)"`)
	agsJSON  = regexp.MustCompile(`"ags":\s*"([^"]+)"`)
)

// discoverLoadData reads the slugs and keys of the demo data through the API.
func discoverLoadData(t *testing.T, ts *httptest.Server, token string, throwaway *wiki.User) loadData {
	t.Helper()
	get := func(path string) string {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
		return string(b)
	}
	all := func(re *regexp.Regexp, s string) []string {
		var out []string
		for _, m := range re.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
		return out
	}
	entries := get("/api/v1/entries?per_page=100")
	var list struct {
		Items []struct {
			Slug, Title string
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(entries), &list); err != nil {
		t.Fatal(err)
	}
	d := loadData{userIDs: []string{throwaway.ID, madeUpID},
		words: []string{"Sensor", "Pegel", "Klima", "Bürger", "Haushalt", "Schule", "LoRaWAN", "Mängelmelder", "Wärmeplanung", "ÖPNV"}}
	for _, e := range list.Items {
		d.entrySlugs = append(d.entrySlugs, e.Slug)
		d.words = append(d.words, strings.Fields(e.Title)...)
	}
	munis := get("/api/v1/municipalities")
	d.topicSlugs, d.muniSlugs, d.ags = all(slugJSON, get("/api/v1/topics")), all(slugJSON, munis), all(agsJSON, munis)
	if len(d.entrySlugs) < 5 || len(d.topicSlugs) < 3 || len(d.ags) < 3 {
		t.Fatalf("demo data: %d entries, %d topics, %d municipalities", len(d.entrySlugs), len(d.topicSlugs), len(d.ags))
	}
	return d
}

// loadFields are the names of the forms' fields, the API's JSON fields and query
// parameters, from the templates, openapi.yaml and the handlers.
var loadFields = []string{"csrf", "version", "name", "email", "weiter", "to", "q", "comment", "visibility", "thema", "password",
	"municipality", "kommune", "into", "from", "featured", "zu", "von", "type", "topics", "token", "title", "tags", "synonyms",
	"summary", "submit", "status", "sortierung", "software", "role", "related", "protected", "project_status", "period_start",
	"period_end", "password2", "partners", "open_source_url", "links", "kind", "jahr", "funding", "external_partners", "disabled",
	"description", "current", "costs", "contact_role", "contact_name", "contact_email", "body", "bestaetigt", "art", "ags",
	"archiv", "seite", "page", "per_page", "archived", "topic", "year", "limit", "before", "exclude", "contact",
	"partner_municipalities", "slug", "state", "featured_until", "checked"}

// loadValues are valid-looking values of those fields.
var loadValues = []string{"1", "0", "2", "-1", "true", "false", "on", "public", "internal", "solution", "project_result", "lessons_learned",
	"event", "idea", "running", "completed", "published", "submitted", "draft", "archived", "changes_requested", "member",
	"coordinator", "07312000", "07320000", "2024", "2024-03", "2029-13", "neueste", "relevanz", "max@beispiel-kommune.de",
	"https://example.org/x", "Sensor = Fühler", "## Lösung\n\nEine **App**.", testPassword}

// loadGarbage returns a value that a field or path segment should not hold.
func loadGarbage(rng *rand.Rand) string {
	switch rng.IntN(14) {
	case 0:
		return ""
	case 1:
		return strings.Repeat("x", 1+rng.IntN(5000))
	case 2:
		return strings.Repeat("Ä🙂", 1+rng.IntN(2000))
	case 3:
		return ".."
	case 4:
		return "../../etc/passwd"
	case 5:
		return "\x00\x01\x1f\x7f"
	case 6:
		return "\xff\xfe\xc3"
	case 7:
		return "日本語 ﷽ \u202e"
	case 8:
		return "99999999999999999999999999"
	case 9:
		return "-9223372036854775808"
	case 10:
		return `"'><script>alert(1)</script>`
	case 11:
		return "%zz%"
	case 12:
		return "{slug}"
	default:
		return strings.Repeat("a", 200+rng.IntN(200))
	}
}

// pick returns a random element of list.
func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// loadValue returns a value for a field: valid-looking mostly, garbage sometimes.
func loadValue(rng *rand.Rand, d loadData) string {
	switch rng.IntN(6) {
	case 0:
		return loadGarbage(rng)
	case 1:
		return pick(rng, d.entrySlugs)
	case 2:
		return pick(rng, d.words)
	default:
		return pick(rng, loadValues)
	}
}

// fillPath fills a pattern's path values with real keys or garbage, percent-encoded; a
// few times with escapes that do not decode.
func fillPath(rng *rand.Rand, rt loadRoute, d loadData) string {
	path := strings.TrimSuffix(rt.path, "{$}")
	if rt.method == "" || strings.HasSuffix(path, "/") && path != "/" {
		// "/", "/api/" and "/static/" take any rest.
		rest := []string{"", "style.css", "gibt-es-nicht", "v1/entries", "v1", "eintraege/" + pick(rng, d.entrySlugs), "a/b/c/"}
		path += pick(rng, rest)
		if rng.IntN(3) == 0 {
			path += url.PathEscape(loadGarbage(rng))
		}
		return path
	}
	fill := func(name string) string {
		if rng.IntN(4) == 0 {
			switch rng.IntN(4) {
			case 0:
				return "%zz"
			case 1:
				return "%2e%2e%2f%2e%2e"
			case 2:
				return "a%00b%0d%0a"
			}
			return url.PathEscape(loadGarbage(rng))
		}
		switch {
		case name == "ags":
			return pick(rng, d.ags)
		case name == "id":
			return pick(rng, d.userIDs)
		case name == "token":
			return madeUpSecret
		case strings.HasPrefix(rt.path, "/kommunen/"):
			return pick(rng, d.muniSlugs)
		case strings.Contains(rt.path, "themen/") || strings.Contains(rt.path, "topics/"):
			return pick(rng, d.topicSlugs)
		}
		return pick(rng, d.entrySlugs)
	}
	var b strings.Builder
	for {
		i := strings.Index(path, "{")
		if i < 0 {
			b.WriteString(path)
			return b.String()
		}
		j := strings.Index(path[i:], "}")
		b.WriteString(path[:i])
		b.WriteString(fill(path[i+1 : i+j]))
		path = path[i+j+1:]
	}
}

// fillPlaceholders replaces the leak probe's placeholders with real slugs and words.
func fillPlaceholders(rng *rand.Rand, s string, d loadData) string {
	s = strings.ReplaceAll(s, "{slug}", pick(rng, d.entrySlugs))
	return strings.ReplaceAll(s, "{word}", pick(rng, d.words))
}

// randomQuery returns a query string of known and unknown parameters.
func randomQuery(rng *rand.Rand, d loadData) string {
	q := url.Values{}
	for range rng.IntN(5) {
		q.Add(pick(rng, loadFields), loadValue(rng, d))
	}
	s := q.Encode()
	switch rng.IntN(10) {
	case 0:
		s += "&q=%zz&seite=%"
	case 1:
		s += "&" + strings.Repeat("a=1&", 500)
	}
	return s
}

// randomJSON returns a JSON value of any type, nested up to depth.
func randomJSON(rng *rand.Rand, d loadData, depth int) any {
	switch rng.IntN(8) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return rng.NormFloat64() * 1e12
	case 3:
		if depth > 0 {
			var a []any
			for range rng.IntN(4) {
				a = append(a, randomJSON(rng, d, depth-1))
			}
			return a
		}
	case 4:
		if depth > 0 {
			return randomObject(rng, d, depth-1)
		}
	}
	return loadValue(rng, d)
}

func randomObject(rng *rand.Rand, d loadData, depth int) map[string]any {
	o := map[string]any{}
	for range rng.IntN(8) {
		o[pick(rng, loadFields)] = randomJSON(rng, d, depth)
	}
	return o
}

// buildLoadRequest makes one random request for the route.
func buildLoadRequest(rng *rand.Rand, base string, rt loadRoute, c *loadClient, d loadData) *http.Request {
	method := rt.method
	if method == "" || rng.IntN(20) == 0 {
		method = pick(rng, []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
	}
	path, query := fillPath(rng, rt, d), ""
	var p *probe
	if len(rt.probes) > 0 && rng.IntN(2) == 0 {
		p = &rt.probes[rng.IntN(len(rt.probes))]
		if p.method == method {
			pp, q, _ := strings.Cut(fillPlaceholders(rng, p.path, d), "?")
			path, query = pp, q
		}
	}
	if query == "" || rng.IntN(3) == 0 {
		if extra := randomQuery(rng, d); extra != "" {
			query = strings.TrimPrefix(query+"&"+extra, "&")
		}
	}

	var body []byte
	contentType := ""
	header := map[string]string{}
	api := strings.HasPrefix(path, "/api/")
	if method == "POST" || method == "PUT" || method == "PATCH" {
		if api {
			contentType = "application/json"
			var doc []byte
			if p != nil && p.json != "" && rng.IntN(2) == 0 {
				doc = []byte(fillPlaceholders(rng, p.json, d))
			} else {
				doc, _ = json.Marshal(randomObject(rng, d, 3))
			}
			switch rng.IntN(10) {
			case 0:
				doc = doc[:rng.IntN(len(doc)+1)] // truncated
			case 1:
				doc = []byte(`{"title": "` + strings.Repeat("ü", 50_000+rng.IntN(150_000)) + `"}`)
			case 2:
				doc = []byte(`[1, "zwei", {"drei": null}]`)
			case 3:
				contentType = pick(rng, []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "multipart/form-data; boundary=x"})
			}
			body = doc
			for k, v := range p.headerOr(nil) {
				header[k] = v
			}
			if rng.IntN(3) == 0 {
				header["If-Match"] = pick(rng, []string{`"1"`, `"2"`, `"0"`, `*`, `"x"`, `1`, `"99999999999999999999"`, ""})
			}
		} else {
			form := url.Values{}
			if p != nil && p.form != nil && rng.IntN(3) > 0 {
				for k, vs := range p.form {
					for _, v := range vs {
						form.Add(k, fillPlaceholders(rng, v, d))
					}
				}
			}
			for range rng.IntN(6) {
				k := pick(rng, loadFields)
				if rng.IntN(2) == 0 {
					form.Set(k, loadValue(rng, d))
				} else {
					form.Add(k, loadValue(rng, d))
				}
			}
			if k := pick(rng, loadFields); rng.IntN(20) == 0 {
				form.Set(k, strings.Repeat("Wort ", 10_000+rng.IntN(60_000))) // up to about 350 KB
			}
			switch rng.IntN(10) {
			case 0: // no form token
			case 1:
				form.Set("csrf", loadGarbage(rng))
			default:
				form.Set("csrf", c.csrf)
			}
			body, contentType = []byte(form.Encode()), "application/x-www-form-urlencoded"
			switch rng.IntN(12) {
			case 0:
				contentType = pick(rng, []string{"", "text/plain", "application/json", "multipart/form-data; boundary=x", "multipart/form-data"})
			case 1:
				body = body[:rng.IntN(len(body)+1)]
			case 2:
				body = append(body, "&%zz=%"...)
			}
		}
	}
	if _, err := url.PathUnescape(path); err != nil {
		// net/http answers 400 to such a path before any handler and closes the connection
		// without reading a body, which the client would see as a reset.
		body = nil
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, base+"/", r)
	if err != nil {
		panic(err) // the method and base are fixed strings
	}
	// The path is sent exactly as built, including escapes that do not decode.
	req.URL.Opaque, req.URL.RawQuery = path, query
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if c.token != "" && api && rng.IntN(2) == 0 {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if rng.IntN(30) == 0 {
		req.Header.Set("Authorization", pick(rng, []string{"Bearer ", "Bearer x", "Basic Zm9vOmJhcg==", "Bearer " + madeUpSecret}))
	}
	if rng.IntN(30) == 0 {
		req.Header.Set("Origin", "https://fremde-seite.example") // cross-origin
		req.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	return req
}

// headerOr returns the probe's headers; none for no probe.
func (p *probe) headerOr(def map[string]string) map[string]string {
	if p == nil {
		return def
	}
	return p.header
}

// sendLoad sends the request and reads the answer (the first 4 KB of it are kept).
func sendLoad(ctx context.Context, c *loadClient, req *http.Request) (int, string, error) {
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	return resp.StatusCode, string(b[:min(len(b), 4096)]), nil
}
