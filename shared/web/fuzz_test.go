package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// FuzzSessionCookie sends arbitrary session cookies and Authorization headers through the
// server's guard. Whatever they hold, the answer is the page for a visitor or a signed-in
// person (200) or a refusal (401) with a German message — never a server error or a panic,
// which the server would turn into a 500.
//
//	go test ./shared/web -run '^$' -fuzz FuzzSessionCookie -fuzztime 60s
func FuzzSessionCookie(f *testing.F) {
	ts, a := newTestServer(f)
	server := ts.Config.Handler.(*contractChecked).next // checked below with each input's t
	ctx := f.Context()
	u, err := a.CreateUser(ctx, auth.Visitor, app.NewUser{Email: "fuzz@beispiel-kommune.de", Name: "Fuzz", Role: wiki.RoleMember, Municipality: "07312000", Password: testPassword})
	if err != nil {
		f.Fatal(err)
	}
	session, _, err := a.Login(ctx, u.Email, testPassword, "192.0.2.1")
	if err != nil {
		f.Fatal(err)
	}
	token, err := a.CreateAPIToken(ctx, auth.Viewer{User: u}, "Fuzz")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []struct {
		cookie, authorization string
		api                   bool
	}{
		{"", "", false},
		{session, "", false},
		{session, "", true},
		{"", "Bearer " + token, true},
		{"", "Bearer " + token, false},
		{session, "Bearer " + token, true},
		{session[:len(session)-1] + "A", "", false},
		{"wn_" + session, "", false},
		{"", "Bearer " + session, true},
		{"", "Bearer " + token[:len(token)-2], true},
		{"", "Bearer ", true},
		{"", "Bearer", false},
		{"", "bearer " + token, true},
		{"", "Basic Zm9vOmJhcg==", false},
		{"", "Bearer " + token + " " + token, true},
		{`"` + session + `"`, "", false},
		{session + "; wn_sitzung=" + session, "", false},
		{strings.Repeat("A", 4096), "", false},
		{"%00%ff", "Bearer \x00\xff", true},
		{"ä", "Bearer ä", false},
	} {
		f.Add(seed.cookie, seed.authorization, seed.api)
	}
	f.Fuzz(func(t *testing.T, cookie, authorization string, api bool) {
		path := "/themen"
		if api {
			path = "/api/v1/topics"
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if cookie != "" {
			req.Header.Set("Cookie", sessionCookie+"="+cookie)
		}
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		checkContract(t, server).ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
		case http.StatusUnauthorized:
			if !strings.Contains(rec.Body.String(), "Token") && !strings.Contains(rec.Body.String(), "Bearer") {
				t.Errorf("401 without a German word about the token: %.300s", rec.Body.String())
			}
		default:
			t.Fatalf("cookie %q authorization %q on %s: status %d, want 200 or 401\n%.300s", cookie, authorization, path, rec.Code, rec.Body.String())
		}
	})
}
