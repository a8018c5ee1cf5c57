package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Disk space in local mode, where the database, the files and the search index share the
// data folder's file system. Below MinFree bytes free, writes of content (entries, the
// catalog, the word lists, imports) are refused with EFULL before they start, so that none
// is half done; reading, searching and signing in go on. Below half of MinFree the search
// index leaves the disk for memory (search.Index.RebuildInMemory): bleve must not meet a
// full disk, since a write that fails for want of space can leave its segments closed under
// running searches, which then crash the process in a goroutine of bleve's own. Once
// MinFree is free again, the index moves back to the disk and writes are taken again.
//
// What the reserve cannot prevent: another program taking the last bytes while bleve
// persists or merges segments in the background, after a write. Keeping the data folder on
// a file system of its own rules that out.

// DefaultMinFree is the space in bytes a local installation keeps free by default.
const DefaultMinFree = 200 << 20

// spaceCheckEvery is how often a local installation looks at the free space by itself, to
// move its index back to the disk when space has come back.
const spaceCheckEvery = 10 * time.Second

// diskSpace watches the free space of the data folder's file system. Its zero value (AWS,
// where the stores are not on a disk of ours) allows every write.
type diskSpace struct {
	dir     string
	minFree uint64
	free    func(dir string) (uint64, error) // bytes available to the process
}

// Storage says how full the disk of a local installation is, for the banner of coordinators.
type Storage struct {
	Full    bool   // content writes are refused
	Free    uint64 // bytes free
	MinFree uint64 // bytes kept free
	Dir     string // the data folder
}

// status returns the state of the disk. A disk whose space cannot be read counts as
// having enough: the write itself then reports what is wrong.
func (d *diskSpace) status() Storage {
	if d == nil || d.free == nil {
		return Storage{}
	}
	free, err := d.free(d.dir)
	if err != nil {
		return Storage{Dir: d.dir, MinFree: d.minFree}
	}
	return Storage{Full: free < d.minFree, Free: free, MinFree: d.minFree, Dir: d.dir}
}

// lowForIndex reports whether the index must not be written to on disk.
func (d *diskSpace) lowForIndex() bool {
	if d == nil || d.free == nil {
		return false
	}
	free, err := d.free(d.dir)
	return err == nil && free < d.minFree/2
}

// Storage returns the state of the disk of a local installation; on AWS the zero Storage.
func (a *App) Storage() Storage { return a.space.status() }

// writable returns EFULL while the disk is too full for content writes.
func (a *App) writable() error {
	if st := a.space.status(); st.Full {
		a.log.Warn("write refused: disk full", "free_bytes", st.Free, "min_free_bytes", st.MinFree, "dir", st.Dir)
		return wiki.StorageFull(nil)
	}
	return nil
}

// indexToMemory rebuilds the index from the store in memory, leaving the disk to the store.
// The caller holds indexMu.
func (a *App) indexToMemory(ctx context.Context) error {
	if a.index.InMemory() || a.feed == nil {
		return nil
	}
	a.log.Warn("disk nearly full: the search index moves to memory until space is free again", "dir", a.space.dir)
	if err := a.index.RebuildInMemory(ctx, a.feed.Seq(), a.scanDocuments(ctx)); err != nil {
		return fmt.Errorf("move search index to memory: %w", err)
	}
	return nil
}

// watchSpace checks the disk every spaceCheckEvery until ctx ends and moves the index back
// to the disk when there is room again.
func (a *App) watchSpace(ctx context.Context) {
	defer a.recoverIn("watch disk space")
	t := time.NewTicker(spaceCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.checkSpace(ctx); err != nil && !errors.Is(err, context.Canceled) {
				a.log.Error("disk space check", "err", err)
			}
		}
	}
}

// checkSpace moves an index held in memory back to the disk once MinFree is free again.
func (a *App) checkSpace(ctx context.Context) error {
	if !a.index.InMemory() || a.space.status().Full {
		return nil
	}
	a.log.Info("disk has space again: the search index moves back to the disk", "dir", a.space.dir)
	return a.Reindex(ctx, nil)
}

// scanDocuments returns a scan of every entry of the store as a search document.
func (a *App) scanDocuments(ctx context.Context) func(put func(search.Document) error) error {
	return func(put func(search.Document) error) error {
		return a.stores.Entries.ScanEntries(ctx, func(e *wiki.Entry) error {
			return put(a.document(ctx, e))
		})
	}
}
