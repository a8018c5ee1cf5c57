package search

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/blevesearch/bleve/v2"
)

const (
	// newSuffix names the directory a rebuild writes to, beside the live index.
	newSuffix = ".new"
	// oldSuffix names the directory the replaced index is moved to during the swap.
	oldSuffix = ".old"
	// rebuildBatchSize is the number of documents a rebuild writes per batch.
	rebuildBatchSize = 500
)

// Rebuild builds a fresh index from scan and swaps it in for the current one. Scan must call
// put for every entry the index should hold and return put's error if it gets one; seq is the
// store sequence number the scan reflects. Progress, if not nil, is called after every batch
// with the number of documents written so far.
//
// On disk the new index is built in the directory dir+".new" while searches keep using the
// current one; then, within a moment in which new searches wait, the directories are swapped
// and the old one is removed. If ctx ends or scan fails, the current index stays as it was.
func (ix *Index) Rebuild(ctx context.Context, seq uint64, scan func(put func(Document) error) error, progress func(done int)) (err error) {
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.RLock()
	closed := ix.idx == nil
	ix.mu.RUnlock()
	if closed {
		return errClosed
	}

	var tmp string
	if ix.dir != "" {
		tmp = ix.dir + newSuffix
		if err := os.RemoveAll(tmp); err != nil {
			return fmt.Errorf("search: rebuild: %w", err)
		}
	}
	fresh, err := createIndex(tmp)
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	defer func() {
		if fresh != nil {
			_ = fresh.Close()
			if tmp != "" {
				_ = os.RemoveAll(tmp)
			}
		}
	}()

	if err := fill(ctx, fresh, seq, scan, progress); err != nil {
		return err
	}

	if ix.dir == "" {
		ix.mu.Lock()
		old := ix.idx
		ix.idx, fresh = fresh, nil
		ix.needsRebuild = false
		ix.mu.Unlock()
		if err := old.Close(); err != nil {
			return fmt.Errorf("search: rebuild: close replaced index: %w", err)
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
	return ix.swap(tmp)
}

// fill writes everything scan puts into idx, in batches, and stores seq and the mapping
// version with the last batch: an index whose build did not complete has no mapping version.
func fill(ctx context.Context, idx bleve.Index, seq uint64, scan func(put func(Document) error) error, progress func(done int)) error {
	batch := idx.NewBatch()
	done := 0
	flush := func() error {
		if err := idx.Batch(batch); err != nil {
			return fmt.Errorf("search: rebuild: write batch: %w", err)
		}
		batch.Reset()
		if progress != nil {
			progress(done)
		}
		return nil
	}
	put := func(d Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := indexDocument(batch, &d); err != nil {
			return fmt.Errorf("search: rebuild: %w", err)
		}
		done++
		if batch.Size() >= rebuildBatchSize {
			return flush()
		}
		return nil
	}
	if err := scan(put); err != nil {
		return fmt.Errorf("search: rebuild: scan: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	batch.SetInternal([]byte(keySeq), encodeSeq(seq))
	batch.SetInternal([]byte(keyMappingVersion), []byte(mappingVersion))
	return flush()
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
	return nil
}
