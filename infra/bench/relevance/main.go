// Command relevance measures how well the search finds what it should: on the judged test
// collection beside it (entries.jsonl, queries.jsonl) it prints nDCG@10 and recall@10 of
// bleve's plain "de" analyzer, of Wissensnetz's search (shared/search) and, if a PostgreSQL
// server is given, of PostgreSQL's full-text search with the "german" configuration ranked
// by ts_rank_cd.
//
//	go run ./infra/bench/relevance [-psql 'psql -h 127.0.0.1 -p 5432 -d bench'] [-v]
//
// infra/bench/relevance.sh starts a PostgreSQL server of its own and runs this.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/ikone-ds/wissensnetz/shared/search"
)

// entry is one entry of the test collection.
type entry struct {
	ID, Title, Summary, Municipality, Body string
	Tags, Topics                           []string
}

// judged is one query of the test collection with the grade (0–3) of the entries it is
// about; entries not listed have grade 0.
type judged struct {
	ID, Kind, Query string
	Rel             map[string]int
}

// engine returns the ids of the best ten entries for a query text.
type engine struct {
	name   string
	search func(text string) ([]string, error)
}

func main() {
	psql := flag.String("psql", "", "psql command line of a PostgreSQL database to compare with; empty: no PostgreSQL")
	verbose := flag.Bool("v", false, "print the figures of every query")
	flag.Parse()
	if err := run(*psql, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "relevance:", err)
		os.Exit(1)
	}
}

func dataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

func run(psql string, verbose bool) error {
	var entries []entry
	var queries []judged
	if err := readJSONL(filepath.Join(dataDir(), "entries.jsonl"), &entries); err != nil {
		return err
	}
	if err := readJSONL(filepath.Join(dataDir(), "queries.jsonl"), &queries); err != nil {
		return err
	}
	engines := []engine{}
	plain, err := plainEngine(entries)
	if err != nil {
		return err
	}
	engines = append(engines, plain)
	ours, err := oursEngine(entries)
	if err != nil {
		return err
	}
	engines = append(engines, ours)
	if psql != "" {
		pg, err := postgresEngine(psql, entries)
		if err != nil {
			return err
		}
		engines = append(engines, pg)
	} else {
		fmt.Println("PostgreSQL: skipped (no -psql given)")
	}

	fmt.Printf("%d entries, %d queries\n\n", len(entries), len(queries))
	fmt.Printf("%-26s %9s %10s\n", "engine", "nDCG@10", "recall@10")
	byKind := map[string]map[string][]float64{}
	for _, e := range engines {
		var ndcgs, recalls []float64
		for _, q := range queries {
			ids, err := e.search(q.Query)
			if err != nil {
				return fmt.Errorf("%s: %q: %w", e.name, q.Query, err)
			}
			n, r := ndcg(ids, q.Rel, 10), recall(ids, q.Rel, 10)
			ndcgs, recalls = append(ndcgs, n), append(recalls, r)
			if byKind[q.Kind] == nil {
				byKind[q.Kind] = map[string][]float64{}
			}
			byKind[q.Kind][e.name] = append(byKind[q.Kind][e.name], n)
			if verbose {
				fmt.Printf("  %-22s %-3s %-45q nDCG %.2f recall %.2f %v\n", e.name, q.ID, q.Query, n, r, ids)
			}
		}
		fmt.Printf("%-26s %9.3f %10.3f\n", e.name, mean(ndcgs), mean(recalls))
	}
	fmt.Printf("\nnDCG@10 by kind of query\n%-12s", "kind")
	for _, e := range engines {
		fmt.Printf(" %24s", e.name)
	}
	fmt.Println()
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Printf("%-12s", k)
		for _, e := range engines {
			fmt.Printf(" %24.3f", mean(byKind[k][e.name]))
		}
		fmt.Println()
	}
	return nil
}

func readJSONL[T any](path string, out *[]T) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		*out = append(*out, v)
	}
	return sc.Err()
}

