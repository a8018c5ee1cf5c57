package storetest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// RunBlobs runs the blob part of the contract suite as named subtests. Every subtest calls
// open for a fresh, empty blob store.
func RunBlobs(t *testing.T, open func(t *testing.T) store.Blobs) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Blobs)
	}{
		{"PutAndGet", testBlobPutGet},
		{"Overwrite", testBlobOverwrite},
		{"Empty", testBlobEmpty},
		{"NotFound", testBlobNotFound},
		{"Delete", testBlobDelete},
		{"DeleteMissing", testBlobDeleteMissing},
		{"List", testBlobList},
		{"ListLexicalOrder", testBlobListOrder},
		{"Large", testBlobLarge},
		{"GermanKeys", testBlobGermanKeys},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

func putBlob(t *testing.T, s store.Blobs, key string, content []byte) {
	t.Helper()
	mustOK(t, "PutBlob("+key+")", s.PutBlob(t.Context(), key, bytes.NewReader(content), contentType(key)))
}

func contentType(key string) string {
	switch {
	case strings.HasSuffix(key, ".pdf"):
		return "application/pdf"
	case strings.HasSuffix(key, ".txt"):
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// wantBlob checks that key holds exactly want.
func wantBlob(t *testing.T, s store.Blobs, key string, want []byte) {
	t.Helper()
	r, err := s.Blob(t.Context(), key)
	if err != nil {
		t.Errorf("Blob(%s): got error %v, want %d bytes", key, err, len(want))
		return
	}
	got, err := io.ReadAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Errorf("Blob(%s): reading: %v", key, err)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Blob(%s): got %d bytes %s, want %d bytes %s (first difference at byte %d)",
			key, len(got), preview(got), len(want), preview(want), firstDiff(string(got), string(want)))
	}
}

func preview(b []byte) string {
	if len(b) > 40 {
		return fmt.Sprintf("%q…", b[:40])
	}
	return fmt.Sprintf("%q", b)
}

func wantBlobMissing(t *testing.T, s store.Blobs, key string) {
	t.Helper()
	r, err := s.Blob(t.Context(), key)
	if err == nil {
		r.Close()
	}
	wantCode(t, "Blob("+key+")", err, wiki.ENOTFOUND)
}

func wantList(t *testing.T, s store.Blobs, prefix string, want []string) {
	t.Helper()
	got, err := s.ListBlobs(t.Context(), prefix)
	mustOK(t, fmt.Sprintf("ListBlobs(%q)", prefix), err)
	if len(got) != len(want) || (len(want) > 0 && !slices.Equal(got, want)) {
		t.Errorf("ListBlobs(%q):\n\tgot  %q\n\twant %q", prefix, got, want)
	}
}

func testBlobPutGet(t *testing.T, s store.Blobs) {
	files := map[string][]byte{
		"attachments/01HRZ8Q3K9V1X4M2N7P5T60001/abschlussbericht.pdf": []byte("%PDF-1.7\n% Abschlussbericht Sensornetz\n"),
		"text/01HRZ8Q3K9V1X4M2N7P5T60001/abschlussbericht.pdf.txt":    []byte("Abschlussbericht: Bodenfeuchte, Gießfahrten, Übertragbarkeit.\n"),
		"CURRENT": []byte("snapshots/0007/manifest.json"),
	}
	for key, content := range files {
		putBlob(t, s, key, content)
	}
	for key, content := range files {
		wantBlob(t, s, key, content)
	}
}

func testBlobOverwrite(t *testing.T, s store.Blobs) {
	const key = "index/CURRENT"
	putBlob(t, s, key, []byte("snapshots/0001/manifest.json mit einer langen Zeile, die später kürzer wird"))
	putBlob(t, s, key, []byte("snapshots/0002"))
	wantBlob(t, s, key, []byte("snapshots/0002"))
	wantList(t, s, "index/", []string{key})
}

func testBlobEmpty(t *testing.T, s store.Blobs) {
	putBlob(t, s, "leer.txt", nil)
	wantBlob(t, s, "leer.txt", []byte{})
}

func testBlobNotFound(t *testing.T, s store.Blobs) {
	putBlob(t, s, "attachments/a/bericht.pdf", []byte("%PDF"))
	for _, key := range []string{
		"fehlt.txt",
		"attachments/a/anderer-bericht.pdf",
		"attachments/a",         // a "folder" is no blob
		"attachments/a/bericht", // nor a prefix of a key
		"attachments/a/bericht.pdf/mehr",
	} {
		t.Run(key, func(t *testing.T) { wantBlobMissing(t, s, key) })
	}
}

func testBlobDelete(t *testing.T, s store.Blobs) {
	putBlob(t, s, "attachments/a/bericht.pdf", []byte("%PDF"))
	putBlob(t, s, "attachments/a/foto.jpg", []byte("JFIF"))
	mustOK(t, "DeleteBlob", s.DeleteBlob(t.Context(), "attachments/a/bericht.pdf"))
	wantBlobMissing(t, s, "attachments/a/bericht.pdf")
	wantBlob(t, s, "attachments/a/foto.jpg", []byte("JFIF"))
	wantList(t, s, "", []string{"attachments/a/foto.jpg"})

	// Deleting the last key under a prefix leaves nothing behind, and the prefix can be used again.
	mustOK(t, "DeleteBlob", s.DeleteBlob(t.Context(), "attachments/a/foto.jpg"))
	wantList(t, s, "", nil)
	putBlob(t, s, "attachments/a/foto.jpg", []byte("JFIF 2"))
	wantBlob(t, s, "attachments/a/foto.jpg", []byte("JFIF 2"))
}

func testBlobDeleteMissing(t *testing.T, s store.Blobs) {
	mustOK(t, "DeleteBlob of a missing key", s.DeleteBlob(t.Context(), "fehlt/ganz/und/gar.pdf"))
	putBlob(t, s, "da.txt", []byte("da"))
	mustOK(t, "DeleteBlob", s.DeleteBlob(t.Context(), "da.txt"))
	mustOK(t, "DeleteBlob twice", s.DeleteBlob(t.Context(), "da.txt"))
	wantBlobMissing(t, s, "da.txt")
}

func testBlobList(t *testing.T, s store.Blobs) {
	// 50 segment files, stored in shuffled order, plus keys under other prefixes.
	var segments []string
	for i := range 50 {
		segments = append(segments, fmt.Sprintf("index/snapshots/0003/seg-%03d.zap", i))
	}
	shuffled := slices.Clone(segments)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, key := range shuffled {
		putBlob(t, s, key, []byte(key))
	}
	others := []string{"index/CURRENT", "index/snapshots/0003/manifest.json", "index/snapshots/0004/seg-000.zap", "indexalt/x", "attachments/a/b.pdf"}
	for _, key := range others {
		putBlob(t, s, key, []byte(key))
	}
	all := append(slices.Clone(segments), others...)
	slices.Sort(all)

	tests := []struct {
		prefix string
		count  int
	}{
		{"", 55},
		{"index/snapshots/0003/seg-", 50},
		{"index/snapshots/0003/", 51},
		{"index/snapshots/0003/seg-04", 10},
		{"index/snapshots/0003/seg-049.zap", 1},
		{"index/", 53},
		{"index", 54},
		{"attachments/a/b", 1},
		{"nichts/", 0},
		{"index/snapshots/0005", 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q", tt.prefix), func(t *testing.T) {
			var want []string
			for _, key := range all {
				if strings.HasPrefix(key, tt.prefix) {
					want = append(want, key)
				}
			}
			if len(want) != tt.count {
				t.Fatalf("test table: %d keys start with %q, table says %d", len(want), tt.prefix, tt.count)
			}
			wantList(t, s, tt.prefix, want)
		})
	}
	if t.Failed() {
		return
	}
	wantList(t, s, "index/snapshots/0003/seg-04", segments[40:])
	wantList(t, s, "index/snapshots/0003/", append([]string{"index/snapshots/0003/manifest.json"}, segments...))
}

