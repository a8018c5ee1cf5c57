// Package storetest is the contract suite that every storage backend of Wissensnetz passes.
// A backend's test calls Run with a function that opens a fresh, empty instance:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Stores {
//			s, err := embedded.Open(t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s.Stores()
//		})
//	}
package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Run runs the whole contract suite as named subtests: Ports, then Entries,
// Municipalities, Topics, Blobs, Users, Sessions, Tokens, Audit and WordLists. Every subtest calls open
// for a fresh, empty backend. Every backend implements every port: a nil field of the
// returned Stores fails the suite.
func Run(t *testing.T, open func(t *testing.T) store.Stores) {
	t.Helper()
	var missing []string
	t.Run("Ports", func(t *testing.T) {
		missing = missingPorts(open(t))
		for _, name := range missing {
			t.Errorf("open returned store.Stores without %s: every backend implements every port", name)
		}
	})
	p := ports{open: open, missing: missing}
	runPort(t, p, "Entries", func(s store.Stores) store.Entries { return s.Entries }, runEntries)
	runPort(t, p, "Municipalities", func(s store.Stores) store.Municipalities { return s.Municipalities }, runMunicipalities)
	runPort(t, p, "Topics", func(s store.Stores) store.Topics { return s.Topics }, runTopics)
	runPort(t, p, "Blobs", func(s store.Stores) store.Blobs { return s.Blobs }, RunBlobs)
	runPort(t, p, "Users", func(s store.Stores) store.Users { return s.Users }, runUsers)
	runPort(t, p, "Sessions", func(s store.Stores) store.Sessions { return s.Sessions }, runSessions)
	runPort(t, p, "Tokens", func(s store.Stores) store.Tokens { return s.Tokens }, runTokens)
	runPort(t, p, "Audit", func(s store.Stores) store.Audit { return s.Audit }, runAudit)
	runPort(t, p, "WordLists", func(s store.Stores) store.WordLists { return s.WordLists }, runWordLists)
}

// ports is what Run knows about the backend: how to open it and which ports it lacks.
type ports struct {
	open    func(t *testing.T) store.Stores
	missing []string
}

// runPort runs the part of the suite for one port as a subtest named after it. It fails
// without running the part if the backend lacks the port.
func runPort[P comparable](t *testing.T, p ports, name string, port func(store.Stores) P, run func(t *testing.T, open func(t *testing.T) P)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		if slices.Contains(p.missing, name) {
			t.Fatalf("backend lacks the %s port (see Ports)", name)
		}
		run(t, func(t *testing.T) P {
			t.Helper()
			got := port(p.open(t))
			var zero P
			if got == zero {
				t.Fatalf("open returned store.Stores without %s: every backend implements every port", name)
			}
			return got
		})
	})
}

// missingPorts returns the names of the nil fields of s.
func missingPorts(s store.Stores) []string {
	var missing []string
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Interface && f.IsNil() {
			missing = append(missing, v.Type().Field(i).Name)
		}
	}
	return missing
}

// NewEntry returns a valid version-1 entry with German sample content: a LoRaWAN sensor
// network of Kaiserslautern (AGS 07312000) with Koblenz (07111000) as partner, under the
// topics "sensornetzwerke-iot" and "klima-umwelt". Its times are whole milliseconds in UTC.
func NewEntry(id, slug string) *wiki.Entry {
	created := time.Date(2024, time.March, 14, 9, 30, 15, 250_000_000, time.UTC)
	return &wiki.Entry{
		ID:               id,
		Slug:             slug,
		Title:            "LoRaWAN-Sensornetz für die Innenstadt",
		Kind:             wiki.KindSolution,
		Municipality:     "07312000",
		Partners:         []string{"07111000"},
		ExternalPartners: []string{"Stadtwerke Kaiserslautern", "Technische Universität Kaiserslautern"},
		Contact: wiki.Contact{
			Name:  "Jürgen Weiß",
			Role:  "Leiter Stabsstelle Digitalisierung",
			Email: "digitalisierung@kommune.example",
		},
		Summary: "Ein stadtweites LoRaWAN-Netz misst Bodenfeuchte, Füllstände und Luftqualität; " +
			"die Daten fließen in die offene Datenplattform der Stadt.",
		Body: "## Ausgangslage\n\nDie Grünflächenämter gießen nach Plan, nicht nach Bedarf.\n\n" +
			"## Lösung\n\n- 14 Gateways auf städtischen Gebäuden\n- 230 Sensoren für Bodenfeuchte\n\n" +
			"## Ergebnisse\n\nRund 30 % weniger Gießfahrten im Sommer 2023.\n\n" +
			"## Lessons Learned\n\nFrüh mit dem Datenschutzbeauftragten sprechen.\n\n" +
			"## Übertragbarkeit\n\nDie Sensorprofile liegen als Vorlage bei.",
		Topics:        []string{"sensornetzwerke-iot", "klima-umwelt"},
		Tags:          []string{"LoRaWAN", "Bodenfeuchte", "Straßenbäume"},
		ProjectStatus: wiki.StatusCompleted,
		PeriodStart:   "2021-03",
		PeriodEnd:     "2023-09",
		Costs:         "ca. 180.000 € (Hardware und Betrieb für drei Jahre)",
		Funding:       "Modellprojekte Smart Cities",
		Software:      []string{"ChirpStack", "Grafana"},
		OpenSourceURL: "https://opencode.example/kommune/sensorprofile",
		Links: []wiki.Link{
			{Title: "Projektseite der Stadt", URL: "https://www.kommune.example/sensornetz"},
		},
		Related:    []string{"offene-datenplattform"},
		Visibility: wiki.Internal,
		State:      wiki.StateSubmitted,
		Version:    1,
		CreatedAt:  created,
		CreatedBy:  "Jürgen Weiß",
		UpdatedAt:  created,
		UpdatedBy:  "Jürgen Weiß",
	}
}
