package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/ikone-ds/wissensnetz/shared/lambdahttp"
)

func TestStrictTransportSecurity(t *testing.T) {
	t.Parallel()
	_, a := newTestServer(t)
	plain, err := New(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	proxied, err := New(a, nil, TrustForwardedProto(true))
	if err != nil {
		t.Fatal(err)
	}
	const want = "max-age=31536000"
	local := func(proto string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "http://localhost:8080/anmelden", nil)
		if proto != "" {
			r.Header.Set("X-Forwarded-Proto", proto)
		}
		return r
	}
	gateway, err := lambdahttp.Request(t.Context(), events.APIGatewayV2HTTPRequest{RawPath: "/anmelden",
		RequestContext: events.APIGatewayV2HTTPRequestContext{DomainName: "wissen.example", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", SourceIP: "192.0.2.1"}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		server *Server
		req    *http.Request
		want   string
	}{
		{"plain HTTP in local mode", plain, local(""), ""},
		{"forwarded header from an untrusted client", plain, local("https"), ""},
		{"trusted proxy, HTTP", proxied, local("http"), ""},
		{"trusted proxy, HTTPS", proxied, local("https"), want},
		{"API Gateway", plain, gateway, want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.server.ServeHTTP(w, tt.req)
			if got := w.Header().Get("Strict-Transport-Security"); got != tt.want {
				t.Errorf("Strict-Transport-Security = %q, want %q", got, tt.want)
			}
		})
	}
}
