package web

import (
	"embed"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

//go:embed openapi.yaml
var openapiFS embed.FS

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// apiError is the body of every API error response.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    wiki.Code         `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	err = diskFull(err)
	logIfInternal(r, err)
	code := wiki.ErrorCode(err)
	if errorStatus(err) == http.StatusRequestEntityTooLarge && code != wiki.ETOOLARGE {
		code = wiki.EINVALID // a body over the limit of a request, not a file over its limit
	}
	if errorStatus(err) == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Wissensnetz"`)
	}
	setRetryAfter(w, err)
	writeJSON(w, errorStatus(err), apiError{apiErrorBody{Code: code, Message: userMessage(err), Fields: fieldMessages(err)}})
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeAPIError(w, r, wiki.E(wiki.ENOTFOUND, "api.not_found"))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, _ := openapiFS.ReadFile("openapi.yaml")
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(b)
}

// apiPage is a page of an API list.
type apiPage[T any] struct {
	Total   uint64 `json:"total"`
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	Items   []T    `json:"items"`
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// etag is the entity tag of an entry version, for If-Match.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }
