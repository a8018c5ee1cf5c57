package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

const testPrefix = "index/"

// publish publishes ix and fails the test on an error.
func publish(t testing.TB, ix *Index, blobs SnapshotBlobs, prev *Manifest) *Manifest {
	t.Helper()
	m, err := ix.Publish(context.Background(), blobs, testPrefix, prev)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return m
}

// fetch fetches the snapshot of m into a new directory and fails the test on an error.
func fetch(t testing.TB, blobs SnapshotSource, m *Manifest, have *LocalSnapshot) *LocalSnapshot {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "snapshot-"+m.ID)
	ls, err := FetchSnapshot(context.Background(), blobs, ManifestKey(testPrefix, m.ID), dir, have)
	if err != nil {
		t.Fatalf("FetchSnapshot: %v", err)
	}
	return ls
}

// openSnapshot opens the index of ls and fails the test on an error.
func openSnapshot(t testing.TB, ls *LocalSnapshot) *Index {
	t.Helper()
	ix, err := Open(ls.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestSnapshotPublishFetchOpen(t *testing.T) {
	t.Parallel()
	for name, open := range blobBackends() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			blobs := open(t)
			ix, _ := newBuiltIndex(t, 7, testDocs())
			m := publish(t, ix, blobs, nil)

			if m.Seq != 7 || m.Docs != uint64(len(testDocs())) || m.Version != (Options{}).version() {
				t.Errorf("manifest: Seq %d, Docs %d, Version %q; want 7, %d, %q", m.Seq, m.Docs, m.Version, len(testDocs()), (Options{}).version())
			}
			if m.Format != manifestFormat {
				t.Errorf("manifest format %d, want %d", m.Format, manifestFormat)
			}
			for _, f := range m.Files {
				if want := testPrefix + "files/" + m.ID + "/" + f.Name; f.Key != want {
					t.Errorf("file %s: key %s, want %s", f.Name, f.Key, want)
				}
				if f.Encoding != encodingZstd || f.Stored <= 0 {
					t.Errorf("file %s: encoding %q, %d bytes stored; want zstd", f.Name, f.Encoding, f.Stored)
				}
				if stored := storedBytes(t, blobs, f.Key); stored != f.Stored {
					t.Errorf("file %s: %d bytes in the blob store, manifest says %d", f.Name, stored, f.Stored)
				}
			}

			ls := fetch(t, blobs, m, nil)
			got := openSnapshot(t, ls)
			if got.NeedsRebuild() {
				t.Error("fetched snapshot: NeedsRebuild() = true")
			}
			sameSearches(t, got, ix)

			// The fetched index is an ordinary one: writes to it do not reach the original.
			if err := got.Apply(ctx, Batch{Put: []Document{extraDoc()}, Seq: 8}); err != nil {
				t.Fatal(err)
			}
			if n, _ := got.Count(); n != m.Docs+1 {
				t.Errorf("fetched index after Apply: Count() = %d, want %d", n, m.Docs+1)
			}
			if n, _ := ix.Count(); n != m.Docs {
				t.Errorf("original after Apply to the fetched index: Count() = %d, want %d", n, m.Docs)
			}
			if _, err := os.Stat(ix.dir + publishSuffix); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("publish left its copy behind: %v", err)
			}
		})
	}
}

// TestSnapshotLayout pins what Publish assumes about scorch's directory: the files of a
// snapshot are the index metadata, the root bolt file and segment files named after their
// id. A bleve upgrade that changes this fails here.
func TestSnapshotLayout(t *testing.T) {
	t.Parallel()
	ix, _ := newBuiltIndex(t, 1, testDocs())
	if err := ix.Apply(context.Background(), Batch{Put: []Document{extraDoc()}, Seq: 2}); err != nil {
		t.Fatal(err)
	}
	m := publish(t, ix, newMemBlobs(), nil)
	segmentFile := regexp.MustCompile(`^store/[0-9a-f]{12}\.zap$`)
	var names []string
	segments := 0
	for _, f := range m.Files {
		names = append(names, f.Name)
		switch {
		case f.Name == metaFileName || f.Name == rootFileName:
		case segmentFile.MatchString(f.Name):
			segments++
		default:
			t.Errorf("unexpected file %s in a snapshot", f.Name)
		}
	}
	if !slices.Contains(names, metaFileName) || !slices.Contains(names, rootFileName) || segments == 0 {
		t.Errorf("files %v: want %s, %s and segment files", names, metaFileName, rootFileName)
	}
	t.Logf("files: %v", names)
}

