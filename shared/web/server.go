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
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
)

// maxFormBytes bounds a form post; an entry with a full body is far below it.
const maxFormBytes = 1 << 20

// Server holds what the handlers share. Create it with New.
type Server struct {
	app   *app.App
	log   *slog.Logger
	pages *pages
	mux   *http.ServeMux
}

// New returns the handler for every page and API route.
func New(a *app.App, logger *slog.Logger) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{app: a, log: logger, pages: p, mux: http.NewServeMux()}
	s.routes()
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
	m.HandleFunc("GET /suche", s.searchPage)
	m.HandleFunc("GET /kommunen", s.municipalityList)
	m.HandleFunc("GET /kommunen/{slug}", s.municipalityShow)
	m.HandleFunc("GET /themen", s.topicList)
	m.HandleFunc("GET /themen/{slug}", s.topicShow)
	m.Handle("GET /static/", staticHandler())

	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /api/v1/openapi.yaml", s.apiOpenAPI)
	m.HandleFunc("GET /api/v1/entries", s.apiEntryList)
	m.HandleFunc("GET /api/v1/entries/{slug}", s.apiEntryShow)
	m.HandleFunc("GET /api/v1/search", s.apiSearch)
	m.HandleFunc("GET /api/v1/municipalities", s.apiMunicipalities)
	m.HandleFunc("GET /api/v1/topics", s.apiTopics)
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
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	log := s.log.With("request_id", id)
	defer func() {
		if p := recover(); p != nil {
			log.Error("panic", "panic", p, "stack", string(debug.Stack()))
			if !rec.wrote {
				s.renderError(rec, r, errInternal)
			}
		}
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "ms", time.Since(start).Milliseconds())
	}()
	s.mux.ServeHTTP(rec, r.WithContext(withLogger(r.Context(), log)))
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
