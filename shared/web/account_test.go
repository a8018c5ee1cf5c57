package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func TestSafeNext(t *testing.T) {
	t.Parallel()
	keep := []string{
		"/",
		"/eintraege/lorawan-sensornetz",
		"/koordination/pruefung?seite=2&entschieden=1",
		"/suche?q=Stra%C3%9Fe",
		"/eintraege?thema=klima-umwelt#treffer",
	}
	for _, next := range keep {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
	refuse := []string{
		"",
		"eintraege",
		"https://evil.example/",
		"//evil.example/pwn",
		"/\\evil.example",
		"/eintraege\\..\\x",
		"/\t/evil.example/pwn",
		"/%09/evil.example/pwn",
		"/\n/evil.example",
		"/%0d%0aSet-Cookie:x",
		"/ /evil.example",
		"/%20/evil.example",
		"/%2F/evil.example",
		"/%2f%2fevil.example",
		"/%5Cevil.example",
		"/%255C/evil.example",
		"/\u00a0/evil.example",
		"/\u202e/evil.example",
		"/\x00",
		"/%00",
		"/\xff",
		"/%zz",
		"javascript:alert(1)",
		"/" + strings.Repeat("a", 3000),
	}
	for _, next := range refuse {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%.60q) = %.60q, want \"/\"", next, got)
		}
	}
}

// TestLoginRedirectStaysOnSite signs in with return addresses that browsers would read as
// another site and checks that the redirect stays on this one.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	c := newClient(t, ts)
	c.signIn(a, "anna@beispiel-kommune.de", wiki.RoleMember, "07312000")
	for _, next := range []string{"/\t/evil.example/pwn", "/%09/evil.example/pwn", "/\\/evil.example"} {
		t.Run(next, func(t *testing.T) {
			c := newClient(t, ts)
			_, body := c.get("/anmelden?weiter=" + url.QueryEscape(next))
			if !strings.Contains(body, `name="weiter" value="/"`) {
				t.Errorf("sign-in form keeps the return address %q", next)
			}
			resp, _ := c.post("/anmelden", "/anmelden", url.Values{"email": {"anna@beispiel-kommune.de"}, "password": {testPassword}, "weiter": {next}})
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
				t.Errorf("sign in with weiter=%q: status %d, Location %q, want 303 to /", next, resp.StatusCode, loc)
			}
		})
	}
}

// After too many wrong passwords the sign-in answers 429 with Retry-After and a German
// message, the same for an existing and an unknown address.
func TestLoginTooManyAttempts(t *testing.T) {
	t.Parallel()
	// A clock that stands still: the attempts are counted in a window of 15 minutes.
	a, err := openLocal(t.Context(), app.Local{DataDir: t.TempDir()}, app.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveMunicipality(t.Context(), auth.Viewer{User: &wiki.User{Role: wiki.RoleCoordinator, Name: "Test"}}, wiki.Municipality{AGS: "07312000", Name: "Kaiserslautern", Type: "Stadt"}, true); err != nil {
		t.Fatal(err)
	}
	srv, err := New(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := contractServer(t, srv)
	t.Cleanup(func() { ts.Close(); a.Close() })
	c := newClient(t, ts)
	c.signIn(a, "anna@beispiel-kommune.de", wiki.RoleMember, "07312000")
	var bodies []string
	for _, email := range []string{"anna@beispiel-kommune.de", "niemand@beispiel-kommune.de"} {
		var resp *http.Response
		var body string
		for range 6 {
			resp, body = c.post("/anmelden", "/anmelden", url.Values{"email": {email}, "password": {"falsches-Passwort"}})
		}
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Zu viele fehlgeschlagene Anmeldungen mit dieser E-Mail-Adresse") {
			t.Errorf("%s, sixth wrong password: status %d, Retry-After %q", email, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		bodies = append(bodies, strings.ReplaceAll(body, email, "…"))
	}
	if bodies[0] != bodies[1] {
		t.Error("the answers for an existing and an unknown address differ")
	}
}
