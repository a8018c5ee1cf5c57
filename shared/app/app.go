// Package app is Wissensnetz without its transport: on the stores that a program's main
// opens for its mode (StartLocal, Start for AWS) it keeps the search index current and
// offers the operations that the web pages, the JSON API and the admin tool call.
package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin where the system has no time zone database (Lambda)

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/oklog/ulid/v2"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
)

// App holds the stores, the search index and the catalog of municipalities and topics.
// It is safe for concurrent use.
type App struct {
	stores store.Stores
	index  *search.Index
	cat    catalog
	log    *slog.Logger
	now    func() time.Time

	mail     mail.Mailer  // notifications; nil: none
	outbox   *mail.Outbox // the local mailer, readable by coordinators; nil on AWS
	baseURL  string       // site address for links in mails, without trailing slash
	throttle throttle     // failed logins per client address
	creates  throttle     // new entries per account
	edits    throttle     // saved edits of entries per account
	uploads  throttle     // files uploaded per account
	files    fileWork     // limits, scanner and the texts of files being read
	hashes   hashGate     // bounds the password hashes running at once

	resetAnswer time.Duration // how long RequestPasswordReset takes; 0: resetAnswerTime

	slugSuffix func() string // the suffix of a slug whose title is taken; nil: random (tests set it)

	indexOnWrite bool      // see Options.IndexOnWrite
	demoLogins   []NewUser // demo accounts that still have their demo password

	feed       store.Feed      // the store's change feed in local mode; nil otherwise
	indexMu    sync.Mutex      // the index has one writer
	pending    map[string]bool // entries changed while indexing is deferred; guarded by indexMu
	pendingSeq uint64          // the newest change among them
	words      wordLists       // the coordinators' search word lists; see wordlists.go
	cloud      *cloudState     // on AWS: the change log followed and the snapshots; nil locally
	space      *diskSpace      // in local mode: the free space of the data folder; nil on AWS
	closers    []func() error
}

// LocalStore is the store of a local installation (shared/store/embedded): its ports, the
// change feed through which the App keeps its search index current, and Close.
type LocalStore interface {
	Stores() store.Stores
	store.Feed
	io.Closer
}

// Local configures local mode: everything in one folder, no cloud.
type Local struct {
	DataDir    string                // the installation's folder: the store's files, the index and the outbox
	Demo       func() io.Reader      // demo content loaded into an empty store; nil for none
	DemoLogins []NewUser             // accounts created with the demo content, shown on the sign-in page
	DemoAuthor string                // author recorded on demo entries
	Progress   func(done, total int) // reports index rebuild progress; nil: none

	// MinFree is the free space in bytes below which content writes are refused (see
	// space.go); 0: DefaultMinFree.
	MinFree uint64
	// FreeSpace returns the bytes free on dir's file system; nil: the system's answer. For
	// tests.
	FreeSpace func(dir string) (uint64, error)
}

