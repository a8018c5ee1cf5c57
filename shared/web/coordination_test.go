package web

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// everyone reads every entry, for checks behind the pages' back.
var everyone = auth.Viewer{User: &wiki.User{ID: "pruefer", Name: "Prüfer", Role: wiki.RoleCoordinator}}

// coordinatorAndMember signs in a coordinator and a member of Kaiserslautern.
func coordinatorAndMember(t *testing.T, ts *httptest.Server, a *app.App) (coord, member *client, memberUser *wiki.User) {
	t.Helper()
	coord = newClient(t, ts)
	coord.signIn(a, "koordination@beispiel.de", wiki.RoleCoordinator, "")
	member = newClient(t, ts)
	memberUser = member.signIn(a, "mitglied@kaiserslautern.de", wiki.RoleMember, "07312000")
	return coord, member, memberUser
}

func TestCoordinationPagesAccess(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord, member, memberUser := coordinatorAndMember(t, ts, a)
	visitor := newClient(t, ts)
	pages := []struct {
		path      string
		member    int // what a member gets
		coordWant string
	}{
		{"/profil", 200, "Überall abmelden"},
		{"/koordination", 403, "Letzte Änderungen"},
		{"/koordination/pruefung", 403, "Einträge warten auf Prüfung"},
		{"/koordination/aenderungen", 403, "Letzte Änderungen"},
		{"/koordination/kommunen", 403, "Amtlicher Gemeindeschlüssel"},
		{"/koordination/kommunen/07312000", 403, "Kommune bearbeiten"},
		{"/koordination/themen", 403, "Themen zusammenführen"},
		{"/koordination/themen/klima-umwelt", 403, "Thema umbenennen"},
		{"/koordination/personen", 403, "Person einladen"},
		{"/koordination/personen/" + memberUser.ID, 403, "Konto gesperrt"},
		{"/koordination/protokoll", 403, "Herunterladen"},
		{"/koordination/postausgang", 403, "Postausgang"},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			resp, err := visitor.http.Get(ts.URL + p.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := "/anmelden?weiter=" + url.QueryEscape(p.path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
				t.Errorf("visitor: status %d location %q, want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), want)
			}
			if status, body := member.get(p.path); status != p.member {
				t.Errorf("member: status %d, want %d", status, p.member)
			} else if status == 403 && !strings.Contains(body, "Dazu fehlt Ihnen die Berechtigung.") {
				t.Error("member: 403 page without the German message")
			}
			status, body := coord.get(p.path)
			if status != 200 || !strings.Contains(body, p.coordWant) {
				t.Errorf("coordinator: status %d, want 200 with %q", status, p.coordWant)
			}
			if strings.Contains(body, "coord.") || strings.Contains(body, "profile.") {
				t.Error("page shows a catalogue key instead of its text")
			}
		})
	}
	t.Run("posts", func(t *testing.T) {
		form := url.Values{"ags": {"07399000"}, "name": {"Neustadt"}, "type": {"Stadt"}}
		if resp, _ := visitor.post("/anmelden", "/koordination/kommunen", form); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("visitor creating a municipality: status %d, want 401", resp.StatusCode)
		}
		if resp, _ := member.post("/profil", "/koordination/kommunen", form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("member creating a municipality: status %d, want 403", resp.StatusCode)
		}
		invite := url.Values{"name": {"Eva"}, "email": {"eva@beispiel.de"}, "role": {"coordinator"}}
		if resp, _ := member.post("/profil", "/koordination/personen", invite); resp.StatusCode != http.StatusForbidden {
			t.Errorf("member inviting a coordinator: status %d, want 403", resp.StatusCode)
		}
		if _, err := a.Municipality("07399000"); err == nil {
			t.Error("municipality created by a forbidden post")
		}
	})
}

var passwordLink = regexp.MustCompile(`https?://[^\s<"]+(/passwort/[A-Za-z0-9_-]+)`)

