// Package store declares the ports through which Wissensnetz keeps its data. Every backend
// (embedded bbolt file and folder, DynamoDB and S3) implements them and passes the same
// contract suite in storetest.
package store

import (
	"context"
	"io"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Entries keeps entries and their revisions. Entries are looked up by id or slug; a slug
// belongs to one entry for good.
type Entries interface {
	// CreateEntry stores a new entry whose Version is 1 together with its first revision.
	// The revision's EntryID, Version and snapshot are taken from e. Returns ECONFLICT if
	// the id or the slug is taken, EINVALID if Version is not 1 or id or slug is empty.
	CreateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error

	// UpdateEntry replaces a stored entry by e and adds rev, but only if the stored version
	// is e.Version-1 (the version the editor started from). Returns ENOTFOUND if the entry
	// does not exist, ECONFLICT if someone saved in between and EINVALID if e.Slug differs
	// from the stored slug; then nothing is written.
	UpdateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error

	// Entry returns the entry with the given id. Returns ENOTFOUND.
	Entry(ctx context.Context, id string) (*wiki.Entry, error)

	// EntriesByID returns the entries with the given ids that exist, in the order of ids,
	// each once; missing ids are left out. At most 100 ids per call (EINVALID otherwise).
	EntriesByID(ctx context.Context, ids []string) ([]*wiki.Entry, error)

	// EntryBySlug returns the entry with the given slug. Returns ENOTFOUND.
	EntryBySlug(ctx context.Context, slug string) (*wiki.Entry, error)

	// Revisions returns the revisions of an entry, newest first. Returns ENOTFOUND if the
	// entry does not exist.
	Revisions(ctx context.Context, id string) ([]wiki.Revision, error)

	// Revision returns one revision of an entry. Returns ENOTFOUND.
	Revision(ctx context.Context, id string, version int) (*wiki.Revision, error)

	// ScanEntries calls fn for every entry in id order and stops at fn's first error,
	// which it returns.
	ScanEntries(ctx context.Context, fn func(*wiki.Entry) error) error

	// RestoreEntry stores an entry with its complete history as it is, for imports. The
	// revisions, in any order, must run from 1 to e.Version. Returns ECONFLICT if the id or
	// slug is taken and EINVALID for an incomplete history or an empty id or slug; then
	// nothing is written.
	RestoreEntry(ctx context.Context, e *wiki.Entry, revs []wiki.Revision) error

	// DeleteEntry removes an entry with all its revisions and its slug, but only if its
	// stored version is still version; for taking back an import, not for everyday use
	// (the slug becomes free again). Returns ENOTFOUND if the entry does not exist and
	// ECONFLICT if its version is another; then nothing is removed.
	DeleteEntry(ctx context.Context, id string, version int) error
}

// Municipalities keeps the member municipalities.
type Municipalities interface {
	// PutMunicipality creates or replaces a municipality.
	PutMunicipality(ctx context.Context, m *wiki.Municipality) error
	// Municipality returns the municipality with the given AGS. Returns ENOTFOUND.
	Municipality(ctx context.Context, ags string) (*wiki.Municipality, error)
	// Municipalities returns all municipalities ordered by AGS.
	Municipalities(ctx context.Context) ([]wiki.Municipality, error)
	// DeleteMunicipality removes a municipality, for taking back an import; removing a
	// missing one is not an error.
	DeleteMunicipality(ctx context.Context, ags string) error
}

// Topics keeps the controlled list of topics.
type Topics interface {
	// PutTopic creates or replaces a topic.
	PutTopic(ctx context.Context, t *wiki.Topic) error
	// Topic returns the topic with the given slug. Returns ENOTFOUND.
	Topic(ctx context.Context, slug string) (*wiki.Topic, error)
	// Topics returns all topics ordered by slug.
	Topics(ctx context.Context) ([]wiki.Topic, error)
	// DeleteTopic removes a topic (after a merge); removing a missing one is not an error.
	DeleteTopic(ctx context.Context, slug string) error
}

// WordLists keeps the search words the coordinators maintain (wiki.WordLists): one record,
// saved only on the version that was read.
type WordLists interface {
	// WordLists returns the stored lists, or empty lists with Version 0 if none were saved
	// yet.
	WordLists(ctx context.Context) (*wiki.WordLists, error)
	// PutWordLists stores w, but only if the stored version is w.Version-1 (0: none stored
	// yet). Returns ECONFLICT if someone saved in between and EINVALID if w.Version is
	// below 1; then nothing is written.
	PutWordLists(ctx context.Context, w *wiki.WordLists) error
}

// Blobs keeps files: attachments, extracted text and index snapshots. Keys are
// slash-separated paths without a leading slash, empty, "." or ".." segments, backslashes
// or NUL bytes (EINVALID otherwise). A key is never also the folder of another key.
type Blobs interface {
	// PutBlob stores the content of r under key, replacing what was there.
	PutBlob(ctx context.Context, key string, r io.Reader, contentType string) error
	// Blob opens the content stored under key. Returns ENOTFOUND.
	Blob(ctx context.Context, key string) (io.ReadCloser, error)
	// DeleteBlob removes key; removing a missing key is not an error.
	DeleteBlob(ctx context.Context, key string) error
	// ListBlobs returns the keys that start with prefix, in lexical order.
	ListBlobs(ctx context.Context, prefix string) ([]string, error)
}

// Change tells that an entry was written or removed. Seq grows with every write of a store.
type Change struct {
	Seq     uint64
	EntryID string
}

// Feed tells about entry writes in commit order. The embedded store has one; on AWS,
// DynamoDB Streams take its place.
type Feed interface {
	// Subscribe registers fn to be called after every committed entry write.
	Subscribe(fn func(Change))
	// Seq returns the sequence number of the latest entry write, 0 for none.
	Seq() uint64
}

// Stores bundles the ports one backend provides. Every field is required; storetest.Run
// fails for a missing one.
type Stores struct {
	Entries        Entries
	Municipalities Municipalities
	Topics         Topics
	Blobs          Blobs
	Users          Users
	Sessions       Sessions
	Tokens         Tokens
	Audit          Audit
	WordLists      WordLists
}
