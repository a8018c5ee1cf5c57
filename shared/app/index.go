package app

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// indexChange brings one changed entry into the index. A failure is logged: the index then
// lags behind the store's sequence and is rebuilt at the next start.
func (a *App) indexChange(ctx context.Context, c store.Change) {
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	if a.pending != nil {
		a.pending[c.EntryID] = true
		a.pendingSeq = max(a.pendingSeq, c.Seq)
		return
	}
	a.indexEntries(ctx, c.Seq, c.EntryID)
}

// written is called after every entry write of the App with the entry as written.
func (a *App) written(ctx context.Context, e *wiki.Entry) {
	if !a.indexOnWrite {
		return
	}
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	if a.pending != nil {
		a.pending[e.ID] = true
		return
	}
	if err := a.index.Apply(ctx, search.Batch{Put: []search.Document{a.document(ctx, e)}}); err != nil {
		a.log.Error("index written entry", "entry", e.ID, "err", err)
	}
}

// indexChunk is the number of entries indexed in one step. The index analyses the
// entries of a step all at once: an import of 10,000 entries in one step took 1.2 GB.
const indexChunk = 500

// indexEntries puts the current state of the given entries into the index, in steps of
// indexChunk entries. Only the last step records seq: should a later step fail, the index
// lags behind the store and is rebuilt at the next start. The caller holds indexMu.
func (a *App) indexEntries(ctx context.Context, seq uint64, ids ...string) {
	stepSeq := seq
	if len(ids) > indexChunk {
		prev, err := a.index.Seq()
		if err != nil {
			a.log.Error("index change: read sequence", "err", err)
			return
		}
		stepSeq = prev
	}
	for start := 0; start < len(ids); start += indexChunk {
		end := min(start+indexChunk, len(ids))
		b := search.Batch{Seq: stepSeq}
		if end == len(ids) {
			b.Seq = seq
		}
		for _, id := range ids[start:end] {
			e, err := a.stores.Entries.Entry(ctx, id)
			switch {
			case wiki.ErrorCode(err) == wiki.ENOTFOUND:
				b.Delete = append(b.Delete, id)
			case err != nil:
				a.log.Error("index change: load entry", "entry", id, "err", err)
				return
			default:
				b.Put = append(b.Put, a.document(ctx, e))
			}
		}
		if a.space.lowForIndex() && !a.index.InMemory() {
			// The store holds the change already: the index built in memory has it.
			if err := a.indexToMemory(ctx); err != nil {
				a.log.Error("index change", "err", err)
			}
			return
		}
		if err := a.index.Apply(ctx, b); err != nil {
			a.log.Error("index change: apply", "entries", end-start, "err", err)
			if a.feed != nil && a.space.status().Full {
				if err := a.indexToMemory(ctx); err != nil {
					a.log.Error("index change", "err", err)
				}
			}
			return
		}
	}
}

// deferIndexing collects changes instead of indexing each one, until the returned function
// indexes them all in one batch: for imports, where one batch is far cheaper than many.
func (a *App) deferIndexing(ctx context.Context) (flush func()) {
	a.indexMu.Lock()
	a.pending, a.pendingSeq = map[string]bool{}, 0
	a.indexMu.Unlock()
	return func() {
		a.indexMu.Lock()
		defer a.indexMu.Unlock()
		ids := make([]string, 0, len(a.pending))
		for id := range a.pending {
			ids = append(ids, id)
		}
		seq := a.pendingSeq
		a.pending, a.pendingSeq = nil, 0
		if len(ids) > 0 {
			a.indexEntries(ctx, seq, ids...)
		}
	}
}

// Reindex rebuilds the search index from the store. Searches keep working on the old index
// meanwhile; entry writes wait until it is done, so no change is missed.
func (a *App) Reindex(ctx context.Context, progress func(done, total int)) error {
	var seq uint64
	if a.feed != nil {
		seq = a.feed.Seq() // writes after this wait for the lock and are applied after the rebuild
	}
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	total := 0
	if progress != nil {
		if err := a.stores.Entries.ScanEntries(ctx, func(*wiki.Entry) error { total++; return nil }); err != nil {
			return err
		}
	}
	var report func(int)
	if progress != nil {
		report = func(done int) { progress(done, total) }
	}
	return a.index.Rebuild(ctx, seq, a.scanDocuments(ctx), report)
}
