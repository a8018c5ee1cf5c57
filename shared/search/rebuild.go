package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

const (
	// newSuffix names the directory a rebuild writes to, beside the live index.
	newSuffix = ".new"
	// oldSuffix names the directory the replaced index is moved to during the swap.
	oldSuffix = ".old"
	// rebuildBatchSize is the number of documents a rebuild writes per batch.
	rebuildBatchSize = 500
	// rebuildWriters is the number of batches a rebuild writes at the same time, while the
	// scan fills the next one. bleve analyses the documents of a batch in parallel but
	// builds its segment on one goroutine: with two writers, one batch is analysed while
	// the segment of the other is built. On two processors that made a rebuild about 25 %
	// faster, for half as much memory again while it runs (docs/benchmarks.md).
	rebuildWriters = 2
)

// Rebuild builds a fresh index from scan and swaps it in for the current one. Scan must call
// put for every entry the index should hold and return put's error if it gets one; seq is the
// store sequence number the scan reflects. Progress, if not nil, is called after every batch
// with the number of documents written so far.
//
// On disk the new index is built in the directory dir+".new" while searches keep using the
// current one; then, within a moment in which new searches wait, the directories are swapped
// and the old one is removed. If ctx ends or scan fails, the current index stays as it was.
func (ix *Index) Rebuild(ctx context.Context, seq uint64, scan func(put func(Document) error) error, progress func(done int)) error {
	return ix.rebuild(ctx, seq, scan, progress, true)
}

// RebuildInMemory is Rebuild into an index held in memory, which the index then searches
// instead of its directory on disk; that directory is removed. It is for a full disk: a
// write that fails for want of space can leave bleve's segments closed under the searches
// still using them, so an index on a full disk must not be written to. The next Rebuild
// builds on disk again, in the directory the index was opened with.
func (ix *Index) RebuildInMemory(ctx context.Context, seq uint64, scan func(put func(Document) error) error) error {
	return ix.rebuild(ctx, seq, scan, nil, false)
}

// InMemory reports whether an index opened on disk searches an index in memory since
// RebuildInMemory. It is false for indexes made with OpenMemory.
func (ix *Index) InMemory() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.dir == "" && ix.home != ""
}

func (ix *Index) rebuild(ctx context.Context, seq uint64, scan func(put func(Document) error) error, progress func(done int), onDisk bool) (err error) {
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.RLock()
	closed := ix.idx == nil
	dir := ix.dir
	ix.mu.RUnlock()
	if closed {
		return errClosed
	}
	if dir == "" && onDisk {
		dir = ix.home // back from memory to the directory the index was opened with
	}
	if !onDisk {
		dir = ""
	}

	var tmp string
	if dir != "" {
		tmp = dir + newSuffix
		if err := os.RemoveAll(tmp); err != nil {
			return fmt.Errorf("search: rebuild: %w", err)
		}
	}
	fresh, err := createBuildIndex(tmp, ix.opts)
	if err != nil {
		return err
	}
	defer func() {
		if fresh != nil {
			_ = fresh.Close()
			if tmp != "" {
				_ = os.RemoveAll(tmp)
			}
		}
	}()

	if err := fill(ctx, fresh, seq, ix.version, scan, progress, tmp != ""); err != nil {
		return err
	}

	if dir == "" {
		ix.mu.Lock()
		old, oldDir := ix.idx, ix.dir
		ix.idx, ix.dir, fresh = fresh, "", nil
		ix.needsRebuild = false
		ix.stored = ix.version
		ix.mu.Unlock()
		if err := old.Close(); err != nil {
			return fmt.Errorf("search: rebuild: close replaced index: %w", err)
		}
		if oldDir != "" {
			if err := os.RemoveAll(oldDir); err != nil {
				return fmt.Errorf("search: rebuild: remove index on disk: %w", err)
			}
		}
		return nil
	}

	// The directory of an open scorch index cannot be moved: close the new index, move it
	// into place and open it there.
	closeErr := fresh.Close()
	fresh = nil
	if closeErr != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("search: rebuild: close new index: %w", closeErr)
	}
	if ix.dir == "" {
		return ix.place(tmp, dir)
	}
	return ix.swap(tmp)
}

// createBuildIndex creates the empty index a rebuild fills, in dir or in memory if dir is "".
// On disk its batches return before they are persisted (fill waits for the last one); that
// option is given when opening, so that it is not stored with the index.
func createBuildIndex(dir string, opts Options) (bleve.Index, error) {
	idx, err := createIndex(dir, opts)
	if err != nil || dir == "" {
		return idx, err
	}
	if err := idx.Close(); err != nil {
		return nil, fmt.Errorf("search: rebuild: %w", err)
	}
	idx, err = bleve.OpenUsing(dir, map[string]any{"unsafe_batch": true})
	if err != nil {
		return nil, fmt.Errorf("search: rebuild: %w", err)
	}
	return idx, nil
}

