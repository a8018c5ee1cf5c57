package embedded

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/storetest"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func openStore(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Stores {
		return openStore(t, t.TempDir()).Stores()
	})
}

func firstRevision(e *wiki.Entry) *wiki.Revision {
	return &wiki.Revision{EntryID: e.ID, Version: e.Version, Author: e.CreatedBy, At: e.CreatedAt, Entry: *e.Clone()}
}

func nextVersion(e *wiki.Entry) (*wiki.Entry, *wiki.Revision) {
	next := e.Clone()
	next.Version++
	next.Title = fmt.Sprintf("%s (Fassung %d)", e.Title, next.Version)
	return next, &wiki.Revision{EntryID: next.ID, Version: next.Version, Author: "Anna Schäfer", At: next.UpdatedAt, Entry: *next.Clone()}
}

// recorder collects the changes a store reports.
type recorder struct {
	mu      sync.Mutex
	changes []store.Change
	seqs    []uint64 // Seq() as seen inside the callback
}

func (r *recorder) subscribe(s *Store) {
	s.Subscribe(func(c store.Change) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.changes = append(r.changes, c)
		r.seqs = append(r.seqs, s.Seq())
	})
}

func (r *recorder) list() ([]store.Change, []uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.changes), slices.Clone(r.seqs)
}

func TestChangeFeed(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	ctx := t.Context()
	if got := s.Seq(); got != 0 {
		t.Fatalf("Seq of a new store: got %d, want 0", got)
	}
	var rec recorder
	rec.subscribe(s)

	a := storetest.NewEntry("01HRZ8Q3K9V1X4M2N7P5T60001", "sensornetz")
	if err := s.CreateEntry(ctx, a, firstRevision(a)); err != nil {
		t.Fatal(err)
	}
	a2, rev := nextVersion(a)
	if err := s.UpdateEntry(ctx, a2, rev); err != nil {
		t.Fatal(err)
	}
	// Failed writes are no changes.
	if err := s.UpdateEntry(ctx, a2, rev); wiki.ErrorCode(err) != wiki.ECONFLICT {
		t.Fatalf("stale UpdateEntry: got %v, want a conflict", err)
	}
	if err := s.CreateEntry(ctx, a, firstRevision(a)); wiki.ErrorCode(err) != wiki.ECONFLICT {
		t.Fatalf("second CreateEntry: got %v, want a conflict", err)
	}
	// Municipalities, topics and blobs are no entry writes.
	if err := s.PutTopic(ctx, &wiki.Topic{Slug: "mobilitaet", Name: "Mobilität"}); err != nil {
		t.Fatal(err)
	}
	b := storetest.NewEntry("01HRZ8Q3K9V1X4M2N7P5T60002", "datenplattform")
	if err := s.RestoreEntry(ctx, b, []wiki.Revision{*firstRevision(b)}); err != nil {
		t.Fatal(err)
	}

	want := []store.Change{{Seq: 1, EntryID: a.ID}, {Seq: 2, EntryID: a.ID}, {Seq: 3, EntryID: b.ID}}
	changes, seqs := rec.list()
	if !slices.Equal(changes, want) {
		t.Errorf("changes: got %v, want %v", changes, want)
	}
	if wantSeqs := []uint64{1, 2, 3}; !slices.Equal(seqs, wantSeqs) {
		t.Errorf("Seq() inside the callbacks: got %v, want %v", seqs, wantSeqs)
	}
	if got := s.Seq(); got != 3 {
		t.Errorf("Seq: got %d, want 3", got)
	}
}

func TestChangeFeedOrderWithConcurrentWriters(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	var rec recorder
	rec.subscribe(s)
	var second []uint64 // a second subscriber sees the same order
	s.Subscribe(func(c store.Change) { second = append(second, c.Seq) })

	const writers, perWriter = 6, 8
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			e := storetest.NewEntry(fmt.Sprintf("01HRZ8Q3K9V1X4M2N7P5T6%02d00", w), fmt.Sprintf("eintrag-%d", w))
			if err := s.CreateEntry(t.Context(), e, firstRevision(e)); err != nil {
				t.Error(err)
				return
			}
			for range perWriter - 1 {
				next, rev := nextVersion(e)
				if err := s.UpdateEntry(t.Context(), next, rev); err != nil {
					t.Error(err)
					return
				}
				e = next
			}
		})
	}
	wg.Wait()

	changes, seqs := rec.list()
	if len(changes) != writers*perWriter {
		t.Fatalf("got %d changes, want %d", len(changes), writers*perWriter)
	}
	perEntry := map[string]int{}
	for i, c := range changes {
		if c.Seq != uint64(i+1) || seqs[i] != c.Seq {
			t.Fatalf("change %d: got Seq %d (Seq() %d in the callback), want %d", i, c.Seq, seqs[i], i+1)
		}
		perEntry[c.EntryID]++
	}
	for id, n := range perEntry {
		if n != perWriter {
			t.Errorf("entry %s: got %d changes, want %d", id, n, perWriter)
		}
	}
	if len(second) != len(changes) || !slices.IsSorted(second) {
		t.Errorf("second subscriber: got %d changes in order %v, want %d in ascending order", len(second), second, len(changes))
	}
}

func TestSeqSurvivesReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := t.Context()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := storetest.NewEntry("01HRZ8Q3K9V1X4M2N7P5T60001", "sensornetz")
	if err := s.CreateEntry(ctx, e, firstRevision(e)); err != nil {
		t.Fatal(err)
	}
	e2, rev := nextVersion(e)
	if err := s.UpdateEntry(ctx, e2, rev); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBlob(ctx, "attachments/bericht.pdf", strings.NewReader("%PDF"), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = openStore(t, dir)
	if got := s.Seq(); got != 2 {
		t.Errorf("Seq after reopening: got %d, want 2", got)
	}
	got, err := s.Entry(ctx, e.ID)
	if err != nil || got.Version != 2 || got.Title != e2.Title {
		t.Errorf("Entry after reopening: got %+v, %v; want version 2 titled %q", got, err, e2.Title)
	}
	if keys, err := s.ListBlobs(ctx, ""); err != nil || !slices.Equal(keys, []string{"attachments/bericht.pdf"}) {
		t.Errorf("ListBlobs after reopening: got %q, %v; want [attachments/bericht.pdf]", keys, err)
	}
	var rec recorder
	rec.subscribe(s)
	e3, rev := nextVersion(e2)
	if err := s.UpdateEntry(ctx, e3, rev); err != nil {
		t.Fatal(err)
	}
	if changes, _ := rec.list(); !slices.Equal(changes, []store.Change{{Seq: 3, EntryID: e.ID}}) {
		t.Errorf("change after reopening: got %v, want [{3 %s}]", changes, e.ID)
	}
}

func TestOpenLockedByAnotherProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	openStore(t, dir)
	s, err := Open(dir) // a second handle locks like a second process
	if err == nil {
		s.Close()
		t.Fatal("second Open of the same directory: got no error, want a lock error")
	}
	if !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("second Open: got %q, want it to say the database is locked by another process", err)
	}
}

func TestOpenRemovesUnfinishedUploads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	left := filepath.Join(dir, uploadDir, "upload-123")
	if err := os.WriteFile(left, []byte("halb"), 0o600); err != nil {
		t.Fatal(err)
	}
	openStore(t, dir)
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unfinished upload after Open: got %v, want it removed", err)
	}
}

func TestBlobKeysStayInsideTheFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openStore(t, filepath.Join(dir, "store"))
	ctx := t.Context()
	secret := filepath.Join(dir, "geheim.txt")
	if err := os.WriteFile(secret, []byte("geheim"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"",
		"/etc/passwd",
		"../geheim.txt",
		"../../geheim.txt",
		"attachments/../../geheim.txt",
		"attachments/..",
		"..",
		".",
		"./a",
		"a/./b",
		"a//b",
		"a/",
		`..\geheim.txt`,
		`attachments\bericht.pdf`,
		"attachments/bericht.pdf\x00.txt",
	}
	for _, key := range keys {
		t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
			err := s.PutBlob(ctx, key, strings.NewReader("überschrieben"), "text/plain")
			if got := wiki.ErrorCode(err); got != wiki.EINVALID {
				t.Errorf("PutBlob: got %v (code %q), want code %q", err, got, wiki.EINVALID)
			}
			r, err := s.Blob(ctx, key)
			if err == nil {
				r.Close()
			}
			if got := wiki.ErrorCode(err); got != wiki.EINVALID {
				t.Errorf("Blob: got %v (code %q), want code %q", err, got, wiki.EINVALID)
			}
			if got := wiki.ErrorCode(s.DeleteBlob(ctx, key)); got != wiki.EINVALID {
				t.Errorf("DeleteBlob: got code %q, want %q", got, wiki.EINVALID)
			}
		})
	}
	if got, err := os.ReadFile(secret); err != nil || !bytes.Equal(got, []byte("geheim")) {
		t.Errorf("file outside the store: got %q, %v; want it untouched", got, err)
	}
	for _, prefix := range []string{"../", "../geheim", "/", "attachments/../../"} {
		if got, err := s.ListBlobs(ctx, prefix); err != nil || len(got) != 0 {
			t.Errorf("ListBlobs(%q): got %q, %v; want nothing", prefix, got, err)
		}
	}
}

func TestBlobFolderLayout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openStore(t, dir)
	ctx := t.Context()
	const key = "anhänge/01HRZ8Q3K9V1X4M2N7P5T60001/Übersicht.pdf"
	if err := s.PutBlob(ctx, key, strings.NewReader("%PDF"), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, blobDir, filepath.FromSlash(key))
	if got, err := os.ReadFile(path); err != nil || string(got) != "%PDF" {
		t.Errorf("file %s: got %q, %v; want %%PDF", path, got, err)
	}
	if err := s.DeleteBlob(ctx, key); err != nil {
		t.Fatal(err)
	}
	// The folders the blob emptied are gone; the blob folder itself stays.
	entries, err := os.ReadDir(filepath.Join(dir, blobDir))
	if err != nil || len(entries) != 0 {
		t.Errorf("blob folder after delete: got %d entries, %v; want it empty", len(entries), err)
	}
	uploads, err := os.ReadDir(filepath.Join(dir, uploadDir))
	if err != nil || len(uploads) != 0 {
		t.Errorf("upload folder: got %d files, %v; want it empty", len(uploads), err)
	}
}

func TestConcurrentBlobPutAndDelete(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	ctx := t.Context()
	// Deleting the last blob of a folder removes the folder while another goroutine
	// writes into it; no write may fail.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				key := fmt.Sprintf("index/snapshots/%d/seg-%d.zap", i%3, w)
				if err := s.PutBlob(ctx, key, strings.NewReader(key), ""); err != nil {
					t.Errorf("PutBlob(%s): %v", key, err)
					return
				}
				if err := s.DeleteBlob(ctx, key); err != nil {
					t.Errorf("DeleteBlob(%s): %v", key, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if keys, err := s.ListBlobs(ctx, ""); err != nil || len(keys) != 0 {
		t.Errorf("ListBlobs: got %q, %v; want nothing", keys, err)
	}
}
