package awstest

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// convergence is the limit within which a write on one instance must show on another
// (the aim on AWS is 2 s at the 95th percentile; here every request reads the change log
// first, so it is the next request).
const convergence = 2 * time.Second

// TestTwoInstances: a coordinator writes on web 1 while visitors search on web 2 the whole
// time. Web 2 shows each write at once, and no visitor search that began after an entry
// was hidden finds it, in hits, totals or facets. A cold start afterwards loads the
// indexer's snapshot and agrees.
func TestTwoInstances(t *testing.T) {
	s := startSite(t)
	const a, b = 0, 1
	public := s.visitorSearch(b, "")
	if len(public) < 10 {
		t.Fatalf("visitor listing on web 2 has %d entries, want the demo's public ones", len(public))
	}
	hideSlug, archiveSlug := public[0], public[1]
	title := s.entry(a, hideSlug)["title"].(string)

	watch := s.watchLeaks(b, "", title)
	var latencies []time.Duration

	// Made internal on A: hidden on B from the next request on.
	s.edit(a, hideSlug, func(e map[string]any) { e["visibility"] = "internal" })
	watch.hide(hideSlug)
	latencies = append(latencies, until(t, convergence, "internal entry gone on web 2", func() bool {
		return !contains(s.visitorSearch(b, title), hideSlug)
	}))

	// A new entry, submitted and published on A: found on B at once.
	created := map[string]any{
		"title": "Digitale Wasserzähler im Testbetrieb", "kind": "project_result", "municipality": "07312000",
		"summary": "Funkwasserzähler melden Verbrauch und Leckagen täglich.", "body": "## Ausgangslage\n\nAblesen kostet Zeit.",
		"topics": []string{"sensornetzwerke-iot"}, "project_status": "running", "visibility": "public", "submit": true,
	}
	var e wiki.Entry
	if st := s.call(a, http.MethodPost, "/api/v1/entries", true, created, nil, &e); st != http.StatusCreated && st != http.StatusOK {
		t.Fatalf("create entry: status %d", st)
	}
	if got := s.visitorSearch(b, "Wasserzähler"); contains(got, e.Slug) {
		t.Errorf("visitor on web 2 finds %s before it is published", e.Slug)
	}
	s.move(a, e.Slug, wiki.StatePublished)
	latencies = append(latencies, until(t, convergence, "published entry found on web 2", func() bool {
		return contains(s.visitorSearch(b, "Wasserzähler"), e.Slug)
	}))

	// Archived on A: gone from the visitor's search on B.
	s.move(a, archiveSlug, wiki.StateArchived)
	watch.hide(archiveSlug)

	// The new entry made internal on A: gone on B.
	s.edit(a, e.Slug, func(e map[string]any) { e["visibility"] = "internal" })
	watch.hide(e.Slug)

	// A topic renamed on A: B lists the new name.
	var topic wiki.Topic
	if st := s.call(a, http.MethodGet, "/api/v1/topics/mobilitaet", false, nil, nil, &topic); st != http.StatusOK {
		t.Fatalf("GET topic: status %d", st)
	}
	topic.Name = "Mobilität und Verkehr"
	var saved wiki.Topic
	if st := s.call(a, http.MethodPut, "/api/v1/topics/mobilitaet", true, topic, nil, &saved); st != http.StatusOK || saved.Name != topic.Name {
		t.Fatalf("PUT topic: status %d, saved %+v", st, saved)
	}
	latencies = append(latencies, until(t, convergence, "renamed topic on web 2", func() bool {
		var topics []wiki.Topic
		s.call(b, http.MethodGet, "/api/v1/topics", false, nil, nil, &topics)
		return slices.ContainsFunc(topics, func(t wiki.Topic) bool { return t.Name == "Mobilität und Verkehr" })
	}))
	time.Sleep(300 * time.Millisecond) // let the searchers run on the final state
	watch.finish(t)
	t.Logf("write on web 1 → visible on web 2: %v", latencies)

	// The indexer's snapshot covers it all; a cold start of web 2 loads it and agrees.
	p := s.waitIndexed(t.Context())
	if err := s.RestartWeb(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	got := s.visitorSearch(b, "")
	for _, hidden := range []string{hideSlug, archiveSlug, e.Slug} {
		if contains(got, hidden) {
			t.Errorf("after a cold start from snapshot %s, a visitor on web 2 finds %s", p.ID, hidden)
		}
	}
	if len(got) != len(public)-2 {
		t.Errorf("after a cold start, web 2 lists %d entries to visitors, want %d", len(got), len(public)-2)
	}
}
