package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func TestReadForm(t *testing.T) {
	t.Parallel()
	post := func(contentType, body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/profil/tokens", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		return r
	}
	const form = "application/x-www-form-urlencoded"
	t.Run("fields, read once", func(t *testing.T) {
		t.Parallel()
		r := post(form, "csrf=abc&name=Skript")
		w := httptest.NewRecorder()
		first, err := readForm(w, r)
		if err != nil || first.Get("name") != "Skript" {
			t.Fatalf("got %v, %v; want name=Skript", first, err)
		}
		again, err := readForm(w, r) // the body is spent: the first read's fields count
		if err != nil || again.Get("csrf") != "abc" || again.Get("name") != "Skript" {
			t.Errorf("second read = %v, %v; want the same fields", again, err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		_, err := readForm(httptest.NewRecorder(), post(form, "name="+strings.Repeat("x", maxFormBytes)))
		if got := errorStatus(err); got != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d (%v), want 413", got, err)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		t.Parallel()
		_, err := readForm(httptest.NewRecorder(), post(form, "name=%zz"))
		if wiki.ErrorCode(err) != wiki.EINVALID || userMessage(err) != "Das Formular konnte nicht gelesen werden." {
			t.Errorf("got %v, want EINVALID with the German message", err)
		}
	})
	t.Run("multipart is not read", func(t *testing.T) {
		t.Parallel()
		body := "--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--x--\r\n"
		f, err := readForm(httptest.NewRecorder(), post("multipart/form-data; boundary=x", body))
		if err != nil || len(f) != 0 {
			t.Errorf("got %v, %v; want no fields: the pages post no multipart forms", f, err)
		}
	})
}
