package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
)

// SnapshotPrefix is where index snapshots live in the blob store.
const SnapshotPrefix = "index/"

// snapshotKeepRecent is how long a snapshot stays after a newer one was published: longer
// than any web instance takes to fetch it.
const snapshotKeepRecent = time.Hour

var _ Snapshots = (*BlobSnapshots)(nil)

// BlobSnapshots keeps index snapshots in a blob store (S3 on AWS) under SnapshotPrefix and
// fetches them into folders under a local directory (/tmp in Lambda). A fetch reuses the
// files of the previous one it made.
type BlobSnapshots struct {
	blobs search.SnapshotBlobs
	dir   string

	mu        sync.Mutex
	last      *search.LocalSnapshot       // the last snapshot fetched
	manifests map[string]*search.Manifest // by snapshot id, as published or fetched
}

// NewBlobSnapshots returns snapshots kept in blobs and fetched into folders under dir.
func NewBlobSnapshots(blobs search.SnapshotBlobs, dir string) *BlobSnapshots {
	return &BlobSnapshots{blobs: blobs, dir: dir, manifests: map[string]*search.Manifest{}}
}

// Fetch downloads the snapshot p into a new folder and returns it.
func (s *BlobSnapshots) Fetch(ctx context.Context, p *store.SnapshotPointer) (string, error) {
	s.mu.Lock()
	have := s.last
	s.mu.Unlock()
	if have != nil {
		if _, err := os.Stat(have.Dir); err != nil {
			have = nil // swapped out and removed since
		}
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return "", err
	}
	dir := filepath.Join(s.dir, fmt.Sprintf("snapshot-%s-%d", p.ID, time.Now().UnixNano()))
	ls, err := search.FetchSnapshot(ctx, s.blobs, p.Manifest, dir, have)
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	s.mu.Lock()
	s.last = ls
	s.manifests[ls.Manifest.ID] = ls.Manifest
	s.mu.Unlock()
	return dir, nil
}

// Publish uploads ix as a snapshot covering the changes up to seq.
func (s *BlobSnapshots) Publish(ctx context.Context, ix *search.Index, seq uint64, prev *store.SnapshotPointer) (store.SnapshotPointer, error) {
	var prevManifest *search.Manifest
	if prev != nil {
		m, err := s.manifest(ctx, prev)
		if err != nil {
			return store.SnapshotPointer{}, err
		}
		prevManifest = m
	}
	m, err := ix.Publish(ctx, s.blobs, SnapshotPrefix, prevManifest)
	if err != nil {
		return store.SnapshotPointer{}, err
	}
	s.mu.Lock()
	s.manifests[m.ID] = m
	s.mu.Unlock()
	return store.SnapshotPointer{
		ID:       m.ID,
		Manifest: search.ManifestKey(SnapshotPrefix, m.ID),
		Seq:      seq,
		Version:  m.Version,
		Docs:     m.Docs,
	}, nil
}

// Prune removes the snapshots that none of keep (nil entries are ignored) needs and that
// were published more than snapshotKeepRecent ago.
func (s *BlobSnapshots) Prune(ctx context.Context, keep ...*store.SnapshotPointer) error {
	var ms []*search.Manifest
	for _, p := range keep {
		if p == nil {
			continue
		}
		m, err := s.manifest(ctx, p)
		if err != nil {
			return err
		}
		ms = append(ms, m)
	}
	_, err := search.PruneSnapshots(ctx, s.blobs, SnapshotPrefix, ms, snapshotKeepRecent)
	return err
}

// manifest returns the manifest of p, read from the blob store unless it is known.
func (s *BlobSnapshots) manifest(ctx context.Context, p *store.SnapshotPointer) (*search.Manifest, error) {
	s.mu.Lock()
	m := s.manifests[p.ID]
	s.mu.Unlock()
	if m != nil {
		return m, nil
	}
	r, err := s.blobs.Blob(ctx, p.Manifest)
	if err != nil {
		return nil, fmt.Errorf("read snapshot manifest %s: %w", p.Manifest, err)
	}
	defer r.Close()
	m = new(search.Manifest)
	if err := json.NewDecoder(r).Decode(m); err != nil {
		return nil, fmt.Errorf("read snapshot manifest %s: %w", p.Manifest, err)
	}
	s.mu.Lock()
	s.manifests[p.ID] = m
	s.mu.Unlock()
	return m, nil
}
