// Package embedded is the local-mode backend of Wissensnetz: one bbolt file holds entries,
// revisions, municipalities, topics, accounts, sessions, tokens, the audit log and the
// coordinators' search word lists, and a folder holds the blobs. It needs no network and
// feeds changes to the indexer in-process through Subscribe.
package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// Compile-time checks that Store provides every port.
var (
	_ store.Entries        = (*Store)(nil)
	_ store.Municipalities = (*Store)(nil)
	_ store.Topics         = (*Store)(nil)
	_ store.Blobs          = (*Store)(nil)
	_ store.Users          = (*Store)(nil)
	_ store.Sessions       = (*Store)(nil)
	_ store.Tokens         = (*Store)(nil)
	_ store.Audit          = (*Store)(nil)
	_ store.WordLists      = (*Store)(nil)
	_ store.Feed           = (*Store)(nil)
)

// File and folder names inside the store's directory.
const (
	dbFile    = "wissensnetz.db"
	blobDir   = "blobs"
	uploadDir = "blobs.tmp" // half-written blobs; emptied at Open
)

// lockTimeout is how long Open waits for another process to release the database file.
const lockTimeout = time.Second

// Buckets of the bbolt file.
var (
	bucketEntries        = []byte("entries")        // id → entry JSON
	bucketSlugs          = []byte("slugs")          // slug → id
	bucketRevisions      = []byte("revisions")      // id → bucket: big-endian version → revision JSON
	bucketMunicipalities = []byte("municipalities") // AGS → municipality JSON
	bucketTopics         = []byte("topics")         // slug → topic JSON
	bucketMeta           = []byte("meta")           // keySeq → big-endian uint64
	bucketUsers          = []byte("users")          // id → user JSON
	bucketEmails         = []byte("emails")         // normalised e-mail → user id
	bucketSessions       = []byte("sessions")       // token hash → session JSON
	bucketUserSessions   = []byte("user-sessions")  // ownerPrefix(user id) + token hash → empty
	bucketTokens         = []byte("tokens")         // hash → token JSON
	bucketUserTokens     = []byte("user-tokens")    // ownerPrefix(user id, kind) + hash → empty
	bucketAudit          = []byte("audit")          // event id (ULID, sorts by time) → event JSON
	bucketWordLists      = []byte("wordlists")      // keyWordLists → word lists JSON
	bucketLogins         = []byte("logins")         // key of sign-in attempts → count and window JSON

	keySeq = []byte("seq")

	buckets = [][]byte{
		bucketEntries, bucketSlugs, bucketRevisions, bucketMunicipalities, bucketTopics, bucketMeta,
		bucketUsers, bucketEmails, bucketSessions, bucketUserSessions, bucketTokens, bucketUserTokens, bucketAudit,
		bucketWordLists, bucketLogins,
	}
)

// Store is an embedded backend in one directory. It is safe for concurrent use by the
// goroutines of one process; a second process cannot open the same directory.
type Store struct {
	db       *bolt.DB
	blobs    string       // absolute folder of the blobs
	uploads  string       // absolute folder for blobs being written
	folderMu sync.RWMutex // held to create folders and to remove emptied ones
	seq      atomic.Uint64
	writeMu  sync.Mutex // serialises entry writes with their notifications
	subsMu   sync.Mutex
	watchers []func(store.Change)
}

// Open opens the store in dir, creating dir/wissensnetz.db and dir/blobs if they do not
// exist, and purges expired sessions and tokens (see Purge). It fails after a second if
// another process holds the store open.
func Open(dir string) (*Store, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded: open %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded: open: %w", err)
	}
	path := filepath.Join(dir, dbFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("embedded: open %s: database is locked by another process (waited %s): %w", path, lockTimeout, err)
	}
	if err != nil {
		return nil, fmt.Errorf("embedded: open %s: %w", path, err)
	}
	s := &Store{db: db, blobs: filepath.Join(dir, blobDir), uploads: filepath.Join(dir, uploadDir)}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("embedded: open %s: %w", path, err)
	}
	return s, nil
}

// init creates the buckets and folders, loads the sequence number and purges expired
// sessions and tokens. The database lock is held, so leftover uploads belong to no one and
// are removed.
func (s *Store) init() error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range buckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if v := tx.Bucket(bucketMeta).Get(keySeq); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("corrupt sequence number %x", v)
			}
			s.seq.Store(binary.BigEndian.Uint64(v))
		}
		if _, err := purgeExpired(tx, time.Now()); err != nil {
			return fmt.Errorf("purge: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := os.RemoveAll(s.uploads); err != nil {
		return err
	}
	for _, d := range []string{s.blobs, s.uploads} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the database file. The store must not be used afterwards.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("embedded: close: %w", err)
	}
	return nil
}

// Stores returns the store as the bundle of all ports.
func (s *Store) Stores() store.Stores {
	return store.Stores{
		Entries:        s,
		Municipalities: s,
		Topics:         s,
		Blobs:          s,
		Users:          s,
		Sessions:       s,
		Tokens:         s,
		Audit:          s,
		WordLists:      s,
	}
}

// Subscribe registers fn to be told of every committed entry write (CreateEntry,
// UpdateEntry, RestoreEntry, DeleteEntry), in commit order. fn runs synchronously after the commit while
// further entry writes wait, so it must be quick and must not write entries itself; it may
// read from the store.
func (s *Store) Subscribe(fn func(store.Change)) {
	s.subsMu.Lock()
	defer s.subsMu.Unlock()
	s.watchers = append(s.watchers, fn)
}

// Seq returns the sequence number of the latest entry write, 0 for a new store. It survives
// Close and Open.
func (s *Store) Seq() uint64 { return s.seq.Load() }

// writeEntry runs fn in a write transaction together with the next sequence number and,
// after the commit, tells the subscribers. fn returns the id of the entry it wrote.
func (s *Store) writeEntry(fn func(tx *bolt.Tx) (id string, err error)) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	next := s.seq.Load() + 1
	var id string
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if id, err = fn(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySeq, binary.BigEndian.AppendUint64(nil, next))
	})
	if err != nil {
		return err
	}
	s.seq.Store(next)
	s.subsMu.Lock()
	watchers := s.watchers[:len(s.watchers):len(s.watchers)]
	s.subsMu.Unlock()
	for _, fn := range watchers {
		fn(store.Change{Seq: next, EntryID: id})
	}
	return nil
}

// update runs fn in a write transaction unless ctx is done.
func (s *Store) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

// ownerPrefix returns the common start of the index keys of one owner, such as a user and
// a token kind. Each part is preceded by its length, so that no owner's prefix is the start
// of another owner's keys.
func ownerPrefix(parts ...string) []byte {
	var k []byte
	for _, p := range parts {
		k = binary.AppendUvarint(k, uint64(len(p)))
		k = append(k, p...)
	}
	return k
}

// indexKey returns the key of item in the index of owner.
func indexKey(item string, owner ...string) []byte {
	return append(ownerPrefix(owner...), item...)
}

// keysWithPrefix returns copies of the keys of b that start with prefix, in order, so that
// the caller may delete them.
func keysWithPrefix(b *bolt.Bucket, prefix []byte) [][]byte {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	return keys
}
