package stack

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const (
	// MaxRequestBody is the largest request body API Gateway passes on (10 MB).
	MaxRequestBody = 10 << 20
	// IntegrationTimeout is how long API Gateway waits for the function's answer.
	IntegrationTimeout = 30 * time.Second

	accountID = "123456789012" // made up, like every account id in these events
	apiID     = "awslocal"
)

// APIGatewayEvent turns an HTTP request with its body (already read) into the event API
// Gateway's HTTP API sends a Lambda function (payload format 2.0, $default route and
// stage), as `sam local start-api` does: header names lower-cased and repeated values
// joined with commas, cookies split out of the Cookie header, X-Forwarded-* headers added,
// and a body that is not text base64-encoded.
func APIGatewayEvent(r *http.Request, body []byte) events.APIGatewayV2HTTPRequest {
	now := time.Now()
	sourceIP := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		sourceIP = host
	}
	headers := map[string]string{}
	var cookies []string
	for name, values := range r.Header {
		lower := strings.ToLower(name)
		if lower == "cookie" {
			for _, v := range values {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[lower] = strings.Join(values, ",")
	}
	headers["host"] = r.Host
	if r.ContentLength >= 0 && len(body) > 0 {
		headers["content-length"] = strconv.Itoa(len(body))
	}
	// API Gateway adds these; this front speaks plain HTTP on loopback.
	headers["x-forwarded-for"] = sourceIP
	headers["x-forwarded-proto"] = "http"
	if _, port, err := net.SplitHostPort(r.Host); err == nil {
		headers["x-forwarded-port"] = port
	}
	domain := r.Host
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		domain = h
	}
	prefix, _, _ := strings.Cut(domain, ".")
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "$default",
		RawPath:        r.URL.EscapedPath(),
		RawQueryString: r.URL.RawQuery,
		Cookies:        cookies,
		Headers:        headers,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     "$default",
			AccountID:    accountID,
			Stage:        "$default",
			RequestID:    requestID(),
			APIID:        apiID,
			DomainName:   r.Host,
			DomainPrefix: prefix,
			Time:         now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil && len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k, v := range q {
			ev.QueryStringParameters[k] = strings.Join(v, ",")
		}
	}
	if len(body) > 0 {
		if textContent(r.Header.Get("Content-Type")) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return ev
}

// requestID returns a fresh id for a request, in the form API Gateway's have.
func requestID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b) + "="
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// textContent reports whether API Gateway passes a body of this content type as text.
// Form posts count as text; multipart bodies and everything binary are base64-encoded.
func textContent(contentType string) bool {
	ct, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	ct = strings.TrimSpace(ct)
	switch {
	case strings.HasPrefix(ct, "text/"), strings.HasSuffix(ct, "+json"), strings.HasSuffix(ct, "+xml"):
		return true
	}
	switch ct {
	case "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded":
		return true
	}
	return false
}

// WriteAPIGatewayResponse turns a function's answer to an HTTP API event into the HTTP
// response, as API Gateway does with payload format 2.0: status code, headers,
// multi-value headers, cookies as Set-Cookie headers and a base64 body decoded. An answer
// without a status code is sent as a JSON body with status 200.
func WriteAPIGatewayResponse(w http.ResponseWriter, payload []byte) error {
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(payload, &resp); err != nil || resp.StatusCode == 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, err := w.Write(payload)
		return err
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			writeGatewayError(w, http.StatusInternalServerError, "Internal Server Error")
			return fmt.Errorf("answer's body is not base64: %w", err)
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.StatusCode)
	_, err := w.Write(body)
	return err
}

// writeGatewayError answers as API Gateway does when it cannot pass a request on.
func writeGatewayError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\"message\":%q}\n", message)
}

// Invoker invokes a Lambda function with an event.
type Invoker interface {
	Invoke(ctx context.Context, event []byte) (InvokeResult, error)
}

// Front is an http.Handler playing API Gateway's HTTP API in front of one function:
// it turns each request into an event, invokes the function (one invocation at a time, as
// the function's single environment serves), and turns the answer into the response.
// Bodies over 10 MB get 413, answers later than 30 s 504, function errors 500.
type Front struct {
	fn      Invoker
	log     *slog.Logger
	timeout time.Duration
}

// NewFront returns a front for fn, logging failures to log.
func NewFront(fn Invoker, log *slog.Logger) *Front {
	return &Front{fn: fn, log: log, timeout: IntegrationTimeout}
}

// ServeHTTP passes one request to the function.
func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > MaxRequestBody {
		writeGatewayError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeGatewayError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
			return
		}
		writeGatewayError(w, http.StatusBadRequest, "Bad Request")
		return
	}
	event, err := json.Marshal(APIGatewayEvent(r, body))
	if err != nil {
		f.log.Error("api gateway: encode the event", "err", err)
		writeGatewayError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), f.timeout)
	defer cancel()
	res, err := f.fn.Invoke(ctx, event)
	switch {
	case err != nil && ctx.Err() == context.DeadlineExceeded:
		writeGatewayError(w, http.StatusGatewayTimeout, "Gateway Timeout")
		return
	case err != nil:
		f.log.Error("api gateway: invoke", "method", r.Method, "path", r.URL.Path, "err", err)
		writeGatewayError(w, http.StatusServiceUnavailable, "Service Unavailable")
		return
	case res.FunctionError != "":
		f.log.Error("api gateway: function error", "method", r.Method, "path", r.URL.Path, "error", res.FunctionError, "payload", truncate(res.Payload, 500))
		writeGatewayError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if err := WriteAPIGatewayResponse(w, res.Payload); err != nil {
		f.log.Error("api gateway: answer", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// truncate returns at most n bytes of b as a string.
func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
