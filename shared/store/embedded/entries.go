package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// scanBatch is how many entries ScanEntries reads per transaction. The callback runs
// outside any transaction, so it may write to the store.
const scanBatch = 64

// CreateEntry stores a new entry whose Version is 1 together with its first revision. The
// revision's EntryID, Version and Entry are taken from e. Returns ECONFLICT if the id or the
// slug is taken, EINVALID if Version is not 1 or id or slug is empty.
func (s *Store) CreateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error {
	r, err := store.CheckCreateEntry(e, rev)
	if err != nil {
		return err
	}
	return s.insert(ctx, "create entry", e, []wiki.Revision{*r})
}

// UpdateEntry replaces a stored entry by e and adds rev, but only if the stored version is
// e.Version-1. The revision's EntryID, Version and Entry are taken from e. Returns ENOTFOUND
// if the entry does not exist, ECONFLICT if someone saved in between and EINVALID if e
// carries another slug than the stored entry; then nothing is written.
func (s *Store) UpdateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("embedded: update entry %s: %w", e.ID, err)
	}
	r, err := store.CompleteRevision(e, rev)
	if err != nil {
		return err
	}
	err = s.writeEntry(func(tx *bolt.Tx) (string, error) {
		v := tx.Bucket(bucketEntries).Get([]byte(e.ID))
		if v == nil {
			return "", store.ErrEntryNotFound()
		}
		var stored struct {
			Slug    string `json:"slug"`
			Version int    `json:"version"`
		}
		if err := json.Unmarshal(v, &stored); err != nil {
			return "", fmt.Errorf("decode stored entry: %w", err)
		}
		if stored.Version != e.Version-1 {
			return "", store.ErrStale()
		}
		if stored.Slug != e.Slug {
			return "", store.ErrSlugChanged()
		}
		revs := tx.Bucket(bucketRevisions).Bucket([]byte(e.ID))
		if revs == nil {
			return "", fmt.Errorf("revisions missing")
		}
		if revs.Get(versionKey(e.Version)) != nil {
			return "", store.ErrStale()
		}
		if err := putEntry(tx, e); err != nil {
			return "", err
		}
		return e.ID, putRevision(revs, r)
	})
	return wrap("update entry "+e.ID, err)
}

// RestoreEntry stores an entry with its complete history as it is, for imports. The
// revisions, in any order, must run from 1 to e.Version. Returns ECONFLICT if the id or slug
// is taken and EINVALID for an incomplete history or an empty id or slug; then nothing is
// written.
func (s *Store) RestoreEntry(ctx context.Context, e *wiki.Entry, revs []wiki.Revision) error {
	history, err := store.CheckRestoreEntry(e, revs)
	if err != nil {
		return err
	}
	return s.insert(ctx, "restore entry", e, history)
}

// insert stores a new entry with its history, which CreateEntry and RestoreEntry have
// checked, in one transaction. Returns ECONFLICT if the id or the slug is taken; then
// nothing is written. op names the operation in internal errors.
func (s *Store) insert(ctx context.Context, op string, e *wiki.Entry, history []wiki.Revision) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("embedded: %s %s: %w", op, e.ID, err)
	}
	err := s.writeEntry(func(tx *bolt.Tx) (string, error) {
		if tx.Bucket(bucketEntries).Get([]byte(e.ID)) != nil {
			return "", store.ErrIDTaken()
		}
		if tx.Bucket(bucketSlugs).Get([]byte(e.Slug)) != nil {
			return "", store.ErrSlugTaken()
		}
		revs, err := tx.Bucket(bucketRevisions).CreateBucket([]byte(e.ID))
		if err != nil {
			return "", fmt.Errorf("revisions: %w", err)
		}
		for i := range history {
			if err := putRevision(revs, &history[i]); err != nil {
				return "", err
			}
		}
		return e.ID, putEntry(tx, e)
	})
	return wrap(op+" "+e.ID, err)
}

// DeleteEntry removes an entry with all its revisions and its slug in one transaction, but
// only if its stored version is still version; for taking back an import. Returns
// ENOTFOUND if the entry does not exist and ECONFLICT if its version is another; then
// nothing is removed. Subscribers are told, so that the index drops the entry.
func (s *Store) DeleteEntry(ctx context.Context, id string, version int) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("embedded: delete entry %s: %w", id, err)
	}
	err := s.writeEntry(func(tx *bolt.Tx) (string, error) {
		e, err := getEntry(tx, id)
		if err != nil {
			return "", err
		}
		if e.Version != version {
			return "", store.ErrStale()
		}
		if err := tx.Bucket(bucketRevisions).DeleteBucket([]byte(id)); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return "", fmt.Errorf("revisions: %w", err)
		}
		if slugs := tx.Bucket(bucketSlugs); string(slugs.Get([]byte(e.Slug))) == id {
			if err := slugs.Delete([]byte(e.Slug)); err != nil {
				return "", err
			}
		}
		return id, tx.Bucket(bucketEntries).Delete([]byte(id))
	})
	return wrap("delete entry "+id, err)
}

// Entry returns the entry with the given id. Returns ENOTFOUND.
func (s *Store) Entry(ctx context.Context, id string) (*wiki.Entry, error) {
	var e *wiki.Entry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		e, err = getEntry(tx, id)
		return err
	})
	return e, wrap("get entry "+id, err)
}

