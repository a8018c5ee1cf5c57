package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Replace makes ix search the index in dir, e.g. a newer snapshot from FetchSnapshot,
// instead of its current one. Searches running meanwhile finish on the current index; those
// that start later use the new one; Apply, Publish and Rebuild then work on the new one.
// As with OpenWith, the index reports NeedsRebuild if dir was built with another mapping
// version or other options. The current index is closed, and its directory is removed if
// FetchSnapshot made it; any other directory stays. dir must hold an index.
func (ix *Index) Replace(dir string) error {
	if err := ix.replace(dir); err != nil {
		return fmt.Errorf("search: replace with %s: %w", dir, err)
	}
	return nil
}

func (ix *Index) replace(dir string) error {
	if dir == "" {
		return errors.New("no directory")
	}
	ix.mu.RLock()
	current := ix.dir
	ix.mu.RUnlock()
	if current != "" && filepath.Clean(current) == filepath.Clean(dir) {
		return errors.New("the index already searches this directory")
	}
	if _, err := os.Stat(filepath.Join(dir, metaFileName)); err != nil {
		return fmt.Errorf("no index: %w", err)
	}
	idx, version, err := openExisting(dir)
	if err != nil {
		return err
	}

	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.Lock()
	old, oldDir := ix.idx, ix.dir
	if old == nil {
		ix.mu.Unlock()
		_ = idx.Close()
		return errClosed
	}
	ix.idx, ix.dir, ix.stored = idx, dir, version
	ix.needsRebuild = version != ix.version
	ix.mu.Unlock()

	// No search uses the old index any more: they all held ix.mu for reading.
	if err := old.Close(); err != nil {
		return fmt.Errorf("close replaced index: %w", err)
	}
	if oldDir == "" {
		return nil
	}
	if _, err := os.Stat(filepath.Join(oldDir, localManifestName)); err != nil {
		return nil // not fetched: not ours to remove
	}
	if err := os.RemoveAll(oldDir); err != nil {
		return fmt.Errorf("remove replaced index: %w", err)
	}
	return nil
}
