package web

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// On a full disk the entry form answers 507 with the German message and everything typed
// still in it, the API answers 507 with code insufficient_storage, signed-in people see a
// banner (coordinators with the figures), and reading goes on.
func TestFullDisk(t *testing.T) {
	t.Parallel()
	var free atomic.Uint64
	free.Store(1 << 30)
	ts, a := newTestServer(t, func(c *testConfig) {
		c.MinFree = 100 << 20
		c.FreeSpace = func(string) (uint64, error) { return free.Load(), nil }
	})
	coord, member, _ := coordinatorAndMember(t, ts, a)
	_, token := apiUser(t, a, "api@kaiserslautern.de", wiki.RoleMember, "07312000")
	if _, body := member.get("/"); strings.Contains(body, "Der Speicher ist voll") {
		t.Fatal("banner while there is room")
	}

	free.Store(42 << 20)
	form := validForm()
	form.Set("title", "Speicherfester Mängelmelder")
	resp, body := member.post("/eintraege/neu", "/eintraege", form)
	if resp.StatusCode != http.StatusInsufficientStorage || !strings.Contains(body, "Der Speicher ist voll: Wissensnetz kann im Moment nichts Neues speichern.") ||
		!strings.Contains(body, `value="Speicherfester Mängelmelder"`) {
		t.Errorf("form on a full disk: status %d, want 507 with the message and the typed title\n%s", resp.StatusCode, body)
	}
	api := callAPI(t, ts, nil, apiRequest{method: "POST", path: "/api/v1/entries", token: token, body: newEntryJSON})
	if api.status != http.StatusInsufficientStorage || apiErrorCode(api) != "insufficient_storage" || !strings.Contains(api.errorMessage(), "Der Speicher ist voll") {
		t.Errorf("API on a full disk: %d %s", api.status, api.raw)
	}
	// Every other write of the API, each of which would succeed with room on the disk.
	_, coordToken := apiUser(t, a, "api@ikone-ds.de", wiki.RoleCoordinator, "")
	for _, w := range []apiRequest{
		{method: "PUT", path: "/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende", token: token, body: newEntryJSON, header: map[string]string{"If-Match": `"1"`}},
		{method: "POST", path: "/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende/transitions", token: coordToken, body: `{"to": "archived"}`},
		{method: "POST", path: "/api/v1/municipalities", token: coordToken, body: `{"ags": "07111000", "name": "Koblenz"}`},
		{method: "PUT", path: "/api/v1/municipalities/07312000", token: coordToken, body: `{"name": "Stadt Kaiserslautern", "type": "Stadt"}`},
		{method: "POST", path: "/api/v1/topics", token: coordToken, body: `{"name": "Raumfahrt"}`},
		{method: "PUT", path: "/api/v1/topics/klima-umwelt", token: coordToken, body: `{"name": "Klima und Umwelt"}`},
	} {
		if r := callAPI(t, ts, nil, w); r.status != http.StatusInsufficientStorage || apiErrorCode(r) != "insufficient_storage" {
			t.Errorf("%s %s on a full disk: %d %s", w.method, w.path, r.status, r.raw)
		}
	}
	if _, body := coord.get("/koordination"); !strings.Contains(body, "Es sind nur noch 42 MiB frei im Datenordner") || !strings.Contains(body, "Wissensnetz hält 100 MiB frei") {
		t.Errorf("coordinators see no banner with the figures:\n%s", body)
	}
	if _, body := member.get("/"); !strings.Contains(body, "Der Speicher ist voll: Wissensnetz nimmt gerade keine neuen oder geänderten Inhalte an.") || strings.Contains(body, "Datenordner") {
		t.Errorf("members see no banner, or the coordinators' one:\n%s", body)
	}
	if status, body := get(t, ts, "/suche?q=Sensornetz"); status != http.StatusOK || strings.Contains(body, "Speicher") {
		t.Errorf("visitor's search on a full disk: %d (banner shown: %v)", status, strings.Contains(body, "Speicher"))
	}

	free.Store(1 << 30)
	if resp, body := member.post("/eintraege/neu", "/eintraege", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("form after space came back: %d\n%s", resp.StatusCode, body)
	}
}

// apiErrorCode returns error.code of an error response.
func apiErrorCode(r apiResponse) string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// A write that meets the end of the disk (ENOSPC, or a quota: EDQUOT), however deep in a
// store it failed, is answered as a full disk: 507 with the German message, not 500.
func TestDiskFullErrors(t *testing.T) {
	t.Parallel()
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT} {
		err := diskFull(fmt.Errorf("embedded: create entry: %w", &os.PathError{Op: "write", Path: "wissensnetz.db", Err: errno}))
		if st := errorStatus(err); st != http.StatusInsufficientStorage {
			t.Errorf("%v: status %d, want 507", errno, st)
		}
		if msg := userMessage(err); !strings.HasPrefix(msg, "Der Speicher ist voll") {
			t.Errorf("%v: message %q", errno, msg)
		}
	}
	other := errors.New("embedded: create entry: disk on fire")
	if st := errorStatus(diskFull(other)); st != http.StatusInternalServerError {
		t.Errorf("another failure: status %d, want 500", st)
	}
}
