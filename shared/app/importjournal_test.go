package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/oklog/ulid/v2"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/store/storetest"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// errInjected is the failure of a write that faults injects.
var errInjected = errors.New("injected fault")

// faults makes the k-th write of municipalities, topics and entries fail (0: none). With
// after set, a failing municipality or topic put is stored all the same, as a put whose
// answer was lost. With failDelete set, every DeleteEntry fails.
type faults struct {
	mu         sync.Mutex
	n, k       int
	after      bool
	failDelete bool
	before     func(n int) // called before the n-th write, if set
}

// arm counts writes from now on and makes the k-th fail.
func (f *faults) arm(k int, after, failDelete bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n, f.k, f.after, f.failDelete = 0, k, after, failDelete
}

// hit counts a write and reports whether it is to fail.
func (f *faults) hit() bool {
	f.mu.Lock()
	f.n++
	n, before := f.n, f.before
	f.mu.Unlock()
	if before != nil {
		before(n)
	}
	return n == f.k
}

func (f *faults) writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// injectFaults puts faults between a and its stores.
func injectFaults(a *App) *faults {
	f := &faults{}
	a.stores.Entries = faultyEntries{a.stores.Entries, f}
	a.stores.Municipalities = faultyMunicipalities{a.stores.Municipalities, f}
	a.stores.Topics = faultyTopics{a.stores.Topics, f}
	return f
}

type faultyEntries struct {
	store.Entries
	f *faults
}

func (s faultyEntries) CreateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error {
	if s.f.hit() {
		return errInjected
	}
	return s.Entries.CreateEntry(ctx, e, rev)
}

func (s faultyEntries) RestoreEntry(ctx context.Context, e *wiki.Entry, revs []wiki.Revision) error {
	if s.f.hit() {
		return errInjected
	}
	return s.Entries.RestoreEntry(ctx, e, revs)
}

func (s faultyEntries) DeleteEntry(ctx context.Context, id string, version int) error {
	s.f.mu.Lock()
	fail := s.f.failDelete
	s.f.mu.Unlock()
	if fail {
		return errInjected
	}
	return s.Entries.DeleteEntry(ctx, id, version)
}

// The port is a named field, as the port's name is also one of its methods.
type faultyMunicipalities struct {
	inner store.Municipalities
	f     *faults
}

func (s faultyMunicipalities) PutMunicipality(ctx context.Context, m *wiki.Municipality) error {
	if s.f.hit() {
		if s.f.after {
			if err := s.inner.PutMunicipality(ctx, m); err != nil {
				return err
			}
		}
		return errInjected
	}
	return s.inner.PutMunicipality(ctx, m)
}

func (s faultyMunicipalities) Municipality(ctx context.Context, ags string) (*wiki.Municipality, error) {
	return s.inner.Municipality(ctx, ags)
}

func (s faultyMunicipalities) Municipalities(ctx context.Context) ([]wiki.Municipality, error) {
	return s.inner.Municipalities(ctx)
}

func (s faultyMunicipalities) DeleteMunicipality(ctx context.Context, ags string) error {
	return s.inner.DeleteMunicipality(ctx, ags)
}

type faultyTopics struct {
	inner store.Topics
	f     *faults
}

func (s faultyTopics) PutTopic(ctx context.Context, t *wiki.Topic) error {
	if s.f.hit() {
		if s.f.after {
			if err := s.inner.PutTopic(ctx, t); err != nil {
				return err
			}
		}
		return errInjected
	}
	return s.inner.PutTopic(ctx, t)
}

func (s faultyTopics) Topic(ctx context.Context, slug string) (*wiki.Topic, error) {
	return s.inner.Topic(ctx, slug)
}

func (s faultyTopics) Topics(ctx context.Context) ([]wiki.Topic, error) { return s.inner.Topics(ctx) }

func (s faultyTopics) DeleteTopic(ctx context.Context, slug string) error {
	return s.inner.DeleteTopic(ctx, slug)
}

