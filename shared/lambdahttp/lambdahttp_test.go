package lambdahttp

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func loadEvent(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestRequestFromEvents(t *testing.T) {
	t.Run("plain GET", func(t *testing.T) {
		r, err := Request(t.Context(), loadEvent(t, "apigw-v2-request-no-authorizer.json"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Method != "GET" || r.URL.Path != "/" || r.Host != "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com" || r.RemoteAddr != "1.2.3.4:0" {
			t.Errorf("request = %s %s host %s from %s", r.Method, r.URL, r.Host, r.RemoteAddr)
		}
		if r.Header.Get("X-Request-Id") != "LV7fzho-PHcEJPw=" || r.Header.Get("User-Agent") != "curl/7.58.0" {
			t.Errorf("headers = %v", r.Header)
		}
	})
	t.Run("form post with cookies, base64 body, umlauts and stage", func(t *testing.T) {
		r, err := Request(t.Context(), loadEvent(t, "form-post-with-cookies.json"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Method != "POST" || r.URL.Path != "/eintraege" {
			t.Errorf("request = %s %s, want POST /eintraege (stage prefix removed)", r.Method, r.URL.Path)
		}
		if got := r.URL.Query().Get("q"); got != "Straße" {
			t.Errorf("query q = %q, want Straße", got)
		}
		if c, err := r.Cookie("wn_formular"); err != nil || c.Value != "def" {
			t.Errorf("cookie wn_formular = %v, %v", c, err)
		}
		if c, err := r.Cookie("wn_sitzung"); err != nil || c.Value != "abc" {
			t.Errorf("cookie wn_sitzung = %v, %v", c, err)
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("title") != "Bürgerhaushalt online" {
			t.Errorf("form title = %q, %v", r.PostForm.Get("title"), err)
		}
	})
	t.Run("always HTTPS", func(t *testing.T) {
		ev := loadEvent(t, "apigw-v2-request-no-authorizer.json")
		ev.Headers["x-forwarded-proto"] = "http" // sent by the client
		r, err := Request(t.Context(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if r.TLS == nil || r.Header.Get("X-Forwarded-Proto") != "https" {
			t.Errorf("TLS = %v, X-Forwarded-Proto = %q, want a TLS request and https", r.TLS, r.Header.Get("X-Forwarded-Proto"))
		}
	})
	t.Run("not an HTTP event", func(t *testing.T) {
		if _, err := Request(t.Context(), events.APIGatewayV2HTTPRequest{}); err == nil {
			t.Error("empty event accepted")
		}
	})
}

func TestResponses(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /weiter", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		http.Redirect(w, r, "/eintraege/neu", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /bild.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte{0x89, 'P', 'N', 'G', 0, 1, 2})
	})
	mux.HandleFunc("GET /text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Add("Vary", "Cookie")
		w.Header().Add("Vary", "Accept")
		io.WriteString(w, "<p>Grüße</p>")
	})
	h := New(mux)
	call := func(path string) events.APIGatewayV2HTTPResponse {
		ev := loadEvent(t, "apigw-v2-request-no-authorizer.json")
		ev.RawPath = path
		resp, err := h.Invoke(t.Context(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	redirect := call("/weiter")
	if redirect.StatusCode != 303 || redirect.Headers["Location"] != "/eintraege/neu" || len(redirect.Cookies) != 2 || redirect.Cookies[1] != "b=2" {
		t.Errorf("redirect = %+v", redirect)
	}
	png := call("/bild.png")
	if raw, _ := base64.StdEncoding.DecodeString(png.Body); !png.IsBase64Encoded || string(raw) != "\x89PNG\x00\x01\x02" {
		t.Errorf("binary = %+v", png)
	}
	text := call("/text")
	if text.IsBase64Encoded || text.Body != "<p>Grüße</p>" || text.Headers["Vary"] != "Cookie, Accept" {
		t.Errorf("text = %+v", text)
	}
	if nf := call("/nichts"); nf.StatusCode != 404 || !strings.Contains(nf.Body, "404") {
		t.Errorf("not found = %+v", nf)
	}
}
