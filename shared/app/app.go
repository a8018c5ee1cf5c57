// Package app is Wissensnetz without its transport: it builds the stores and the search
// index for a mode (local or AWS) and offers the operations that the web pages, the JSON
// API and the admin tool call.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// App holds the stores, the search index and the catalog of municipalities and topics.
// It is safe for concurrent use.
type App struct {
	stores store.Stores
	index  *search.Index
	cat    catalog
	log    *slog.Logger
	now    func() time.Time

	feed       store.Feed      // the store's change feed in local mode; nil otherwise
	indexMu    sync.Mutex      // the index has one writer
	pending    map[string]bool // entries changed while indexing is deferred; guarded by indexMu
	pendingSeq uint64          // the newest change among them
	closers    []func() error
}

// LocalConfig configures local mode: everything in one folder, no cloud.
type LocalConfig struct {
	DataDir    string                // folder for the database file, blobs and the index
	Demo       func() io.Reader      // demo content loaded into an empty store; nil for none
	DemoAuthor string                // author recorded on demo entries
	Logger     *slog.Logger          // nil: discard
	Progress   func(done, total int) // reports index rebuild progress; nil: none
	Now        func() time.Time      // clock; nil: time.Now
}

// OpenLocal opens (or creates) a local installation in cfg.DataDir: the embedded store, the
// search index kept current through the store's change feed and rebuilt when it is missing
// or behind, and the demo content when the store is empty.
func OpenLocal(ctx context.Context, cfg LocalConfig) (*App, error) {
	st, err := embedded.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ix, err := search.Open(filepath.Join(cfg.DataDir, "index"))
	if err != nil {
		st.Close()
		return nil, err
	}
	a := New(st.Stores(), ix, cfg.Logger)
	if cfg.Now != nil {
		a.now = cfg.Now
	}
	a.closers = append(a.closers, ix.Close, st.Close)
	if err := a.startLocal(ctx, st, cfg); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) startLocal(ctx context.Context, feed store.Feed, cfg LocalConfig) error {
	if err := a.cat.load(ctx, a.stores.Municipalities, a.stores.Topics); err != nil {
		return err
	}
	a.feed = feed
	feed.Subscribe(func(c store.Change) { a.indexChange(context.WithoutCancel(ctx), c) })
	seq, err := a.index.Seq()
	if err != nil {
		return err
	}
	if a.index.NeedsRebuild() || seq != feed.Seq() {
		a.log.Info("rebuilding search index", "index_seq", seq, "store_seq", feed.Seq())
		if err := a.Reindex(ctx, cfg.Progress); err != nil {
			return err
		}
	}
	if cfg.Demo == nil || len(a.cat.municipalities()) > 0 || feed.Seq() > 0 {
		return nil
	}
	res, err := a.Import(ctx, cfg.Demo(), cfg.DemoAuthor)
	if err != nil {
		return fmt.Errorf("load demo content: %w", err)
	}
	a.log.Info("demo content loaded", "municipalities", res.Municipalities, "topics", res.Topics, "entries", res.Entries)
	return nil
}

// New builds an App on the given stores and index. The caller keeps the index current
// (in local mode through OpenLocal, on AWS through the indexer function).
func New(stores store.Stores, index *search.Index, logger *slog.Logger) *App {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &App{stores: stores, index: index, log: logger, now: time.Now}
}

// Close releases the stores and the index.
func (a *App) Close() error {
	var errs []error
	for _, c := range a.closers {
		errs = append(errs, c())
	}
	a.closers = nil
	return errors.Join(errs...)
}

// Names turns municipality keys and topic slugs into names.
func (a *App) Names() wiki.Names { return &a.cat }

// clock returns the current time as stored: UTC, to the millisecond.
func (a *App) clock() time.Time { return a.now().UTC().Truncate(time.Millisecond) }