// importBackends open an App on a fresh, empty store of each backend.
var importBackends = []struct {
	name string
	open func(t *testing.T) *App
}{
	{"embedded", func(t *testing.T) *App {
		a, err := openLocal(t.Context(), Local{DataDir: t.TempDir()}, Options{Now: func() time.Time { return fixedNow }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}},
	{"dynalite", func(t *testing.T) *App {
		endpoint := os.Getenv("WISSENSNETZ_TEST_DYNAMODB")
		if endpoint == "" {
			msg := `stand-ins not running: eval "$(bash infra/standins.sh)"`
			if os.Getenv("WISSENSNETZ_REQUIRE_STANDINS") == "1" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		db := dynamodb.New(dynamodb.Options{Region: "eu-central-1", BaseEndpoint: aws.String(endpoint),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
		name := fmt.Sprintf("wissensnetz-import-%d", time.Now().UnixNano())
		ds := dynamo.New(db, name, nil)
		if err := ds.CreateTable(t.Context()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
		})
		// Files go to a folder: on AWS they go to S3, which this test does not need.
		folder, err := embedded.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { folder.Close() })
		stores := ds.Stores()
		stores.Blobs = folder.Stores().Blobs
		return New(stores, newMemoryIndex(t), Options{IndexOnWrite: true, Now: func() time.Time { return fixedNow }})
	}},
}

// importBase is what the store holds before the import: an older version of a
// municipality and of a topic that the file brings too, and an entry of its own.
const importBase = `{"type":"municipality","municipality":{"ags":"07312000","name":"Stadt Kaiserslautern","type":"Stadt","slug":"kaiserslautern"}}
{"type":"topic","topic":{"slug":"klima-umwelt","name":"Klima","description":"Alte Beschreibung."}}
{"type":"entry","entry":{"title":"Hitzeaktionsplan","kind":"solution","municipality":"07312000","summary":"Ein Plan für heiße Tage.","body":"## Lösung\n\nEin Plan.","topics":["klima-umwelt"],"project_status":"running","visibility":"public"}}
`

// importFile returns a file of 3 municipalities, 3 topics, 3 entries with their history
// (an export of the fixture) and 3 new entries (the fixture's, once more): 12 writes.
func importFile(t *testing.T) []byte {
	t.Helper()
	src, _ := openFixture(t)
	var file bytes.Buffer
	if err := src.Export(t.Context(), &file); err != nil {
		t.Fatal(err)
	}
	fix, err := io.ReadAll(fixture(t)())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.SplitAfter(string(fix), "\n") {
		if strings.Contains(line, `"type":"entry"`) {
			file.WriteString(line)
		}
	}
	return file.Bytes()
}

func export(t *testing.T, a *App) string {
	t.Helper()
	var b bytes.Buffer
	if err := a.Export(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func indexed(t *testing.T, a *App) uint64 {
	t.Helper()
	res, err := a.index.Search(t.Context(), search.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// TestImportAllOrNothing: whichever write of an import fails, the store is left exactly
// as before (the same export, byte for byte), the index holds no imported entry, and the
// same file then imports.
func TestImportAllOrNothing(t *testing.T) {
	file := importFile(t)
	const writes = 12
	cases := []struct {
		name  string
		k     int
		after bool
	}{
		{"first municipality", 1, false},
		{"replaced municipality stored before the failure", 1, true},
		{"last municipality", 3, false},
		{"new topic stored before the failure", 4, true},
		{"replaced topic stored before the failure", 5, true},
		{"replaced topic", 5, false},
		{"last topic", 6, false},
		{"first restored entry", 7, false},
		{"last restored entry", 9, false},
		{"first new entry", 10, false},
		{"last write", writes, false},
	}
	for _, b := range importBackends {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					ctx := t.Context()
					a := b.open(t)
					f := injectFaults(a)
					if _, err := a.Import(ctx, strings.NewReader(importBase), "Import"); err != nil {
						t.Fatalf("base import: %v", err)
					}
					before := export(t, a)

					f.arm(tc.k, tc.after, false)
					res, err := a.Import(ctx, bytes.NewReader(file), "Import")
					if err == nil {
						t.Fatalf("Import with write %d failing: no error", tc.k)
					}
					if !errors.Is(err, errInjected) {
						t.Errorf("error %v does not wrap the injected fault", err)
					}
					if !res.Undone || len(res.Left) > 0 {
						t.Errorf("Undone = %v, Left = %v; want everything taken back", res.Undone, res.Left)
					}
					if res.Entries != 0 {
						t.Errorf("result counts %d entries after a taken-back import, want 0", res.Entries)
					}
					var we *wiki.Error
					if !errors.As(err, &we) || !strings.HasPrefix(text.German.Render(we.Message), "Import abgebrochen, nichts übernommen") {
						t.Errorf("message %q, want one that says nothing was kept", text.German.Render(we.Message))
					}
					if after := export(t, a); after != before {
						t.Errorf("store after the taken-back import differs:\nbefore: %s\nafter:  %s", before, after)
					}
					if n := indexed(t, a); n != 1 {
						t.Errorf("index holds %d entries after the taken-back import, want 1 (the base entry)", n)
					}

					f.arm(0, false, false)
					res, err = a.Import(ctx, bytes.NewReader(file), "Import")
					if err != nil {
						t.Fatalf("retry: %v %+v", err, res)
					}
					if got := f.writes(); got != writes {
						t.Errorf("retry made %d writes, want %d", got, writes)
					}
					if res.Entries != 6 {
						t.Errorf("retry imported %d entries, want 6", res.Entries)
					}
					if n := indexed(t, a); n != 7 {
						t.Errorf("index holds %d entries after the retry, want 7", n)
					}
				})
			}
		})
	}
}

// TestImportUndoFails: when the undo fails too, the error says so and lists what is left.
func TestImportUndoFails(t *testing.T) {
	file := importFile(t)
	for _, b := range importBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			a := b.open(t)
			f := injectFaults(a)
			if _, err := a.Import(ctx, strings.NewReader(importBase), "Import"); err != nil {
				t.Fatalf("base import: %v", err)
			}
			f.arm(10, false, true) // the first new entry fails, and so does every removal
			res, err := a.Import(ctx, bytes.NewReader(file), "Import")
			if err == nil {
				t.Fatal("Import: no error")
			}
			if res.Undone {
				t.Error("Undone = true after a failed undo")
			}
			// 3 restored entries stay, and with them the 3 municipalities and 3 topics.
			if len(res.Left) != 9 {
				t.Errorf("Left = %d items %q, want 9", len(res.Left), res.Left)
			}
			var we *wiki.Error
			if !errors.As(err, &we) || strings.Contains(text.German.Render(we.Message), "nichts übernommen") || !strings.Contains(text.German.Render(we.Message), "Noch gespeichert sind 9 Datensätze") {
				t.Errorf("message %q, want one that lists what is left", text.German.Render(we.Message))
			}
			if n := indexed(t, a); n != 4 {
				t.Errorf("index holds %d entries, want 4: the base entry and the 3 that stayed", n)
			}
		})
	}
}

