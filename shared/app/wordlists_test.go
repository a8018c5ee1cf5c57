package app

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// syncBuffer is a log destination that tests read while the app writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// take returns what was logged since the last call.
func (b *syncBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

// openLogged is openFixture with the app's log kept.
func openLogged(t *testing.T, dir string) (*App, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	a, err := openLocal(t.Context(), Local{DataDir: dir, Demo: fixture(t), DemoAuthor: wiki.DemoAuthor},
		Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("openLocal: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a, logs
}

// found returns the slugs of the entries a search for text finds, for a coordinator.
func found(t *testing.T, a *App, text string) []string {
	t.Helper()
	res, err := a.Search(t.Context(), everything, search.Query{Text: text}, true)
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	var slugs []string
	for _, h := range res.Hits {
		slugs = append(slugs, h.Slug)
	}
	slices.Sort(slugs)
	return slugs
}

const (
	pegelSlug  = "lorawan-sensornetz-fuer-pegelstaende"
	bodenSlug  = "bodenfeuchte-fuer-stadtbaeume"
	rebuiltLog = "search index rebuilt for new protected words"
)

func TestSaveWordListsSynonymWithoutReindex(t *testing.T) {
	a, logs := openLogged(t, t.TempDir())
	_, coord := users(t, a)
	if got := found(t, a, "Monitoring"); len(got) != 0 {
		t.Fatalf("Search(Monitoring) before = %v, want nothing", got)
	}
	logs.take()
	saved, err := a.SaveWordLists(t.Context(), coord, wiki.WordLists{Synonyms: "# Sensorik\r\nMonitoring = Sensornetz\r\n"}, 0)
	if err != nil {
		t.Fatalf("SaveWordLists: %v", err)
	}
	if saved.Version != 1 || saved.UpdatedBy != "Karla Koordination" || !saved.UpdatedAt.Equal(fixedNow) || saved.Synonyms != "# Sensorik\nMonitoring = Sensornetz" {
		t.Errorf("saved = %+v, want version 1 by Karla Koordination at %v with normalised line ends", saved, fixedNow)
	}
	if got, want := found(t, a, "Monitoring"), []string{pegelSlug}; !slices.Equal(got, want) {
		t.Errorf("Search(Monitoring) after saving the synonym = %v, want %v", got, want)
	}
	if l := logs.take(); strings.Contains(l, rebuiltLog) || strings.Contains(l, "rebuilding search index") {
		t.Errorf("a new synonym rebuilt the index; log:\n%s", l)
	}
	events, err := a.AuditLog(t.Context(), coord, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(events, func(ev wiki.AuditEvent) bool { return ev.Action == "searchwords.changed" })
	if i < 0 || events[i].Target != "Version 1" || events[i].Name != "Karla Koordination" ||
		events[i].Detail != "Synonyme: 1 neu, 0 entfernt; geschützte Wörter: 0 neu, 0 entfernt" {
		t.Errorf("audit log = %+v, want searchwords.changed of version 1 by Karla Koordination with one synonym line added", events)
	}

	// Saving the same lists again stores nothing.
	again, err := a.SaveWordLists(t.Context(), coord, wiki.WordLists{Synonyms: "# Sensorik\nMonitoring = Sensornetz  \n\n"}, 1)
	if err != nil || again.Version != 1 {
		t.Errorf("SaveWordLists unchanged = %+v, %v; want version 1 kept", again, err)
	}
}

func TestSaveWordListsProtectedWordStopsSplit(t *testing.T) {
	dir := t.TempDir()
	a, logs := openLogged(t, dir)
	_, coord := users(t, a)
	if got := found(t, a, "Feuchte"); !slices.Contains(got, bodenSlug) {
		t.Fatalf("Search(Feuchte) before = %v, want %s (a part of Bodenfeuchte)", got, bodenSlug)
	}
	logs.take()
	if _, err := a.SaveWordLists(t.Context(), coord, wiki.WordLists{Protected: "# nicht zerlegen\nBodenfeuchte"}, 0); err != nil {
		t.Fatalf("SaveWordLists: %v", err)
	}
	if !strings.Contains(logs.take(), rebuiltLog) {
		t.Error("a new protected word did not rebuild the index")
	}
	if got := found(t, a, "Feuchte"); slices.Contains(got, bodenSlug) {
		t.Errorf("Search(Feuchte) after protecting Bodenfeuchte = %v, want it without %s", got, bodenSlug)
	}
	if got := found(t, a, "Bodenfeuchte"); !slices.Contains(got, bodenSlug) {
		t.Errorf("Search(Bodenfeuchte) = %v, want %s", got, bodenSlug)
	}
	// Municipality names stay protected besides the coordinators' words.
	if got := found(t, a, "Brücken"); len(got) != 0 {
		t.Errorf("Search(Brücken) = %v, want nothing: Zweibrücken is not split", got)
	}

	// A restart finds the index built with these words: no rebuild.
	a.Close()
	b, logs := openLogged(t, dir)
	if l := logs.take(); strings.Contains(l, "rebuilding search index") {
		t.Errorf("restart rebuilt the index; log:\n%s", l)
	}
	if got := found(t, b, "Feuchte"); slices.Contains(got, bodenSlug) {
		t.Errorf("Search(Feuchte) after restart = %v, want it without %s", got, bodenSlug)
	}

	// Taking the word out splits it again.
	if _, err := b.SaveWordLists(t.Context(), coord, wiki.WordLists{}, 1); err != nil {
		t.Fatal(err)
	}
	if got := found(t, b, "Feuchte"); !slices.Contains(got, bodenSlug) {
		t.Errorf("Search(Feuchte) after removing the word = %v, want %s", got, bodenSlug)
	}
}

func TestWordListsOnlyCoordinators(t *testing.T) {
	a, _ := openFixture(t)
	member, _ := users(t, a)
	for _, tt := range []struct {
		name string
		v    auth.Viewer
		want wiki.Code
	}{{"member", member, wiki.EFORBIDDEN}, {"visitor", auth.Visitor, wiki.EUNAUTHORIZED}} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := a.WordLists(t.Context(), tt.v); wiki.ErrorCode(err) != tt.want {
				t.Errorf("WordLists: got %v, want %s", err, tt.want)
			}
			if _, err := a.SaveWordLists(t.Context(), tt.v, wiki.WordLists{Synonyms: "Monitoring = Sensornetz"}, 0); wiki.ErrorCode(err) != tt.want {
				t.Errorf("SaveWordLists: got %v, want %s", err, tt.want)
			}
		})
	}
	if w, err := a.stores.WordLists.WordLists(t.Context()); err != nil || w.Version != 0 {
		t.Errorf("stored after refused saves: %+v, %v; want nothing", w, err)
	}
	if got := found(t, a, "Monitoring"); len(got) != 0 {
		t.Errorf("Search(Monitoring) = %v, want nothing", got)
	}
}

func TestSaveWordListsInvalid(t *testing.T) {
	a, _ := openFixture(t)
	_, coord := users(t, a)
	tests := []struct {
		name       string
		lists      wiki.WordLists
		field      string
		wantInMsgs []string
	}{
		{"group of one", wiki.WordLists{Synonyms: "OZG = Onlinezugangsgesetz\n\nNahverkehr"}, "synonyms", []string{"Zeile 3:", "mindestens zwei Begriffe"}},
		{"empty member", wiki.WordLists{Synonyms: "# Kommentar\nKI = = AI"}, "synonyms", []string{"Zeile 2:", "fehlt ein Begriff"}},
		{"several faulty lines", wiki.WordLists{Synonyms: "A\nB = C\nD\nE"}, "synonyms", []string{"Zeile 1:", "Auch diese Zeilen sind fehlerhaft: 3, 4."}},
		{"stop words only", wiki.WordLists{Synonyms: "KI = AI\ndie = der = Artikel"}, "synonyms", []string{"Zeile 2:", "„die“", "Füllwörtern"}},
		{"two words protected", wiki.WordLists{Protected: "Kaiserslautern\nBad Kreuznach"}, "protected", []string{"Zeile 2:", "ein Wort je Zeile"}},
		{"punctuation", wiki.WordLists{Protected: "Straße;"}, "protected", []string{"Zeile 1:", "Bindestriche"}},
		{"too many lines", wiki.WordLists{Protected: strings.Repeat("Wort\n", wiki.MaxProtectedLines+1)}, "protected", []string{"höchstens 1000 Zeilen"}},
		{"too long", wiki.WordLists{Synonyms: strings.Repeat("a", wiki.MaxWordListChars+1)}, "synonyms", []string{"höchstens 20000 Zeichen"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.SaveWordLists(t.Context(), coord, tt.lists, 0)
			if wiki.ErrorCode(err) != wiki.EINVALID {
				t.Fatalf("SaveWordLists: got %v, want EINVALID", err)
			}
			msg := wiki.FieldTexts(text.German, err)[tt.field]
			for _, want := range tt.wantInMsgs {
				if !strings.Contains(msg, want) {
					t.Errorf("message at %s = %q, want it to contain %q", tt.field, msg, want)
				}
			}
		})
	}
	if w, err := a.WordLists(t.Context(), coord); err != nil || w.Version != 0 {
		t.Errorf("stored after invalid saves: %+v, %v; want nothing", w, err)
	}
}

func TestSaveWordListsConflict(t *testing.T) {
	a, _ := openFixture(t)
	_, coord := users(t, a)
	if _, err := a.SaveWordLists(t.Context(), coord, wiki.WordLists{Synonyms: "Monitoring = Sensornetz"}, 0); err != nil {
		t.Fatal(err)
	}
	_, err := a.SaveWordLists(t.Context(), coord, wiki.WordLists{Synonyms: "Messnetz = Sensornetz"}, 0)
	if wiki.ErrorCode(err) != wiki.ECONFLICT || !strings.Contains(wiki.ErrorText(text.German, err), "Karla Koordination") {
		t.Fatalf("save on version 0 after version 1: got %v, want ECONFLICT naming who saved", err)
	}
	w, err := a.WordLists(t.Context(), coord)
	if err != nil || w.Version != 1 || w.Synonyms != "Monitoring = Sensornetz" {
		t.Errorf("stored = %+v, %v; want version 1 unchanged", w, err)
	}
	if got := found(t, a, "Messnetz"); slices.Contains(got, pegelSlug) {
		t.Errorf("Search(Messnetz) = %v: the refused synonym is in use", got)
	}
}

// fakeClock is a clock tests move forward.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestWordListsReachOtherInstances runs two apps as on AWS (Start: no change feed, each
// with its own index, following one change log) on one store: the synonyms a coordinator
// saves through one are used by the other at its next search.
func TestWordListsReachOtherInstances(t *testing.T) {
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	changes := &memLog{}
	stores := logged(st.Stores(), changes)
	loader := New(stores, newMemoryIndex(t), Options{})
	if _, err := loader.Import(t.Context(), fixture(t)(), "Import"); err != nil {
		t.Fatal(err)
	}
	start := func() *App {
		a, err := Start(t.Context(), stores, Cloud{Log: changes}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
	one, two := start(), start()
	if !one.WordListsRebuiltElsewhere() {
		t.Error("WordListsRebuiltElsewhere() = false on AWS")
	}
	_, coord := users(t, one)
	if _, err := one.SaveWordLists(t.Context(), coord, wiki.WordLists{Synonyms: "Monitoring = Sensornetz", Protected: "Bodenfeuchte"}, 0); err != nil {
		t.Fatal(err)
	}
	if got := found(t, one, "Monitoring"); !slices.Equal(got, []string{pegelSlug}) {
		t.Errorf("instance one: Search(Monitoring) = %v, want %s at once", got, pegelSlug)
	}
	if got := found(t, two, "Monitoring"); !slices.Equal(got, []string{pegelSlug}) {
		t.Errorf("instance two: Search(Monitoring) = %v, want %s at its next search", got, pegelSlug)
	}
}

func newMemoryIndex(t *testing.T) *search.Index {
	t.Helper()
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestImportProtectsMunicipalityNames: municipalities that come with an import are
// protected like those created one by one.
func TestImportProtectsMunicipalityNames(t *testing.T) {
	a, _ := openFixture(t)
	jsonl := `{"type":"municipality","municipality":{"ags":"07339005","name":"Bodenheim","type":"Verbandsgemeinde","slug":"bodenheim"}}
{"type":"entry","entry":{"title":"Ratsinformationssystem","kind":"solution","municipality":"07339005","summary":"Die Verbandsgemeinde Bodenheim stellt Sitzungen online.","body":"In Bodenheim seit 2022.","topics":["buergerbeteiligung"],"project_status":"running","visibility":"public","state":"published"}}
`
	if _, err := a.Import(t.Context(), strings.NewReader(jsonl), "Import"); err != nil {
		t.Fatal(err)
	}
	if got := found(t, a, "Bodenheim"); !slices.Equal(got, []string{"ratsinformationssystem"}) {
		t.Errorf("Search(Bodenheim) = %v, want ratsinformationssystem", got)
	}
	if got := found(t, a, "Heim"); slices.Contains(got, "ratsinformationssystem") {
		t.Errorf("Search(Heim) = %v: the imported name Bodenheim was split", got)
	}
}

// TestNewMunicipalityProtectsName: a municipality created by a coordinator is protected at
// once; entries written before that are analysed anew.
func TestNewMunicipalityProtectsName(t *testing.T) {
	a, _ := openFixture(t)
	_, coord := users(t, a)
	jsonl := `{"type":"entry","entry":{"title":"Ratsinformationssystem","kind":"solution","municipality":"07312000","summary":"Nach dem Vorbild von Bodenheim.","body":"Mehr folgt.","topics":["buergerbeteiligung"],"project_status":"running","visibility":"public","state":"published"}}
`
	if _, err := a.Import(t.Context(), strings.NewReader(jsonl), "Import"); err != nil {
		t.Fatal(err)
	}
	if got := found(t, a, "Heim"); !slices.Contains(got, "ratsinformationssystem") {
		t.Fatalf("Search(Heim) before = %v, want ratsinformationssystem (Bodenheim is not protected yet)", got)
	}
	if _, err := a.SaveMunicipality(t.Context(), coord, wiki.Municipality{AGS: "07339005", Name: "Bodenheim", Type: "Verbandsgemeinde"}, true); err != nil {
		t.Fatal(err)
	}
	if got := found(t, a, "Heim"); slices.Contains(got, "ratsinformationssystem") {
		t.Errorf("Search(Heim) after creating the municipality = %v: Bodenheim is still split", got)
	}
}
