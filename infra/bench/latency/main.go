// Command latency compares the search of Wissensnetz with PostgreSQL's full-text search on
// the same synthetic corpus (infra/bench/corpus) and the same fifty queries: for each size
// it builds both, reports build time and size, then runs the queries in rounds and reports
// p50 and p99 latency of a query — top ten hits with the total, facet counts (topic,
// municipality, kind, project status, year) and highlighted snippets.
//
//	go run ./infra/bench/latency -n 10000,100000 [-psql 'psql -h 127.0.0.1 -p 5432 -d bench']
//
// PostgreSQL runs in one psql session with \timing: a query's time is the round trip as
// the client sees it, as with a driver. infra/bench/relevance.sh -latency starts a server
// and runs this.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/bench/corpus"
	"github.com/ikone-ds/wissensnetz/shared/search"
)

func main() {
	sizes := flag.String("n", "10000,100000", "corpus sizes, comma-separated")
	rounds := flag.Int("rounds", 20, "rounds of the fifty queries per engine and size")
	psql := flag.String("psql", "", "psql command line of a PostgreSQL database; empty: no PostgreSQL")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintln(os.Stderr, "latency: -n:", err)
			os.Exit(2)
		}
		if err := run(n, *rounds, *psql); err != nil {
			fmt.Fprintln(os.Stderr, "latency:", err)
			os.Exit(1)
		}
	}
}

func run(n, rounds int, psql string) error {
	docs := corpus.Entries(n, 1)
	queries := corpus.Queries()
	fmt.Printf("== %d entries, %d queries × %d rounds\n", n, len(queries), rounds)

	for _, c := range []struct {
		name  string
		whole bool
	}{{"bleve, compounds whole", true}, {"Wissensnetz (compounds split)", false}} {
		if err := runOurs(c.name, c.whole, docs, queries, rounds); err != nil {
			return err
		}
	}
	if psql == "" {
		fmt.Println("PostgreSQL: skipped (no -psql given)")
		return nil
	}
	return runPostgres(psql, docs, queries, rounds)
}

func runOurs(name string, whole bool, docs []search.Document, queries []search.Query, rounds int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "latency-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opts := search.Options{WholeWords: whole}
	ix, err := search.OpenWith(filepath.Join(dir, "index"), opts)
	if err != nil {
		return err
	}
	defer ix.Close()
	start := time.Now()
	if err := ix.Rebuild(ctx, 1, func(put func(search.Document) error) error {
		for _, d := range docs {
			if err := put(d); err != nil {
				return err
			}
		}
		return nil
	}, nil); err != nil {
		return err
	}
	build := time.Since(start)
	// Files the last merge replaced may outlive Close; opening the index removes them.
	if err := ix.Close(); err != nil {
		return err
	}
	if ix, err = search.OpenWith(filepath.Join(dir, "index"), opts); err != nil {
		return err
	}
	defer ix.Close()
	size := dirSize(dir)
	for _, q := range queries { // warm up
		if _, err := ix.Search(ctx, q); err != nil {
			return err
		}
	}
	var took []time.Duration
	for range rounds {
		for _, q := range queries {
			start := time.Now()
			if _, err := ix.Search(ctx, q); err != nil {
				return err
			}
			took = append(took, time.Since(start))
		}
	}
	report(name, build, size, took)
	return nil
}

