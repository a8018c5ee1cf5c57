package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// signInApp is the part of the app behind the sign-in and password pages.
// Each method's errors are those documented on app.App.
type signInApp interface {
	Login(ctx context.Context, email, password, clientAddr string) (string, *wiki.User, error)
	Logout(ctx context.Context, secret string) error
	RequestPasswordReset(ctx context.Context, email, clientAddr string) error
	PasswordLink(ctx context.Context, secret string) (*wiki.User, error)
	SetPassword(ctx context.Context, secret, password string) (string, *wiki.User, error)
	DemoLogins() []app.NewUser
}

// loginPage is the data of the sign-in page.
type loginPage struct {
	Demo    []app.NewUser // demo accounts of a local installation
	Email   string
	Next    string
	Message string
	Errors  map[string]string
	Notice  string
}

// maxNextLen bounds a return address; longer ones are not made by this site.
const maxNextLen = 2000

// safeNext returns next if it is a path on this site to continue at (after signing in or
// a decision in the review queue), and "/" otherwise. A path is accepted only if it starts
// with one "/" not followed by "/" or "\\", and neither it nor its percent-decoded forms
// hold a backslash, whitespace, control or invisible formatting characters, or invalid
// UTF-8: browsers drop tabs and newlines and read backslashes as slashes, so
// "/\t/evil.example" would lead to evil.example.
func safeNext(next string) string {
	if len(next) > maxNextLen || !sameSitePath(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil {
		return "/"
	}
	// Decode until nothing changes (bounded), so that double encodings are judged too.
	s := next
	for range 3 {
		d, err := url.PathUnescape(s)
		if err != nil {
			return "/"
		}
		if d == s {
			break
		}
		if !sameSitePath(d) {
			return "/"
		}
		s = d
	}
	return next
}

// sameSitePath is the character check of safeNext on one form of the path.
func sameSitePath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !utf8.ValidString(p) {
		return false
	}
	return !strings.ContainsFunc(p, func(r rune) bool {
		return r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
	})
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	p := &loginPage{Next: safeNext(r.URL.Query().Get("weiter")), Demo: s.signIn.DemoLogins()}
	if r.URL.Query().Get("abgemeldet") == "1" {
		p.Notice = T("login.loggedout")
	}
	s.render(w, r, http.StatusOK, "login", view{Title: T("login.title"), Nav: "login", Data: p})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &loginPage{Email: form.Get("email"), Next: safeNext(form.Get("weiter")), Demo: s.signIn.DemoLogins()}
	secret, _, err := s.signIn.Login(r.Context(), p.Email, form.Get("password"), clientAddr(r))
	if err != nil {
		if code := wiki.ErrorCode(err); code != wiki.EUNAUTHORIZED && code != wiki.ETOOMANY {
			s.renderError(w, r, err)
			return
		}
		p.Message = wiki.ErrorText(catalogue, err)
		setRetryAfter(w, err)
		s.render(w, r, errorStatus(err), "login", view{Title: catalogue.Text("error.page_title", T("login.title")), Nav: "login", Data: p})
		return
	}
	setCookie(w, r, sessionCookie, secret, int(app.SessionAbsolute.Seconds()))
	clearCookie(w, r, formCookie)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.signIn.Logout(r.Context(), c.Value); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/anmelden?abgemeldet=1", http.StatusSeeOther)
}

// passwordPage is the data of the pages to request and to set a password.
type passwordPage struct {
	Email   string
	User    *wiki.User
	Sent    bool
	Message string
	Errors  map[string]string
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password_forgot", view{Title: T("forgot.title"), Data: &passwordPage{}})
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &passwordPage{Email: form.Get("email")}
	if err := s.signIn.RequestPasswordReset(r.Context(), p.Email, clientAddr(r)); err != nil {
		if wiki.ErrorCode(err) != wiki.ETOOMANY {
			s.renderError(w, r, err)
			return
		}
		p.Message = wiki.ErrorText(catalogue, err)
		setRetryAfter(w, err)
		s.render(w, r, errorStatus(err), "password_forgot", view{Title: T("forgot.title"), Data: p})
		return
	}
	p.Sent = true
	s.render(w, r, http.StatusOK, "password_forgot", view{Title: T("forgot.title"), Data: p})
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	u, err := s.signIn.PasswordLink(r.Context(), r.PathValue("token"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "password_set", view{Title: T("setpw.title"), Data: &passwordPage{User: u}})
}

func (s *Server) passwordSet(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	pw, again := form.Get("password"), form.Get("password2")
	token := r.PathValue("token")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if pw != again {
		u, err := s.signIn.PasswordLink(r.Context(), token)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		msg := T("setpw.mismatch")
		s.render(w, r, http.StatusBadRequest, "password_set", view{Title: catalogue.Text("error.page_title", T("setpw.title")), Data: &passwordPage{User: u, Message: msg, Errors: map[string]string{"password2": msg}}})
		return
	}
	secret, _, err := s.signIn.SetPassword(r.Context(), token, pw)
	if wiki.ErrorCode(err) == wiki.EINVALID {
		u, lerr := s.signIn.PasswordLink(r.Context(), token)
		if lerr != nil {
			s.renderError(w, r, lerr)
			return
		}
		s.render(w, r, http.StatusBadRequest, "password_set", view{Title: catalogue.Text("error.page_title", T("setpw.title")), Data: &passwordPage{User: u, Message: wiki.ErrorText(catalogue, err), Errors: fieldMessages(err)}})
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	setCookie(w, r, sessionCookie, secret, int(app.SessionAbsolute.Seconds()))
	clearCookie(w, r, formCookie)
	http.Redirect(w, r, "/?willkommen=1", http.StatusSeeOther)
}
