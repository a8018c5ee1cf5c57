// Command server writes the synthetic corpus of infra/bench/corpus as an import file
// (JSON Lines, see app.Record) for infra/bench/server.sh: the corpus's municipalities and
// topics, then n entries. Entries are written without id or revisions, so that the import
// creates them as new entries. The corpus repeats titles; an import gives one title at
// most 50 slugs, so from the 41st on, each 40 of one title get a number ("… (2)"). With -queries it writes the texts of corpus.Queries
// instead, one per line, escaped for a URL.
//
//	go run ./infra/bench/server -n 10000 > entries.jsonl
//	go run ./infra/bench/server -queries > queries.txt
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/ikone-ds/wissensnetz/infra/bench/corpus"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func main() {
	n := flag.Int("n", 10000, "number of entries")
	seed := flag.Int64("seed", 1, "seed of the corpus")
	queries := flag.Bool("queries", false, "write the query texts instead")
	flag.Parse()
	if *queries {
		for _, q := range corpus.Queries() {
			fmt.Println(url.QueryEscape(q.Text))
		}
		return
	}
	if err := write(os.Stdout, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func write(w io.Writer, n int, seed int64) error {
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	docs := corpus.Entries(n, seed)
	var catalog []app.Record
	seen := map[string]bool{}
	for _, d := range docs {
		if !seen[d.Municipality] {
			seen[d.Municipality] = true
			catalog = append(catalog, app.Record{Type: app.RecordMunicipality, Municipality: &wiki.Municipality{AGS: d.Municipality, Name: d.MunicipalityName}})
		}
	}
	for _, d := range docs {
		for i, slug := range d.Topics {
			if !seen[slug] {
				seen[slug] = true
				catalog = append(catalog, app.Record{Type: app.RecordTopic, Topic: &wiki.Topic{Slug: slug, Name: d.TopicNames[i]}})
			}
		}
	}
	for _, rec := range catalog {
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	titles := map[string]int{}
	for _, d := range docs {
		title := d.Title
		if n := titles[d.Title]; n >= 40 {
			title = fmt.Sprintf("%s (%d)", d.Title, n/40+1)
		}
		titles[d.Title]++
		e := &wiki.Entry{
			Title: title, Kind: wiki.Kind(d.Kind), Municipality: d.Municipality,
			Summary: d.Summary, Body: d.Body, Topics: d.Topics, Tags: d.Tags,
			ProjectStatus: wiki.ProjectStatus(d.ProjectStatus),
			Visibility:    wiki.Visibility(d.Visibility), State: wiki.State(d.State),
		}
		if d.Year > 0 {
			e.PeriodStart = fmt.Sprintf("%d-01", d.Year)
		}
		if err := enc.Encode(app.Record{Type: app.RecordEntry, Entry: e}); err != nil {
			return err
		}
	}
	return out.Flush()
}
