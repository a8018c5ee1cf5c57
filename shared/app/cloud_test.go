package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// cloudSite is the AWS shape in one process: one store with its change log and blob
// store, an index writer (the indexer) and web instances, each with its own index.
type cloudSite struct {
	t       *testing.T
	stores  store.Stores // logging every write, as on AWS
	raw     store.Stores // the same without the change log
	log     *memLog
	blobs   store.Blobs
	clock   *fakeClock
	writer  *App
	coord   auth.Viewer
	loader  *App
	snapDir string
}

func newCloudSite(t *testing.T) *cloudSite {
	t.Helper()
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := &cloudSite{t: t, log: &memLog{}, clock: &fakeClock{now: time.Now()}, snapDir: t.TempDir()}
	s.log.now = s.clock.Now
	s.raw = st.Stores()
	s.stores = logged(s.raw, s.log)
	s.blobs = st.Stores().Blobs
	s.loader = New(s.stores, newMemoryIndex(t), Options{})
	if _, err := s.loader.Import(t.Context(), fixture(t)(), "Import"); err != nil {
		t.Fatal(err)
	}
	_, s.coord = users(t, s.loader)
	s.writer = s.start(true)
	s.index()
	return s
}

// start starts an instance: the writer or a web instance.
func (s *cloudSite) start(writer bool) *App {
	s.t.Helper()
	snaps := NewBlobSnapshots(s.blobs, s.t.TempDir())
	a, err := Start(s.t.Context(), s.stores, Cloud{Log: s.log, Snapshots: snaps, Writer: writer}, Options{Now: s.clock.Now})
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { a.Close() })
	return a
}

// edit changes an entry through instance a as the coordinator.
func (s *cloudSite) edit(a *App, slug string, change func(*wiki.Entry)) {
	s.t.Helper()
	e, err := a.Entry(s.req(), s.coord, slug)
	if err != nil {
		s.t.Fatal(err)
	}
	in := e.Clone()
	change(in)
	if _, err := a.UpdateEntry(s.req(), s.coord, slug, in, "Test"); err != nil {
		s.t.Fatal(err)
	}
}

// index runs the writer's step and fails the test if it published nothing.
func (s *cloudSite) index() *IndexReport {
	s.t.Helper()
	rep, err := s.writer.IndexChanges(s.t.Context())
	if err != nil {
		s.t.Fatal(err)
	}
	if rep.Published == nil {
		s.t.Fatal("IndexChanges published no snapshot")
	}
	return rep
}

// req returns a context as a new request carries it, a millisecond after the last one.
func (s *cloudSite) req() context.Context {
	s.clock.Add(time.Millisecond)
	return WithRequestTime(s.t.Context(), s.clock.Now())
}

// visible returns the slugs a visitor finds for text on a, and fails if the total or the
// municipality facet's count disagree with them.
func (s *cloudSite) visible(a *App, text string) []string {
	t := s.t
	t.Helper()
	res, err := a.Search(s.req(), auth.Visitor, search.Query{Text: text, PerPage: 100}, false)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, h := range res.Hits {
		slugs = append(slugs, h.Slug)
	}
	facet := 0
	for _, f := range res.Facets.Municipality {
		facet += f.Count
	}
	if int(res.Total) != len(slugs) || facet != len(slugs) {
		t.Errorf("Search(%q) as visitor: %d hits, total %d, municipality facet %d", text, len(slugs), res.Total, facet)
	}
	slices.Sort(slugs)
	return slugs
}

func TestCloudInstancesStartFromSnapshot(t *testing.T) {
	s := newCloudSite(t)
	web := s.start(false)
	if web.cloud.loaded == nil || web.cloud.loaded.ID != s.log.snapshot.ID {
		t.Fatalf("web instance loaded %+v, want the published snapshot %+v", web.cloud.loaded, s.log.snapshot)
	}
	if got := s.visible(web, ""); !slices.Contains(got, pegelSlug) || slices.Contains(got, "buergerhaushalt-online") {
		t.Errorf("visitor listing = %v, want %s and not the internal buergerhaushalt-online", got, pegelSlug)
	}
}

