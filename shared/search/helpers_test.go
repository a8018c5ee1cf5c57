package search

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Municipalities and topics of the test entries.
const (
	koblenz = "07111000"
	mainz   = "07315000"
	trier   = "07211000"
)

// testDocs are a few entries that cover the fields the tests look at.
func testDocs() []Document {
	day := func(s string) time.Time {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return []Document{
		{
			ID: "01-sensor", Slug: "lorawan-sensornetzwerk-fuer-pegelstaende",
			Title:   "LoRaWAN-Sensornetzwerk für Pegelstände",
			Summary: "Ein Sensornetzwerk misst die Pegel der Bäche und warnt bei Hochwasser.",
			Body: "Ausgangslage: Nach dem Hochwasser wollte die Stadt früher gewarnt werden. " +
				"Lösung: Ein Sensornetzwerk mit LoRaWAN-Gateways misst alle zehn Minuten die Pegel. " +
				"Ergebnisse: Die Feuerwehr sieht die Werte auf einem Dashboard.",
			Tags:         []string{"LoRaWAN", "IoT"},
			Municipality: koblenz, MunicipalityName: "Koblenz",
			Topics:     []string{"sensornetzwerke-iot", "krisenmanagement"},
			TopicNames: []string{"Sensornetzwerke & IoT", "Krisenmanagement & Bevölkerungsschutz"},
			Kind:       "solution", ProjectStatus: "running", State: "published", Visibility: "public",
			Year: 2021, Updated: day("2024-03-01"), NeedsCheck: true,
		},
		{
			ID: "02-ozg", Slug: "digitaler-bauantrag",
			Title:        "Digitaler Bauantrag nach dem OZG",
			Summary:      "Bauanträge werden online gestellt und digital geprüft.",
			Body:         "Die Bauaufsicht nimmt Anträge über das Portal entgegen. Die Akte ist elektronisch.",
			Tags:         []string{"OZG", "E-Akte"},
			Municipality: mainz, MunicipalityName: "Mainz",
			Topics:     []string{"verwaltungsdigitalisierung-ozg"},
			TopicNames: []string{"Verwaltungsdigitalisierung & OZG"},
			Kind:       "project_result", ProjectStatus: "completed", State: "published", Visibility: "public",
			Year: 2019, Updated: day("2023-06-01"),
		},
		{
			ID: "03-internal", Slug: "dienstanweisung-mobiles-arbeiten",
			Title:        "Dienstanweisung mobiles Arbeiten",
			Summary:      "Vorlage für eine Dienstanweisung.",
			Body:         "Auch das Sensornetzwerk wird aus dem Homeoffice betreut.",
			Municipality: mainz, MunicipalityName: "Mainz",
			Topics:     []string{"arbeitsorganisation", "sensornetzwerke-iot"},
			TopicNames: []string{"Arbeitsorganisation & Personal", "Sensornetzwerke & IoT"},
			Kind:       "guide", ProjectStatus: "running", State: "published", Visibility: "internal",
			Year: 2020, Updated: day("2024-05-01"),
		},
		{
			ID: "04-draft", Slug: "parkplatzsensoren",
			Title:        "Parkplatzsensoren in der Innenstadt",
			Summary:      "Sensoren melden freie Parkplätze.",
			Body:         "Ein Entwurf: Das Sensornetzwerk soll auch Parkplätze erfassen.",
			Municipality: trier, MunicipalityName: "Trier",
			Topics:     []string{"sensornetzwerke-iot", "mobilitaet"},
			TopicNames: []string{"Sensornetzwerke & IoT", "Mobilität"},
			Kind:       "solution", ProjectStatus: "planned", State: "draft", Visibility: "public",
			Year: 2022, Updated: day("2024-06-01"),
		},
		{
			ID: "05-xss", Slug: "formularserver",
			Title:        "Formularserver <b>Bürgerdienste</b>",
			Summary:      `Formulare mit <img src=x onerror="alert(1)"> & Co.`,
			Body:         `Achtung <script>alert(1)</script> im Formularserver & "mehr" für 'alle'.`,
			Municipality: trier, MunicipalityName: "Trier",
			Topics:     []string{"verwaltungsdigitalisierung-ozg"},
			TopicNames: []string{"Verwaltungsdigitalisierung & OZG"},
			Kind:       "event", ProjectStatus: "completed", State: "published", Visibility: "public",
			Year: 2019, Updated: day("2022-01-15"),
		},
		{
			ID: "06-klima", Slug: "hitzekarte",
			Title:        "Hitzekarte aus offenen Daten",
			Summary:      "Open Data zeigt, wo es im Sommer heiß wird.",
			Body:         "Die Stadt veröffentlicht Messwerte als Open Data. Bürgerinnen melden heiße Orte.",
			Municipality: koblenz, MunicipalityName: "Koblenz",
			Topics:     []string{"klima-umwelt", "open-data"},
			TopicNames: []string{"Klima & Umwelt", "Open Data & urbane Datenplattformen"},
			Kind:       "lessons_learned", ProjectStatus: "completed", State: "published", Visibility: "public",
			Year: 2015, Updated: day("2021-09-30"), Featured: true,
		},
	}
}

// newTestIndex returns an index in memory holding docs.
func newTestIndex(t testing.TB, docs ...Document) *Index {
	t.Helper()
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Apply(context.Background(), Batch{Put: docs, Seq: 1}); err != nil {
		t.Fatal(err)
	}
	return ix
}

// search runs q and fails the test on an error.
func search(t testing.TB, ix *Index, q Query) *Result {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// hitIDs returns the ids of the hits in order.
func hitIDs(res *Result) []string {
	ids := []string{}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// sortedIDs returns the ids of the hits in lexical order.
func sortedIDs(res *Result) []string {
	ids := hitIDs(res)
	slices.Sort(ids)
	return ids
}

// searchesDuring runs q on ix from 4 goroutines until the returned stop is called, each
// result checked by ok (which returns "" or what is wrong). stop waits for them, reports
// every failure on t and returns the number of searches; count reads it meanwhile.
func searchesDuring(t *testing.T, ix *Index, q Query, ok func(total uint64) string) (count func() int64, stop func() int64) {
	t.Helper()
	done := make(chan struct{})
	var (
		wg       sync.WaitGroup
		searches atomic.Int64
		errs     = make(chan error, 4)
	)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				res, err := ix.Search(context.Background(), q)
				if err != nil {
					errs <- err
					return
				}
				if msg := ok(res.Total); msg != "" {
					errs <- errors.New(msg)
					return
				}
				searches.Add(1)
			}
		})
	}
	return searches.Load, func() int64 {
		t.Helper()
		close(done)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		return searches.Load()
	}
}