func report(name string, build time.Duration, size int64, took []time.Duration) {
	slices.Sort(took)
	ms := func(p float64) float64 {
		return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond)
	}
	fmt.Printf("%-32s build %7.1f s  size %7.1f MiB  p50 %7.2f ms  p99 %7.2f ms\n",
		name, build.Seconds(), float64(size)/(1<<20), ms(0.50), ms(0.99))
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// runPostgres loads docs into PostgreSQL as wikis built on it do (a weighted tsvector of
// the "german" configuration with a GIN index) and runs the queries: matches by
// websearch_to_tsquery within the filters, the ten best by ts_rank_cd, the total, the five
// facets counted over all matches and ts_headline snippets of the ten, in one statement.
func runPostgres(psql string, docs []search.Document, queries []search.Query, rounds int) error {
	argv := strings.Fields(psql)
	exec1 := func(stdin io.Reader) (string, error) {
		cmd := exec.Command(argv[0], append(argv[1:], "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-")...)
		cmd.Stdin = stdin
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("psql: %v: %.2000s", err, out)
		}
		return string(out), nil
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		fmt.Fprint(w, `DROP TABLE IF EXISTS entries;
CREATE TABLE entries (id text PRIMARY KEY, title text, summary text, tags text, topic_names text, municipality_name text,
	body text, topics text[], municipality text, kind text, project_status text, state text, visibility text, year int,
	updated timestamptz, tsv tsvector);
COPY entries (id, title, summary, tags, topic_names, municipality_name, body, topics, municipality, kind, project_status, state, visibility, year, updated) FROM STDIN;
`)
		esc := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
		for _, d := range docs {
			arr := "{" + strings.Join(d.Topics, ",") + "}"
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n",
				d.ID, esc.Replace(d.Title), esc.Replace(d.Summary), esc.Replace(strings.Join(d.Tags, " ")),
				esc.Replace(strings.Join(d.TopicNames, " ")), esc.Replace(d.MunicipalityName), esc.Replace(d.Body),
				arr, d.Municipality, d.Kind, d.ProjectStatus, d.State, d.Visibility, d.Year, d.Updated.Format(time.RFC3339))
		}
		fmt.Fprint(w, `\.
\timing on
UPDATE entries SET tsv = setweight(to_tsvector('german', title), 'A') || setweight(to_tsvector('german', summary), 'B')
	|| setweight(to_tsvector('german', tags || ' ' || topic_names || ' ' || municipality_name), 'C')
	|| setweight(to_tsvector('german', body), 'D');
CREATE INDEX entries_tsv ON entries USING gin (tsv);
CREATE INDEX entries_updated ON entries (updated);
VACUUM ANALYZE entries;
\timing off
SELECT pg_total_relation_size('entries');
`)
		w.Flush()
		pw.Close()
	}()
	loadStart := time.Now()
	out, err := exec1(pr)
	if err != nil {
		return err
	}
	load := time.Since(loadStart)
	var build time.Duration
	var size int64
	for _, line := range strings.Split(out, "\n") {
		if d, ok := timing(line); ok {
			build += d
		} else if v, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64); err == nil {
			size = v
		}
	}

	var b strings.Builder
	b.WriteString("\\timing on\n")
	for i := 0; i <= rounds; i++ { // round 0 warms up
		for _, q := range queries {
			b.WriteString(pgQuery(q))
		}
	}
	out, err = exec1(strings.NewReader(b.String()))
	if err != nil {
		return err
	}
	var took []time.Duration
	for _, line := range strings.Split(out, "\n") {
		if d, ok := timing(line); ok {
			took = append(took, d)
		}
	}
	took = took[min(len(took), len(queries)):]
	if len(took) == 0 {
		return fmt.Errorf("postgres: no timings in the output")
	}
	fmt.Printf("(PostgreSQL: loading the rows took %.1f s, the tsvectors and indexes below)\n", (load - build).Seconds())
	report("PostgreSQL german (GIN)", build, size, took)
	return nil
}

// timing parses a line "Time: 1.234 ms" of psql's \timing.
func timing(line string) (time.Duration, bool) {
	rest, ok := strings.CutPrefix(line, "Time: ")
	if !ok {
		return 0, false
	}
	f := strings.Fields(rest)
	if len(f) < 2 || f[1] != "ms" {
		return 0, false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(v * float64(time.Millisecond)), true
}

func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func litArray(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = lit(s)
	}
	return "ARRAY[" + strings.Join(q, ",") + "]::text[]"
}

// pgQuery returns the statement for q.
func pgQuery(q search.Query) string {
	var where []string
	if len(q.States) > 0 {
		where = append(where, "state = ANY("+litArray(q.States)+")")
	}
	if len(q.Visibilities) > 0 {
		where = append(where, "visibility = ANY("+litArray(q.Visibilities)+")")
	}
	if q.Topic != "" {
		where = append(where, "topics @> ARRAY["+lit(q.Topic)+"]::text[]")
	}
	if q.Municipality != "" {
		where = append(where, "municipality = "+lit(q.Municipality))
	}
	if q.Kind != "" {
		where = append(where, "kind = "+lit(q.Kind))
	}
	if q.Year != 0 {
		where = append(where, fmt.Sprintf("year = %d", q.Year))
	}
	rank, order, headline := "0", "updated DESC", "summary"
	from := "entries"
	if q.Text != "" {
		from = "entries, websearch_to_tsquery('german', " + lit(q.Text) + ") q"
		where = append(where, "tsv @@ q")
		rank, order = "ts_rank_cd(tsv, q)", "rank DESC"
		headline = "ts_headline('german', body, websearch_to_tsquery('german', " + lit(q.Text) + "), 'MaxFragments=2, MaxWords=25, MinWords=10, StartSel=<mark>, StopSel=</mark>')"
	}
	if len(where) == 0 {
		where = append(where, "true")
	}
	facet := func(expr string) string {
		return fmt.Sprintf("(SELECT json_agg(x) FROM (SELECT %s AS v, count(*) AS c FROM m GROUP BY 1 ORDER BY 2 DESC LIMIT 50) x)", expr)
	}
	return fmt.Sprintf(`WITH m AS MATERIALIZED (SELECT id, topics, municipality, kind, project_status, year, updated, %s AS rank FROM %s WHERE %s),
top AS (SELECT * FROM m ORDER BY %s LIMIT 10)
SELECT (SELECT count(*) FROM m),
	(SELECT json_agg(x) FROM (SELECT t AS v, count(*) AS c FROM m, unnest(topics) t GROUP BY 1 ORDER BY 2 DESC LIMIT 50) x),
	%s, %s, %s, %s,
	(SELECT json_agg(json_build_object('id', e.id, 'title', e.title, 'snippet', %s)) FROM top JOIN entries e USING (id));
`, rank, from, strings.Join(where, " AND "), order,
		facet("municipality"), facet("kind"), facet("project_status"), facet("year"),
		headline)
}
