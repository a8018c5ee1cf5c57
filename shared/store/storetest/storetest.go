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
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Run runs the whole contract suite as named subtests: Entries, Municipalities, Topics and
// Blobs. Every subtest calls open for a fresh, empty backend. The Blobs part is skipped
// when the backend has no blob store.
func Run(t *testing.T, open func(t *testing.T) store.Stores) {
	t.Helper()
	t.Run("Entries", func(t *testing.T) {
		runEntries(t, func(t *testing.T) store.Entries {
			t.Helper()
			return mustHave(t, open(t).Entries, "Entries")
		})
	})
	t.Run("Municipalities", func(t *testing.T) {
		runMunicipalities(t, func(t *testing.T) store.Municipalities {
			t.Helper()
			return mustHave(t, open(t).Municipalities, "Municipalities")
		})
	})
	t.Run("Topics", func(t *testing.T) {
		runTopics(t, func(t *testing.T) store.Topics {
			t.Helper()
			return mustHave(t, open(t).Topics, "Topics")
		})
	})
	t.Run("Blobs", func(t *testing.T) {
		if open(t).Blobs == nil {
			t.Skip("backend has no blob store")
		}
		RunBlobs(t, func(t *testing.T) store.Blobs {
			t.Helper()
			return mustHave(t, open(t).Blobs, "Blobs")
		})
	})
}

func mustHave[T comparable](t *testing.T, port T, name string) T {
	t.Helper()
	var zero T
	if port == zero {
		t.Fatalf("open returned Stores without %s", name)
	}
	return port
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
