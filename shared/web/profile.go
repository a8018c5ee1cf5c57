package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// ownAccountApp is the part of the app behind a signed-in user's own profile: password,
// sessions and API tokens.
// Each method's errors are those documented on app.App.
type ownAccountApp interface {
	ChangePassword(ctx context.Context, v auth.Viewer, current, next, clientAddr string) (string, error)
	LogoutEverywhere(ctx context.Context, v auth.Viewer) error
	CreateAPIToken(ctx context.Context, v auth.Viewer, name string) (string, error)
	APITokens(ctx context.Context, v auth.Viewer) ([]store.Token, error)
	RevokeAPIToken(ctx context.Context, v auth.Viewer, hash string) error
}

// profilePage is the data of the profile page: the account, the password form and the
// API tokens.
type profilePage struct {
	User         *wiki.User
	Municipality *wiki.Municipality
	Tokens       []store.Token
	Errors       map[string]string // at the fields of the password form
	Message      string
	Notice       string
}

// tokenPage shows a new API token's secret, the only time it is shown.
type tokenPage struct {
	Name   string
	Secret string
}

// passwordChange is the password form of the profile page.
type passwordChange struct {
	Current, New, Repeat string
}

// parsePasswordChange reads the password form.
func parsePasswordChange(f url.Values) passwordChange {
	return passwordChange{Current: f.Get("current"), New: f.Get("password"), Repeat: f.Get("password2")}
}

// errSignInNeeded is the answer to posts that only signed-in people may make.
var errSignInNeeded = wiki.E(wiki.EUNAUTHORIZED, "error.signin")

// profileNotices are the confirmations the profile page shows after a redirect.
var profileNotices = map[string]string{
	"passwort":   "profile.password.changed",
	"widerrufen": "profile.token.revoked",
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	if !requireSignIn(w, r) {
		return
	}
	p := &profilePage{}
	if key, ok := profileNotices[r.URL.Query().Get("gespeichert")]; ok {
		p.Notice = T(key)
	}
	s.renderProfile(w, r, http.StatusOK, p)
}

// renderProfile fills in the account and its tokens and shows the profile page.
func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, p *profilePage) {
	v := viewerOf(r)
	tokens, err := s.ownAccount.APITokens(r.Context(), v)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.User, p.Tokens = v.User, tokens
	if m, err := s.catalog.Municipality(v.Municipality()); err == nil {
		p.Municipality = &m
	}
	title := T("profile.title")
	if p.Errors != nil || p.Message != "" {
		title = T("error.title") + ": " + title
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "profile", view{Title: title, Nav: "profile", Data: p})
}

func (s *Server) profilePassword(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := viewerOf(r)
	if !v.SignedIn() {
		s.renderError(w, r, errSignInNeeded)
		return
	}
	f := parsePasswordChange(form)
	if f.New != f.Repeat {
		msg := T("setpw.mismatch")
		s.renderProfile(w, r, http.StatusBadRequest, &profilePage{Message: msg, Errors: map[string]string{"password2": msg}})
		return
	}
	secret, err := s.ownAccount.ChangePassword(r.Context(), v, f.Current, f.New, clientAddr(r))
	if err != nil {
		if code := wiki.ErrorCode(err); code != wiki.EINVALID && code != wiki.ETOOMANY {
			s.renderError(w, r, err)
			return
		}
		setRetryAfter(w, err)
		s.renderProfile(w, r, errorStatus(err), &profilePage{Message: wiki.ErrorText(catalogue, err), Errors: fieldMessages(err)})
		return
	}
	setCookie(w, r, sessionCookie, secret, int(app.SessionAbsolute.Seconds()))
	http.Redirect(w, r, "/profil?gespeichert=passwort", http.StatusSeeOther)
}

func (s *Server) profileTokenCreate(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	name := form.Get("name")
	secret, err := s.ownAccount.CreateAPIToken(r.Context(), viewerOf(r), name)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if name == "" {
		name = T("profile.token.defaultname")
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "profile_token", view{Title: T("token.title"), Nav: "profile", Data: &tokenPage{Name: name, Secret: secret}})
}

func (s *Server) profileTokenRevoke(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.ownAccount.RevokeAPIToken(r.Context(), viewerOf(r), form.Get("token")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/profil?gespeichert=widerrufen", http.StatusSeeOther)
}

func (s *Server) profileLogoutEverywhere(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	if !v.SignedIn() {
		s.renderError(w, r, errSignInNeeded)
		return
	}
	if err := s.ownAccount.LogoutEverywhere(r.Context(), v); err != nil {
		s.renderError(w, r, err)
		return
	}
	clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/anmelden?abgemeldet=1", http.StatusSeeOther)
}
