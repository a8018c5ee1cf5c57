package lambda

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
)

// seedData is what the table holds before the function starts: one municipality, two
// topics and one published public entry, imported as infra/admin would.
const seedData = `{"type":"municipality","municipality":{"ags":"07312000","name":"Kaiserslautern","type":"Kreisfreie Stadt","slug":"kaiserslautern"}}
{"type":"topic","topic":{"slug":"sensornetzwerke-iot","name":"Sensornetzwerke & IoT","description":"Funknetze wie LoRaWAN, Sensoren und Messdaten."}}
{"type":"topic","topic":{"slug":"mobilitaet","name":"Mobilität","description":"Verkehr, Parken, ÖPNV und Radverkehr."}}
{"type":"entry","entry":{"title":"Intelligente Straßenbeleuchtung mit LoRaWAN","kind":"solution","municipality":"07312000","summary":"Die Leuchten melden Ausfälle selbst, und jede Straße wird nur so hell beleuchtet, wie es der Verkehr verlangt.","body":"## Ausgangslage\n\nDefekte Leuchten fielen erst auf, wenn Bürgerinnen und Bürger anriefen.\n\n## Lösung\n\nJede Leuchte erhielt einen Funkknoten im LoRaWAN der Stadt.","topics":["sensornetzwerke-iot"],"project_status":"running","visibility":"public"}}
`

const (
	seededTitle = "Intelligente Straßenbeleuchtung mit LoRaWAN"
	seededPath  = "/eintraege/intelligente-strassenbeleuchtung-mit-lorawan"
	adminEmail  = "koordination@ikone-ds.example"
	adminPass   = "Gemeinsam-in-die-digitale-Zukunft-26"
)

