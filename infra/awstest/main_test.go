package awstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/awslocal/stack"
	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

const coordinatorEmail = "koordination@ikone-ds.example"

// site is a running AWS shape with the demo content, a coordinator and an API token.
type site struct {
	*stack.Stack
	t     testing.TB
	token string // the coordinator's API token
	store *dynamo.Store
}

var (
	sharedOnce sync.Once
	shared     *site
	sharedErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	os.Exit(code)
}

// startSite returns the site the tests of the package share (started by the first test
// that asks, see newSite), after waiting until a snapshot covers every change. On failure
// the test logs the tails of the functions' logs.
func startSite(t testing.TB) *site {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = newSite(t) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	s := *shared
	s.t = t
	t.Cleanup(func() {
		if t.Failed() {
			for _, name := range []string{"web-1", "web-2", "indexer"} {
				t.Logf("--- log of %s:\n%s", name, s.LogTail(name, 30))
			}
		}
	})
	s.waitIndexed(t.Context())
	return &s
}

// newSite starts a stack with two web instances, loads the demo content through the
// stand-ins (every write goes through the streams emulation, so the indexer builds and
// publishes the index), a coordinator and an API token.
func newSite(t testing.TB) (*site, error) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the Lambda Runtime Interface Emulator runs on Linux only")
	}
	if _, err := stack.FindTool("aws-lambda-rie"); err != nil {
		stack.Missing(t, "aws-lambda-rie not installed (bash infra/standins.sh install): "+err.Error())
	}
	standins := stack.StandinsFromEnv()
	if standins == nil {
		stack.Missing(t, `stand-ins not running: eval "$(bash infra/standins.sh)"`)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	st, err := stack.Start(ctx, stack.Config{
		Web:      2,
		Standins: standins,
		// Records across items arrive shuffled within a batch, and a third of the batches
		// a second time: the indexer must not care.
		Streams: stack.StreamOptions{MaxRetries: 1, Shuffle: true, Duplicates: 0.3},
	})
	if err != nil {
		return nil, err
	}
	s := &site{Stack: st}
	s.store = dynamo.New(st.DynamoDB(), st.Table(), s3blob.New(st.S3(), st.Bucket(), ""))
	err = func() error {
		loader, err := app.Start(ctx, s.store.Stores(), app.Cloud{Log: s.store, WithoutIndex: true}, app.Options{})
		if err != nil {
			return err
		}
		defer loader.Close()
		if _, err := loader.Import(ctx, demo.Open(), demo.Author); err != nil {
			return err
		}
		if _, err := loader.CreateUser(ctx, auth.Visitor, app.NewUser{Email: coordinatorEmail, Name: "Koordinierungsstelle", Role: wiki.RoleCoordinator, Password: "Gemeinsam-in-die-Zukunft-26"}); err != nil {
			return err
		}
		s.token, err = loader.CreateAPITokenFor(ctx, coordinatorEmail, "Test")
		return err
	}()
	if err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// waitIndexed waits until the stream is delivered and the published snapshot covers every
// change logged so far, and returns its pointer.
func (s *site) waitIndexed(ctx context.Context) *store.SnapshotPointer {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := s.WaitStreamsIdle(ctx); err != nil {
		s.t.Fatal(err)
	}
	for {
		page, err := s.store.Changes(ctx, math.MaxUint64, 1)
		if err != nil {
			s.t.Fatal(err)
		}
		if p := page.Snapshot; p != nil && p.Seq >= page.Counter {
			return p
		}
		select {
		case <-ctx.Done():
			s.t.Fatalf("no snapshot covers the changes up to %d: %+v", page.Counter, page.Snapshot)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// call sends a request to web instance i (from 0), with the coordinator's token if asCoord,
// and decodes a JSON answer into out (if not nil). It returns the status.
func (s *site) call(i int, method, path string, asCoord bool, body any, header map[string]string, out any) int {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.WebURL(i)+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if asCoord {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			s.t.Fatalf("%s %s: %v\n%.500s", method, path, err, data)
		}
	}
	if resp.StatusCode >= 500 {
		s.t.Errorf("%s %s on web %d: status %d\n%.500s", method, path, i+1, resp.StatusCode, data)
	}
	return resp.StatusCode
}

// searchResult is the part of /api/v1/search the tests read.
type searchResult struct {
	Total  uint64                  `json:"total"`
	Hits   []struct{ Slug string } `json:"hits"`
	Facets struct {
		Municipality []struct{ Count int } `json:"municipality"`
	} `json:"facets"`
}

// visitorSearch searches as a visitor on instance i and returns the slugs found.
func (s *site) visitorSearch(i int, q string) []string {
	s.t.Helper()
	var res searchResult
	if st := s.call(i, http.MethodGet, "/api/v1/search?per_page=100&q="+url.QueryEscape(q), false, nil, nil, &res); st != http.StatusOK {
		s.t.Fatalf("search %q on web %d: status %d", q, i+1, st)
	}
	slugs := make([]string, len(res.Hits))
	for j, h := range res.Hits {
		slugs[j] = h.Slug
	}
	return slugs
}

// entry reads an entry through the API as the coordinator.
func (s *site) entry(i int, slug string) map[string]any {
	s.t.Helper()
	var e map[string]any
	if st := s.call(i, http.MethodGet, "/api/v1/entries/"+slug, true, nil, nil, &e); st != http.StatusOK {
		s.t.Fatalf("GET entry %s: status %d", slug, st)
	}
	return e
}

// edit changes an entry through the API on instance i as the coordinator.
func (s *site) edit(i int, slug string, change func(map[string]any)) {
	s.t.Helper()
	e := s.entry(i, slug)
	change(e)
	version := fmt.Sprint(e["version"])
	if st := s.call(i, http.MethodPut, "/api/v1/entries/"+slug, true, e, map[string]string{"If-Match": `"` + version + `"`}, nil); st != http.StatusOK {
		s.t.Fatalf("PUT entry %s: status %d", slug, st)
	}
}

// move changes the workflow state of an entry on instance i as the coordinator.
func (s *site) move(i int, slug string, to wiki.State) {
	s.t.Helper()
	if st := s.call(i, http.MethodPost, "/api/v1/entries/"+slug+"/transitions", true, map[string]string{"to": string(to), "comment": "Test"}, nil, nil); st != http.StatusOK {
		s.t.Fatalf("transition of %s to %s: status %d", slug, to, st)
	}
}

// contains reports whether list has s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// until polls ok every 20 ms until it holds and returns how long that took, or fails the
// test after limit.
func until(t testing.TB, limit time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// probe is a visitor's search that may run beside the test on another goroutine: it
// reports its problems instead of failing the test.
func (s *site) probe(i int, q string) (slugs []string, total uint64, facet int, err error) {
	resp, err := http.Get(s.WebURL(i) + "/api/v1/search?per_page=100&q=" + url.QueryEscape(q))
	if err != nil {
		return nil, 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, 0, 0, fmt.Errorf("search %q on web %d: status %d", q, i+1, resp.StatusCode)
	}
	var res searchResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, 0, 0, err
	}
	for _, h := range res.Hits {
		slugs = append(slugs, h.Slug)
	}
	for _, f := range res.Facets.Municipality {
		facet += f.Count
	}
	return slugs, res.Total, facet, nil
}

// leakWatch runs visitor searches on an instance until stopped, and counts every hit of an
// entry that was hidden (made internal, unpublished or archived) before the search began.
type leakWatch struct {
	mu       sync.Mutex
	hidden   map[string]time.Time // slug → when the write that hid it was answered
	leaks    []string
	problems []error
	searches int
	stop     chan struct{}
	done     sync.WaitGroup
}

func (s *site) watchLeaks(i int, queries ...string) *leakWatch {
	w := &leakWatch{hidden: map[string]time.Time{}, stop: make(chan struct{})}
	for _, q := range queries {
		w.done.Go(func() {
			for {
				select {
				case <-w.stop:
					return
				default:
				}
				start := time.Now()
				slugs, total, facet, err := s.probe(i, q)
				w.mu.Lock()
				w.searches++
				if err != nil {
					w.problems = append(w.problems, err)
				} else if int(total) != len(slugs) || facet != len(slugs) {
					w.problems = append(w.problems, fmt.Errorf("search %q: %d hits, total %d, facet %d", q, len(slugs), total, facet))
				}
				for _, slug := range slugs {
					if at, ok := w.hidden[slug]; ok && start.After(at) {
						w.leaks = append(w.leaks, fmt.Sprintf("%s (search %q began %v after it was hidden)", slug, q, start.Sub(at)))
					}
				}
				w.mu.Unlock()
			}
		})
	}
	return w
}

// hide records that slug is hidden from visitors as of now.
func (w *leakWatch) hide(slug string) {
	w.mu.Lock()
	w.hidden[slug] = time.Now()
	w.mu.Unlock()
}

// finish stops the searches and fails the test for any leak or problem.
func (w *leakWatch) finish(t *testing.T) {
	t.Helper()
	close(w.stop)
	w.done.Wait()
	t.Logf("%d visitor searches ran beside the writes", w.searches)
	for _, l := range w.leaks {
		t.Errorf("leak: %s", l)
	}
	for _, p := range w.problems {
		t.Errorf("visitor search: %v", p)
	}
	if w.searches < 10 {
		t.Errorf("only %d visitor searches ran", w.searches)
	}
}