// fill writes everything scan puts into idx, in batches of which rebuildWriters are written
// at the same time, and stores seq and the mapping version with a last batch: an index whose
// build did not complete has no mapping version. If persisted is set, fill returns only
// when that last batch is on disk.
func fill(ctx context.Context, idx bleve.Index, seq uint64, version string, scan func(put func(Document) error) error, progress func(done int), persisted bool) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex // serialises progress calls
		written int
		batches = make(chan *bleve.Batch)
	)
	for range rebuildWriters {
		wg.Go(func() {
			for b := range batches {
				n := b.Size()
				if err := idx.Batch(b); err != nil {
					cancel(fmt.Errorf("search: rebuild: write batch: %w", err))
					continue
				}
				mu.Lock()
				written += n
				if progress != nil {
					progress(written)
				}
				mu.Unlock()
			}
		})
	}
	send := func(b *bleve.Batch) error {
		select {
		case batches <- b:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}

	m := idx.Mapping()
	batch := idx.NewBatch()
	put := func(d Document) error {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		if err := indexDocument(batch, m, &d); err != nil {
			return fmt.Errorf("search: rebuild: %w", err)
		}
		if batch.Size() >= rebuildBatchSize {
			b := batch
			batch = idx.NewBatch()
			return send(b)
		}
		return nil
	}
	err := scan(put)
	if err == nil && batch.Size() > 0 {
		err = send(batch)
	}
	close(batches)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil {
		return fmt.Errorf("search: rebuild: %w", cause)
	}
	if err != nil {
		return fmt.Errorf("search: rebuild: scan: %w", err)
	}

	last := idx.NewBatch()
	last.SetInternal([]byte(keySeq), encodeSeq(seq))
	last.SetInternal([]byte(keyMappingVersion), []byte(version))
	done := make(chan error, 1)
	if persisted {
		// The index persists its state in order: once this batch is on disk, all are.
		last.SetPersistedCallback(func(err error) { done <- err })
	} else {
		done <- nil
	}
	if err := idx.Batch(last); err != nil {
		return fmt.Errorf("search: rebuild: write batch: %w", err)
	}
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("search: rebuild: persist: %w", err)
		}
	case <-ctx.Done():
		return fmt.Errorf("search: rebuild: %w", context.Cause(ctx))
	}
	if !persisted {
		return nil // an index in memory has no merger
	}
	return compact(ctx, idx)
}

// compact merges the segments of a freshly built index on disk into one: a search then
// walks one dictionary and one postings list per term instead of several.
func compact(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("search: rebuild: merge segments: %w", err)
	}
	return nil
}

// place moves the closed, complete index in tmp to dir and searches it instead of the index
// in memory that ix searches now.
func (ix *Index) place(tmp, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("search: rebuild: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("search: rebuild: %w", err)
	}
	idx, err := bleve.Open(dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return fmt.Errorf("search: rebuild: open new index: %w", err)
	}
	ix.mu.Lock()
	old := ix.idx
	ix.idx, ix.dir = idx, dir
	ix.needsRebuild = false
	ix.stored = ix.version
	ix.mu.Unlock()
	if err := old.Close(); err != nil {
		return fmt.Errorf("search: rebuild: close index in memory: %w", err)
	}
	return nil
}

// swap replaces the index in ix.dir by the closed, complete index in dir tmp and removes the
// replaced one.
func (ix *Index) swap(tmp string) error {
	old := ix.dir + oldSuffix
	if err := os.RemoveAll(old); err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("search: rebuild: %w", err)
	}
	if err := ix.move(tmp, old); err != nil {
		return err
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("search: rebuild: remove replaced index: %w", err)
	}
	return nil
}

// move moves the open index in ix.dir to old and the index in tmp to ix.dir, and opens it.
// Searches running on the old index finish before it is closed; new ones wait for the move.
func (ix *Index) move(tmp, old string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	closeErr := ix.idx.Close()
	ix.idx = nil

	// reopen puts the previous index back after a failed swap.
	reopen := func(cause error) error {
		idx, err := bleve.Open(ix.dir)
		if err != nil {
			return fmt.Errorf("search: rebuild: %w (and reopening the previous index: %v)", cause, err)
		}
		ix.idx = idx
		return fmt.Errorf("search: rebuild: %w", cause)
	}
	if closeErr != nil {
		_ = os.RemoveAll(tmp)
		return reopen(fmt.Errorf("close replaced index: %w", closeErr))
	}
	if err := os.Rename(ix.dir, old); err != nil {
		_ = os.RemoveAll(tmp)
		return reopen(err)
	}
	if err := os.Rename(tmp, ix.dir); err != nil {
		_ = os.RemoveAll(tmp)
		return reopen(errors.Join(err, os.Rename(old, ix.dir)))
	}
	idx, err := bleve.Open(ix.dir)
	if err != nil {
		_ = os.RemoveAll(ix.dir)
		return reopen(errors.Join(fmt.Errorf("open new index: %w", err), os.Rename(old, ix.dir)))
	}
	ix.idx = idx
	ix.needsRebuild = false
	ix.stored = ix.version
	return nil
}