func TestSnapshotIncrementalPublish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := &countingBlobs{SnapshotBlobs: newMemBlobs()}
	ix, _ := newBuiltIndex(t, 1, testDocs())
	first := publish(t, ix, blobs, nil)
	var total int64
	for _, f := range first.Files {
		total += f.Size
	}
	manifest := storedBytes(t, blobs, ManifestKey(testPrefix, first.ID))
	if want := first.StoredSize() + manifest; len(blobs.puts) != len(first.Files)+1 || blobs.putBytes != want {
		t.Errorf("first publish: %d uploads of %d bytes; want %d of %d", len(blobs.puts), blobs.putBytes, len(first.Files)+1, want)
	}
	// Compressed, the files take less than half their size.
	if first.StoredSize() > total/2 {
		t.Errorf("first publish: %d bytes stored for files of %d bytes; want at most half", first.StoredSize(), total)
	}
	t.Logf("first publish: files of %d bytes stored in %d", total, first.StoredSize())

	tests := []struct {
		name   string
		change *Batch
	}{
		{"unchanged", nil},
		{"one more entry", &Batch{Put: []Document{extraDoc()}, Seq: 2}},
		{"one entry less", &Batch{Delete: []string{"02-ozg"}, Seq: 3}},
	}
	prev := first
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.change != nil {
				if err := ix.Apply(ctx, *tt.change); err != nil {
					t.Fatal(err)
				}
			}
			blobs.reset()
			m := publish(t, ix, blobs, prev)

			// Uploaded: the root, new segment files and the manifest, last.
			var want []string
			reused := 0
			for _, f := range m.Files {
				p := prev.file(f.Name)
				switch {
				case f.Name == rootFileName:
					want = append(want, f.Key)
				case p != nil && p.Key == f.Key:
					reused++
				case p != nil:
					t.Errorf("file %s: uploaded again under %s (was %s, %d bytes)", f.Name, f.Key, p.Key, p.Size)
				default:
					want = append(want, f.Key)
				}
			}
			got := slices.Clone(blobs.puts)
			if len(got) == 0 || got[len(got)-1] != ManifestKey(testPrefix, m.ID) {
				t.Fatalf("uploads %v: want the manifest last", got)
			}
			got = got[:len(got)-1]
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("uploaded %v, want %v", got, want)
			}
			if reused == 0 {
				t.Errorf("no file of the previous snapshot reused; files %v", m.Files)
			}
			t.Logf("%d files, %d reused, %d bytes uploaded", len(m.Files), reused, blobs.putBytes)

			sameSearches(t, openSnapshot(t, fetch(t, blobs, m, nil)), ix)
			prev = m
		})
	}
}

// TestSnapshotNameReusedWithOtherContent publishes an index rebuilt from scratch, whose
// segment files have the names of the previous one's: none may be taken for the old ones.
func TestSnapshotNameReusedWithOtherContent(t *testing.T) {
	t.Parallel()
	blobs := newMemBlobs()
	ix, _ := newBuiltIndex(t, 1, testDocs())
	first := publish(t, ix, blobs, nil)
	other, _ := newBuiltIndex(t, 1, append(testDocs()[:5], extraDoc()))
	m := publish(t, other, blobs, first)
	for _, f := range m.Files {
		if p := first.file(f.Name); p != nil && p.Key == f.Key && p.SHA256 != f.SHA256 {
			t.Errorf("file %s reused with other content", f.Name)
		}
	}
	sameSearches(t, openSnapshot(t, fetch(t, blobs, m, nil)), other)
}

func TestSnapshotFetchReusesLocalFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := &countingBlobs{SnapshotBlobs: newMemBlobs()}
	ix, _ := newBuiltIndex(t, 1, testDocs())
	first := publish(t, ix, blobs, nil)
	have := fetch(t, blobs, first, nil)
	local := openSnapshot(t, have)
	// The local copy gets writes of its own, as a web instance's overlay.
	if err := local.Apply(ctx, Batch{Delete: []string{"06-klima"}, Seq: 2}); err != nil {
		t.Fatal(err)
	}

	if err := ix.Apply(ctx, Batch{Put: []Document{extraDoc()}, Seq: 2}); err != nil {
		t.Fatal(err)
	}
	second := publish(t, ix, blobs, first)
	blobs.reset()
	ls := fetch(t, blobs, second, have)

	want := []string{ManifestKey(testPrefix, second.ID)}
	linked := 0
	for _, f := range second.Files {
		if p := first.file(f.Name); p != nil && p.Key == f.Key {
			a, errA := os.Stat(filepath.Join(have.Dir, f.Name))
			b, errB := os.Stat(filepath.Join(ls.Dir, f.Name))
			if errA != nil || errB != nil || !os.SameFile(a, b) {
				t.Errorf("file %s: not linked from the local snapshot (%v, %v)", f.Name, errA, errB)
			}
			linked++
			continue
		}
		want = append(want, f.Key)
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(blobs.gets))
	if !slices.Equal(got, want) {
		t.Errorf("downloaded %v, want %v", got, want)
	}
	if linked == 0 {
		t.Error("no file linked")
	}
	sameSearches(t, openSnapshot(t, ls), ix)
}

func TestSnapshotFailedPublishLeavesNoManifest(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	tests := []struct {
		name    string
		failPut func(cancel func()) func(key string) error
		want    error
	}{
		{"a file fails", func(func()) func(string) error {
			return func(key string) error {
				if strings.HasSuffix(key, ".zap") {
					return boom
				}
				return nil
			}
		}, boom},
		{"the manifest fails", func(func()) func(string) error {
			return func(key string) error {
				if strings.Contains(key, "manifests/") {
					return boom
				}
				return nil
			}
		}, boom},
		{"cancelled", func(cancel func()) func(string) error {
			return func(key string) error {
				cancel()
				return nil
			}
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMemBlobs()
			blobs := &countingBlobs{SnapshotBlobs: mem}
			ix, _ := newBuiltIndex(t, 1, testDocs())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			blobs.failPut = tt.failPut(cancel)
			m, err := ix.Publish(ctx, blobs, testPrefix, nil)
			if !errors.Is(err, tt.want) || m != nil {
				t.Fatalf("Publish = %v, %v; want an error wrapping %v", m, err, tt.want)
			}
			if keys, _ := mem.ListBlobs(context.Background(), testPrefix); len(keys) != 0 {
				t.Errorf("left behind: %v", keys)
			}
			// The index still publishes.
			blobs.failPut = nil
			publish(t, ix, blobs, nil)
		})
	}
}

func TestSnapshotFetchFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name  string
		spoil func(blobs *memBlobs, m *Manifest)
		want  wiki.Code
		say   func(m *Manifest) string // what the error must say
	}{
		{"missing file", func(b *memBlobs, m *Manifest) { delete(b.data, last(m).Key) }, wiki.ENOTFOUND, func(m *Manifest) string { return last(m).Name }},
		{"changed file", func(b *memBlobs, m *Manifest) { b.data[last(m).Key] = zstdOf(t, []byte("anders")) }, wiki.EINTERNAL, func(*Manifest) string { return "SHA-256" }},
		{"not compressed", func(b *memBlobs, m *Manifest) { b.data[last(m).Key] = []byte("anders") }, wiki.EINTERNAL, func(*Manifest) string { return "decompress" }},
		{"corrupted compressed file", func(b *memBlobs, m *Manifest) {
			body := b.data[last(m).Key]
			body[len(body)/2] ^= 0x55
		}, wiki.EINTERNAL, func(m *Manifest) string { return "decompress" }},
		{"truncated compressed file", func(b *memBlobs, m *Manifest) {
			body := b.data[last(m).Key]
			b.data[last(m).Key] = body[:len(body)-10]
		}, wiki.EINTERNAL, func(m *Manifest) string { return "decompress" }},
		{"bytes after the compressed content", func(b *memBlobs, m *Manifest) {
			b.data[last(m).Key] = append(b.data[last(m).Key], zstdOf(t, nil)...)
		}, wiki.EINTERNAL, func(m *Manifest) string { return "decompress" }},
		{"unknown encoding", func(b *memBlobs, m *Manifest) {
			rewriteManifest(t, b, m, func(m *Manifest) { m.Files[0].Encoding = "brotli" })
		}, wiki.EINTERNAL, func(*Manifest) string { return "encoding" }},
		{"format 1 with an encoding", func(b *memBlobs, m *Manifest) {
			rewriteManifest(t, b, m, func(m *Manifest) { m.Format = 1 })
		}, wiki.EINTERNAL, func(*Manifest) string { return "encoding" }},
		{"newer format", func(b *memBlobs, m *Manifest) {
			rewriteManifest(t, b, m, func(m *Manifest) { m.Format = manifestFormat + 1 })
		}, wiki.EINTERNAL, func(*Manifest) string { return "manifest format" }},
		{"missing manifest", func(b *memBlobs, m *Manifest) { delete(b.data, ManifestKey(testPrefix, m.ID)) }, wiki.ENOTFOUND, func(m *Manifest) string { return m.ID }},
		{"bad manifest", func(b *memBlobs, m *Manifest) {
			b.data[ManifestKey(testPrefix, m.ID)] = []byte(`{"format":1,"id":"x"}`)
		}, wiki.EINTERNAL, func(*Manifest) string { return "manifest id" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blobs := newMemBlobs()
			ix, _ := newBuiltIndex(t, 1, testDocs())
			m := publish(t, ix, blobs, nil)
			tt.spoil(blobs, m)
			parent := t.TempDir()
			dir := filepath.Join(parent, "snapshot")
			_, err := FetchSnapshot(ctx, blobs, ManifestKey(testPrefix, m.ID), dir, nil)
			say := tt.say(m)
			if err == nil || wiki.ErrorCode(err) != tt.want || !strings.Contains(err.Error(), say) {
				t.Fatalf("FetchSnapshot: got %v, want a %s error that says %q", err, tt.want, say)
			}
			if left, _ := os.ReadDir(parent); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}

	t.Run("directory not empty", func(t *testing.T) {
		blobs := newMemBlobs()
		ix, _ := newBuiltIndex(t, 1, testDocs())
		m := publish(t, ix, blobs, nil)
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := FetchSnapshot(ctx, blobs, ManifestKey(testPrefix, m.ID), dir, nil); err == nil {
			t.Error("FetchSnapshot into a full directory: got no error")
		}
	})
}

// TestSnapshotFormat1 fetches a snapshot whose manifest has format 1, written before files
// were compressed, and publishes the next snapshot with it as the previous one.
func TestSnapshotFormat1(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := &countingBlobs{SnapshotBlobs: newMemBlobs()}
	ix, _ := newBuiltIndex(t, 1, testDocs())
	old := toFormat1(t, blobs.SnapshotBlobs.(*memBlobs), publish(t, ix, blobs, nil))
	have := fetch(t, blobs, old, nil)
	sameSearches(t, openSnapshot(t, have), ix)

	// The next publish refers to the old, uncompressed files it keeps.
	if err := ix.Apply(ctx, Batch{Put: []Document{extraDoc()}, Seq: 2}); err != nil {
		t.Fatal(err)
	}
	m := publish(t, ix, blobs, old)
	reused := 0
	for _, f := range m.Files {
		p := old.file(f.Name)
		switch {
		case p != nil && p.Key == f.Key:
			reused++
			if f.Encoding != encodingNone || f.Stored != 0 {
				t.Errorf("file %s, reused: encoding %q, %d bytes stored; want none", f.Name, f.Encoding, f.Stored)
			}
		case f.Encoding != encodingZstd:
			t.Errorf("file %s, new: encoding %q, want zstd", f.Name, f.Encoding)
		}
	}
	if reused == 0 {
		t.Error("no file of the format 1 snapshot reused")
	}
	blobs.reset()
	ls := fetch(t, blobs, m, have)
	if len(blobs.gets) != len(m.Files)-reused+1 {
		t.Errorf("downloaded %v: want the manifest and the %d new files", blobs.gets, len(m.Files)-reused)
	}
	sameSearches(t, openSnapshot(t, ls), ix)
	sameSearches(t, openSnapshot(t, fetch(t, blobs, m, nil)), ix)
}

// toFormat1 rewrites the snapshot of m in blobs as a format 1 snapshot, with every file
// stored as is, and returns its manifest.
func toFormat1(t *testing.T, blobs *memBlobs, m *Manifest) *Manifest {
	t.Helper()
	old := *m
	old.Format, old.Files = 1, slices.Clone(m.Files)
	for i := range old.Files {
		f := &old.Files[i]
		dec, err := zstd.NewReader(bytes.NewReader(blobs.data[f.Key]))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(dec)
		dec.Close()
		if err != nil {
			t.Fatalf("file %s: %v", f.Name, err)
		}
		blobs.data[f.Key] = body
		f.Encoding, f.Stored = encodingNone, 0
	}
	body, err := json.Marshal(struct {
		Format  int              `json:"format"`
		ID      string           `json:"id"`
		Seq     uint64           `json:"seq"`
		Version string           `json:"version"`
		Docs    uint64           `json:"docs"`
		Created time.Time        `json:"created"`
		Files   []map[string]any `json:"files"`
	}{1, old.ID, old.Seq, old.Version, old.Docs, old.Created, format1Files(old.Files)})
	if err != nil {
		t.Fatal(err)
	}
	blobs.data[ManifestKey(testPrefix, m.ID)] = body
	return &old
}

// format1Files returns files as a format 1 manifest lists them.
func format1Files(files []SnapshotFile) []map[string]any {
	var out []map[string]any
	for _, f := range files {
		out = append(out, map[string]any{"name": f.Name, "key": f.Key, "size": f.Size, "sha256": f.SHA256})
	}
	return out
}

// rewriteManifest stores the manifest of m in blobs as change leaves a copy of it.
func rewriteManifest(t *testing.T, blobs *memBlobs, m *Manifest, change func(*Manifest)) {
	t.Helper()
	c := *m
	c.Files = slices.Clone(m.Files)
	change(&c)
	body, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	blobs.data[ManifestKey(testPrefix, m.ID)] = body
}

// zstdOf returns b compressed with zstd.
func zstdOf(t *testing.T, b []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

// storedBytes returns the number of bytes stored under key.
func storedBytes(t testing.TB, blobs SnapshotSource, key string) int64 {
	t.Helper()
	r, err := blobs.Blob(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// last returns the last file of m: a segment file.
func last(m *Manifest) SnapshotFile { return m.Files[len(m.Files)-1] }

// TestSnapshotPublishWhileWriting publishes while batches are written and searches run:
// every snapshot must be one state of the index, with the Seq and Count of its manifest.
func TestSnapshotPublishWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := newMemBlobs()
	ix, _ := newBuiltIndex(t, 1, testDocs())
	done := make(chan error, 1)
	go func() {
		for i := range 20 {
			d := extraDoc()
			d.ID = fmt.Sprintf("2%02d-more", i)
			if err := ix.Apply(ctx, Batch{Put: []Document{d}, Seq: uint64(2 + i)}); err != nil {
				done <- err
				return
			}
			if _, err := ix.Search(ctx, Query{Text: "Altstadt"}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	var prev *Manifest
	for range 4 {
		m := publish(t, ix, blobs, prev)
		got := openSnapshot(t, fetch(t, blobs, m, nil))
		seq, _ := got.Seq()
		n, _ := got.Count()
		if seq != m.Seq || n != m.Docs || n != uint64(len(testDocs()))+seq-1 {
			t.Errorf("snapshot %s: Seq %d, Count %d; manifest says %d, %d", m.ID, seq, n, m.Seq, m.Docs)
		}
		prev = m
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
