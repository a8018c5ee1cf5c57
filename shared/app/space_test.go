package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// smallDisk returns a folder on a file system of its own with size bytes (tmpfs), unmounted
// when the test ends. Mounting needs root; the test script runs as root in CI and sets
// WISSENSNETZ_REQUIRE_TMPFS=1 when it could mount one, which makes a failure to mount fail
// the test instead of skipping it.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		msg := fmt.Sprintf("no small file system to fill (mount tmpfs: %v %s)", err, out)
		if os.Getenv("WISSENSNETZ_REQUIRE_TMPFS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file into dir until the file system is full, as another program would,
// and returns a function that removes it again.
func fill(t *testing.T, dir string) (free func()) {
	t.Helper()
	name := filepath.Join(dir, "anderes-programm.bin")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	return func() {
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
	}
}

// bigEntry is an entry of about 60 KB of text.
func bigEntry(i int) *wiki.Entry {
	e := newEntry()
	e.Title = fmt.Sprintf("Großer Bericht Nummer %d", i)
	e.Body = strings.Repeat(fmt.Sprintf("Abschnitt%d über Verwaltung, Digitalisierung und Bürgerbeteiligung. ", i), 900)
	return e
}

// consistent fails the test unless the index holds exactly the entries of the store.
func consistent(t *testing.T, a *App) {
	t.Helper()
	var stored uint64
	if err := a.stores.Entries.ScanEntries(t.Context(), func(*wiki.Entry) error { stored++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n, err := a.index.Count(); err != nil || n != stored {
		t.Errorf("index holds %d entries (%v), the store %d", n, err, stored)
	}
}

func isFull(err error) bool { return wiki.ErrorCode(err) == wiki.EFULL }

// A disk that runs full under a running installation: content writes are refused with
// EFULL before they start, nothing is half stored, reading and searching go on, and when
// space comes back writes are taken again, without a restart.
func TestFullDiskRefusesWritesAndRecovers(t *testing.T) {
	dir := smallDisk(t, 8<<20)
	a, err := openLocal(t.Context(), Local{DataDir: dir, Demo: fixture(t), DemoAuthor: wiki.DemoAuthor, MinFree: 1 << 20}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	member, coordinator := users(t, a)
	ctx := t.Context()
	first, err := a.CreateEntry(ctx, member, bigEntry(0), "", false)
	if err != nil {
		t.Fatal(err)
	}
	before, err := a.Search(ctx, auth.Visitor, search.Query{Text: "Sensornetz"}, false)
	if err != nil || before.Total == 0 {
		t.Fatalf("search before: %v, %v", before, err)
	}

	// bleve persists and merges segments in the background after a write. Another program
	// taking the last byte while it does so is the crash the reserve cannot prevent (see
	// space.go); closing first lets bleve finish.
	a.Close()
	if a, err = openLocal(ctx, Local{DataDir: dir, MinFree: 1 << 20}, Options{}); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	free := fill(t, dir)
	if st := a.Storage(); !st.Full || st.MinFree != 1<<20 || st.Dir != dir {
		t.Errorf("Storage() = %+v, want full", st)
	}
	if _, err := a.CreateEntry(ctx, member, bigEntry(1), "", false); !isFull(err) {
		t.Errorf("CreateEntry on a full disk: %v, want EFULL", err)
	}
	edit := first.Clone()
	edit.Summary = "Geändert, während der Speicher voll ist."
	if _, err := a.UpdateEntry(ctx, member, first.Slug, edit, ""); !isFull(err) {
		t.Errorf("UpdateEntry on a full disk: %v, want EFULL", err)
	}
	if _, err := a.SaveTopic(ctx, coordinator, wiki.Topic{Name: "Speicherfragen"}, true); !isFull(err) {
		t.Errorf("SaveTopic on a full disk: %v, want EFULL", err)
	}
	if _, err := a.Import(ctx, strings.NewReader(""), "Import"); !isFull(err) {
		t.Errorf("Import on a full disk: %v, want EFULL", err)
	}
	if !strings.Contains(wiki.ErrorText(text.German, wiki.StorageFull(nil)), "Der Speicher ist voll") {
		t.Error("the message does not say the disk is full")
	}
	after, err := a.Search(ctx, auth.Visitor, search.Query{Text: "Sensornetz"}, false)
	if err != nil || after.Total != before.Total {
		t.Errorf("search on a full disk: %d hits, %v; want %d", after.Total, err, before.Total)
	}
	if got, err := a.Entry(ctx, member, first.Slug); err != nil || got.Version != 1 {
		t.Errorf("entry on a full disk: %+v, %v", got, err)
	}
	consistent(t, a)

	free()
	if st := a.Storage(); st.Full {
		t.Errorf("Storage() after freeing space = %+v", st)
	}
	if _, err := a.CreateEntry(ctx, member, bigEntry(2), "", false); err != nil {
		t.Errorf("CreateEntry after freeing space: %v", err)
	}
	consistent(t, a)
}

// Filling the disk with entries ends in EFULL before the disk ends: store and index agree,
// and searches go on. (With almost nothing kept free, the index itself can meet the end of
// the disk: bleve's persister then closes segments under running searches, and the process
// dies in a goroutine of bleve's own. That is why a reserve is kept at all.)
func TestFillingTheDiskWithEntries(t *testing.T) {
	dir := smallDisk(t, 4<<20)
	a, err := openLocal(t.Context(), Local{DataDir: dir, Demo: fixture(t), DemoAuthor: wiki.DemoAuthor, MinFree: 1 << 20}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	member, _ := users(t, a)
	ctx := t.Context()
	refused := 0
	for i := 0; i < 80 && refused < 5; i++ {
		_, err := a.CreateEntry(ctx, member, bigEntry(i), "", false)
		switch {
		case err == nil:
		case isFull(err):
			refused++
		default:
			t.Fatalf("entry %d: %v", i, err)
		}
		if _, err := a.Search(ctx, auth.Visitor, search.Query{Text: "Verwaltung Sensornetz"}, false); err != nil {
			t.Fatalf("search after entry %d: %v", i, err)
		}
	}
	if refused == 0 {
		t.Fatal("the disk never ran full")
	}
	consistent(t, a)
}

// A start on a full disk whose index must be rebuilt serves from an index in memory,
// refuses writes, and moves the index back to the disk once space is free.
func TestStartOnFullDisk(t *testing.T) {
	dir := smallDisk(t, 8<<20)
	cfg := Local{DataDir: dir, Demo: fixture(t), DemoAuthor: wiki.DemoAuthor, MinFree: 1 << 20}
	a, err := openLocal(t.Context(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil { // as after a crash while writing it
		t.Fatal(err)
	}
	free := fill(t, dir)

	a, err = openLocal(t.Context(), cfg, Options{})
	if err != nil {
		t.Fatalf("start on a full disk: %v", err)
	}
	defer a.Close()
	if !a.index.InMemory() || !a.Storage().Full {
		t.Errorf("InMemory() = %v, Storage() = %+v; want an index in memory on a full disk", a.index.InMemory(), a.Storage())
	}
	if r, err := a.Search(t.Context(), auth.Visitor, search.Query{Text: "Sensornetz"}, false); err != nil || r.Total == 0 {
		t.Errorf("search on a full disk: %v, %v", r, err)
	}
	member, _ := users(t, a) // signing up and in goes on, as long as the database has room
	if _, err := a.CreateEntry(t.Context(), member, bigEntry(1), "", false); !isFull(err) {
		t.Errorf("CreateEntry on a full disk: %v, want EFULL", err)
	}
	consistent(t, a)

	free()
	if err := a.checkSpace(t.Context()); err != nil {
		t.Fatal(err)
	}
	if a.index.InMemory() {
		t.Error("the index stays in memory after space came back")
	}
	if _, err := os.Stat(filepath.Join(dir, "index")); err != nil {
		t.Errorf("no index on disk after space came back: %v", err)
	}
	consistent(t, a)
}

// When the disk runs low between the check before a write and the index update (another
// program filling it), the index moves to memory with the write in it, and back to the disk
// once there is room again.
func TestIndexMovesToMemoryWhenDiskRunsLow(t *testing.T) {
	var free atomic.Uint64
	var dropAfterNext atomic.Bool
	free.Store(1 << 30)
	dir := t.TempDir()
	a, err := openLocal(t.Context(), Local{DataDir: dir, Demo: fixture(t), DemoAuthor: wiki.DemoAuthor, MinFree: 100 << 20,
		FreeSpace: func(string) (uint64, error) {
			n := free.Load()
			if dropAfterNext.CompareAndSwap(true, false) {
				free.Store(10 << 20)
			}
			return n, nil
		}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	member, _ := users(t, a)
	dropAfterNext.Store(true)
	e, err := a.CreateEntry(t.Context(), member, newEntry(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	if !a.index.InMemory() {
		t.Fatal("the index stayed on the nearly full disk")
	}
	if _, err := os.Stat(filepath.Join(dir, "index")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the index on disk is still there: %v", err)
	}
	consistent(t, a)
	if !a.Storage().Full {
		t.Error("Storage() does not say full")
	}

	if err := a.checkSpace(t.Context()); err != nil || !a.index.InMemory() {
		t.Errorf("checkSpace with the disk still full: %v, InMemory() = %v", err, a.index.InMemory())
	}
	free.Store(1 << 30)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := a.checkSpace(ctx); err != nil {
		t.Fatal(err)
	}
	if a.index.InMemory() {
		t.Error("the index stays in memory after space came back")
	}
	consistent(t, a)
	edit := e.Clone()
	edit.Summary = "Wieder auf der Platte."
	if _, err := a.UpdateEntry(t.Context(), member, e.Slug, edit, ""); err != nil {
		t.Fatal(err)
	}
	a.Close()
	b, err := openLocal(t.Context(), Local{DataDir: dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.index.InMemory() {
		t.Error("reopened: index in memory")
	}
	consistent(t, b)
}

// One account may create createsPerHour entries per hour; then ETOOMANY says until when.
func TestCreatesPerAccountAreLimited(t *testing.T) {
	a, _ := openFixture(t)
	member, _ := users(t, a)
	for i := range createsPerHour {
		e := newEntry()
		e.Title = fmt.Sprintf("Eintrag Nummer %d", i)
		if _, err := a.CreateEntry(t.Context(), member, e, "", false); err != nil {
			t.Fatal(err)
		}
	}
	_, err := a.CreateEntry(t.Context(), member, newEntry(), "", false)
	if wiki.ErrorCode(err) != wiki.ETOOMANY || wiki.RetryAfter(err) <= 0 || !strings.Contains(wiki.ErrorText(text.German, err), "ab 11:30 Uhr") {
		t.Errorf("entry %d: %v (retry after %v), want ETOOMANY until 11:30", createsPerHour+1, err, wiki.RetryAfter(err))
	}
	other, _ := a.CreateUser(t.Context(), auth.Visitor, NewUser{Email: "eva@beispiel-kommune.de", Name: "Eva", Role: wiki.RoleMember, Municipality: "07312000", Password: "Pegelstand-2024!"})
	if _, err := a.CreateEntry(t.Context(), auth.Viewer{User: other}, newEntry(), "", false); err != nil {
		t.Errorf("another account: %v", err)
	}
}