// TestImportConflictInBetween: an entry written by someone else between the check and the
// write takes the slug of an entry of the file. The import stops with a conflict, takes
// back what it wrote and leaves the other entry alone.
func TestImportConflictInBetween(t *testing.T) {
	file := importFile(t)
	var slug string // of the second entry with history, the 8th write
	for i, line := range strings.Split(string(file), "\n") {
		if i == 7 {
			var rec Record
			if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Entry == nil || len(rec.Revisions) == 0 {
				t.Fatalf("line 8 of the file is not an entry with history: %v", err)
			}
			slug = rec.Entry.Slug
		}
	}
	for _, b := range importBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			a := b.open(t)
			raw := a.stores
			f := injectFaults(a)
			if _, err := a.Import(ctx, strings.NewReader(importBase), "Import"); err != nil {
				t.Fatalf("base import: %v", err)
			}
			before := export(t, a)

			other := storetest.NewEntry(ulid.Make().String(), slug)
			f.arm(0, false, false)
			f.before = func(n int) {
				if n == 8 {
					rev := &wiki.Revision{Author: "Jemand anderes", At: other.CreatedAt, Comment: "Erste Fassung"}
					if err := raw.Entries.CreateEntry(ctx, other.Clone(), rev); err != nil {
						t.Errorf("the other writer's CreateEntry: %v", err)
					}
				}
			}
			res, err := a.Import(ctx, bytes.NewReader(file), "Import")
			if wiki.ErrorCode(err) != wiki.ECONFLICT {
				t.Fatalf("Import: %v, want ECONFLICT", err)
			}
			if msg := wiki.ErrorText(text.German, err); !strings.HasPrefix(msg, "Import abgebrochen, nichts übernommen") || !strings.Contains(msg, "Kurzadresse") {
				t.Errorf("message %q, want nothing kept and the taken slug", msg)
			}
			if !res.Undone {
				t.Errorf("Undone = false, Left = %v", res.Left)
			}
			if _, err := raw.Entries.Entry(ctx, other.ID); err != nil {
				t.Errorf("the other writer's entry: %v", err)
			}
			if err := raw.Entries.DeleteEntry(ctx, other.ID, 1); err != nil {
				t.Fatal(err)
			}
			if after := export(t, a); after != before {
				t.Errorf("store after the taken-back import differs:\nbefore: %s\nafter:  %s", before, after)
			}
		})
	}
}

// TestImportCancelled: an import cancelled half-way (an operator's Ctrl-C) is taken back
// all the same.
func TestImportCancelled(t *testing.T) {
	file := importFile(t)
	for _, b := range importBackends {
		t.Run(b.name, func(t *testing.T) {
			a := b.open(t)
			f := injectFaults(a)
			if _, err := a.Import(t.Context(), strings.NewReader(importBase), "Import"); err != nil {
				t.Fatalf("base import: %v", err)
			}
			before := export(t, a)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			f.arm(0, false, false)
			f.before = func(n int) {
				if n == 8 {
					cancel()
				}
			}
			res, err := a.Import(ctx, bytes.NewReader(file), "Import")
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Import: %v, want it to stop for the cancellation", err)
			}
			if !res.Undone {
				t.Errorf("Undone = false, Left = %v", res.Left)
			}
			if after := export(t, a); after != before {
				t.Errorf("store after the cancelled import differs:\nbefore: %s\nafter:  %s", before, after)
			}
			if n := indexed(t, a); n != 1 {
				t.Errorf("index holds %d entries after the cancelled import, want 1", n)
			}
		})
	}
}
