package store

import (
	"context"
	"time"
)

// ChangeKind says what a logged change is about.
type ChangeKind string

// The kinds of logged changes.
const (
	// ChangedEntry: an entry was written (Key: its id; Version: the version written), or
	// is to be indexed again as it is (Version 0: after a rename of its municipality or
	// a topic, or when it is removed).
	ChangedEntry ChangeKind = "entry"
	// ChangedCatalog: a municipality or topic is written or removed (Key:
	// "municipality:<ags>" or "topic:<slug>"). Logged twice: Version 0 before the write,
	// Version 1 after it succeeded, so that a reader who read the catalog between the
	// first and the write knows to read it again.
	ChangedCatalog ChangeKind = "catalog"
	// ChangedWords: the coordinators' search word lists are saved (Key: ""); logged twice
	// like ChangedCatalog.
	ChangedWords ChangeKind = "words"
	// RebuildRequested asks the index writer to build the index anew from the store.
	RebuildRequested ChangeKind = "rebuild"
)

// LoggedChange is one record of a ChangeLog.
type LoggedChange struct {
	Seq     uint64 // 1, 2, 3, … in the order the writers were given numbers
	Kind    ChangeKind
	Key     string
	Version int       // ChangedEntry: the version written, 0 for a touch; ChangedCatalog, ChangedWords: 0 before the write, 1 after
	At      time.Time // when the writer logged the change, before it wrote
}

// SnapshotPointer names the published snapshot of the search index that instances load.
type SnapshotPointer struct {
	ID        string    // the snapshot's id, unique
	Manifest  string    // blob key of its manifest
	Seq       uint64    // every change up to this one is in the snapshot
	Version   string    // the index's mapping version
	Docs      uint64    // number of entries in it
	Published time.Time // when it was made current
}

// ChangePage is what ChangeLog.Changes returns.
type ChangePage struct {
	// Changes are the logged changes after the asked sequence number, in Seq order.
	Changes []LoggedChange
	// More is set if there are more changes after the last of Changes.
	More bool
	// Counter is the last sequence number handed to a writer; a change with a number up
	// to Counter that is missing from the log is being written or was abandoned.
	Counter uint64
	// Snapshot is the current snapshot of the index; nil if none was published.
	Snapshot *SnapshotPointer
}

// ChangeRetention is how long a ChangeLog keeps a change. A snapshot published longer ago
// than ChangeRetention minus a day can no longer be brought up to date from the log.
const ChangeRetention = 7 * 24 * time.Hour

// ChangeLog is the ordered log of writes that the search indexes of other processes follow
// (on AWS, where writes happen on many instances). Every write of an entry, municipality,
// topic or word list is logged before it is made, so that a reader who sees the write in
// the store also finds its change in the log. A logged change whose write then fails or
// never comes is harmless: readers read the current state.
type ChangeLog interface {
	// Changes returns at most limit logged changes with Seq > after, the last sequence
	// number handed out and the current snapshot pointer, in one strongly consistent
	// read.
	Changes(ctx context.Context, after uint64, limit int) (*ChangePage, error)

	// LogChange logs a change without a write of the store's own: RebuildRequested, or
	// a ChangedEntry with Version 0 for each entry to be indexed again as it is.
	LogChange(ctx context.Context, kind ChangeKind, keys ...string) error

	// PublishSnapshot makes p the current snapshot, but only if the current one is still
	// prev (nil: none yet). Returns ECONFLICT if another writer published in between.
	PublishSnapshot(ctx context.Context, p SnapshotPointer, prev *SnapshotPointer) error
}