// TestCloudWriteOnOneInstanceReachesTheOther: what instance A saves, B shows at its next
// request, and a visitor on B never sees an entry after A made it internal — not in hits,
// totals, facets, suggestions or related entries — while the snapshot still has it public.
func TestCloudWriteOnOneInstanceReachesTheOther(t *testing.T) {
	s := newCloudSite(t)
	a, b := s.start(false), s.start(false)
	ctx := s.req()
	if got := s.visible(b, "Pegelstände"); !slices.Equal(got, []string{pegelSlug}) {
		t.Fatalf("B before: %v, want %s", got, pegelSlug)
	}
	e, err := a.Entry(ctx, s.coord, pegelSlug)
	if err != nil {
		t.Fatal(err)
	}
	in := e.Clone()
	in.Visibility = wiki.Internal
	if _, err := a.UpdateEntry(ctx, s.coord, pegelSlug, in, "nur intern"); err != nil {
		t.Fatal(err)
	}
	if got := s.visible(b, "Pegelstände"); len(got) != 0 {
		t.Errorf("B after A made it internal: visitor finds %v, want nothing", got)
	}
	if got := s.visible(b, ""); slices.Contains(got, pegelSlug) {
		t.Errorf("B's visitor listing after A made it internal: %v", got)
	}
	sug, err := b.Suggest(s.req(), auth.Visitor, "LoRaWAN", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(sug.Entries) != 0 {
		t.Errorf("B's suggestions for a visitor: %v, want none", sug.Entries)
	}
	other, err := b.Entry(ctx, s.coord, bodenSlug)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := b.Related(s.req(), auth.Visitor, other, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range rel {
		if h.Slug == pegelSlug {
			t.Errorf("B lists the internal entry among related entries for a visitor")
		}
	}
	// Members still find it on B, with the new version.
	res, err := b.Search(s.req(), s.coord, search.Query{Text: "Pegelstände"}, false)
	if err != nil || res.Total != 1 {
		t.Errorf("B, coordinator: %v hits, err %v; want 1", res, err)
	}

	// A new snapshot comes, and B swaps to it once swapInterval has passed.
	s.index()
	s.clock.Add(swapInterval + time.Second)
	s.visible(b, "")
	s.waitForSnapshot(b)
	s.visible(b, "") // swaps
	if b.cloud.loaded.ID != s.log.snapshot.ID {
		t.Errorf("B uses snapshot %s, want %s", b.cloud.loaded.ID, s.log.snapshot.ID)
	}
	if got := s.visible(b, "Pegelstände"); len(got) != 0 {
		t.Errorf("B after the swap: visitor finds %v, want nothing", got)
	}
}

// TestCloudSwapKeepsNewerDocuments: a web instance that swaps to a snapshot older than
// what it has seen keeps its newer documents over it.
func TestCloudSwapKeepsNewerDocuments(t *testing.T) {
	s := newCloudSite(t)
	a, b := s.start(false), s.start(false)
	edit := func(slug string, change func(*wiki.Entry)) { s.edit(a, slug, change) }
	edit(bodenSlug, func(e *wiki.Entry) { e.Summary += " Jetzt mit Gießplan." })
	s.index() // a snapshot with that edit, but not the next one
	edit(pegelSlug, func(e *wiki.Entry) { e.Visibility = wiki.Internal })
	if got := s.visible(b, "Pegelstände"); len(got) != 0 {
		t.Fatalf("B before the swap: visitor finds %v, want nothing", got)
	}
	s.clock.Add(swapInterval + time.Second)
	s.visible(b, "")
	s.waitForSnapshot(b)
	if got := s.visible(b, "Pegelstände"); len(got) != 0 {
		t.Errorf("B after swapping to a snapshot without the change: visitor finds %v, want nothing", got)
	}
	if b.cloud.loaded.ID != s.log.snapshot.ID {
		t.Errorf("B uses snapshot %s, want %s", b.cloud.loaded.ID, s.log.snapshot.ID)
	}
	if got := s.visible(b, "Gießplan"); !slices.Equal(got, []string{bodenSlug}) {
		t.Errorf("B after the swap: Search(Gießplan) = %v, want %s", got, bodenSlug)
	}
}

// TestCloudCatalogAndNewEntryReachOtherInstances: a topic renamed and an entry published
// on A show on B at its next request.
func TestCloudCatalogAndNewEntryReachOtherInstances(t *testing.T) {
	s := newCloudSite(t)
	a, b := s.start(false), s.start(false)
	ctx := s.req()
	if _, err := a.SaveTopic(ctx, s.coord, wiki.Topic{Slug: "buergerbeteiligung", Name: "Mitmachen und Mitreden"}, false); err != nil {
		t.Fatal(err)
	}
	res, err := b.Search(s.req(), s.coord, search.Query{Text: "Mitreden"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].Slug != "buergerhaushalt-online" {
		t.Errorf("B: Search(Mitreden) = %+v, want buergerhaushalt-online by its topic's new name", res.Hits)
	}
	if got := b.Names().TopicName("buergerbeteiligung"); got != "Mitmachen und Mitreden" {
		t.Errorf("B's topic name = %q, want the new one", got)
	}
}

// TestCloudGapWaitsForTheWriter: a change whose number was taken but which is not in the log
// yet holds the cursor until it comes.
func TestCloudGapWaitsForTheWriter(t *testing.T) {
	s := newCloudSite(t)
	b := s.start(false)
	before := b.cloud.follow.cursor
	s.log.hold = true
	s.log.log(store.ChangedEntry, "01HRZ8Q3K9V1X4M2N7P5T60001", 1) // a writer between its two steps
	s.log.hold = false
	if err := s.loader.stores.Topics.PutTopic(t.Context(), &wiki.Topic{Slug: "neu", Name: "Neu"}); err != nil {
		t.Fatal(err)
	}
	s.visible(b, "")
	if got := b.cloud.follow.cursor; got != before {
		t.Errorf("cursor moved from %d to %d past a missing change", before, got)
	}
	s.log.release()
	s.visible(b, "")
	if got, want := b.cloud.follow.cursor, before+3; got != want { // the held change and the topic's two
		t.Errorf("cursor = %d after the missing change came, want %d", got, want)
	}
}

// waitForSnapshot waits until web instance a has fetched the published snapshot or swapped to it.
func (s *cloudSite) waitForSnapshot(a *App) {
	s.t.Helper()
	waitFor(s.t, func() bool {
		a.cloud.swapMu.Lock()
		defer a.cloud.swapMu.Unlock()
		return a.cloud.ready != nil || a.cloud.loaded.ID == s.log.snapshot.ID
	})
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCloudTwoWriters: a second index writer by mistake (or a rebuild published by
// infra/admin) never leaves a pointer to a broken snapshot; the writer that loses a
// publish continues from the published snapshot, and web instances stay exact.
func TestCloudTwoWriters(t *testing.T) {
	s := newCloudSite(t)
	second := s.start(true)
	web := s.start(false)
	edit := func(slug string, change func(*wiki.Entry)) { s.edit(web, slug, change) }
	edit(bodenSlug, func(e *wiki.Entry) { e.Summary += " Mit Gießplan." })
	if rep, err := second.IndexChanges(s.t.Context()); err != nil || rep.Published == nil {
		t.Fatalf("second writer: %+v, %v; want a snapshot published", rep, err)
	}
	edit(pegelSlug, func(e *wiki.Entry) { e.Visibility = wiki.Internal })
	rep, err := s.writer.IndexChanges(s.t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Published != nil {
		t.Errorf("first writer published %s over the second writer's snapshot", rep.Published.ID)
	}
	// The first writer now continues from the second's snapshot and publishes the rest.
	edit(bodenSlug, func(e *wiki.Entry) { e.Summary += " Und Sensoren." })
	rep = s.index()
	fresh := s.start(false)
	if fresh.cloud.loaded.ID != rep.Published.ID {
		t.Fatalf("new instance loaded %s, want %s", fresh.cloud.loaded.ID, rep.Published.ID)
	}
	if got := s.visible(fresh, "Pegelstände"); len(got) != 0 {
		t.Errorf("after two writers: visitor finds the internal entry %v", got)
	}
	if got := s.visible(fresh, "Sensoren Gießplan"); !slices.Equal(got, []string{bodenSlug}) {
		t.Errorf("after two writers: Search(Sensoren Gießplan) = %v, want %s", got, bodenSlug)
	}
}

// TestCloudCatalogReadBetweenLogAndWrite: an instance that reads the catalog between a
// writer's announced change and its write reads it again until the write is reported.
func TestCloudCatalogReadBetweenLogAndWrite(t *testing.T) {
	s := newCloudSite(t)
	b := s.start(false)
	s.log.log(store.ChangedCatalog, "topic:buergerbeteiligung", 0) // the writer logged …
	s.visible(b, "")                                               // … B reads the old catalog …
	if err := s.raw.Topics.PutTopic(t.Context(), &wiki.Topic{Slug: "buergerbeteiligung", Name: "Mitmachen und Mitreden"}); err != nil {
		t.Fatal(err) // … and the write lands.
	}
	s.visible(b, "")
	if got := b.Names().TopicName("buergerbeteiligung"); got != "Mitmachen und Mitreden" {
		t.Errorf("B's topic name = %q, want the one written after its change was logged", got)
	}
	res, err := b.Search(s.req(), s.coord, search.Query{Text: "Mitreden"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Errorf("B: Search(Mitreden) found %d entries, want the one of the renamed topic", res.Total)
	}
	if len(b.cloud.follow.unsettled) != 1 {
		t.Errorf("unsettled changes %v, want the announced one until the write is reported", b.cloud.follow.unsettled)
	}
	s.log.log(store.ChangedCatalog, "topic:buergerbeteiligung", 1) // … and reported done.
	s.visible(b, "")
	if len(b.cloud.follow.unsettled) != 0 {
		t.Errorf("unsettled changes %v after the write was reported done", b.cloud.follow.unsettled)
	}
}

// failingSnapshots fails every fetch, as when S3 cannot be reached.
type failingSnapshots struct{ Snapshots }

func (failingSnapshots) Fetch(context.Context, *store.SnapshotPointer) (string, error) {
	return "", errors.New("S3 nicht erreichbar")
}

// TestCloudStartWithoutS3: a web instance that cannot fetch the published snapshot does not
// start (Lambda then retries the cold start) instead of serving an empty or partial index.
func TestCloudStartWithoutS3(t *testing.T) {
	s := newCloudSite(t)
	_, err := Start(t.Context(), s.stores, Cloud{Log: s.log, Snapshots: failingSnapshots{}}, Options{})
	if err == nil || !strings.Contains(err.Error(), "fetch index snapshot") {
		t.Errorf("Start without S3 = %v, want an error that says the snapshot could not be fetched", err)
	}
}

// TestCloudSnapshotTooOld: a snapshot published longer ago than the change log keeps its
// changes cannot be brought up to date: a web instance builds its index from the table
// instead of serving it, and asks the indexer for a new one, which rebuilds and publishes.
func TestCloudSnapshotTooOld(t *testing.T) {
	s := newCloudSite(t)
	e, err := s.loader.Entry(s.req(), s.coord, pegelSlug)
	if err != nil {
		t.Fatal(err)
	}
	in := e.Clone()
	in.Visibility = wiki.Internal
	if _, err := s.loader.UpdateEntry(s.req(), s.coord, pegelSlug, in, "nur intern"); err != nil {
		t.Fatal(err)
	}
	s.clock.Add(store.ChangeRetention) // the snapshot is now older than the log reaches
	old := *s.log.snapshot
	old.Published = s.clock.Now().Add(-store.ChangeRetention)
	s.log.snapshot = &old
	web := s.start(false)
	if web.cloud.loaded != nil {
		t.Errorf("web instance loaded snapshot %s, older than the change log", web.cloud.loaded.ID)
	}
	if got := s.visible(web, "Pegelstände"); len(got) != 0 {
		t.Errorf("visitor finds %v, want nothing: the entry is internal in the table", got)
	}
	page, _ := s.log.Changes(t.Context(), 0, 1000)
	if last := page.Changes[len(page.Changes)-1]; last.Kind != store.RebuildRequested {
		t.Errorf("last change %+v, want a rebuild requested", last)
	}
	rep := s.index()
	if rep.Published.Seq < page.Counter {
		t.Errorf("rebuilt snapshot covers %d, want %d", rep.Published.Seq, page.Counter)
	}
}
