// Package web serves Wissensnetz over HTTP: the German HTML pages (which work without
// JavaScript) and the JSON API under /api/v1, on one http.Handler that runs the same
// locally and behind API Gateway.
package web

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// maxFormBytes bounds a form post; an entry with a full body is far below it.
const maxFormBytes = 1 << 20

// Server holds what the handlers share. Create it with New.
type Server struct {
	app *app.App // for what no handler asks: Refresh and Storage

	// The parts of the app the handlers use, each declared beside its handlers.
	sessions    sessionApp
	signIn      signInApp
	ownAccount  ownAccountApp
	catalog     catalogApp
	catalogEdit catalogEditApp
	accounts    accountApp
	audit       auditApp
	mails       mailApp
	wordLists   wordListApp
	office      officeApp
	entries     entryApp
	workflow    workflowApp
	find        findApp
	files       fileApp
	directFiles directFilesApp

	log     *slog.Logger
	pages   *pages
	mux     *http.ServeMux
	handler http.Handler // mux behind the cross-origin protection
	// trustProto: the X-Forwarded-Proto header comes from a proxy of ours, not the client.
	trustProto bool
	// uploadDir holds the files of uploads while a request reads them; "": os.TempDir().
	uploadDir string
}

// Option changes how New sets up the server.
type Option func(*Server)

// TrustForwardedProto says whether the server runs behind a reverse proxy that sets
// X-Forwarded-Proto itself (replacing what clients send). Only then does the header
// count for HTTPS-only answers such as Strict-Transport-Security. Requests from API
// Gateway need no such trust: the Lambda adapter marks them as HTTPS.
func TrustForwardedProto(on bool) Option { return func(s *Server) { s.trustProto = on } }

// UploadDir sets the folder where uploaded files wait, each in a temporary file, while
// their request is read and saved (up to the size limit of an entry's files per request
// at once). Without it they wait in os.TempDir(), which on some systems lives in memory.
func UploadDir(dir string) Option { return func(s *Server) { s.uploadDir = dir } }

// New returns the handler for every page and API route.
func New(a *app.App, logger *slog.Logger, opts ...Option) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{app: a, log: logger, pages: p, mux: http.NewServeMux(),
		sessions: a, signIn: a, ownAccount: a, catalog: a, catalogEdit: a, accounts: a, audit: a, mails: a, wordLists: a, office: a, entries: a, workflow: a, find: a, files: a, directFiles: a}
	for _, o := range opts {
		o(s)
	}
	s.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, wiki.E(wiki.EFORBIDDEN, "error.cross_site"))
	}))
	s.handler = cop.Handler(http.HandlerFunc(s.guard))
	return s, nil
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /eintraege", s.entryList)
	m.HandleFunc("GET /eintraege/neu", s.entryNew)
	m.HandleFunc("POST /eintraege", s.entryCreate)
	m.HandleFunc("GET /eintraege/{slug}", s.entryShow)
	m.HandleFunc("GET /eintraege/{slug}/bearbeiten", s.entryEdit)
	m.HandleFunc("POST /eintraege/{slug}/bearbeiten", s.entryUpdate)
	m.HandleFunc("GET /eintraege/{slug}/versionen", s.entryHistory)
	m.HandleFunc("GET /eintraege/{slug}/vergleich", s.entryCompare)
	m.HandleFunc("POST /eintraege/{slug}/status", s.entryTransition)
	m.HandleFunc("POST /eintraege/{slug}/hervorheben", s.entryFeature)
	m.HandleFunc("POST /eintraege/{slug}/geprueft", s.entryChecked)
	m.HandleFunc("GET /eintraege/{slug}/dateien/{id}", s.entryFile)
	m.HandleFunc("GET /eintraege/{slug}/dateien/hochladen", s.directUploadForm)
	m.HandleFunc("GET /eintraege/{slug}/dateien/bestaetigen", s.directUploadConfirmForm)
	m.HandleFunc("POST /eintraege/{slug}/dateien/bestaetigen", s.directUploadConfirm)
	m.HandleFunc("GET /anmelden", s.loginForm)
	m.HandleFunc("POST /anmelden", s.login)
	m.HandleFunc("POST /abmelden", s.logout)
	m.HandleFunc("GET /passwort-vergessen", s.forgotForm)
	m.HandleFunc("POST /passwort-vergessen", s.forgot)
	m.HandleFunc("GET /passwort/{token}", s.passwordForm)
	m.HandleFunc("POST /passwort/{token}", s.passwordSet)
	m.HandleFunc("GET /suche", s.searchPage)
	m.HandleFunc("GET /kommunen", s.municipalityList)
	m.HandleFunc("GET /kommunen/{slug}", s.municipalityShow)
	m.HandleFunc("GET /themen", s.topicList)
	m.HandleFunc("GET /themen/{slug}", s.topicShow)
	m.HandleFunc("GET /profil", s.profile)
	m.HandleFunc("POST /profil/passwort", s.profilePassword)
	m.HandleFunc("POST /profil/tokens", s.profileTokenCreate)
	m.HandleFunc("POST /profil/tokens/widerrufen", s.profileTokenRevoke)
	m.HandleFunc("POST /profil/ueberall-abmelden", s.profileLogoutEverywhere)
	m.HandleFunc("GET /koordination", s.coordination)
	m.HandleFunc("GET /koordination/pruefung", s.reviewQueue)
	m.HandleFunc("GET /koordination/aenderungen", s.recentChanges)
	m.HandleFunc("GET /koordination/kommunen", s.municipalitiesManage)
	m.HandleFunc("POST /koordination/kommunen", s.municipalityCreate)
	m.HandleFunc("GET /koordination/kommunen/{ags}", s.municipalityEdit)
	m.HandleFunc("POST /koordination/kommunen/{ags}", s.municipalityUpdate)
	m.HandleFunc("GET /koordination/themen", s.topicsManage)
	m.HandleFunc("POST /koordination/themen", s.topicCreate)
	m.HandleFunc("GET /koordination/themen/{slug}", s.topicEdit)
	m.HandleFunc("POST /koordination/themen/{slug}", s.topicUpdate)
	m.HandleFunc("POST /koordination/themen-zusammenfuehren", s.topicMerge)
	m.HandleFunc("GET /koordination/personen", s.people)
	m.HandleFunc("POST /koordination/personen", s.personInvite)
	m.HandleFunc("GET /koordination/personen/{id}", s.personEdit)
	m.HandleFunc("POST /koordination/personen/{id}", s.personUpdate)
	m.HandleFunc("GET /koordination/protokoll", s.auditLog)
	m.HandleFunc("GET /koordination/postausgang", s.outbox)
	m.HandleFunc("GET /koordination/suchwoerter", s.searchWords)
	m.HandleFunc("POST /koordination/suchwoerter", s.searchWordsSave)
	m.Handle("GET /static/", staticHandler(http.HandlerFunc(s.notFound)))

	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /api/v1/openapi.yaml", s.apiOpenAPI)
	m.HandleFunc("GET /api/v1/entries", s.apiEntryList)
	m.HandleFunc("GET /api/v1/entries/{slug}", s.apiEntryShow)
	m.HandleFunc("GET /api/v1/search", s.apiSearch)
	m.HandleFunc("GET /api/v1/suggest", s.apiSuggest)
	m.HandleFunc("GET /api/v1/similar", s.apiSimilar)
	m.HandleFunc("GET /api/v1/municipalities", s.apiMunicipalities)
	m.HandleFunc("GET /api/v1/topics", s.apiTopics)
	m.HandleFunc("POST /api/v1/entries", s.apiEntryCreate)
	m.HandleFunc("PUT /api/v1/entries/{slug}", s.apiEntryUpdate)
	m.HandleFunc("POST /api/v1/entries/{slug}/transitions", s.apiEntryTransition)
	m.HandleFunc("GET /api/v1/entries/{slug}/files", s.apiFileList)
	m.HandleFunc("POST /api/v1/entries/{slug}/files", s.apiFileUpload)
	m.HandleFunc("GET /api/v1/entries/{slug}/files/{id}", s.apiFileContent)
	m.HandleFunc("DELETE /api/v1/entries/{slug}/files/{id}", s.apiFileDelete)
	m.HandleFunc("POST /api/v1/entries/{slug}/uploads", s.apiUploadForm)
	m.HandleFunc("POST /api/v1/entries/{slug}/uploads/confirm", s.apiUploadConfirm)
	m.HandleFunc("GET /api/v1/municipalities/{ags}", s.apiMunicipalityShow)
	m.HandleFunc("POST /api/v1/municipalities", s.apiMunicipalityCreate)
	m.HandleFunc("PUT /api/v1/municipalities/{ags}", s.apiMunicipalityUpdate)
	m.HandleFunc("GET /api/v1/topics/{slug}", s.apiTopicShow)
	m.HandleFunc("POST /api/v1/topics", s.apiTopicCreate)
	m.HandleFunc("PUT /api/v1/topics/{slug}", s.apiTopicUpdate)
	m.HandleFunc("GET /api/v1/review-queue", s.apiReviewQueue)
	m.HandleFunc("GET /api/v1/audit", s.apiAudit)
	m.HandleFunc("/api/", s.apiNotFound)
	m.HandleFunc("/", s.notFound)
}