// StartLocal builds an App for the local installation in l.DataDir on its store st: the
// search index in DataDir/index, kept current through st's change feed and rebuilt when
// it is missing or behind; the mails in the outbox DataDir/postausgang (o.Mailer is not
// used); the first coordinator of o.Bootstrap and the demo content when the store is
// empty. The App owns st: Close closes it, and so does a failed start.
func StartLocal(ctx context.Context, st LocalStore, l Local, o Options) (*App, error) {
	space := &diskSpace{dir: l.DataDir, minFree: cmp.Or(l.MinFree, DefaultMinFree), free: l.FreeSpace}
	if space.free == nil {
		space.free = freeSpace
	}
	ix, err := search.Open(filepath.Join(l.DataDir, "index"))
	if err != nil && space.status().Full {
		// No room to create the index on disk: startLocal builds it in memory.
		ix, err = search.OpenMemoryFor(filepath.Join(l.DataDir, "index"), search.Options{})
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	outbox, err := mail.NewOutbox(filepath.Join(l.DataDir, "postausgang"))
	if err != nil {
		st.Close()
		ix.Close()
		return nil, err
	}
	o.Mailer = outbox
	a := New(st.Stores(), ix, o)
	a.outbox = outbox
	a.space = space
	watch, stopWatching := context.WithCancel(context.WithoutCancel(ctx))
	a.closers = append(a.closers, func() error { stopWatching(); return nil }, ix.Close, st.Close)
	if err := a.startLocal(ctx, st, l, o.Bootstrap); err != nil {
		a.Close()
		return nil, err
	}
	go a.watchSpace(watch)
	return a, nil
}

func (a *App) startLocal(ctx context.Context, feed store.Feed, l Local, bootstrap *NewUser) error {
	if err := a.cat.load(ctx, a.stores.Municipalities, a.stores.Topics); err != nil {
		return err
	}
	if err := a.loadWordLists(ctx); err != nil {
		return err
	}
	if err := a.protectWords(); err != nil {
		return err
	}
	a.feed = feed
	feed.Subscribe(func(c store.Change) { a.indexChange(context.WithoutCancel(ctx), c) })
	seq, err := a.index.Seq()
	if err != nil {
		return err
	}
	full := a.space.status().Full
	switch {
	case (a.index.NeedsRebuild() || seq != feed.Seq()) && full:
		// A full disk has no room for a new index: build it in memory and serve reads.
		a.log.Warn("disk full at start: the search index is built in memory; content writes are refused until space is free", "dir", l.DataDir)
		if err := a.index.RebuildInMemory(ctx, feed.Seq(), a.scanDocuments(ctx)); err != nil {
			return err
		}
	case a.index.NeedsRebuild() || seq != feed.Seq():
		a.log.Info("rebuilding search index", "index_seq", seq, "store_seq", feed.Seq())
		if err := a.Reindex(ctx, l.Progress); err != nil {
			return err
		}
	}
	// The configured first coordinator comes before the demo accounts, which would
	// otherwise count as existing accounts and keep it from being created.
	if err := a.Bootstrap(ctx, bootstrap); err != nil {
		return err
	}
	if l.Demo != nil && full {
		a.log.Warn("disk full at start: no demo content loaded", "dir", l.DataDir)
	} else if l.Demo != nil && len(a.cat.municipalities()) == 0 && feed.Seq() == 0 {
		res, err := a.Import(ctx, l.Demo(), l.DemoAuthor)
		if err != nil {
			return fmt.Errorf("load demo content: %w", err)
		}
		for _, u := range l.DemoLogins {
			if _, err := a.CreateUser(ctx, auth.Visitor, u); err != nil {
				return fmt.Errorf("create demo account: %w", err)
			}
		}
		a.log.Info("demo content loaded", "municipalities", res.Municipalities, "topics", res.Topics, "entries", res.Entries, "accounts", len(l.DemoLogins))
	}
	if err := a.readMissingTexts(ctx); err != nil {
		return fmt.Errorf("find files without text: %w", err)
	}
	for _, u := range l.DemoLogins { // still usable with the demo password?
		if stored, err := a.stores.Users.UserByEmail(ctx, u.Email); err == nil && !stored.Disabled && auth.VerifyPassword(stored.PasswordHash, u.Password) {
			a.demoLogins = append(a.demoLogins, u)
		}
	}
	return nil
}

// Options are the parts of an App that every mode sets.
type Options struct {
	Logger  *slog.Logger     // nil: discard
	Mailer  mail.Mailer      // nil: no mail
	BaseURL string           // the site's address, for links in mails; no default (functions/web sets it)
	Now     func() time.Time // clock; nil: time.Now

	// Bootstrap is the first coordinator, created at start while no account exists; nil:
	// none.
	Bootstrap *NewUser

	// IndexOnWrite puts every entry this App writes into its own index at once. For
	// modes without an in-process change feed (Lambda), so that a person finds what they
	// just saved; other instances learn of it from the published index snapshots.
	IndexOnWrite bool

	// Files configures the files of entries: limits, malware scanner, text extraction.
	Files Files
}

// New builds an App on the given stores and index. The caller keeps the index current
// (in local mode through StartLocal, on AWS through the indexer function). New neither
// creates o.Bootstrap nor loads the catalog: StartLocal and Start do.
func New(stores store.Stores, index *search.Index, o Options) *App {
	a := &App{stores: stores, index: index, log: o.Logger, now: o.Now, mail: o.Mailer, baseURL: strings.TrimRight(o.BaseURL, "/"), indexOnWrite: o.IndexOnWrite,
		throttle: throttle{limit: addrFailures, window: addrWindow},
		creates:  throttle{limit: createsPerHour, window: time.Hour},
		edits:    throttle{limit: editsPerHour, window: time.Hour},
		uploads:  throttle{limit: filesPerHour, window: time.Hour},
		files:    fileWork{conf: o.Files},
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a
}

// Close releases the stores and the index.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), fileWaitTimeout)
	if err := a.WaitForTexts(ctx); err != nil {
		a.log.Warn("closing while texts of files are read; they are read again at the next start", "err", err)
	}
	cancel()
	var errs []error
	for _, c := range a.closers {
		errs = append(errs, c())
	}
	a.closers = nil
	return errors.Join(errs...)
}

// clock returns the current time as stored: UTC, to the millisecond.
func (a *App) clock() time.Time { return a.now().UTC().Truncate(time.Millisecond) }

// berlin is the time zone of dates in mails. The time zone database is in the binary
// (time/tzdata), so loading cannot fail for want of one on the system.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// DemoLogins returns the demo accounts of a local installation that still have their demo
// password, for the sign-in page. Empty outside demo mode.
func (a *App) DemoLogins() []NewUser { return a.demoLogins }

func newID(now time.Time) string { return ulid.MustNew(ulid.Timestamp(now), rand.Reader).String() }

// recoverIn is deferred first in every goroutine the app starts: a panic there would end
// the whole process, which the per-request recovery of the web layer cannot prevent. It
// logs the panic with what the goroutine was doing, and the server goes on.
func (a *App) recoverIn(what string) {
	if p := recover(); p != nil {
		a.log.Error("panic in background work", "work", what, "panic", p, "stack", string(debug.Stack()))
	}
}
