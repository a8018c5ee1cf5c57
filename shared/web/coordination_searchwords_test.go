package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const searchWordsPath = "/koordination/suchwoerter"

func TestSearchWordsPageAccess(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord, member, _ := coordinatorAndMember(t, ts, a)
	visitor := newClient(t, ts)

	resp, err := visitor.http.Get(ts.URL + searchWordsPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/anmelden?weiter=") {
		t.Errorf("visitor: status %d location %q, want 303 to the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, body := member.get(searchWordsPath); status != http.StatusForbidden || !strings.Contains(body, "Dazu fehlt Ihnen die Berechtigung.") {
		t.Errorf("member: status %d, want 403 with the German message", status)
	}
	status, body := coord.get(searchWordsPath)
	if status != http.StatusOK {
		t.Fatalf("coordinator: status %d, want 200", status)
	}
	for _, want := range []string{
		"<title>Suchwörter: Synonyme und geschützte Wörter",
		`<a href="/koordination/suchwoerter" aria-current="page">Suchwörter</a>`,
		`<label for="f-synonyms">`, `<label for="f-protected">`,
		`name="csrf"`, `name="version" value="0"`,
		"OZG = Onlinezugangsgesetz", // the example
	} {
		if !strings.Contains(body, want) {
			t.Errorf("coordinator's page lacks %q", want)
		}
	}
	if strings.Contains(body, "searchwords.") {
		t.Error("page shows a catalogue key instead of its text")
	}
	if _, body := coord.get("/koordination"); !strings.Contains(body, `<a href="/koordination/suchwoerter">Suchwörter</a>`) {
		t.Error("the coordination start page does not link the search words")
	}

	form := url.Values{"synonyms": {"Monitoring = Sensornetz"}, "version": {"0"}}
	if resp, _ := member.post("/profil", searchWordsPath, form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("member saving: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := visitor.post("/anmelden", searchWordsPath, form); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("visitor saving: status %d, want 401", resp.StatusCode)
	}
	if _, body := get(t, ts, "/suche?q=Monitoring"); strings.Contains(body, "lorawan-sensornetz-fuer-pegelstaende") {
		t.Error("a forbidden save took effect")
	}
}

func TestSearchWordsSaveAndSearch(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord, _, _ := coordinatorAndMember(t, ts, a)
	const hit = `href="/eintraege/lorawan-sensornetz-fuer-pegelstaende"`
	if _, body := get(t, ts, "/suche?q=Monitoring"); strings.Contains(body, hit) {
		t.Fatal("Monitoring finds the sensor network before the synonym exists")
	}
	form := url.Values{"synonyms": {"# Sensorik\r\nMonitoring = Sensornetz"}, "protected": {"Bodenfeuchte"}, "version": {"0"}}
	resp, body := coord.post(searchWordsPath, searchWordsPath, form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != searchWordsPath+"?gespeichert=1" {
		t.Fatalf("save: status %d location %q, want 303 back to the page\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	_, body = coord.get(resp.Header.Get("Location"))
	for _, want := range []string{"Die Suchwörter sind gespeichert", `name="version" value="1"`, "# Sensorik\nMonitoring = Sensornetz</textarea>", "Bodenfeuchte</textarea>"} {
		if !strings.Contains(body, want) {
			t.Errorf("page after saving lacks %q", want)
		}
	}
	// A visitor's search uses the synonym at once.
	if _, body := get(t, ts, "/suche?q=Monitoring"); !strings.Contains(body, hit) {
		t.Error("Monitoring does not find the sensor network after the synonym was saved")
	}
	if _, body := coord.get("/koordination/protokoll"); !strings.Contains(body, "Suchwörter geändert") {
		t.Error("the audit log does not show the change")
	}
}

func TestSearchWordsInvalidLine(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord, _, _ := coordinatorAndMember(t, ts, a)
	input := "OZG = Onlinezugangsgesetz\nNahverkehr <Bus>"
	resp, body := coord.post(searchWordsPath, searchWordsPath, url.Values{"synonyms": {input}, "protected": {"Idar-Oberstein"}, "version": {"0"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("invalid line: status %d, want 400", resp.StatusCode)
	}
	for _, want := range []string{
		"Zeile 2: Eine Gruppe braucht mindestens zwei Begriffe",
		`id="f-synonyms-err"`, `aria-invalid="true"`, `href="#f-synonyms"`,
		html.EscapeString(input) + "</textarea>", "Idar-Oberstein</textarea>", // input kept, escaped
		"<title>Fehler: Suchwörter",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("form after an invalid line lacks %q", want)
		}
	}
	if w, err := a.WordLists(t.Context(), everyone); err != nil || w.Version != 0 {
		t.Errorf("stored after an invalid save: %+v, %v; want nothing", w, err)
	}
}

func TestSearchWordsConflict(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	first, _, _ := coordinatorAndMember(t, ts, a)
	second := newClient(t, ts)
	second.signIn(a, "zweite.koordination@beispiel.de", "coordinator", "")

	if resp, _ := first.post(searchWordsPath, searchWordsPath, url.Values{"synonyms": {"Monitoring = Sensornetz"}, "version": {"0"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: status %d", resp.StatusCode)
	}
	// The second coordinator had the form open at version 0.
	mine := url.Values{"synonyms": {"Messnetz = Sensornetz"}, "version": {"0"}}
	resp, body := second.post(searchWordsPath, searchWordsPath, mine)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("save on an old version: status %d, want 409", resp.StatusCode)
	}
	for _, want := range []string{
		"von jemand anderem geändert (von koordination)",
		"Gespeicherte Fassung", "Monitoring = Sensornetz</pre>", // what the first one saved
		"Messnetz = Sensornetz</textarea>", // the second one's input, kept
		`name="version" value="1"`,         // saving again replaces deliberately
	} {
		if !strings.Contains(body, want) {
			t.Errorf("conflict page lacks %q", want)
		}
	}
	if w, _ := a.WordLists(t.Context(), everyone); w.Synonyms != "Monitoring = Sensornetz" {
		t.Errorf("stored after the conflict: %q, want the first save", w.Synonyms)
	}
	mine.Set("version", "1")
	if resp, _ := second.post(searchWordsPath, searchWordsPath, mine); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("saving again after the conflict: status %d, want 303", resp.StatusCode)
	}
	if resp, _ := second.post(searchWordsPath, searchWordsPath, url.Values{"synonyms": {"KI = AI"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("save without a version: status %d, want 409", resp.StatusCode)
	}
}
