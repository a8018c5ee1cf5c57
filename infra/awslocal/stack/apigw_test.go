package stack

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// fakeFunction answers every event with a fixed answer and keeps the last event.
type fakeFunction struct {
	answer []byte
	fnErr  string
	delay  time.Duration
	last   events.APIGatewayV2HTTPRequest
}

func (f *fakeFunction) Invoke(ctx context.Context, event []byte) (InvokeResult, error) {
	if err := json.Unmarshal(event, &f.last); err != nil {
		return InvokeResult{}, err
	}
	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		return InvokeResult{}, ctx.Err()
	}
	return InvokeResult{Payload: f.answer, FunctionError: f.fnErr}, nil
}

func TestFront(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}
	answer, _ := json.Marshal(events.APIGatewayV2HTTPResponse{
		StatusCode:        201,
		Headers:           map[string]string{"Content-Type": "image/png"},
		MultiValueHeaders: map[string][]string{"Vary": {"Cookie", "Accept"}},
		Cookies:           []string{"a=1; Path=/", "b=2; HttpOnly"},
		Body:              base64.StdEncoding.EncodeToString(png), IsBase64Encoded: true,
	})
	fn := &fakeFunction{answer: answer}
	front := NewFront(fn, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(front)
	defer srv.Close()

	t.Run("binary request and response", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/hochladen/datei?q=Stra%C3%9Fe&x=1&x=2", bytes.NewReader(png))
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Add("Cookie", "wn_sitzung=abc; wn_formular=def")
		req.Header.Add("X-Test", "eins")
		req.Header.Add("X-Test", "zwei")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 || !bytes.Equal(body, png) || resp.Header.Get("Content-Type") != "image/png" {
			t.Errorf("answer %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if got := resp.Header.Values("Set-Cookie"); len(got) != 2 || got[1] != "b=2; HttpOnly" {
			t.Errorf("Set-Cookie %q", got)
		}
		if got := resp.Header.Values("Vary"); len(got) != 2 {
			t.Errorf("Vary %q, want two values", got)
		}
		ev := fn.last
		raw, _ := base64.StdEncoding.DecodeString(ev.Body)
		if ev.Version != "2.0" || ev.RouteKey != "$default" || ev.RawPath != "/hochladen/datei" || ev.RawQueryString != "q=Stra%C3%9Fe&x=1&x=2" ||
			!ev.IsBase64Encoded || !bytes.Equal(raw, png) {
			t.Errorf("event %+v", ev)
		}
		if len(ev.Cookies) != 2 || ev.Cookies[0] != "wn_sitzung=abc" || ev.Cookies[1] != "wn_formular=def" {
			t.Errorf("cookies %q", ev.Cookies)
		}
		if ev.Headers["x-test"] != "eins,zwei" || ev.Headers["cookie"] != "" || ev.Headers["host"] != strings.TrimPrefix(srv.URL, "http://") {
			t.Errorf("headers %q", ev.Headers)
		}
		if ev.QueryStringParameters["q"] != "Straße" || ev.QueryStringParameters["x"] != "1,2" {
			t.Errorf("query parameters %q", ev.QueryStringParameters)
		}
		rc := ev.RequestContext
		if rc.Stage != "$default" || rc.HTTP.Method != "POST" || rc.HTTP.Path != "/hochladen/datei" || rc.HTTP.SourceIP != "127.0.0.1" ||
			rc.RequestID == "" || rc.DomainName != ev.Headers["host"] || rc.TimeEpoch == 0 || rc.AccountID == "" || rc.HTTP.Protocol != "HTTP/1.1" {
			t.Errorf("request context %+v", rc)
		}
	})

	t.Run("form post as text", func(t *testing.T) {
		resp, err := http.PostForm(srv.URL+"/anmelden", url.Values{"title": {"Bürgerhaushalt"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if fn.last.IsBase64Encoded || fn.last.Body != "title=B%C3%BCrgerhaushalt" {
			t.Errorf("body %q (base64 %v), want the form as text", fn.last.Body, fn.last.IsBase64Encoded)
		}
	})

	status := func(t *testing.T, body io.Reader) (int, string) {
		t.Helper()
		resp, err := http.Post(srv.URL+"/", "application/octet-stream", body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(msg)
	}
	t.Run("body over 10 MB", func(t *testing.T) {
		if code, msg := status(t, bytes.NewReader(make([]byte, MaxRequestBody+1))); code != http.StatusRequestEntityTooLarge || !strings.Contains(msg, "Too Large") {
			t.Errorf("status %d %q, want 413", code, msg)
		}
		// Without a length given beforehand too.
		if code, _ := status(t, io.MultiReader(bytes.NewReader(make([]byte, MaxRequestBody)), strings.NewReader("x"))); code != http.StatusRequestEntityTooLarge {
			t.Errorf("streamed: status %d, want 413", code)
		}
	})
	t.Run("function error", func(t *testing.T) {
		fn.fnErr = "Unhandled"
		defer func() { fn.fnErr = "" }()
		if code, _ := status(t, nil); code != http.StatusInternalServerError {
			t.Errorf("status %d, want 500", code)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		fn.delay, front.timeout = time.Second, 50*time.Millisecond
		defer func() { fn.delay, front.timeout = 0, IntegrationTimeout }()
		if code, _ := status(t, nil); code != http.StatusGatewayTimeout {
			t.Errorf("status %d, want 504", code)
		}
	})
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestWebUnderFront(t *testing.T) {
	s := shared(t)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(t *testing.T, u string, want int) string {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("GET %s: status %d, want %d\n%.1000s", u, resp.StatusCode, want, body)
		}
		return string(body)
	}
	if s.WebURL(0) == s.WebURL(1) {
		t.Fatalf("both web instances on %s", s.WebURL(0))
	}
	for i := range s.Webs() {
		get(t, s.WebURL(i)+"/healthz", http.StatusOK)
		if page := get(t, s.WebURL(i)+"/", http.StatusOK); !strings.Contains(page, `<html lang="de"`) || !strings.Contains(page, "Wissensnetz") {
			t.Errorf("web %d: start page is not the German one:\n%.500s", i+1, page)
		}
	}

	// Sign in on the first instance: a form post with the form cookie.
	web1 := s.WebURL(0)
	m := csrfField.FindStringSubmatch(get(t, web1+"/anmelden", http.StatusOK))
	if m == nil {
		t.Fatal("no form token on /anmelden")
	}
	resp, err := client.PostForm(web1+"/anmelden", url.Values{"csrf": {m[1]}, "email": {adminEmail}, "password": {adminPass}, "weiter": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "wn_sitzung" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil || !session.HttpOnly {
		t.Fatalf("POST /anmelden: status %d, cookies %v; want 303 and an HttpOnly session", resp.StatusCode, resp.Cookies())
	}
	// The session lives in the table: the other instance knows it too.
	u2, _ := url.Parse(s.WebURL(1))
	jar.SetCookies(u2, []*http.Cookie{{Name: session.Name, Value: session.Value}})
	get(t, web1+"/koordination/pruefung", http.StatusOK)
	get(t, s.WebURL(1)+"/koordination/pruefung", http.StatusOK)
	if out := s.LogTail("web-1", 100); !strings.Contains(out, `"msg":"request"`) {
		t.Errorf("no request log of the web function:\n%s", out)
	}
}
