package search

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// SnapshotSource is the part of a blob store (store.Blobs) that fetching a snapshot needs.
type SnapshotSource interface {
	// Blob opens the content stored under key. Returns ENOTFOUND.
	Blob(ctx context.Context, key string) (io.ReadCloser, error)
}

// SnapshotBlobs is the part of a blob store (store.Blobs) that publishing and pruning
// snapshots need.
type SnapshotBlobs interface {
	SnapshotSource
	// PutBlob stores the content of r under key, replacing what was there.
	PutBlob(ctx context.Context, key string, r io.Reader, contentType string) error
	// DeleteBlob removes key; removing a missing key is not an error.
	DeleteBlob(ctx context.Context, key string) error
	// ListBlobs returns the keys that start with prefix, in lexical order.
	ListBlobs(ctx context.Context, prefix string) ([]string, error)
}

// manifestFormat is the layout of the manifests this package writes. Format 2 added the
// encoding and the stored size of each file; format 1 manifests, whose files are all
// stored as is, are still read.
const manifestFormat = 2

// Manifest describes one published snapshot of the index: an immutable set of files in the
// blob store that together are a scorch index directory.
type Manifest struct {
	Format  int            `json:"format"`
	ID      string         `json:"id"`      // a ULID, unique per publish; also names the folder of its new files
	Seq     uint64         `json:"seq"`     // the store sequence number the snapshot reflects (Index.Seq)
	Version string         `json:"version"` // the mapping version stored with the index
	Docs    uint64         `json:"docs"`    // entries in the snapshot
	Created time.Time      `json:"created"`
	Files   []SnapshotFile `json:"files"` // by Name
}

// SnapshotFile is one file of a snapshot.
type SnapshotFile struct {
	Name     string `json:"name"`               // slash-separated path inside the index directory
	Key      string `json:"key"`                // where its content is in the blob store
	Size     int64  `json:"size"`               // of the content
	SHA256   string `json:"sha256"`             // hex, of the content
	Encoding string `json:"encoding,omitempty"` // of the content in the blob store: "zstd", or "" for as is
	Stored   int64  `json:"stored,omitempty"`   // bytes in the blob store, if encoded (format 2)
}

// stored returns the number of bytes of f in the blob store.
func (f *SnapshotFile) stored() int64 {
	if f.Encoding == encodingNone {
		return f.Size
	}
	return f.Stored
}

// StoredSize returns the number of bytes the files of m take in the blob store: what a
// fetch without local files to reuse downloads.
func (m *Manifest) StoredSize() int64 {
	var n int64
	for i := range m.Files {
		n += m.Files[i].stored()
	}
	return n
}

// ManifestKey returns the key of the manifest with id under prefix.
func ManifestKey(prefix, id string) string {
	return prefix + "manifests/" + id + ".json"
}

// fileKey returns the key under which a publish with id stores the file name.
func fileKey(prefix, id, name string) string {
	return prefix + "files/" + id + "/" + name
}

// file returns the file named name, or nil.
func (m *Manifest) file(name string) *SnapshotFile {
	if m == nil {
		return nil
	}
	for i := range m.Files {
		if m.Files[i].Name == name {
			return &m.Files[i]
		}
	}
	return nil
}

// check reports a manifest that this package did not write or that names files outside
// the index directory.
func (m *Manifest) check() error {
	if m.Format < 1 || m.Format > manifestFormat {
		return fmt.Errorf("manifest format %d, want 1 to %d", m.Format, manifestFormat)
	}
	if _, err := ulid.ParseStrict(m.ID); err != nil {
		return fmt.Errorf("manifest id %q: %w", m.ID, err)
	}
	names := map[string]bool{}
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Name)) || path.Clean(f.Name) != f.Name || strings.Contains(f.Name, "\\") {
			return fmt.Errorf("file name %q is not a clean relative path", f.Name)
		}
		if names[f.Name] || f.Key == "" || f.Size < 0 || len(f.SHA256) != 2*sha256.Size {
			return fmt.Errorf("file %q: duplicate, or without key, size or digest", f.Name)
		}
		switch {
		case f.Encoding == encodingNone && f.Stored == 0:
		case f.Encoding == encodingZstd && m.Format >= 2 && f.Stored > 0:
		default:
			return fmt.Errorf("file %q: encoding %q with %d bytes stored", f.Name, f.Encoding, f.Stored)
		}
		names[f.Name] = true
	}
	for _, name := range []string{metaFileName, rootFileName} {
		if !names[name] {
			return fmt.Errorf("no file %s", name)
		}
	}
	return nil
}

