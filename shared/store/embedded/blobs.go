package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// PutBlob stores the content of r under key, replacing what was there. The content appears
// at once and whole: it is written to a temporary file first. The folder keeps no content
// type. Returns EINVALID for a key that is not a clean relative path: empty, absolute, with
// empty, "." or ".." segments, backslashes or NUL.
func (s *Store) PutBlob(ctx context.Context, key string, r io.Reader, contentType string) error {
	path, err := s.blobPath(key)
	if err != nil {
		return err
	}
	if err := s.putFile(ctx, path, r); err != nil {
		return fmt.Errorf("embedded: put blob %s: %w", key, err)
	}
	return nil
}

func (s *Store) putFile(ctx context.Context, path string, r io.Reader) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.CreateTemp(s.uploads, "upload-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := io.Copy(f, contextReader{ctx, r}); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// DeleteBlob removes the folders it empties; it waits until the file is in place.
	s.folderMu.RLock()
	defer s.folderMu.RUnlock()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Blob opens the content stored under key. Returns ENOTFOUND, and EINVALID for a key that
// PutBlob would reject.
func (s *Store) Blob(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embedded: get blob %s: %w", key, err)
	}
	path, err := s.blobPath(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if missing(err) {
		return nil, store.ErrBlobNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("embedded: get blob %s: %w", key, err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("embedded: get blob %s: %w", key, err)
		}
		return nil, store.ErrBlobNotFound()
	}
	return f, nil
}

// DeleteBlob removes key; removing a missing key is not an error. Returns EINVALID for a
// key that PutBlob would reject.
func (s *Store) DeleteBlob(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("embedded: delete blob %s: %w", key, err)
	}
	path, err := s.blobPath(key)
	if err != nil {
		return err
	}
	info, err := os.Lstat(path)
	if missing(err) || (err == nil && info.IsDir()) {
		return nil
	}
	if err == nil {
		s.folderMu.Lock()
		defer s.folderMu.Unlock()
		err = os.Remove(path)
	}
	if err != nil && !missing(err) {
		return fmt.Errorf("embedded: delete blob %s: %w", key, err)
	}
	// Remove the folders this left empty; a folder still in use is not empty and stays.
	for dir := filepath.Dir(path); len(dir) > len(s.blobs); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// ListBlobs returns the keys that start with prefix, in lexical order.
func (s *Store) ListBlobs(ctx context.Context, prefix string) ([]string, error) {
	// Walk only the folder the prefix names up to its last slash.
	root := s.blobs
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		if checkBlobKey(prefix[:i]) != nil {
			return nil, nil // no stored key can start with it
		}
		root = filepath.Join(s.blobs, filepath.FromSlash(prefix[:i]))
	}
	var keys []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if missing(err) { // the prefix names no folder, or it was deleted meanwhile
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(s.blobs, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		switch {
		case d.IsDir() && path != root && !strings.HasPrefix(key, prefix) && !strings.HasPrefix(prefix, key):
			return filepath.SkipDir
		case d.Type().IsRegular() && strings.HasPrefix(key, prefix):
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded: list blobs %q: %w", prefix, err)
	}
	// A folder walk puts "a/b" before "a-b"; keys sort by their bytes.
	slices.Sort(keys)
	return keys, nil
}

// blobPath returns the file that holds key, or EINVALID for a key that could name a file
// outside the blob folder.
func (s *Store) blobPath(key string) (string, error) {
	if err := checkBlobKey(key); err != nil {
		return "", err
	}
	return filepath.Join(s.blobs, filepath.FromSlash(key)), nil
}

// checkBlobKey accepts the keys of the blob port (store.CheckBlobKey) that are also local
// file names on this system: on Windows, none that names a device such as NUL.
func checkBlobKey(key string) error {
	if err := store.CheckBlobKey(key); err != nil {
		return err
	}
	if !filepath.IsLocal(filepath.FromSlash(key)) {
		return store.ErrBadBlobKey(key)
	}
	return nil
}

// missing reports whether err says that a path or one of its folders does not exist.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// contextReader stops reading once ctx is done.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