// ServeHTTP adds a request id, security headers, logging and panic recovery around the
// routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 64 {
		var b [8]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	h := w.Header()
	h.Set("X-Request-Id", id)
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	if s.https(r) {
		// No includeSubDomains: the site may be served from a host whose subdomains others
		// run, possibly still over HTTP; no preload either, which cannot be undone quickly.
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	log := s.log.With("request_id", id)
	defer func() {
		if p := recover(); p != nil {
			log.Error("panic", "panic", p, "stack", string(debug.Stack()))
			if !rec.wrote {
				s.renderError(rec, r, errInternal)
			}
		}
		log.Info("request", "method", r.Method, "path", logPath(r.URL.Path), "status", rec.status, "ms", time.Since(start).Milliseconds())
	}()
	ctx := app.WithRequestTime(withLogger(r.Context(), log), start)
	s.handler.ServeHTTP(rec, r.WithContext(ctx))
}

// guard identifies the viewer and, for form posts, checks the form token before the route
// runs. Handlers read their forms themselves (readForm).
func (s *Server) guard(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/healthz" {
		// On AWS: catalog, word lists and index as the table holds them now (one read).
		// A failure here is logged; the pages that search fail on their own.
		if err := s.app.Refresh(r.Context()); err != nil {
			logFor(r).Error("refresh from the change log", "err", err)
		}
	}
	r, err := s.identify(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.Method == http.MethodPost && !isAPI(r) {
		if r, err = s.checkFormToken(w, r); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// https reports whether the request reached us over HTTPS: directly, through API Gateway
// (the Lambda adapter sets r.TLS) or through a trusted proxy that says so.
func (s *Server) https(r *http.Request) bool {
	return r.TLS != nil || (s.trustProto && r.Header.Get("X-Forwarded-Proto") == "https")
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// fail answers with an error: JSON for the API, a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.writeAPIError(w, r, err)
		return
	}
	s.renderError(w, r, err)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (uploads set their deadlines).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logPath hides the secret in password links, which must not end up in logs.
func logPath(p string) string {
	if strings.HasPrefix(p, "/passwort/") {
		return "/passwort/…"
	}
	return p
}
