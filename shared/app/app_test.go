package app

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
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

// openNow opens a local app with the fixture and the wall clock, which the stores use to
// expire links and sessions.
func openNow(t *testing.T) *App {
	t.Helper()
	a, err := openLocal(t.Context(), Local{DataDir: t.TempDir(), Demo: fixture(t), DemoAuthor: wiki.DemoAuthor}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
