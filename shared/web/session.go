package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// sessionApp is the part of the app that finds who is signed in: a session cookie's or an
// API token's account.
// Each method's errors are those documented on app.App.
type sessionApp interface {
	Session(ctx context.Context, secret string) (*wiki.User, *store.Session, error)
	APIUser(ctx context.Context, secret string) (*wiki.User, error)
}

// Cookie names. The session cookie holds the session's secret; the form cookie holds the
// form token of visitors (double submit), signed-in people use their session's token.
const (
	sessionCookie = "wn_sitzung"
	formCookie    = "wn_formular"
)

type viewerKey struct{}

// requestViewer is what the request knows about who is asking.
type requestViewer struct {
	viewer  auth.Viewer
	session *store.Session // nil for visitors and API tokens
	api     bool           // authenticated by an API token
}

// viewerOf returns the person a request acts for.
func viewerOf(r *http.Request) auth.Viewer {
	if rv, ok := r.Context().Value(viewerKey{}).(*requestViewer); ok {
		return rv.viewer
	}
	return auth.Visitor
}

func requestViewerOf(r *http.Request) *requestViewer {
	if rv, ok := r.Context().Value(viewerKey{}).(*requestViewer); ok {
		return rv
	}
	return &requestViewer{}
}

// identify finds the viewer of a request: an API token in the Authorization header, or a
// session cookie. A bad token is an error (the script must know); a stale cookie is not:
// the person is then a visitor and the cookie is removed.
func (s *Server) identify(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	rv := &requestViewer{}
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return r, wiki.E(wiki.EUNAUTHORIZED, "api.token_header")
		}
		u, err := s.sessions.APIUser(r.Context(), strings.TrimSpace(token))
		if err != nil {
			return r, err
		}
		rv.viewer, rv.api = auth.Viewer{User: u}, true
	} else if c, err := r.Cookie(sessionCookie); err == nil {
		u, sess, err := s.sessions.Session(r.Context(), c.Value)
		switch {
		case err == nil:
			rv.viewer, rv.session = auth.Viewer{User: u}, sess
		case wiki.ErrorCode(err) == wiki.EUNAUTHORIZED:
			clearCookie(w, r, sessionCookie)
		default:
			return r, err
		}
	}
	return r.WithContext(context.WithValue(r.Context(), viewerKey{}, rv)), nil
}

// secureCookies reports whether cookies must be Secure: always, except over plain HTTP to
// the own machine (local mode).
func secureCookies(r *http.Request) bool {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return true
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip == nil || !ip.IsLoopback()
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: secureCookies(r), SameSite: http.SameSiteLaxMode})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	setCookie(w, r, name, "", -1)
}

// formToken returns the token that forms of this request must carry, setting the form
// cookie for visitors who have none yet.
func formToken(w http.ResponseWriter, r *http.Request) string {
	if rv := requestViewerOf(r); rv.session != nil {
		return rv.session.CSRF
	}
	if c, err := r.Cookie(formCookie); err == nil {
		if _, ok := auth.ParseSecret(c.Value); ok {
			return c.Value
		}
	}
	t := auth.NewSecret()
	setCookie(w, r, formCookie, t, 0)
	// Later calls in the same request must see it too.
	r.AddCookie(&http.Cookie{Name: formCookie, Value: t})
	return t
}

// checkFormToken refuses a form post whose token does not match the session's (or, for
// visitors, the form cookie's). The token is a field of the form, so this reads the form
// (readForm: bounded, and refused when unreadable). Of a multipart form (one with files)
// it reads the first part only, which must be the token: the files after it are read by
// the handler, once the token is known to be right (openMultipart). It returns the
// request to hand on.
func (s *Server) checkFormToken(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	var got string
	if isMultipart(r) {
		perFile, perEntry := s.files.FileLimits()
		req, mb, err := openMultipart(w, r, max(perFile, perEntry)+multipartSlack)
		if err != nil {
			return req, err
		}
		r, got = req, mb.values.Get("csrf")
	} else {
		form, err := readForm(w, r)
		if err != nil {
			return r, err
		}
		got = form.Get("csrf")
	}
	want := ""
	if rv := requestViewerOf(r); rv.session != nil {
		want = rv.session.CSRF
	} else if c, err := r.Cookie(formCookie); err == nil {
		want = c.Value
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return r, wiki.E(wiki.EFORBIDDEN, "error.form_expired")
	}
	return r, nil
}

// clientAddr returns the address a request came from, for throttling. Behind API Gateway
// the Lambda adapter sets RemoteAddr from the request context's source IP.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
