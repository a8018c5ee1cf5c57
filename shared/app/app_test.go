package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

var fixedNow = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// openFixture opens a local app in a temp dir with the fixture file imported.
func openFixture(t *testing.T) (*App, string) {
	t.Helper()
	dir := t.TempDir()
	a, err := openLocal(t.Context(), Local{DataDir: dir, Demo: fixture(t), DemoAuthor: wiki.DemoAuthor}, Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("openLocal: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a, dir
}

// openLocal starts a local installation in l.DataDir on the embedded store, as the web
// function's local mode does, by default at its default address.
func openLocal(ctx context.Context, l Local, o Options) (*App, error) {
	if o.BaseURL == "" {
		o.BaseURL = "http://localhost:8080"
	}
	st, err := embedded.Open(l.DataDir)
	if err != nil {
		return nil, err
	}
	return StartLocal(ctx, st, l, o)
}

func fixture(t *testing.T) func() io.Reader {
	t.Helper()
	return func() io.Reader {
		f, err := os.Open("testdata/fixture.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
}

// users creates a member of Kaiserslautern (07312000) and a coordinator.
func users(t *testing.T, a *App) (member, coordinator auth.Viewer) {
	t.Helper()
	m, err := a.CreateUser(t.Context(), auth.Visitor, NewUser{Email: "max@beispiel-kommune.de", Name: "Max Muster", Role: wiki.RoleMember, Municipality: "07312000", Password: "Pegelstand-2024!"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.CreateUser(t.Context(), auth.Visitor, NewUser{Email: "koordination@beispiel-kommune.de", Name: "Karla Koordination", Role: wiki.RoleCoordinator, Password: "Pegelstand-2024!"})
	if err != nil {
		t.Fatal(err)
	}
	return auth.Viewer{User: m}, auth.Viewer{User: c}
}

var everything = auth.Viewer{User: &wiki.User{Role: wiki.RoleCoordinator, Name: "Test"}}

func newEntry() *wiki.Entry {
	return &wiki.Entry{Title: "Digitaler Mängelmelder", Kind: wiki.KindSolution, Municipality: "07312000",
		Summary: "Bürgerinnen melden Schäden per App.", Body: "## Lösung\n\nEine App.", Topics: []string{"buergerbeteiligung"},
		ProjectStatus: wiki.StatusRunning, Visibility: wiki.Public}
}

func TestStartLocalLoadsDemoOnce(t *testing.T) {
	a, dir := openFixture(t)
	res, err := a.Search(t.Context(), everything, search.Query{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 {
		t.Fatalf("entries after first start = %d, want 3", res.Total)
	}
	if got := len(a.Municipalities()); got != 3 {
		t.Errorf("municipalities = %d, want 3", got)
	}
	if got := a.Municipalities()[0].Name; got != "Kaiserslautern" {
		t.Errorf("first municipality by name = %q, want Kaiserslautern", got)
	}
	e, err := a.Entry(t.Context(), everything, "lorawan-sensornetz-fuer-pegelstaende")
	if err != nil {
		t.Fatal(err)
	}
	if e.CreatedBy != wiki.DemoAuthor || e.Version != 1 || !e.CreatedAt.Equal(fixedNow) {
		t.Errorf("demo entry = by %q v%d at %v, want by %q v1 at %v", e.CreatedBy, e.Version, e.CreatedAt, wiki.DemoAuthor, fixedNow)
	}
	a.Close()

	// A second start must not load the demo again, and the index must still be complete.
	b, err := openLocal(t.Context(), Local{DataDir: dir, Demo: fixture(t)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err = b.Search(t.Context(), everything, search.Query{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 3 {
		t.Errorf("entries after restart = %d, want 3", res.Total)
	}
}

func TestCreateAndUpdateEntry(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, coord := users(t, a)
	e, err := a.CreateEntry(ctx, member, newEntry(), "neu", false)
	if err != nil {
		t.Fatalf("CreateEntry: %v", err)
	}
	if e.Slug != "digitaler-maengelmelder" || e.Version != 1 || e.State != wiki.StateDraft || e.CreatedBy != "Max Muster" {
		t.Errorf("created slug %q v%d state %q by %q, want digitaler-maengelmelder v1 draft by Max Muster", e.Slug, e.Version, e.State, e.CreatedBy)
	}
	second, err := a.CreateEntry(ctx, member, newEntry(), "", true)
	if err != nil {
		t.Fatal(err)
	}
	if !suffixedSlug("digitaler-maengelmelder").MatchString(second.Slug) || second.State != wiki.StateSubmitted {
		t.Errorf("second: %q %q, want digitaler-maengelmelder-<suffix> submitted", second.Slug, second.State)
	}
	other := newEntry()
	other.Municipality = "07320000"
	if _, err := a.CreateEntry(ctx, member, other, "", false); wiki.ErrorCode(err) != wiki.EFORBIDDEN {
		t.Errorf("member creating for another municipality: %v, want EFORBIDDEN", err)
	}
	if _, err := a.CreateEntry(ctx, auth.Visitor, newEntry(), "", false); wiki.ErrorCode(err) != wiki.EUNAUTHORIZED {
		t.Errorf("visitor creating: %v, want EUNAUTHORIZED", err)
	}

	edit := e.Clone()
	edit.Summary = "Bürgerinnen und Bürger melden Schäden per App und Web."
	edit.State = wiki.StateArchived // not editable through the form: must be kept
	edit.Municipality = "07320000"  // members cannot give an entry away
	updated, err := a.UpdateEntry(ctx, coord, e.Slug, edit, "Web ergänzt")
	if err != nil {
		t.Fatalf("UpdateEntry: %v", err)
	}
	if updated.Version != 2 || updated.State != wiki.StateDraft || updated.CreatedBy != "Max Muster" || updated.UpdatedBy != "Karla Koordination" || updated.Municipality != "07320000" {
		t.Errorf("updated = v%d %q created by %q updated by %q in %s", updated.Version, updated.State, updated.CreatedBy, updated.UpdatedBy, updated.Municipality)
	}

	// An editor who started from version 1 must not overwrite version 2.
	stale := e.Clone()
	stale.Summary = "Überholt"
	if _, err := a.UpdateEntry(ctx, coord, e.Slug, stale, ""); wiki.ErrorCode(err) != wiki.ECONFLICT {
		t.Fatalf("stale update: err = %v, want ECONFLICT", err)
	}
	cur, _ := a.Entry(ctx, coord, e.Slug)
	if cur.Summary != edit.Summary || cur.Version != 2 {
		t.Errorf("after stale update: v%d %q, want v2 %q", cur.Version, cur.Summary, edit.Summary)
	}
	// The entry now belongs to Zweibrücken: the Kaiserslautern member may no longer see
	// the draft, let alone edit it.
	if _, err := a.UpdateEntry(ctx, member, e.Slug, cur, ""); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("member editing another municipality's draft: %v, want ENOTFOUND", err)
	}

	_, revs, err := a.History(ctx, coord, e.Slug)
	if err != nil || len(revs) != 2 || revs[0].Comment != "Web ergänzt" || revs[1].Author != "Max Muster" {
		t.Fatalf("History = %+v, %v; want 2 revisions newest first", revs, err)
	}
	c, err := a.Compare(ctx, coord, e.Slug, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Changes) != 2 || c.Changes[1].Label != "Kurzbeschreibung" || c.From.Version != 1 {
		t.Errorf("Compare = %+v, want Kommune and Kurzbeschreibung from v1", c.Changes)
	}
	if _, err := a.Compare(ctx, coord, e.Slug, 1, 3); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("Compare with missing version: err = %v, want ENOTFOUND", err)
	}
}

func TestWorkflow(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, coord := users(t, a)
	e, err := a.CreateEntry(ctx, member, newEntry(), "", true)
	if err != nil {
		t.Fatal(err)
	}
	q, err := a.ReviewQueue(ctx, coord, ReviewFilter{})
	if err != nil || q.Total != 1 || len(q.Items) != 1 || q.Items[0].Entry.Slug != e.Slug {
		t.Fatalf("review queue = %+v, %v; want the submitted entry", q, err)
	}
	if got, want := q.Items[0], (ReviewItem{Entry: q.Items[0].Entry, MunicipalityName: a.Names().MunicipalityName("07312000"),
		SubmittedBy: "Max Muster", Topics: []string{a.Names().TopicName("buergerbeteiligung")}}); !reflect.DeepEqual(got, want) {
		t.Errorf("review item = %+v, want %+v", got, want)
	}
	if _, err := a.ReviewQueue(ctx, member, ReviewFilter{}); wiki.ErrorCode(err) != wiki.EFORBIDDEN {
		t.Errorf("member opening review queue: %v, want EFORBIDDEN", err)
	}
	d, err := a.Dashboard(ctx, coord)
	if err != nil || d.Review != 1 || d.Changes != 0 || d.People != 2 || !d.Outbox ||
		d.Municipalities != len(a.Municipalities()) || d.Topics != len(a.Topics()) {
		t.Errorf("dashboard = %+v, %v; want 1 to review, 2 people, the outbox and the catalog's sizes", d, err)
	}
	if _, err := a.Dashboard(ctx, member); wiki.ErrorCode(err) != wiki.EFORBIDDEN {
		t.Errorf("member opening the dashboard: %v, want EFORBIDDEN", err)
	}
	if _, err := a.Transition(ctx, member, e.Slug, 0, wiki.StatePublished, ""); wiki.ErrorCode(err) != wiki.EFORBIDDEN {
		t.Errorf("member publishing: %v, want EFORBIDDEN", err)
	}
	if _, err := a.Transition(ctx, coord, e.Slug, 0, wiki.StateChangesRequested, " "); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("changes requested without comment: %v, want EINVALID", err)
	}
	e, err = a.Transition(ctx, coord, e.Slug, e.Version, wiki.StateChangesRequested, "Bitte Kosten ergänzen.")
	if err != nil || e.State != wiki.StateChangesRequested || e.StateComment != "Bitte Kosten ergänzen." {
		t.Fatalf("request changes: %+v, %v", e, err)
	}
	if _, err := a.Transition(ctx, coord, e.Slug, e.Version-1, wiki.StatePublished, ""); wiki.ErrorCode(err) != wiki.ECONFLICT {
		t.Errorf("decision on a stale version: %v, want ECONFLICT", err)
	}
	fix := e.Clone()
	fix.Costs = "ca. 12.000 €"
	if e, err = a.UpdateEntry(ctx, member, e.Slug, fix, "Kosten ergänzt"); err != nil {
		t.Fatal(err)
	}
	if e, err = a.Transition(ctx, member, e.Slug, e.Version, wiki.StateSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	if e, err = a.Transition(ctx, coord, e.Slug, e.Version, wiki.StatePublished, ""); err != nil || e.State != wiki.StatePublished {
		t.Fatalf("publish: %v", err)
	}
	if res, _ := a.Search(ctx, auth.Visitor, search.Query{Text: "Mängelmelder"}, false); res.Total != 1 {
		t.Errorf("visitor finds %d published public entries, want 1", res.Total)
	}

	// A member's edit of a published entry goes live and waits for a check.
	live := e.Clone()
	live.Summary = "Jetzt auch mit Fotos."
	if e, err = a.UpdateEntry(ctx, member, e.Slug, live, "Fotos"); err != nil {
		t.Fatal(err)
	}
	changes, total, err := a.RecentChanges(ctx, coord, 1)
	if err != nil || total != 1 || len(changes) != 1 || changes[0].Entry.Slug != e.Slug || len(changes[0].Changes) != 1 {
		t.Fatalf("recent changes = %d %+v, %v; want the edited entry with its one change", total, changes, err)
	}
	if _, err := a.MarkChecked(ctx, coord, e.Slug, e.Version); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := a.RecentChanges(ctx, coord, 1); total != 0 {
		t.Errorf("recent changes after check = %d, want 0", total)
	}
	if e, err = a.SetFeatured(ctx, coord, e.Slug, 0, true); err != nil || !e.Featured {
		t.Fatalf("feature: %v", err)
	}
	if res, _ := a.Search(ctx, auth.Visitor, search.Query{Featured: true}, false); res.Total != 1 {
		t.Errorf("featured entries = %d, want 1", res.Total)
	}
	if e, err = a.Transition(ctx, coord, e.Slug, 0, wiki.StateArchived, "veraltet"); err != nil || e.Featured {
		t.Fatalf("archive: %v, featured %v", err, e.Featured)
	}
	if res, _ := a.Search(ctx, member, search.Query{Text: "Mängelmelder"}, false); res.Total != 0 {
		t.Errorf("archived entry in default search: %d", res.Total)
	}
	if res, _ := a.Search(ctx, member, search.Query{Text: "Mängelmelder"}, true); res.Total != 1 {
		t.Errorf("archived entry with archive option: %d, want 1", res.Total)
	}
	if _, err := a.Entry(ctx, auth.Visitor, e.Slug); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("visitor reading archived entry: %v, want ENOTFOUND", err)
	}
	msgs, err := a.Outbox(coord, 10)
	if err != nil || len(msgs) < 3 {
		t.Fatalf("outbox: %d messages, %v; want submission and decision mails", len(msgs), err)
	}
	var toMember int
	for _, m := range msgs {
		if m.To == "max@beispiel-kommune.de" {
			toMember++
		}
	}
	if toMember != 3 { // changes requested, published, archived
		t.Errorf("mails to the submitter = %d, want 3", toMember)
	}
	log, err := a.AuditLog(ctx, coord, "", 100)
	if err != nil || len(log) < 6 {
		t.Errorf("audit log = %d events, %v", len(log), err)
	}
}

func TestCreateEntryInvalid(t *testing.T) {
	a, _ := openFixture(t)
	in := newEntry()
	in.Title = "  "
	in.Topics = []string{"gibt-es-nicht"}
	in.Municipality = "07999999"
	_, coord := users(t, a)
	_, err := a.CreateEntry(t.Context(), coord, in, "", false)
	if wiki.ErrorCode(err) != wiki.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	fields := wiki.FieldTexts(text.German, err)
	for _, f := range []string{"title", "topics", "municipality"} {
		if fields[f] == "" {
			t.Errorf("no message for field %q in %v", f, fields)
		}
	}
	res, _ := a.Search(t.Context(), everything, search.Query{}, true)
	if res.Total != 3 {
		t.Errorf("entries after invalid create = %d, want 3", res.Total)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, _ := users(t, a)
	e, err := a.CreateEntry(ctx, member, newEntry(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	e.Body += "\n\nNachtrag mit Umlauten: äöüß <b>fett</b>"
	if _, err := a.UpdateEntry(ctx, member, e.Slug, e, "Nachtrag"); err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	if err := a.Export(ctx, &first); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(first.String(), "\n"); n != 3+3+4 {
		t.Errorf("export has %d lines, want 10", n)
	}

	b, err := openLocal(ctx, Local{DataDir: t.TempDir()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := b.Import(ctx, bytes.NewReader(first.Bytes()), "Import")
	if err != nil {
		t.Fatalf("Import: %v %+v", err, res)
	}
	if res.Entries != 4 || res.Municipalities != 3 || res.Topics != 3 {
		t.Errorf("imported %+v, want 3 municipalities, 3 topics, 4 entries", res)
	}
	var second bytes.Buffer
	if err := b.Export(ctx, &second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("export after import differs:\nfirst:  %s\nsecond: %s", first.String(), second.String())
	}
	found, err := b.index.Search(ctx, search.Query{Text: "Nachtrag"})
	if err != nil || found.Total != 1 {
		t.Errorf("imported entry not searchable: %+v, %v", found, err)
	}
	// Importing the same file again conflicts on every entry and imports nothing.
	res, err = b.Import(ctx, bytes.NewReader(first.Bytes()), "Import")
	if wiki.ErrorCode(err) != wiki.EINVALID || len(res.Problems) != 4 {
		t.Errorf("second import: %v, problems %v; want EINVALID with 4 problems", err, res.Problems)
	}
}

// An import of more entries than one indexing step indexes all of them, and the index
// then reflects the store's sequence, so that the next start does not rebuild it.
func TestImportIndexesInSteps(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	a, err := openLocal(ctx, Local{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var file strings.Builder
	file.WriteString(`{"type":"municipality","municipality":{"ags":"07211000","name":"Trier"}}` + "\n")
	file.WriteString(`{"type":"topic","topic":{"slug":"klima-umwelt","name":"Klima & Umwelt"}}` + "\n")
	n := indexChunk*2 + 7
	for i := range n {
		fmt.Fprintf(&file, `{"type":"entry","entry":{"title":"Messstelle %d am Bach","kind":"guide","municipality":"07211000","summary":"Pegel.","topics":["klima-umwelt"],"project_status":"idea","visibility":"public"}}`+"\n", i)
	}
	if _, err := a.Import(ctx, strings.NewReader(file.String()), "Import"); err != nil {
		t.Fatal(err)
	}
	if r, err := a.index.Search(ctx, search.Query{Text: "Messstelle"}); err != nil || r.Total != uint64(n) {
		t.Errorf("found %+v, %v; want all %d entries", r, err, n)
	}
	if seq, err := a.index.Seq(); err != nil || seq != a.feed.Seq() {
		t.Errorf("index sequence %d (%v), store %d", seq, err, a.feed.Seq())
	}
	a.Close()
}

// suffixedSlug matches base with the random suffix added on a clash.
func suffixedSlug(base string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(base) + "-[0-9a-z]{6}$")
}

// A member of another municipality creating an entry titled like three hidden drafts
// must not learn from the slug how many there are.
func TestSlugTellsNothingOfHiddenEntries(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, _ := users(t, a)
	for range 3 {
		in := newEntry()
		in.Title, in.Visibility = "Geheime Planung", wiki.Internal
		if _, err := a.CreateEntry(ctx, member, in, "", false); err != nil {
			t.Fatal(err)
		}
	}
	u, err := a.CreateUser(ctx, auth.Visitor, NewUser{Email: "zora@zweibruecken.de", Name: "Zora", Role: wiki.RoleMember, Municipality: "07320000", Password: "Pegelstand-2024!"})
	if err != nil {
		t.Fatal(err)
	}
	other := auth.Viewer{User: u}
	in := newEntry()
	in.Title, in.Municipality = "Geheime Planung", "07320000"
	e, err := a.CreateEntry(ctx, other, in, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if !suffixedSlug("geheime-planung").MatchString(e.Slug) || strings.HasSuffix(e.Slug, "-4") {
		t.Errorf("slug %q, want geheime-planung-<random suffix>, not a count of hidden entries", e.Slug)
	}
}

// An import of many entries of one title gives each its own slug; when no slug can be
// found for one, the import is refused as a whole before anything is written.
func TestImportManyOfOneTitle(t *testing.T) {
	ctx := t.Context()
	a, err := openLocal(ctx, Local{DataDir: t.TempDir()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	header := `{"type":"municipality","municipality":{"ags":"07211000","name":"Trier"}}` + "\n" +
		`{"type":"topic","topic":{"slug":"klima-umwelt","name":"Klima & Umwelt"}}` + "\n"
	entries := func(n int) string {
		var b strings.Builder
		b.WriteString(header)
		for range n {
			b.WriteString(`{"type":"entry","entry":{"title":"Gleicher Titel","slug":"frei-gewaehlt","kind":"guide","municipality":"07211000","summary":"x","topics":["klima-umwelt"],"project_status":"idea","visibility":"public"}}` + "\n")
		}
		return b.String()
	}
	if _, err := a.Import(ctx, strings.NewReader(entries(3)), "Import"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(ctx, strings.NewReader(entries(60)), "Import"); err != nil {
		t.Fatalf("import of 60 entries of one title: %v", err)
	}
	slugs := map[string]bool{}
	err = a.stores.Entries.ScanEntries(ctx, func(e *wiki.Entry) error {
		if e.Slug != "gleicher-titel" && !suffixedSlug("gleicher-titel").MatchString(e.Slug) {
			t.Errorf("slug %q, want gleicher-titel or gleicher-titel-<suffix>", e.Slug)
		}
		slugs[e.Slug] = true
		return nil
	})
	if err != nil || len(slugs) != 63 {
		t.Fatalf("%d distinct slugs (%v), want 63", len(slugs), err)
	}

	// A suffix source that keeps repeating itself runs out of slugs after one more entry.
	a.slugSuffix = func() string { return "abcdef" }
	res, err := a.Import(ctx, strings.NewReader(entries(2)), "Import")
	if wiki.ErrorCode(err) != wiki.EINVALID || len(res.Problems) != 1 || res.Problems[0].Line != 4 ||
		!strings.Contains(res.Problems[0].Message, "Kurzadresse") {
		t.Fatalf("err = %v, problems %v; want EINVALID and line 4", err, res.Problems)
	}
	if r, _ := a.Search(ctx, everything, search.Query{Text: "Gleicher Titel"}, true); r.Total != 63 {
		t.Errorf("entries = %d, want 63 (nothing half-imported)", r.Total)
	}
}

func TestImportRejectsWholeFile(t *testing.T) {
	a, _ := openFixture(t)
	file := strings.Join([]string{
		`{"type":"municipality","municipality":{"ags":"07211000","name":"Trier","type":"Kreisfreie Stadt","slug":"trier"}}`,
		`{"type":"entry","entry":{"title":"Gute Zeile für Trier","kind":"guide","municipality":"07211000","summary":"Passt.","topics":["klima-umwelt"],"project_status":"idea","visibility":"public"}}`,
		``,
		`{"type":"entry","entry":{"title":"Unbekannte Kommune","kind":"guide","municipality":"07000001","summary":"x","topics":["klima-umwelt"],"project_status":"idea","visibility":"public"}}`,
		`{"type":"entry","entry":{"title":"Unbekanntes Thema","kind":"guide","municipality":"07211000","summary":"x","topics":["raumfahrt"],"project_status":"idea","visibility":"public"}}`,
		`kein json`,
		`{"type":"user","user":{}}`,
	}, "\n")
	res, err := a.Import(t.Context(), strings.NewReader(file), "Import")
	if wiki.ErrorCode(err) != wiki.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	var lines []int
	for _, p := range res.Problems {
		lines = append(lines, p.Line)
	}
	if want := []int{4, 5, 6, 7}; !equalInts(lines, want) {
		t.Errorf("problem lines = %v, want %v (%v)", lines, want, res.Problems)
	}
	if _, err := a.Municipality("07211000"); err == nil {
		t.Error("municipality of a rejected file was stored")
	}
	if r, _ := a.Search(t.Context(), everything, search.Query{}, true); r.Total != 3 {
		t.Errorf("entries = %d, want 3 (nothing imported)", r.Total)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestIndexRebuiltWhenMissing(t *testing.T) {
	a, dir := openFixture(t)
	_, coord := users(t, a)
	if _, err := a.CreateEntry(t.Context(), coord, newEntry(), "", false); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	b, err := openLocal(context.Background(), Local{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	res, err := b.index.Search(t.Context(), search.Query{Text: "Mängelmelder"})
	if err != nil || res.Total != 1 {
		t.Errorf("after index loss: %+v, %v; want the entry found", res, err)
	}
}

func TestIndexOnWriteWithoutFeed(t *testing.T) {
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	a := New(st.Stores(), ix, Options{IndexOnWrite: true})
	if _, err := a.Import(t.Context(), fixture(t)(), "Import"); err != nil {
		t.Fatal(err)
	}
	_, coord := users(t, a)
	if _, err := a.CreateEntry(t.Context(), coord, newEntry(), "", false); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(t.Context(), search.Query{})
	if err != nil || res.Total != 4 {
		t.Errorf("index after import and create without a feed: %d entries, %v; want 4", res.Total, err)
	}
}

// A title without Latin letters gets a slug made from the entry's id; invisible characters
// are refused at the title.
func TestCreateEntryAnyScript(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, _ := users(t, a)
	in := newEntry()
	in.Title = "日本語のタイトル"
	e, err := a.CreateEntry(ctx, member, in, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if want := "eintrag-" + strings.ToLower(e.ID); e.Slug != want || !wiki.ValidSlug(e.Slug) {
		t.Errorf("slug = %q, want %q", e.Slug, want)
	}
	if got, err := a.Entry(ctx, member, e.Slug); err != nil || got.Title != in.Title {
		t.Errorf("Entry(%q) = %v, %v", e.Slug, got, err)
	}
	in.Title = "Mängel\u202emelder"
	if _, err := a.CreateEntry(ctx, member, in, "", false); !strings.Contains(wiki.FieldTexts(text.German, err)["title"], "unsichtbare Steuerzeichen") {
		t.Errorf("title with U+202E: err = %v, want a message at the title", err)
	}
}