// readManifest reads and checks the manifest at key.
func readManifest(ctx context.Context, blobs SnapshotSource, key string) (*Manifest, error) {
	r, err := blobs.Blob(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(r, 16<<20)).Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", key, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", key, err)
	}
	return &m, nil
}

// snapshotTransfers is the number of files uploaded or downloaded at the same time.
const snapshotTransfers = 4

// cleanupTimeout bounds the removal of the files of a failed publish, which runs even if
// the caller's context is done.
const cleanupTimeout = 30 * time.Second

// Publish uploads a consistent copy of the index's current state through blobs under
// prefix (e.g. "index/") and returns its manifest, which it uploads last, to
// ManifestKey(prefix, m.ID); the caller then makes it the current one. Files of prev (same
// name, and size and SHA-256 of the content) are not uploaded again: the new manifest
// refers to their keys, whatever their encoding. New files go to keys never used before,
// compressed with zstd. If Publish fails, no manifest is written and the files it
// uploaded are removed as far as possible (PruneSnapshots removes what is left).
//
// Searches and writes may run meanwhile; Apply, Rebuild and Replace wait only while the
// copy is taken on the local disk, not during the uploads. The index must be on disk and
// have completed a Rebuild (see NeedsRebuild) at least once.
func (ix *Index) Publish(ctx context.Context, blobs SnapshotBlobs, prefix string, prev *Manifest) (*Manifest, error) {
	m, err := ix.publish(ctx, blobs, prefix, prev)
	if err != nil {
		return nil, fmt.Errorf("search: publish: %w", err)
	}
	return m, nil
}

func (ix *Index) publish(ctx context.Context, blobs SnapshotBlobs, prefix string, prev *Manifest) (*Manifest, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	id := ulid.MustNew(ulid.Timestamp(now), ulid.DefaultEntropy()).String()
	c, err := ix.copyIndex(id)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(c.dir)
	if c.version == "" {
		return nil, errors.New("the index never completed a rebuild")
	}
	m := &Manifest{Format: manifestFormat, ID: id, Seq: c.seq, Version: c.version, Docs: c.docs, Created: now}

	// Decide per file: reuse the one of prev, or upload it.
	var uploads []int
	for _, name := range c.files {
		f := SnapshotFile{Name: name}
		if p := prev.file(name); p != nil {
			sum, size, err := ix.fileDigest(c, name)
			if err != nil {
				return nil, err
			}
			if size == p.Size && sum == p.SHA256 {
				m.Files = append(m.Files, *p)
				continue
			}
		}
		f.Key = fileKey(prefix, id, name)
		m.Files = append(m.Files, f)
		uploads = append(uploads, len(m.Files)-1)
	}

	var (
		mu       sync.Mutex
		uploaded []string
	)
	err = forEach(ctx, len(uploads), func(ctx context.Context, i int) error {
		f := &m.Files[uploads[i]]
		if err := uploadFile(ctx, blobs, filepath.Join(c.dir, filepath.FromSlash(f.Name)), f); err != nil {
			return err
		}
		mu.Lock()
		uploaded = append(uploaded, f.Key)
		mu.Unlock()
		if f.Name != rootFileName {
			ix.rememberDigest(c.idx, f.Name, f.Size, f.SHA256)
		}
		return nil
	})
	if err == nil {
		var body []byte
		if body, err = json.MarshalIndent(m, "", "\t"); err == nil {
			err = blobs.PutBlob(ctx, ManifestKey(prefix, id), strings.NewReader(string(body)), "application/json")
		}
	}
	if err != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		for _, key := range uploaded {
			_ = blobs.DeleteBlob(ctx, key)
		}
		return nil, err
	}
	ix.forgetDigests(c.idx, c.files)
	return m, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// forEach calls fn for 0 ≤ i < n, snapshotTransfers at a time, and returns the first
// error; after it, the context of the calls still running is cancelled and no new ones
// start.
func forEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, snapshotTransfers)
	)
	for i := range n {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := fn(ctx, i); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