// testBlobListOrder checks byte order across "folders": '-' < '.' < '/' < '_'.
func testBlobListOrder(t *testing.T, s store.Blobs) {
	want := []string{"docs/a-b.txt", "docs/a.txt", "docs/a/b.txt", "docs/a/c/d.txt", "docs/a_b.txt", "docs/ab.txt", "docs/b.txt"}
	for _, i := range []int{6, 2, 0, 4, 3, 1, 5} {
		putBlob(t, s, want[i], []byte(want[i]))
	}
	wantList(t, s, "docs/", want)
	wantList(t, s, "docs/a", want[:6])
	wantList(t, s, "docs/a/", want[2:4])
}

func testBlobLarge(t *testing.T, s store.Blobs) {
	content := make([]byte, 5<<20)
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < len(content); i += 8 {
		v := rng.Uint64()
		for j := range 8 {
			content[i+j] = byte(v >> (8 * j))
		}
	}
	const key = "attachments/01HRZ8Q3K9V1X4M2N7P5T60001/luftbilder.zip"
	// An io.Reader that is not a *bytes.Reader: backends must not rely on Seek or Len.
	mustOK(t, "PutBlob of 5 MiB", s.PutBlob(t.Context(), key, io.MultiReader(bytes.NewReader(content[:1<<20]), bytes.NewReader(content[1<<20:])), "application/zip"))
	wantBlob(t, s, key, content)
}

func testBlobGermanKeys(t *testing.T, s store.Blobs) {
	keys := []string{
		"anhänge/Übersicht Straßenbeleuchtung (Entwurf).pdf",
		"anhänge/öffentliche Sitzung/Präsentation – Förderung.pptx",
		"text/Ärger mit Öffnungszeiten.txt",
		"a/b/c/d/e/f/tief verschachtelt.txt",
	}
	for _, key := range keys {
		putBlob(t, s, key, []byte("Inhalt von "+key))
	}
	for _, key := range keys {
		wantBlob(t, s, key, []byte("Inhalt von "+key))
	}
	sorted := slices.Sorted(slices.Values(keys))
	wantList(t, s, "", sorted)
	wantList(t, s, "anhänge/ö", []string{keys[1]})
}
