// Package lambdahttp serves an ordinary http.Handler behind Amazon API Gateway HTTP APIs
// (payload format 2.0): it turns each event into an *http.Request and the handler's answer
// into the response event — cookies, base64 bodies, binary responses, redirects, query
// strings with umlauts and a stage prefix included.
package lambdahttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Handler adapts h to API Gateway HTTP API events.
type Handler struct {
	h http.Handler
}

// New returns the adapter for h.
func New(h http.Handler) *Handler { return &Handler{h: h} }

// Invoke answers one event. Errors are only for events that are not HTTP requests; every
// request, however malformed, gets an HTTP answer from the handler.
func (a *Handler) Invoke(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	r, err := Request(ctx, ev)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{}, err
	}
	w := newResponseWriter()
	a.h.ServeHTTP(w, r)
	return w.event(), nil
}

// Request turns an event into the request the handler sees. Its TLS field is set (without
// certificates): the client spoke HTTPS with API Gateway.
func Request(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	method := ev.RequestContext.HTTP.Method
	if method == "" {
		return nil, fmt.Errorf("lambdahttp: event without HTTP method (not an API Gateway HTTP API event?)")
	}
	path := ev.RawPath
	if path == "" {
		path = ev.RequestContext.HTTP.Path
	}
	if stage := ev.RequestContext.Stage; stage != "" && stage != "$default" {
		if rest, ok := strings.CutPrefix(path, "/"+stage); ok && (rest == "" || rest[0] == '/') {
			path = rest
			if path == "" {
				path = "/"
			}
		}
	}
	target := path
	if ev.RawQueryString != "" {
		target += "?" + ev.RawQueryString
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: path} // a broken query string must not make the request fail
	}
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return nil, fmt.Errorf("lambdahttp: body: %w", err)
		}
	}
	r, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("lambdahttp: request: %w", err)
	}
	r.URL = u
	r.RequestURI = target
	for k, v := range ev.Headers {
		// API Gateway joins repeated headers with commas, which is what HTTP means too.
		r.Header.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	r.Host = ev.RequestContext.DomainName
	if h := r.Header.Get("Host"); h != "" {
		r.Host = h
	}
	r.ContentLength = int64(len(body))
	r.RemoteAddr = ev.RequestContext.HTTP.SourceIP + ":0"
	if ev.RequestContext.RequestID != "" {
		r.Header.Set("X-Request-Id", ev.RequestContext.RequestID)
	}
	// API Gateway only speaks HTTPS: the client's connection was TLS, ended at the gateway.
	// The header is set, not kept, since a client could send "http".
	r.Header.Set("X-Forwarded-Proto", "https")
	r.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: ev.RequestContext.DomainName}
	return r, nil
}

// responseWriter collects the handler's answer.
type responseWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newResponseWriter() *responseWriter { return &responseWriter{header: http.Header{}} }

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// event returns the response event: Set-Cookie headers as cookies, other repeated
// headers joined, and bodies that are not text in base64.
func (w *responseWriter) event() events.APIGatewayV2HTTPResponse {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.header.Get("Content-Type") == "" && w.body.Len() > 0 {
		w.header.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	out := events.APIGatewayV2HTTPResponse{StatusCode: w.status, Headers: map[string]string{}, Cookies: w.header.Values("Set-Cookie")}
	for k, v := range w.header {
		if k == "Set-Cookie" {
			continue
		}
		out.Headers[k] = strings.Join(v, ", ")
	}
	if isText(w.header.Get("Content-Type")) {
		out.Body = w.body.String()
	} else {
		out.Body, out.IsBase64Encoded = base64.StdEncoding.EncodeToString(w.body.Bytes()), true
	}
	return out
}

// isText reports whether a content type can travel as a JSON string unchanged.
func isText(contentType string) bool {
	ct, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	ct = strings.TrimSpace(ct)
	switch {
	case ct == "", strings.HasPrefix(ct, "text/"):
		return true
	case strings.HasSuffix(ct, "+json"), strings.HasSuffix(ct, "+xml"):
		return true
	}
	switch ct {
	case "application/json", "application/yaml", "application/xml", "application/javascript", "image/svg+xml", "application/x-www-form-urlencoded":
		return true
	}
	return false
}
