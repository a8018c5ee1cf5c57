package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// newBenchServer serves the fixture on the wall clock (the tests' clock ticks a minute per
// call, which would let sessions expire during a benchmark).
func newBenchServer(b *testing.B) (*Server, *app.App) {
	b.Helper()
	a, err := openLocal(b.Context(), app.Local{DataDir: b.TempDir(), DemoAuthor: wiki.DemoAuthor,
		Demo: func() io.Reader {
			f, err := os.Open("testdata/fixture.jsonl")
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { f.Close() })
			return f
		}}, app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	s, err := New(a, nil)
	if err != nil {
		b.Fatal(err)
	}
	return s, a
}

// BenchmarkRequestIdentity measures what knowing who asks costs a request: the same
// request as a visitor, with a valid session cookie (session and account looked up in
// the store) and with an API token, on /healthz (no page, no policy check) and on an
// entry page (which asks the policy for reading, editing, history, contact, featuring and
// each workflow move). The difference between the visitor and the signed-in figures is
// the overhead of session lookup plus policy checks.
//
//	go test ./shared/web -run '^$' -bench RequestIdentity -benchmem
func BenchmarkRequestIdentity(b *testing.B) {
	s, a := newBenchServer(b)
	ctx := b.Context()
	u, err := a.CreateUser(ctx, auth.Visitor, app.NewUser{Email: "bench@beispiel-kommune.de", Name: "Bench", Role: wiki.RoleMember, Municipality: "07312000", Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	session, _, err := a.Login(ctx, u.Email, testPassword, "192.0.2.1")
	if err != nil {
		b.Fatal(err)
	}
	token, err := a.CreateAPIToken(ctx, auth.Viewer{User: u}, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	const entry = "/eintraege/lorawan-sensornetz-fuer-pegelstaende"
	for _, bc := range []struct {
		name, path, cookie, token string
	}{
		{"healthz/besucher", "/healthz", "", ""},
		{"healthz/sitzung", "/healthz", session, ""},
		{"healthz/api-token", "/healthz", "", token},
		{"eintrag/besucher", entry, "", ""},
		{"eintrag/sitzung", entry, session, ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, bc.path, nil)
				if bc.cookie != "" {
					req.AddCookie(&http.Cookie{Name: sessionCookie, Value: bc.cookie})
				}
				if bc.token != "" {
					req.Header.Set("Authorization", "Bearer "+bc.token)
				}
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", bc.path, rec.Code)
				}
			}
		})
	}
}

// BenchmarkPolicyChecks measures the policy alone: the decisions an entry page asks for.
func BenchmarkPolicyChecks(b *testing.B) {
	v := auth.Viewer{User: &wiki.User{Role: wiki.RoleMember, Municipality: "07320000"}}
	e := &wiki.Entry{Municipality: "07312000", State: wiki.StatePublished, Visibility: wiki.Internal}
	for b.Loop() {
		if !auth.Can(v, auth.ReadEntry, e) || auth.Can(v, auth.EditEntry, e) || !auth.Can(v, auth.ReadHistory, e) ||
			!auth.Can(v, auth.SeeContact, e) || auth.Can(v, auth.FeatureEntry, e) || len(auth.Transitions(v, e)) != 0 {
			b.Fatal("unexpected decision")
		}
	}
}