// EntriesByID returns the entries with the given ids that exist, in the order of ids, each
// once. Returns EINVALID for more than store.MaxEntriesByID ids.
func (s *Store) EntriesByID(ctx context.Context, ids []string) ([]*wiki.Entry, error) {
	if len(ids) > store.MaxEntriesByID {
		return nil, store.ErrTooManyIDs()
	}
	var list []*wiki.Entry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		seen := make(map[string]bool, len(ids))
		for _, id := range ids {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			e, err := getEntry(tx, id)
			if wiki.ErrorCode(err) == wiki.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			list = append(list, e)
		}
		return nil
	})
	return list, wrap("get entries", err)
}

// EntryBySlug returns the entry with the given slug. Returns ENOTFOUND.
func (s *Store) EntryBySlug(ctx context.Context, slug string) (*wiki.Entry, error) {
	var e *wiki.Entry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketSlugs).Get([]byte(slug))
		if id == nil {
			return store.ErrEntryNotFound()
		}
		var err error
		if e, err = getEntry(tx, string(id)); wiki.ErrorCode(err) == wiki.ENOTFOUND {
			return fmt.Errorf("slug points to missing entry %s", id)
		}
		return err
	})
	return e, wrap("get entry by slug "+slug, err)
}

// Revisions returns the revisions of an entry, newest first. Returns ENOTFOUND if the entry
// does not exist.
func (s *Store) Revisions(ctx context.Context, id string) ([]wiki.Revision, error) {
	var list []wiki.Revision
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketEntries).Get([]byte(id)) == nil {
			return store.ErrEntryNotFound()
		}
		b := tx.Bucket(bucketRevisions).Bucket([]byte(id))
		if b == nil {
			return fmt.Errorf("revisions missing")
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var r wiki.Revision
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode revision %x: %w", k, err)
			}
			list = append(list, r)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("list revisions of "+id, err)
	}
	return list, nil
}

// Revision returns one revision of an entry. Returns ENOTFOUND.
func (s *Store) Revision(ctx context.Context, id string, version int) (*wiki.Revision, error) {
	var r *wiki.Revision
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketEntries).Get([]byte(id)) == nil {
			return store.ErrEntryNotFound()
		}
		b := tx.Bucket(bucketRevisions).Bucket([]byte(id))
		if b == nil || version < 1 {
			return store.ErrRevisionNotFound()
		}
		v := b.Get(versionKey(version))
		if v == nil {
			return store.ErrRevisionNotFound()
		}
		r = new(wiki.Revision)
		return json.Unmarshal(v, r)
	})
	if err != nil {
		return nil, wrap(fmt.Sprintf("get revision %s/%d", id, version), err)
	}
	return r, nil
}

// ScanEntries calls fn for every entry in id order and stops at fn's first error, which it
// returns. fn runs outside any transaction and may write to the store; entries it creates
// after the position of the scan are visited as well.
func (s *Store) ScanEntries(ctx context.Context, fn func(*wiki.Entry) error) error {
	var after []byte
	for {
		batch := make([]*wiki.Entry, 0, scanBatch)
		err := s.view(ctx, func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketEntries).Cursor()
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && len(batch) < scanBatch; k, v = c.Next() {
				e, err := decodeEntry(v)
				if err != nil {
					return fmt.Errorf("entry %s: %w", k, err)
				}
				batch = append(batch, e)
			}
			return nil
		})
		if err != nil {
			return wrap("scan entries", err)
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < scanBatch {
			return nil
		}
		after = []byte(batch[len(batch)-1].ID)
	}
}

// view runs fn in a read transaction unless ctx is done.
func (s *Store) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func getEntry(tx *bolt.Tx, id string) (*wiki.Entry, error) {
	v := tx.Bucket(bucketEntries).Get([]byte(id))
	if v == nil {
		return nil, store.ErrEntryNotFound()
	}
	return decodeEntry(v)
}

func decodeEntry(v []byte) (*wiki.Entry, error) {
	e := new(wiki.Entry)
	if err := json.Unmarshal(v, e); err != nil {
		return nil, fmt.Errorf("decode entry: %w", err)
	}
	return e, nil
}

// putEntry stores e and its slug.
func putEntry(tx *bolt.Tx, e *wiki.Entry) error {
	v, err := json.Marshal(store.EntryInUTC(e))
	if err != nil {
		return fmt.Errorf("encode entry: %w", err)
	}
	if err := tx.Bucket(bucketEntries).Put([]byte(e.ID), v); err != nil {
		return err
	}
	return tx.Bucket(bucketSlugs).Put([]byte(e.Slug), []byte(e.ID))
}

func putRevision(b *bolt.Bucket, r *wiki.Revision) error {
	v, err := json.Marshal(store.RevisionInUTC(r))
	if err != nil {
		return fmt.Errorf("encode revision %d: %w", r.Version, err)
	}
	return b.Put(versionKey(r.Version), v)
}

// versionKey orders revisions by version: big-endian, so a cursor walks them in order.
func versionKey(version int) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(version))
}
