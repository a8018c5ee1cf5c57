package lambda

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/lambdahttp"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/web"
)

// callCounter counts the DynamoDB calls that go over the wire, by operation (retries
// included).
type callCounter struct {
	next  http.RoundTripper
	mu    sync.Mutex
	calls map[string]int
}

func (c *callCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".") // DynamoDB_20120810.GetItem
	c.mu.Lock()
	c.calls[op]++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// take returns the calls counted since the last take.
func (c *callCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls := c.calls
	c.calls = map[string]int{}
	return calls
}

func total(calls map[string]int) int {
	n := 0
	for _, c := range calls {
		n += c
	}
	return n
}

// describeCalls shows calls as "2 (GetItem 2)".
func describeCalls(calls map[string]int) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(calls)) {
		parts = append(parts, fmt.Sprintf("%s %d", op, calls[op]))
	}
	return fmt.Sprintf("%d (%s)", total(calls), strings.Join(parts, ", "))
}

// site is the web function's handler run in this process as in Lambda (app.Start on
// DynamoDB and S3, lambdahttp), with its DynamoDB calls counted.
type site struct {
	handler *lambdahttp.Handler
	calls   *callCounter
	app     *app.App
}

// startSite builds the handler on a table holding seedData and the first coordinator.
func startSite(tb testing.TB, s standins) *site {
	tb.Helper()
	table, bucket := s.freshTable(tb), s.freshBucket(tb)
	seed(tb, s, table, bucket)
	counter := &callCounter{next: http.DefaultTransport, calls: map[string]int{}}
	db := dynamodb.New(dynamodb.Options{
		Region:       region,
		BaseEndpoint: aws.String(s.dynamoEndpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(s.access, s.secret, ""),
		HTTPClient:   &http.Client{Transport: counter, Timeout: 10 * time.Second},
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	ds := dynamo.New(db, table, s3blob.New(s.s3Client(), bucket, ""))
	a, err := app.Start(ctx, ds.Stores(), app.Cloud{Log: ds}, app.Options{Logger: discard})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	if err := a.Bootstrap(ctx, &app.NewUser{Email: adminEmail, Name: "Koordinierungsstelle", Password: adminPass}); err != nil {
		tb.Fatal(err)
	}
	h, err := web.New(a, discard)
	if err != nil {
		tb.Fatal(err)
	}
	counter.take()
	return &site{handler: lambdahttp.New(h), calls: counter, app: a}
}

func (s *site) invoke(tb testing.TB, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	tb.Helper()
	resp, err := s.handler.Invoke(context.Background(), ev)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// signIn signs the coordinator in and returns the browser with the session cookie.
func (s *site) signIn(tb testing.TB) browser {
	tb.Helper()
	b := browser{}
	form := s.invoke(tb, request(tb, http.MethodGet, "/anmelden", b, nil))
	b.take(tb, form)
	resp := s.invoke(tb, request(tb, http.MethodPost, "/anmelden", b, url.Values{
		"csrf": {formToken(tb, pageBody(tb, form))}, "email": {adminEmail}, "password": {adminPass}, "weiter": {"/"},
	}))
	b.take(tb, resp)
	if resp.StatusCode != http.StatusSeeOther || b["wn_sitzung"] == "" {
		tb.Fatalf("sign in: status %d, cookies %q", resp.StatusCode, resp.Cookies)
	}
	return b
}

// entryForm is the form of a new entry, or of a changed one with version.
func entryForm(csrf, title string, version int) url.Values {
	f := url.Values{
		"csrf": {csrf}, "title": {title}, "kind": {"project_result"}, "municipality": {"07312000"},
		"summary":        {"Sensoren in 400 Stellplätzen zeigen freie Plätze in der App der Stadt."},
		"body":           {fmt.Sprintf("## Ergebnisse\n\nFassung vom %s.", time.Now().Format(time.RFC3339Nano))},
		"topics":         {"mobilitaet"},
		"project_status": {"completed"}, "visibility": {"internal"}, "comment": {"Messung"},
	}
	if version > 0 {
		f.Set("version", fmt.Sprint(version))
	}
	return f
}

var versionField = regexp.MustCompile(`name="version" value="([0-9]+)"`)

// request kinds measured: what a person does, and the answer it must get.
type measured struct {
	name   string
	status int
	// prepare runs before the measured request, uncounted, and returns it.
	prepare func(tb testing.TB) events.APIGatewayV2HTTPRequest
}

func (s *site) requests(tb testing.TB) []measured {
	coordinator := s.signIn(tb)
	created := 0
	const editSlug = "/eintraege/parkraum-zum-bearbeiten"
	resp := s.invoke(tb, request(tb, http.MethodGet, "/eintraege/neu", coordinator, nil))
	resp = s.invoke(tb, request(tb, http.MethodPost, "/eintraege", coordinator, entryForm(formToken(tb, pageBody(tb, resp)), "Parkraum zum Bearbeiten", 0)))
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("create the entry to edit: status %d", resp.StatusCode)
	}
	get := func(target string, b browser) func(testing.TB) events.APIGatewayV2HTTPRequest {
		return func(tb testing.TB) events.APIGatewayV2HTTPRequest { return request(tb, http.MethodGet, target, b, nil) }
	}
	return []measured{
		{"start page, visitor", http.StatusOK, get("/", nil)},
		{"entry page, visitor", http.StatusOK, get(seededPath, nil)},
		{"search, visitor", http.StatusOK, get("/suche?q=Stra%C3%9Fe", nil)},
		{"start page, signed in", http.StatusOK, get("/", coordinator)},
		{"entry page, signed in", http.StatusOK, get(seededPath, coordinator)},
		{"save new entry", http.StatusSeeOther, func(tb testing.TB) events.APIGatewayV2HTTPRequest {
			page := s.invoke(tb, request(tb, http.MethodGet, "/eintraege/neu", coordinator, nil))
			created++
			return request(tb, http.MethodPost, "/eintraege", coordinator,
				entryForm(formToken(tb, pageBody(tb, page)), fmt.Sprintf("Parkraum Messung %d", created), 0))
		}},
		{"save edited entry", http.StatusSeeOther, func(tb testing.TB) events.APIGatewayV2HTTPRequest {
			page := pageBody(tb, s.invoke(tb, request(tb, http.MethodGet, editSlug+"/bearbeiten", coordinator, nil)))
			m := versionField.FindStringSubmatch(page)
			if m == nil {
				tb.Fatalf("no version in the edit form:\n%.2000s", page)
			}
			var version int
			fmt.Sscan(m[1], &version)
			return request(tb, http.MethodPost, editSlug+"/bearbeiten", coordinator,
				entryForm(formToken(tb, page), "Parkraum zum Bearbeiten", version))
		}},
	}
}

// TestDynamoDBCallsPerRequest reports the DynamoDB calls of one request of each kind
// (docs/benchmarks.md, "Lambda") and keeps pages for visitors within the aim of at most
// three calls.
func TestDynamoDBCallsPerRequest(t *testing.T) {
	s := startSite(t, needStandins(t))
	for _, m := range s.requests(t) {
		ev := m.prepare(t)
		s.calls.take()
		resp := s.invoke(t, ev)
		calls := s.calls.take()
		if resp.StatusCode != m.status {
			t.Fatalf("%s: status %d, want %d\n%.1500s", m.name, resp.StatusCode, m.status, pageBody(t, resp))
		}
		t.Logf("%-22s %s", m.name, describeCalls(calls))
		if strings.HasSuffix(m.name, "visitor") && total(calls) > 3 {
			t.Errorf("%s: %s DynamoDB calls, want at most 3", m.name, describeCalls(calls))
		}
	}
}

// BenchmarkRequests measures each kind of request through the web function's handler in
// this process against dynalite: latency (ns/op, dynalite's, not DynamoDB's) and DynamoDB
// calls per request (dynamodb-calls/op). Run it with
//
//	bash infra/bench/coldstart.sh
func BenchmarkRequests(b *testing.B) {
	s := startSite(b, needStandins(b))
	for _, m := range s.requests(b) {
		b.Run(strings.NewReplacer(", ", "/", " ", "-").Replace(m.name), func(b *testing.B) {
			calls := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				ev := m.prepare(b)
				s.calls.take()
				b.StartTimer()
				resp := s.invoke(b, ev)
				b.StopTimer()
				calls += total(s.calls.take())
				if resp.StatusCode != m.status {
					b.Fatalf("status %d, want %d", resp.StatusCode, m.status)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(calls)/float64(b.N), "dynamodb-calls/op")
		})
	}
}

// BenchmarkRefresh measures what staying current costs a web instance per request when
// nothing changed: reading the change log (app.App.Refresh) against dynalite, in latency
// (dynalite's, not DynamoDB's) and DynamoDB calls. Run it with
//
//	bash infra/bench/coldstart.sh
func BenchmarkRefresh(b *testing.B) {
	s := startSite(b, needStandins(b))
	ctx := context.Background()
	s.app.Refresh(app.WithRequestTime(ctx, time.Now()))
	s.calls.take()
	for b.Loop() {
		if err := s.app.Refresh(app.WithRequestTime(ctx, time.Now())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total(s.calls.take()))/float64(b.N), "dynamodb-calls/op")
}
