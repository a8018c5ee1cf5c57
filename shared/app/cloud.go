package app

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
)

// Start builds an App for a mode without an in-process change feed (AWS Lambda): the search
// index lives in memory, is built from the store at start, and takes this instance's own
// writes at once (Options.IndexOnWrite is set). The coordinators' word lists are read at
// start and again at most every WordListsRecheck, when a search comes.
func Start(ctx context.Context, stores store.Stores, o Options) (*App, error) {
	ix, err := search.OpenMemory()
	if err != nil {
		return nil, err
	}
	o.IndexOnWrite = true
	a := New(stores, ix, o)
	a.closers = append(a.closers, ix.Close)
	if err := a.cat.load(ctx, stores.Municipalities, stores.Topics); err != nil {
		a.Close()
		return nil, err
	}
	a.words.recheck = WordListsRecheck
	if err := a.loadWordLists(ctx); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.protectWords(); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.Reindex(ctx, nil); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}