// seed imports seedData into the table through the app, as on AWS.
func seed(tb testing.TB, s standins, table, bucket string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ds := dynamo.New(s.dynamoClient(), table, s3blob.New(s.s3Client(), bucket, ""))
	a, err := app.Start(ctx, ds.Stores(), app.Cloud{Log: ds}, app.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Import(ctx, strings.NewReader(seedData), "Testdaten"); err != nil {
		tb.Fatalf("seed: %v", err)
	}
}

// TestWebUnderRIE runs the web function's bootstrap, built as for Lambda, under the Lambda
// Runtime Interface Emulator with dynalite and an S3 stand-in, and sends it API Gateway
// HTTP API events as a browser's requests would produce them: pages, a search with an
// umlaut, signing in, and creating an entry with the session cookie.
func TestWebUnderRIE(t *testing.T) {
	s := needStandins(t)
	bootstrap := needBootstrap(t)
	table, bucket := s.freshTable(t), s.freshBucket(t)
	seed(t, s, table, bucket)
	env := s.functionEnv(table, bucket)
	env["WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL"] = adminEmail
	env["WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD"] = adminPass
	fn := startFunction(t, s.rie, bootstrap, env)
	visitor, coordinator := browser{}, browser{}

	// page requests a page and checks its status and that it contains every text of want.
	page := func(t *testing.T, b browser, target string, status int, want ...string) string {
		t.Helper()
		resp := fn.invoke(t, request(t, http.MethodGet, target, b, nil))
		b.take(t, resp)
		body := pageBody(t, resp)
		if resp.StatusCode != status {
			t.Fatalf("GET %s: status %d, want %d\n%.1500s", target, resp.StatusCode, status, body)
		}
		if ct := header(resp, "Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want text/html", target, ct)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: page lacks %q", target, w)
			}
		}
		return body
	}

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"start page", func(t *testing.T) {
			start := time.Now()
			page(t, visitor, "/", http.StatusOK, `<html lang="de">`, "Wissensnetz", seededTitle)
			t.Logf("first request (cold start of the function): %v", time.Since(start).Round(time.Millisecond))
		}},
		{"search with umlaut", func(t *testing.T) {
			page(t, visitor, "/suche?q=Stra%C3%9Fe", http.StatusOK, `value="Straße"`, seededTitle)
		}},
		{"entry page", func(t *testing.T) {
			page(t, visitor, seededPath, http.StatusOK, seededTitle, "Kaiserslautern", "Ausgangslage")
		}},
		{"sign in", func(t *testing.T) {
			form := page(t, coordinator, "/anmelden", http.StatusOK, `name="password"`)
			token := formToken(t, form)
			if coordinator["wn_formular"] != token {
				t.Fatalf("form cookie %q, page token %q: want the same (double submit)", coordinator["wn_formular"], token)
			}
			resp := fn.invoke(t, request(t, http.MethodPost, "/anmelden", coordinator, url.Values{
				"csrf": {token}, "email": {adminEmail}, "password": {adminPass}, "weiter": {"/"},
			}))
			if resp.StatusCode != http.StatusSeeOther || header(resp, "Location") != "/" {
				t.Fatalf("POST /anmelden: %d to %q, want 303 to /\n%.1500s", resp.StatusCode, header(resp, "Location"), pageBody(t, resp))
			}
			var session string
			for _, c := range resp.Cookies {
				if strings.HasPrefix(c, "wn_sitzung=") {
					session = c
				}
			}
			// API Gateway sends X-Forwarded-Proto: https, so cookies are Secure.
			if !strings.Contains(session, "HttpOnly") || !strings.Contains(session, "Secure") {
				t.Errorf("session cookie %q, want HttpOnly and Secure (cookies: %q)", session, resp.Cookies)
			}
			coordinator.take(t, resp)
			if coordinator["wn_sitzung"] == "" {
				t.Fatalf("no session cookie in %q", resp.Cookies)
			}
		}},
		{"create entry", func(t *testing.T) {
			form := page(t, coordinator, "/eintraege/neu", http.StatusOK, `name="title"`)
			resp := fn.invoke(t, request(t, http.MethodPost, "/eintraege", coordinator, url.Values{
				"csrf":           {formToken(t, form)},
				"title":          {"Digitale Parkraumerfassung in der Innenstadt"},
				"kind":           {"project_result"},
				"municipality":   {"07312000"},
				"summary":        {"Sensoren in 400 Stellplätzen zeigen freie Plätze in der App der Stadt; der Suchverkehr sank um ein Fünftel."},
				"body":           {"## Ergebnisse\n\nWeniger Suchverkehr, bessere Daten für die Parkraumplanung."},
				"topics":         {"mobilitaet", "sensornetzwerke-iot"},
				"project_status": {"completed"},
				"visibility":     {"internal"},
				"comment":        {"Erste Fassung"},
				"submit":         {"1"}, // to the review queue
			}))
			loc := header(resp, "Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/eintraege/digitale-parkraumerfassung-in-der-innenstadt") {
				t.Fatalf("POST /eintraege: %d to %q, want 303 to /eintraege/digitale-parkraumerfassung-in-der-innenstadt\n%.3000s", resp.StatusCode, loc, pageBody(t, resp))
			}
			page(t, coordinator, loc, http.StatusOK, "Digitale Parkraumerfassung in der Innenstadt", "Weniger Suchverkehr")
		}},
		{"own write in the review queue", func(t *testing.T) {
			// The queue is a query of this instance's in-memory index, which takes its own
			// writes at once.
			page(t, coordinator, "/koordination/pruefung", http.StatusOK, "Digitale Parkraumerfassung in der Innenstadt")
		}},
		{"unpublished entry hidden from visitors", func(t *testing.T) {
			resp := fn.invoke(t, request(t, http.MethodGet, "/eintraege/digitale-parkraumerfassung-in-der-innenstadt", visitor, nil))
			if resp.StatusCode == http.StatusOK || strings.Contains(pageBody(t, resp), "Weniger Suchverkehr") {
				t.Errorf("a visitor got the unpublished internal entry: status %d", resp.StatusCode)
			}
		}},
	}
	for _, step := range steps {
		if !t.Run(step.name, step.run) {
			return // later steps build on this one
		}
	}

	// Lambda logs: JSON lines with the request id API Gateway gave the request.
	if out := fn.output(); !strings.Contains(out, `"request_id":"rie-`) || !strings.Contains(out, `"msg":"request"`) {
		t.Errorf("no JSON request log with the event's request id in the output:\n%s", tail(out, 20))
	}
}
