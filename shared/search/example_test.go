package search_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
)

func Example() {
	ctx := context.Background()
	ix, err := search.OpenMemory()
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()

	err = ix.Apply(ctx, search.Batch{Seq: 1, Put: []search.Document{
		{
			ID: "01", Slug: "pegelmessung", Title: "Pegelmessung mit LoRaWAN",
			Summary:      "Ein Sensornetzwerk warnt vor Hochwasser.",
			Body:         "Zwölf Sensoren messen die Pegel der Bäche <und> melden sie der Feuerwehr.",
			Municipality: "07111000", MunicipalityName: "Koblenz", Topics: []string{"sensornetzwerke-iot"},
			Kind: "solution", ProjectStatus: "running", State: "published", Visibility: "public",
			Year: 2021, Updated: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		},
		{
			ID: "02", Slug: "parkraumsensoren", Title: "Parkraumsensoren",
			Summary:      "Entwurf für ein Sensornetzwerk in der Innenstadt.",
			Municipality: "07211000", MunicipalityName: "Trier", Topics: []string{"mobilitaet"},
			Kind: "solution", ProjectStatus: "idea", State: "published", Visibility: "internal",
			Year: 2024, Updated: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
		},
	}})
	if err != nil {
		log.Fatal(err)
	}

	// A visitor searches: only public entries count.
	res, err := ix.Search(ctx, search.Query{Text: "Sensornetzwerke Sensoren", Visibilities: []string{"public"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Total, "Treffer")
	for _, h := range res.Hits {
		fmt.Println(h.Title, "–", h.MunicipalityName)
		for _, s := range h.Highlights {
			fmt.Println(" ", s)
		}
	}
	for _, f := range res.Facets.Topic {
		fmt.Printf("Thema %s: %d\n", f.Value, f.Count)
	}
	// Output:
	// 1 Treffer
	// Pegelmessung mit LoRaWAN – Koblenz
	//   Ein <mark>Sensornetzwerk</mark> warnt vor Hochwasser.
	// Thema sensornetzwerke-iot: 1
}