// ndcg is the normalised discounted cumulative gain of the first k ids; 1 if the query has
// no relevant entry and nothing was found, 0 if it has none and something was.
func ndcg(ids []string, rel map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ids[:min(k, len(ids))] {
		dcg += (math.Pow(2, float64(rel[id])) - 1) / math.Log2(float64(i+2))
	}
	var grades []int
	for _, g := range rel {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	if len(grades) == 0 {
		if len(ids) == 0 {
			return 1
		}
		return 0
	}
	slices.Sort(grades)
	slices.Reverse(grades)
	ideal := 0.0
	for i, g := range grades[:min(k, len(grades))] {
		ideal += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	return dcg / ideal
}

// recall is the share of the relevant entries (grade ≥ 1) among the first k ids.
func recall(ids []string, rel map[string]int, k int) float64 {
	total, found := 0, 0
	for _, g := range rel {
		if g > 0 {
			total++
		}
	}
	if total == 0 {
		return 1
	}
	for _, id := range ids[:min(k, len(ids))] {
		if rel[id] > 0 {
			found++
		}
	}
	return float64(found) / float64(total)
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// document returns e as a document of the search index; all entries are public.
func (e *entry) document() search.Document {
	return search.Document{
		ID: e.ID, Slug: e.ID, Title: e.Title, Summary: e.Summary, Body: search.PlainText(e.Body),
		Tags: e.Tags, Municipality: e.Municipality, MunicipalityName: e.Municipality,
		Topics: e.Topics, TopicNames: e.Topics, Kind: "solution", State: "published", Visibility: "public",
	}
}

// tiesOldest dates the entries in reverse file order (see oursEngine).
var tiesOldest = flag.Bool("ties-oldest", false, "date the entries in reverse file order, so that equal scores list the first entries first")

// oursEngine is the search of Wissensnetz.
func oursEngine(entries []entry) (engine, error) {
	var names []string
	for _, e := range entries {
		names = append(names, e.Municipality)
	}
	ix, err := search.OpenMemoryWith(search.Options{Protected: names})
	if err != nil {
		return engine{}, err
	}
	// Entries of equal score are listed newest first, as in the product; the collection has
	// no dates, so the entries are dated in file order (-ties oldest-first reverses it).
	docs := make([]search.Document, len(entries))
	for i := range entries {
		docs[i] = entries[i].document()
		n := i
		if *tiesOldest {
			n = len(entries) - 1 - i
		}
		docs[i].Updated = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	}
	if err := ix.Apply(context.Background(), search.Batch{Put: docs, Seq: 1}); err != nil {
		return engine{}, err
	}
	return engine{name: "Wissensnetz", search: func(text string) ([]string, error) {
		res, err := ix.Search(context.Background(), search.Query{Text: text, PerPage: 10})
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids, nil
	}}, nil
}

// plainEngine is bleve with its "de" analyzer, the fields weighted as in Wissensnetz, every
// word required and, if that finds nothing, any word.
func plainEngine(entries []entry) (engine, error) {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = de.AnalyzerName
	ix, err := bleve.NewMemOnly(m)
	if err != nil {
		return engine{}, err
	}
	b := ix.NewBatch()
	for _, e := range entries {
		if err := b.Index(e.ID, map[string]any{
			"title": e.Title, "summary": e.Summary, "tags": e.Tags, "topics": e.Topics,
			"municipality": e.Municipality, "body": search.PlainText(e.Body),
		}); err != nil {
			return engine{}, err
		}
	}
	if err := ix.Batch(b); err != nil {
		return engine{}, err
	}
	analyzer := m.AnalyzerNamed(de.AnalyzerName)
	boosts := map[string]float64{"title": 4, "summary": 2, "tags": 2, "topics": 1.5, "municipality": 1.5, "body": 1}
	return engine{name: "bleve de (plain)", search: func(text string) ([]string, error) {
		var terms []query.Query
		seen := map[string]bool{}
		for _, t := range analyzer.Analyze([]byte(text)) {
			if seen[string(t.Term)] {
				continue
			}
			seen[string(t.Term)] = true
			var alt []query.Query
			for f, b := range boosts {
				tq := query.NewTermQuery(string(t.Term))
				tq.SetField(f)
				tq.SetBoost(b)
				alt = append(alt, tq)
			}
			terms = append(terms, query.NewDisjunctionQuery(alt))
		}
		if len(terms) == 0 {
			return nil, nil
		}
		for _, q := range []query.Query{query.NewConjunctionQuery(terms), query.NewDisjunctionQuery(terms)} {
			res, err := ix.Search(bleve.NewSearchRequestOptions(q, 10, 0, false))
			if err != nil {
				return nil, err
			}
			if len(res.Hits) > 0 {
				var ids []string
				for _, h := range res.Hits {
					ids = append(ids, h.ID)
				}
				return ids, nil
			}
		}
		return nil, nil
	}}, nil
}

// postgresEngine loads the entries into a table of the database psql connects to and
// searches it as wikis built on PostgreSQL do: a weighted tsvector of the "german"
// configuration (title A, summary B, tags C, body D) with a GIN index, the query by
// websearch_to_tsquery, ranked by ts_rank_cd; if every word required finds nothing, any word.
func postgresEngine(psql string, entries []entry) (engine, error) {
	argv := strings.Fields(psql)
	sql := func(stmt string) (string, error) {
		cmd := exec.Command(argv[0], append(argv[1:], "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-")...)
		cmd.Stdin = strings.NewReader(stmt)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("psql: %v: %s", err, out)
		}
		return string(out), nil
	}
	var b strings.Builder
	b.WriteString(`DROP TABLE IF EXISTS entries;
CREATE TABLE entries (id text PRIMARY KEY, title text, summary text, tags text, body text, tsv tsvector);
COPY entries (id, title, summary, tags, body) FROM STDIN;
`)
	esc := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	for _, e := range entries {
		tags := strings.Join(append(append(slices.Clone(e.Tags), e.Topics...), e.Municipality), " ")
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", esc.Replace(e.ID), esc.Replace(e.Title), esc.Replace(e.Summary), esc.Replace(tags), esc.Replace(search.PlainText(e.Body)))
	}
	b.WriteString(`\.
UPDATE entries SET tsv = setweight(to_tsvector('german', title), 'A') || setweight(to_tsvector('german', summary), 'B')
	|| setweight(to_tsvector('german', tags), 'C') || setweight(to_tsvector('german', body), 'D');
CREATE INDEX entries_tsv ON entries USING gin (tsv);
ANALYZE entries;
`)
	if _, err := sql(b.String()); err != nil {
		return engine{}, err
	}
	lit := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	return engine{name: "PostgreSQL german", search: func(text string) ([]string, error) {
		all := fmt.Sprintf("websearch_to_tsquery('german', %s)", lit(text))
		// any word: the terms of the query joined by |
		anyq := fmt.Sprintf("NULLIF(replace(plainto_tsquery('german', %s)::text, '&', '|'), '')::tsquery", lit(text))
		for _, q := range []string{all, anyq} {
			out, err := sql(fmt.Sprintf("SELECT id FROM entries, (SELECT %s AS q) s WHERE tsv @@ s.q ORDER BY ts_rank_cd(tsv, s.q) DESC, id LIMIT 10;", q))
			if err != nil {
				return nil, err
			}
			if ids := strings.Fields(out); len(ids) > 0 {
				return ids, nil
			}
		}
		return nil, nil
	}}, nil
}
