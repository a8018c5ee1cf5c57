package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// localManifestName is the copy of its manifest that FetchSnapshot leaves in the directory
// of a fetched snapshot. bleve ignores it; Replace takes it as the sign that the directory
// may be removed once it is no longer searched.
const localManifestName = "snapshot.json"

// LocalSnapshot is a snapshot fetched into a directory on the local disk.
type LocalSnapshot struct {
	Dir      string
	Manifest *Manifest
}

// FetchSnapshot downloads the snapshot whose manifest is at manifestKey into dir, which it
// creates and which must not exist or be empty; open it with OpenWith or Replace. Files
// of have, an earlier fetched snapshot (nil for none), with the same key are hard-linked
// (copied if linking fails) instead of downloaded, also while have is open and written to.
// Files stored compressed are decompressed while they are downloaded. Every file is
// checked against the size and SHA-256 of its content in the manifest. If FetchSnapshot
// fails, dir is left as it was. Returns ENOTFOUND if the manifest or a file is missing.
func FetchSnapshot(ctx context.Context, blobs SnapshotSource, manifestKey, dir string, have *LocalSnapshot) (*LocalSnapshot, error) {
	ls, err := fetchSnapshot(ctx, blobs, manifestKey, dir, have)
	if err != nil {
		return nil, fmt.Errorf("search: fetch snapshot %s: %w", manifestKey, err)
	}
	return ls, nil
}

func fetchSnapshot(ctx context.Context, blobs SnapshotSource, manifestKey, dir string, have *LocalSnapshot) (*LocalSnapshot, error) {
	if dir == "" {
		return nil, errors.New("no directory")
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	m, err := readManifest(ctx, blobs, manifestKey)
	if err != nil {
		return nil, err
	}

	// Fill a directory beside dir and rename it: dir is either complete or absent.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".fetch-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op after the rename

	local := map[string]string{} // key → file of have
	if have != nil && have.Manifest != nil {
		for _, f := range have.Manifest.Files {
			local[f.Key] = filepath.Join(have.Dir, filepath.FromSlash(f.Name))
		}
	}
	err = forEach(ctx, len(m.Files), func(ctx context.Context, i int) error {
		f := m.Files[i]
		dst := filepath.Join(tmp, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if src, ok := local[f.Key]; ok && reuseFile(src, dst, f.Size) {
			return nil
		}
		if err := downloadFile(ctx, blobs, f, dst); err != nil {
			return fmt.Errorf("file %s (%s): %w", f.Name, f.Key, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, localManifestName), body, 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil { // replaces an empty dir
		return nil, err
	}
	return &LocalSnapshot{Dir: dir, Manifest: m}, nil
}

// reuseFile links or copies src to dst if src has the given size, and reports whether it
// did. Segment files are never changed once written, so the same key, name and size mean
// the same content.
func reuseFile(src, dst string, size int64) bool {
	info, err := os.Stat(src)
	if err != nil || !info.Mode().IsRegular() || info.Size() != size {
		return false // merged away by the open index, say: download it
	}
	if linkOrCopy(src, dst) != nil {
		_ = os.Remove(dst)
		return false
	}
	return true
}

// downloadFile writes the content of f to dst, decompressed, and checks its size and
// digest and the number of bytes stored.
func downloadFile(ctx context.Context, blobs SnapshotSource, f SnapshotFile, dst string) (err error) {
	r, err := blobs.Blob(ctx, f.Key)
	if err != nil {
		return err
	}
	defer r.Close()
	content, stored, closeDecoder, err := decodedContent(r, f)
	if err != nil {
		return err
	}
	defer closeDecoder()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(content, f.Size+1))
	if err != nil {
		return err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != f.Size || sum != f.SHA256 {
		return fmt.Errorf("got %d bytes with SHA-256 %s, want %d bytes with %s", n, sum, f.Size, f.SHA256)
	}
	if f.Encoding != encodingNone && stored.n != f.Stored {
		return fmt.Errorf("got %d bytes stored, want %d", stored.n, f.Stored)
	}
	return nil
}

// LocalSnapshotAt returns the snapshot that FetchSnapshot fetched into dir, e.g. to be
// passed as have after a restart. The index in dir may have been written to since.
// Returns an error wrapping os.ErrNotExist if dir holds no fetched snapshot.
func LocalSnapshotAt(dir string) (*LocalSnapshot, error) {
	body, err := os.ReadFile(filepath.Join(dir, localManifestName))
	if err != nil {
		return nil, fmt.Errorf("search: local snapshot %s: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("search: local snapshot %s: %w", dir, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("search: local snapshot %s: %w", dir, err)
	}
	return &LocalSnapshot{Dir: dir, Manifest: &m}, nil
}