func TestInviteAndPasswordLink(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord := newClient(t, ts)
	coord.signIn(a, "koordination@beispiel.de", wiki.RoleCoordinator, "")

	invite := url.Values{"name": {"Jörg Müller"}, "email": {"Joerg.Mueller@Kaiserslautern.de"}, "role": {"member"}, "municipality": {"07312000"}}
	resp, _ := coord.post("/koordination/personen", "/koordination/personen", invite)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: status %d, want 303", resp.StatusCode)
	}
	_, list := coord.get(resp.Header.Get("Location"))
	for _, w := range []string{"Die Einladung ist verschickt an joerg.mueller@kaiserslautern.de", "Jörg Müller", "eingeladen"} {
		if !strings.Contains(list, w) {
			t.Errorf("people page lacks %q", w)
		}
	}

	t.Run("form errors", func(t *testing.T) {
		resp, body := coord.post("/koordination/personen", "/koordination/personen", invite)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Für diese E-Mail-Adresse gibt es schon ein Konto.") || !strings.Contains(body, `aria-describedby="f-email-err"`) {
			t.Errorf("second invitation: status %d, want 409 with the message at the e-mail field", resp.StatusCode)
		}
		bad := url.Values{"name": {"Ohne Kommune"}, "email": {"ohne@beispiel.de"}, "role": {"member"}}
		resp, body = coord.post("/koordination/personen", "/koordination/personen", bad)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Mitglieder gehören zu einer Kommune.") || !strings.Contains(body, `value="ohne@beispiel.de"`) {
			t.Errorf("member without municipality: status %d, want 400 with message and input kept", resp.StatusCode)
		}
	})

	status, outbox := coord.get("/koordination/postausgang")
	if status != 200 || !strings.Contains(outbox, "joerg.mueller@kaiserslautern.de") || !strings.Contains(outbox, "Einladung ins Wissensnetz") {
		t.Fatalf("outbox: status %d, invitation missing", status)
	}
	m := passwordLink.FindStringSubmatch(outbox)
	if m == nil {
		t.Fatal("no /passwort/ link in the outbox")
	}
	link := m[1]

	invitee := newClient(t, ts)
	if status, body := invitee.get(link); status != 200 || !strings.Contains(body, "Passwort festlegen") || !strings.Contains(body, "Jörg Müller") {
		t.Fatalf("password page: status %d", status)
	}
	resp, _ = invitee.post(link, link, url.Values{"password": {"Kurz"}, "password2": {"Kurz"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("short password: status %d, want 400", resp.StatusCode)
	}
	resp, _ = invitee.post(link, link, url.Values{"password": {testPassword}, "password2": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: status %d, want 303", resp.StatusCode)
	}
	if status, body := invitee.get("/profil"); status != 200 || !strings.Contains(body, "joerg.mueller@kaiserslautern.de") || !strings.Contains(body, "Mitglied") || !strings.Contains(body, "Meine Kommune") {
		t.Errorf("profile after setting the password: status %d, not signed in as the invitee", status)
	}

	// The link works once.
	again := newClient(t, ts)
	status, body := again.get(link)
	if status != http.StatusNotFound || !strings.Contains(body, "abgelaufen oder wurde schon benutzt") {
		t.Errorf("used link: status %d, want 404 with the German message", status)
	}
	resp, body = again.post("/anmelden", link, url.Values{"password": {"Ein-anderes-Passwort"}, "password2": {"Ein-anderes-Passwort"}})
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "abgelaufen oder wurde schon benutzt") {
		t.Errorf("posting to a used link: status %d, want 404", resp.StatusCode)
	}
	resp, _ = again.post("/anmelden", "/anmelden", url.Values{"email": {"joerg.mueller@kaiserslautern.de"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the password set through the link: status %d", resp.StatusCode)
	}
}

// submitEntry has the member create an entry and submit it for review; it returns the slug.
func submitEntry(t *testing.T, member *client, title string) string {
	t.Helper()
	form := validForm()
	form.Set("title", title)
	form.Set("submit", "1")
	resp, body := member.post("/eintraege/neu", "/eintraege", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit entry: status %d\n%s", resp.StatusCode, body)
	}
	return strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/eintraege/"), "?gespeichert=1")
}

func TestReviewQueueDecisions(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord, member, _ := coordinatorAndMember(t, ts, a)
	slug := submitEntry(t, member, "Digitale Parkraumüberwachung")

	status, queue := coord.get("/koordination/pruefung")
	for _, w := range []string{"Digitale Parkraumüberwachung", "Kaiserslautern", "eingereicht von mitglied", "Vollständigkeit",
		"Einwilligung der Ansprechperson", "Passung zum Thema", "Veröffentlichen", "Überarbeitung anfordern"} {
		if !strings.Contains(queue, w) {
			t.Errorf("queue lacks %q", w)
		}
	}
	if status != 200 {
		t.Fatalf("queue: status %d", status)
	}
	if _, body := coord.get("/koordination/pruefung?kommune=zweibruecken"); strings.Contains(body, "Digitale Parkraumüberwachung") {
		t.Error("filter by another municipality still lists the entry")
	}
	if _, body := coord.get("/koordination/pruefung?thema=buergerbeteiligung&kommune=kaiserslautern"); !strings.Contains(body, "Digitale Parkraumüberwachung") {
		t.Error("filter by the entry's topic and municipality lost the entry")
	}
	if status, _ := coord.get("/koordination/pruefung?thema=raumfahrt"); status != http.StatusBadRequest {
		t.Errorf("unknown topic filter: status %d, want 400", status)
	}

	back := "/koordination/pruefung?entschieden=1"
	decide := func(to, comment string) *http.Response {
		t.Helper()
		e, _ := a.Entry(t.Context(), everyone, slug)
		resp, _ := coord.post("/koordination/pruefung", "/eintraege/"+slug+"/status",
			url.Values{"to": {to}, "comment": {comment}, "version": {strconv.Itoa(e.Version)}, "weiter": {back}})
		return resp
	}
	if resp := decide("changes_requested", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("request changes without a comment: status %d, want 400", resp.StatusCode)
	}
	resp := decide("changes_requested", "Bitte die Kosten ergänzen.")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != back {
		t.Fatalf("request changes: status %d location %q, want 303 back to the queue", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := coord.get(back); !strings.Contains(body, "Ihre Entscheidung ist gespeichert.") || strings.Contains(body, "Digitale Parkraumüberwachung") {
		t.Error("queue after the decision: no notice, or the entry is still listed")
	}
	if _, body := member.get("/eintraege/" + slug); !strings.Contains(body, "Bitte die Kosten ergänzen.") || !strings.Contains(body, "Erneut einreichen") {
		t.Error("member does not see the comment and the resubmit button")
	}
	msgs, _ := a.Outbox(everyone, 10)
	if !slices.ContainsFunc(msgs, func(m mail.Message) bool {
		return m.To == "mitglied@kaiserslautern.de" && strings.Contains(m.Body, "Bitte die Kosten ergänzen.")
	}) {
		t.Error("the submitter got no mail with the comment")
	}

	e, _ := a.Entry(t.Context(), everyone, slug)
	resp, _ = member.post("/eintraege/"+slug, "/eintraege/"+slug+"/status", url.Values{"to": {"submitted"}, "version": {strconv.Itoa(e.Version)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: status %d", resp.StatusCode)
	}
	// The form token of another site's page does not help, and an unsafe "weiter" leads home.
	e, _ = a.Entry(t.Context(), everyone, slug)
	resp, _ = coord.post("/koordination/pruefung", "/eintraege/"+slug+"/status",
		url.Values{"to": {"published"}, "version": {strconv.Itoa(e.Version)}, "weiter": {"//boese.example/"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("publish: status %d location %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if e, _ := a.Entry(t.Context(), everyone, slug); e.State != wiki.StatePublished {
		t.Errorf("state %s, want published", e.State)
	}
	if status, _ := get(t, ts, "/eintraege/"+slug); status != 200 {
		t.Errorf("visitor opening the published public entry: status %d", status)
	}
	if resp := decide("published", ""); resp.StatusCode != http.StatusConflict {
		t.Errorf("publishing twice: status %d, want 409", resp.StatusCode)
	}
}

func TestRecentChangesChecked(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord := newClient(t, ts)
	coord.signIn(a, "koordination@beispiel.de", wiki.RoleCoordinator, "")
	member := newClient(t, ts)
	member.signIn(a, "lk@beispiel-kreis.de", wiki.RoleMember, "07335000")
	const slug = "bodenfeuchte-fuer-stadtbaeume"

	if _, body := coord.get("/koordination/aenderungen"); !strings.Contains(body, "Alle Änderungen sind gesichtet.") {
		t.Error("recent changes not empty at the start")
	}
	form := validForm()
	form.Set("title", "Bodenfeuchte für Stadtbäume")
	form.Set("summary", "Sensoren messen die Bodenfeuchte – jetzt an 200 Bäumen.")
	form.Set("version", "1")
	if resp, _ := member.post("/eintraege/"+slug+"/bearbeiten", "/eintraege/"+slug+"/bearbeiten", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: status %d", resp.StatusCode)
	}
	status, body := coord.get("/koordination/aenderungen")
	for _, w := range []string{"Bodenfeuchte für Stadtbäume", "jetzt an 200 Bäumen", "<ins>", "geändert von lk", `name="version" value="2"`, ">Geprüft<"} {
		if !strings.Contains(body, w) {
			t.Errorf("recent changes lack %q", w)
		}
	}
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	if _, dash := coord.get("/koordination"); !regexp.MustCompile(`<span class="dashboard-count">1</span> Letzte Änderungen`).MatchString(dash) {
		t.Error("dashboard does not count the change")
	}
	resp, _ := coord.post("/koordination/aenderungen", "/eintraege/"+slug+"/geprueft", url.Values{"version": {"1"}, "weiter": {"/koordination/aenderungen?geprueft=1"}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("checking an old version: status %d, want 409", resp.StatusCode)
	}
	resp, _ = coord.post("/koordination/aenderungen", "/eintraege/"+slug+"/geprueft", url.Values{"version": {"2"}, "weiter": {"/koordination/aenderungen?geprueft=1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/koordination/aenderungen?geprueft=1" {
		t.Fatalf("geprüft: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := coord.get("/koordination/aenderungen?geprueft=1"); !strings.Contains(body, "Als geprüft markiert.") || strings.Contains(body, "jetzt an 200 Bäumen") {
		t.Error("the checked entry is still listed, or no notice")
	}
}

func TestMunicipalityManagement(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord := newClient(t, ts)
	coord.signIn(a, "koordination@beispiel.de", wiki.RoleCoordinator, "")
	create := func(ags, name string) (*http.Response, string) {
		return coord.post("/koordination/kommunen", "/koordination/kommunen", url.Values{"ags": {ags}, "name": {name}, "type": {"Stadt"}})
	}
	if resp, _ := create("07332000", "Bad Dürkheim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: status %d", resp.StatusCode)
	}
	if m, err := a.Municipality("07332000"); err != nil || m.Name != "Bad Dürkheim" || m.Slug != "bad-duerkheim" {
		t.Errorf("stored: %+v, %v", m, err)
	}
	tests := []struct {
		name, ags, mname string
		status           int
		want             []string
	}{
		{"duplicate AGS", "07312000", "Kaiserslautern-Neu", 409, []string{"Eine Kommune mit diesem Gemeindeschlüssel gibt es schon.", `id="f-ags-err"`, `value="Kaiserslautern-Neu"`, `aria-invalid="true"`}},
		{"bad AGS", "7312", "Irgendwo", 400, []string{"acht Ziffern", `value="7312"`, `href="#f-ags"`}},
		{"duplicate name", "07399000", "Zweibrücken", 409, []string{"Eine Kommune mit diesem Namen gibt es schon.", `id="f-name-err"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := create(tt.ags, tt.mname)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("form lacks %q", w)
				}
			}
		})
	}
	resp, _ := coord.post("/koordination/kommunen/07320000", "/koordination/kommunen/07320000", url.Values{"name": {"Stadt Zweibrücken"}, "type": {"Kreisfreie Stadt"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: status %d", resp.StatusCode)
	}
	if m, _ := a.Municipality("07320000"); m.Name != "Stadt Zweibrücken" || m.Slug != "zweibruecken" {
		t.Errorf("after edit: %+v, want new name and the old slug", m)
	}
	if status, _ := coord.get("/koordination/kommunen/99999999"); status != http.StatusNotFound {
		t.Errorf("unknown municipality: status %d, want 404", status)
	}
}

func TestTopicManagement(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord := newClient(t, ts)
	coord.signIn(a, "koordination@beispiel.de", wiki.RoleCoordinator, "")

	if resp, _ := coord.post("/koordination/themen", "/koordination/themen", url.Values{"name": {"Mobilität"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: status %d", resp.StatusCode)
	}
	if resp, body := coord.post("/koordination/themen", "/koordination/themen", url.Values{"name": {"Mobilität"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Ein Thema mit diesem Namen gibt es schon.") {
		t.Errorf("duplicate topic: status %d, want 409", resp.StatusCode)
	}
	if resp, _ := coord.post("/koordination/themen/mobilitaet", "/koordination/themen/mobilitaet", url.Values{"name": {"Mobilität & Verkehr"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: status %d", resp.StatusCode)
	}
	if tp, err := a.Topic("mobilitaet"); err != nil || tp.Name != "Mobilität & Verkehr" {
		t.Errorf("renamed topic: %+v, %v", tp, err)
	}

	merge := url.Values{"from": {"klima-umwelt"}, "into": {"sensornetzwerke-iot"}}
	resp, body := coord.post("/koordination/themen", "/koordination/themen-zusammenfuehren", merge)
	if resp.StatusCode != 200 || !strings.Contains(body, "Klima &amp; Umwelt") || !strings.Contains(body, "Ja, zusammenführen") {
		t.Fatalf("merge without confirmation: status %d, want the confirmation page", resp.StatusCode)
	}
	if _, err := a.Topic("klima-umwelt"); err != nil {
		t.Fatal("merged before the confirmation")
	}
	same := url.Values{"from": {"klima-umwelt"}, "into": {"klima-umwelt"}}
	if resp, body := coord.post("/koordination/themen", "/koordination/themen-zusammenfuehren", same); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "zwei verschiedene Themen") {
		t.Errorf("merging a topic with itself: status %d, want 400", resp.StatusCode)
	}
	merge.Set("bestaetigt", "1")
	resp, _ = coord.post("/koordination/themen", "/koordination/themen-zusammenfuehren", merge)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge: status %d", resp.StatusCode)
	}
	if _, body := coord.get(resp.Header.Get("Location")); !strings.Contains(body, "Die Themen sind zusammengeführt; 2 Einträge") {
		t.Error("no notice with the number of moved entries")
	}
	if _, err := a.Topic("klima-umwelt"); err == nil {
		t.Error("merged topic still exists")
	}
	for _, slug := range []string{"lorawan-sensornetz-fuer-pegelstaende", "bodenfeuchte-fuer-stadtbaeume"} {
		e, _ := a.Entry(t.Context(), everyone, slug)
		if slices.Contains(e.Topics, "klima-umwelt") || !slices.Contains(e.Topics, "sensornetzwerke-iot") {
			t.Errorf("%s: topics %v after the merge", slug, e.Topics)
		}
	}
	if status, _ := get(t, ts, "/themen/klima-umwelt"); status != http.StatusNotFound {
		t.Errorf("page of the merged topic: status %d, want 404", status)
	}
}

func TestDisablingEndsSessions(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord, member, memberUser := coordinatorAndMember(t, ts, a)
	if status, _ := member.get("/profil"); status != 200 {
		t.Fatalf("member profile: %d", status)
	}
	path := "/koordination/personen/" + memberUser.ID
	form := url.Values{"name": {memberUser.Name}, "role": {"member"}, "municipality": {"07312000"}, "disabled": {"1"}}
	if resp, _ := coord.post(path, path, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: status %d", resp.StatusCode)
	}
	resp, err := member.http.Get(ts.URL + "/profil")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/anmelden") {
		t.Errorf("disabled member's next request: status %d, want the visitor's redirect to sign in", resp.StatusCode)
	}
	if _, body := member.get("/"); strings.Contains(body, "Abmelden") {
		t.Error("disabled member still shown as signed in")
	}
	if _, body := coord.get("/koordination/personen"); !strings.Contains(body, "gesperrt") {
		t.Error("people list does not show the account as disabled")
	}
	// Coordinators cannot lock themselves out.
	me, _ := a.Users(t.Context(), everyone)
	for _, u := range me {
		if u.Role == wiki.RoleCoordinator {
			p := "/koordination/personen/" + u.ID
			resp, body := coord.post(p, p, url.Values{"name": {u.Name}, "role": {"coordinator"}, "disabled": {"1"}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "nicht selbst sperren") {
				t.Errorf("disabling oneself: status %d, want 400", resp.StatusCode)
			}
		}
	}
}

func TestAuditLogAndExport(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord := newClient(t, ts)
	coord.signIn(a, "koordination@beispiel.de", wiki.RoleCoordinator, "")
	if resp, _ := coord.post("/koordination/kommunen", "/koordination/kommunen", url.Values{"ags": {"07332000"}, "name": {"Bad Dürkheim"}, "type": {"Stadt"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create municipality: %d", resp.StatusCode)
	}
	if resp, _ := coord.post("/koordination/kommunen", "/koordination/kommunen", url.Values{"ags": {"07333000"}, "name": {"=HYPERLINK(\"x\")"}, "type": {"Stadt"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create municipality: %d", resp.StatusCode)
	}
	status, page := coord.get("/koordination/protokoll")
	if status != 200 || !strings.Contains(page, "Kommune angelegt") || !strings.Contains(page, "Bad Dürkheim") || !strings.Contains(page, "Konto angelegt") {
		t.Errorf("audit page: status %d, events missing", status)
	}

	resp, err := coord.http.Get(ts.URL + "/koordination/protokoll?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < 3 {
		t.Fatalf("CSV has %d lines", len(lines))
	}
	if want := "\uFEFFKennung;Zeitpunkt;Person;Aktion;Aktionscode;Betrifft;Details"; lines[0] != want {
		t.Errorf("CSV header %q, want %q", lines[0], want)
	}
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, ";Kommune angelegt;municipality.created;07332000;Bad Dürkheim") {
		t.Errorf("CSV lacks the event with umlauts:\n%s", all)
	}
	if !strings.Contains(all, `'=HYPERLINK`) {
		t.Error("formula in the CSV not defused")
	}

	_, jsonl := coord.get("/koordination/protokoll?format=jsonl")
	n := 0
	for line := range strings.SplitSeq(strings.TrimSpace(jsonl), "\n") {
		var ev wiki.AuditEvent
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.ID == "" {
			t.Fatalf("JSON line %q: %v", line, err)
		}
		n++
	}
	if n != len(lines)-1 {
		t.Errorf("JSON Lines has %d events, CSV %d", n, len(lines)-1)
	}
	if status, _ := coord.get("/koordination/protokoll?format=pdf"); status != http.StatusBadRequest {
		t.Errorf("unknown format: status %d, want 400", status)
	}
	member := newClient(t, ts)
	member.signIn(a, "mia@kaiserslautern.de", wiki.RoleMember, "07312000")
	if status, body := member.get("/koordination/protokoll?format=csv"); status != http.StatusForbidden || strings.Contains(body, "Bad Dürkheim") {
		t.Errorf("member exporting the audit log: status %d, want 403", status)
	}
}

func TestAuditLogPaging(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	coord := newClient(t, ts)
	coord.signIn(a, "koordination@beispiel.de", wiki.RoleCoordinator, "")
	for i := range auditPerPage + 5 {
		if _, err := a.SaveTopic(t.Context(), everyone, wiki.Topic{Name: "Thema Nummer " + strconv.Itoa(i+1)}, true); err != nil {
			t.Fatal(err)
		}
	}
	_, first := coord.get("/koordination/protokoll")
	older := regexp.MustCompile(`href="/koordination/protokoll\?vor=([0-9A-Z]+)"`).FindStringSubmatch(first)
	if older == nil || !strings.Contains(first, "Thema Nummer 55") || strings.Contains(first, "Thema Nummer 5<") {
		t.Fatal("first page: no link to older events, or wrong events")
	}
	_, second := coord.get("/koordination/protokoll?vor=" + older[1])
	if !strings.Contains(second, "Thema Nummer 5<") || strings.Contains(second, "Thema Nummer 55") || !strings.Contains(second, "Konto angelegt") {
		t.Error("second page: wrong events")
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	c := newClient(t, ts)
	c.signIn(a, "max@kaiserslautern.de", wiki.RoleMember, "07312000")
	status, body := c.get("/profil")
	for _, w := range []string{"max@kaiserslautern.de", "Mitglied", "Kaiserslautern", `href="/kommunen/kaiserslautern"`, "Sie haben noch keine API-Tokens."} {
		if !strings.Contains(body, w) {
			t.Errorf("profile lacks %q", w)
		}
	}
	if status != 200 {
		t.Fatalf("status %d", status)
	}

	t.Run("password", func(t *testing.T) {
		tests := []struct {
			name                  string
			current, next, repeat string
			field, msg            string
		}{
			{"mismatch", testPassword, "Neues-Passwort-1", "Neues-Passwort-2", "password2", "stimmen nicht überein"},
			{"wrong current", "falsch-falsch", "Neues-Passwort-1", "Neues-Passwort-1", "current", "Das bisherige Passwort stimmt nicht."},
			{"too short", testPassword, "kurz", "kurz", "password", "mindestens 10 Zeichen"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := c.post("/profil", "/profil/passwort", url.Values{"current": {tt.current}, "password": {tt.next}, "password2": {tt.repeat}})
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tt.msg) || !strings.Contains(body, `id="f-`+tt.field+`-err"`) {
					t.Errorf("status %d, want 400 with %q at %s", resp.StatusCode, tt.msg, tt.field)
				}
			})
		}
		elsewhere := newClient(t, ts) // the same account signed in on another device
		if resp, _ := elsewhere.post("/anmelden", "/anmelden", url.Values{"email": {"max@kaiserslautern.de"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second sign-in: status %d", resp.StatusCode)
		}
		resp, _ := c.post("/profil", "/profil/passwort", url.Values{"current": {testPassword}, "password": {"Neues-Passwort-1"}, "password2": {"Neues-Passwort-1"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: status %d", resp.StatusCode)
		}
		if status, _ := elsewhere.get("/profil"); status != http.StatusSeeOther {
			t.Errorf("other session after a password change: status %d, want a redirect to sign in", status)
		}
		if _, body := c.get(resp.Header.Get("Location")); !strings.Contains(body, "Ihr neues Passwort ist gespeichert.") {
			t.Error("no confirmation")
		}
		other := newClient(t, ts)
		if resp, _ := other.post("/anmelden", "/anmelden", url.Values{"email": {"max@kaiserslautern.de"}, "password": {"Neues-Passwort-1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("sign in with the new password: status %d", resp.StatusCode)
		}
	})

	t.Run("API token", func(t *testing.T) {
		resp, body := c.post("/profil", "/profil/tokens", url.Values{"name": {"Import-Skript"}})
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("create: status %d, cache %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		secret := regexp.MustCompile(`value="(wn_[A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
		if secret == nil || !strings.Contains(body, "nur dieses eine Mal") {
			t.Fatal("token page without the secret or the hint")
		}
		bearer := func() int {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/entries", nil)
			req.Header.Set("Authorization", "Bearer "+secret[1])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if st := bearer(); st != 200 {
			t.Errorf("API with the new token: status %d", st)
		}
		_, profile := c.get("/profil")
		if !strings.Contains(profile, "Import-Skript") || strings.Contains(profile, secret[1]) {
			t.Error("profile does not list the token, or shows its secret again")
		}
		hash := regexp.MustCompile(`name="token" value="([0-9a-f]{64})"`).FindStringSubmatch(profile)
		if hash == nil {
			t.Fatal("no revoke form")
		}
		if resp, _ := c.post("/profil", "/profil/tokens/widerrufen", url.Values{"token": {hash[1]}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: status %d", resp.StatusCode)
		}
		if st := bearer(); st != http.StatusUnauthorized {
			t.Errorf("API with the revoked token: status %d, want 401", st)
		}
		if resp, _ := c.post("/profil", "/profil/tokens/widerrufen", url.Values{"token": {hash[1]}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("revoking twice: status %d, want 404", resp.StatusCode)
		}
	})

	t.Run("logout everywhere", func(t *testing.T) {
		second := newClient(t, ts)
		if resp, _ := second.post("/anmelden", "/anmelden", url.Values{"email": {"max@kaiserslautern.de"}, "password": {"Neues-Passwort-1"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second sign in: %d", resp.StatusCode)
		}
		resp, _ := c.post("/profil", "/profil/ueberall-abmelden", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/anmelden?abgemeldet=1" {
			t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		for name, cl := range map[string]*client{"this browser": c, "the other browser": second} {
			if status, _ := cl.get("/profil"); status != http.StatusSeeOther {
				t.Errorf("%s after logging out everywhere: status %d, want the visitor's 303", name, status)
			}
		}
	})
}

func TestMyMunicipalityShowsStates(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	_, member, _ := coordinatorAndMember(t, ts, a)
	draft := validForm()
	draft.Set("title", "Entwurf einer Smart-City-Strategie")
	if resp, _ := member.post("/eintraege/neu", "/eintraege", draft); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	_, home := member.get("/")
	if !strings.Contains(home, `<a href="/kommunen/kaiserslautern">Meine Kommune</a>`) {
		t.Error("no link to the own municipality in the navigation")
	}
	_, page := member.get("/kommunen/kaiserslautern")
	if !regexp.MustCompile(`Entwurf einer Smart-City-Strategie</a></h3>\s*<p class="hit-meta"><span class="badge">[^<]+</span> <span class="badge badge-state">Entwurf</span>`).MatchString(page) {
		t.Error("own municipality page does not mark the draft")
	}
	if _, page := get(t, ts, "/kommunen/kaiserslautern"); strings.Contains(page, "Entwurf einer Smart-City-Strategie") || strings.Contains(page, "badge-state") {
		t.Error("visitor sees the draft or state badges")
	}
}

func TestOutboxWithoutLocalMail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir + "/index")
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st.Stores(), ix, app.Options{})
	t.Cleanup(func() { ix.Close(); st.Close() })
	s, err := New(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := contractServer(t, s)
	t.Cleanup(ts.Close)
	c := newClient(t, ts)
	c.signIn(a, "koordination@beispiel.de", wiki.RoleCoordinator, "")
	status, body := c.get("/koordination/postausgang")
	if status != 200 || !strings.Contains(body, "Amazon SES") {
		t.Errorf("outbox on AWS: status %d, want the German explanation", status)
	}
}
