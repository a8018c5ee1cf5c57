package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// CreateEntry stores a new entry whose Version is 1 together with its first revision. The
// revision's EntryID, Version and Entry are taken from e. Returns ECONFLICT if the id or the
// slug is taken, EINVALID if Version is not 1 or id or slug is empty; then nothing is
// written. It puts the slug guard, the revision and the entry item, in that order.
func (s *Store) CreateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error {
	r, err := store.CheckCreateEntry(e, rev)
	if err != nil {
		return err
	}
	return s.logAndInsert(ctx, "create entry", e, []wiki.Revision{*r})
}

// RestoreEntry stores an entry with its complete history as it is, for imports. The
// revisions, in any order, must run from 1 to e.Version. Returns ECONFLICT if the id or slug
// is taken and EINVALID for an incomplete history or an empty id or slug; then nothing is
// written. It puts the slug guard, the revisions from the oldest on and the entry item, in
// that order.
func (s *Store) RestoreEntry(ctx context.Context, e *wiki.Entry, revs []wiki.Revision) error {
	history, err := store.CheckRestoreEntry(e, revs)
	if err != nil {
		return err
	}
	return s.logAndInsert(ctx, "restore entry", e, history)
}

// logAndInsert logs the write of a new entry, which CreateEntry or RestoreEntry has
// checked, and inserts it with its history. op names the operation in internal errors.
func (s *Store) logAndInsert(ctx context.Context, op string, e *wiki.Entry, history []wiki.Revision) error {
	op += " " + e.ID
	if err := s.logChange(ctx, store.ChangedEntry, e.ID, e.Version); err != nil {
		return wrap(op, err)
	}
	return wrap(op, s.insert(ctx, e, history))
}

// insert stores a new entry with its history: the slug guard first, then the revisions,
// the entry item last, which makes the entry visible. If a step fails, it takes back the
// steps before.
func (s *Store) insert(ctx context.Context, e *wiki.Entry, history []wiki.Revision) error {
	u := s.begin()
	if err := s.claimSlug(ctx, u, e.Slug, e.ID); err != nil {
		return s.abort(ctx, u, err)
	}
	for i := range history {
		if err := s.putRevision(ctx, u, &history[i]); err != nil {
			if errors.Is(err, errCondition) {
				err = store.ErrIDTaken()
			}
			return s.abort(ctx, u, err)
		}
	}
	it, err := s.entryItem(ctx, u, e)
	if err != nil {
		return s.abort(ctx, u, err)
	}
	if err := s.putNew(ctx, u, it); err != nil {
		if errors.Is(err, errCondition) {
			err = store.ErrIDTaken()
		}
		return s.abort(ctx, u, fmt.Errorf("put entry: %w", err))
	}
	return nil
}

// UpdateEntry replaces a stored entry by e and adds rev, but only if the stored version is
// e.Version-1. The revision's EntryID, Version and Entry are taken from e. Returns ENOTFOUND
// if the entry does not exist, ECONFLICT if someone saved in between and EINVALID if e
// carries another slug than the stored entry; then nothing is written.
//
// The entry item is put first, on the condition that its version is e.Version-1 and its
// slug e.Slug; that single conditional write decides between concurrent editors. Then the
// revision is put; if that fails, the previous entry item is put back.
func (s *Store) UpdateEntry(ctx context.Context, e *wiki.Entry, rev *wiki.Revision) error {
	r, err := store.CompleteRevision(e, rev)
	if err != nil {
		return err
	}
	if err := s.logChange(ctx, store.ChangedEntry, e.ID, e.Version); err != nil {
		return wrap("update entry "+e.ID, err)
	}
	return wrap("update entry "+e.ID, s.update(ctx, e, r))
}

func (s *Store) update(ctx context.Context, e *wiki.Entry, r *wiki.Revision) error {
	u := s.begin()
	it, err := s.entryItem(ctx, u, e)
	if err != nil {
		return s.abort(ctx, u, err)
	}
	old, err := s.put(ctx, write{
		item:   it,
		cond:   "attribute_exists(#pk) AND #version = :prev AND #slug = :slug",
		names:  map[string]string{"#pk": attrPK, "#version": "version", "#slug": "slug"},
		values: item{":prev": num(e.Version - 1), ":slug": str(e.Slug)},
		old:    true,
	})
	switch {
	case errors.Is(err, errCondition):
		// nil from whyNot: the SDK retried this put after it had succeeded. The item it
		// replaced is unknown then, and cannot be put back.
		if err := s.whyNot(ctx, e, old, u.token); err != nil {
			return s.abort(ctx, u, err)
		}
		old = nil
	case err != nil:
		return s.abort(ctx, u, fmt.Errorf("put entry: %w", err))
	default:
		u.restore = old
	}
	if err := s.putRevision(ctx, u, r); err != nil {
		if errors.Is(err, errCondition) {
			// The version was just won by this write, so a revision item of it is one left
			// behind by an interrupted write, which Revisions does not list: replace it.
			err = s.replaceRevision(ctx, u, r)
		}
		if err != nil {
			return s.abort(ctx, u, fmt.Errorf("put revision %d: %w", r.Version, err))
		}
	}
	// The previous version's blob, if it had one, is no longer pointed to. Should the delete
	// fail, the blob stays as garbage that nothing reads.
	if blobKey := text(old, attrBlob); blobKey != "" && s.blobs != nil {
		_ = s.blobs.DeleteBlob(ctx, blobKey)
	}
	return nil
}

// whyNot returns the error for an update of e whose condition failed, given the stored
// entry item if DynamoDB returned it. It returns nil if the stored item is the update's own
// write, which carries token.
func (s *Store) whyNot(ctx context.Context, e *wiki.Entry, stored item, token string) error {
	if stored == nil {
		var err error
		if stored, err = s.get(ctx, key(entryPK(e.ID), skMeta)); err != nil {
			return fmt.Errorf("get entry: %w", err)
		}
	}
	switch {
	case stored == nil:
		return store.ErrEntryNotFound()
	case text(stored, attrWriter) == token:
		return nil
	case number(stored, "version") != e.Version-1:
		return store.ErrStale()
	case text(stored, "slug") != e.Slug:
		return store.ErrSlugChanged()
	}
	return store.ErrStale() // changed and changed back in between
}

// claimSlug puts the guard that reserves slug for the entry id. A guard that an interrupted
// write left behind is removed first once it is older than the guard timeout.
func (s *Store) claimSlug(ctx context.Context, u *undo, slug, id string) error {
	guard := guardItem(slug, id, u.token, s.now())
	for range 2 {
		old, err := s.put(ctx, creating(guard))
		if err == nil || !errors.Is(err, errCondition) {
			u.items = append(u.items, keyOf(guard)) // also after an error: it may be written
			return err
		}
		if old == nil {
			if old, err = s.get(ctx, keyOf(guard)); err != nil {
				return fmt.Errorf("get slug guard %s: %w", slug, err)
			}
			if old == nil {
				continue // removed in between
			}
		}
		if text(old, attrWriter) == u.token { // a retry of a put that had succeeded
			u.items = append(u.items, keyOf(guard))
			return nil
		}
		abandoned, err := s.abandoned(ctx, old)
		if err != nil || !abandoned {
			if err == nil {
				err = store.ErrSlugTaken()
			}
			return err
		}
		if err := s.deleteIfWrittenBy(ctx, keyOf(old), text(old, attrWriter)); err != nil && !errors.Is(err, errCondition) {
			return fmt.Errorf("delete abandoned slug guard %s: %w", slug, err)
		}
	}
	return store.ErrSlugTaken()
}

// abandoned reports whether a slug guard was left behind by an interrupted write: it is
// older than the guard timeout and its entry item does not exist.
func (s *Store) abandoned(ctx context.Context, guard item) (bool, error) {
	created, err := time.Parse(time.RFC3339Nano, text(guard, attrGuardCreated))
	if err != nil || s.now().Sub(created) < s.guardTimeout {
		return false, nil
	}
	e, err := s.get(ctx, key(entryPK(text(guard, attrGuardEntry)), skMeta))
	if err != nil {
		return false, fmt.Errorf("get entry of slug guard: %w", err)
	}
	return e == nil, nil
}

// entryItem returns the item of e, with its content moved to the blob store if it is too
// large.
func (s *Store) entryItem(ctx context.Context, u *undo, e *wiki.Entry) (item, error) {
	it, err := entryItem(e, u.token)
	if err != nil {
		return nil, err
	}
	return s.fit(ctx, u, it, store.EntryInUTC(e), e.ID, e.Version, listAttributes())
}

// putRevision stores a revision that must not exist yet. It returns errCondition if it
// does.
func (s *Store) putRevision(ctx context.Context, u *undo, r *wiki.Revision) error {
	it, err := s.revisionItem(ctx, u, r)
	if err != nil {
		return err
	}
	return s.putNew(ctx, u, it)
}

// replaceRevision stores a revision over one that exists.
func (s *Store) replaceRevision(ctx context.Context, u *undo, r *wiki.Revision) error {
	it, err := s.revisionItem(ctx, u, r)
	if err != nil {
		return err
	}
	u.items = append(u.items, keyOf(it))
	_, err = s.put(ctx, write{item: it})
	return err
}

func (s *Store) revisionItem(ctx context.Context, u *undo, r *wiki.Revision) (item, error) {
	it, err := revisionItem(r, u.token)
	if err != nil {
		return nil, err
	}
	return s.fit(ctx, u, it, store.RevisionInUTC(r), r.EntryID, r.Version, revisionHead())
}

// DeleteEntry removes an entry with all its revisions and its slug guard, but only if its
// stored version is still version; for taking back an import. Returns ENOTFOUND if the
// entry does not exist and ECONFLICT if its version is another; then nothing is removed.
//
// It logs the change first, then deletes the entry item on the condition of its version,
// which makes the entry invisible and decides against a concurrent editor, then the
// revisions, the slug guard (if it still belongs to the entry) and the blobs of large
// items. Should a later step fail, the error says so; revision items without their entry
// are not listed by Revisions, and a guard without its entry is abandoned after
// GuardTimeout.
func (s *Store) DeleteEntry(ctx context.Context, id string, version int) error {
	op := "delete entry " + id
	if err := s.logChange(ctx, store.ChangedEntry, id, 0); err != nil {
		return wrap(op, err)
	}
	old, err := s.remove(ctx, removal{
		key:    key(entryPK(id), skMeta),
		cond:   "attribute_exists(#pk) AND #version = :version",
		names:  map[string]string{"#pk": attrPK, "#version": "version"},
		values: item{":version": num(version)},
	})
	if errors.Is(err, errCondition) {
		if old == nil {
			if old, err = s.get(ctx, key(entryPK(id), skMeta)); err != nil {
				return wrap(op, fmt.Errorf("get entry: %w", err))
			}
		}
		if old == nil {
			return store.ErrEntryNotFound()
		}
		return store.ErrStale()
	}
	if err != nil {
		return wrap(op, fmt.Errorf("delete entry item: %w", err))
	}
	blobs := []string{text(old, attrBlob)}
	revs, err := s.queryPrefix(ctx, entryPK(id), revPrefix)
	if err != nil {
		return wrap(op, fmt.Errorf("list revisions: %w", err))
	}
	for _, it := range revs {
		if _, err := s.remove(ctx, removal{key: keyOf(it)}); err != nil {
			return wrap(op, fmt.Errorf("delete revision %s: %w", text(it, attrSK), err))
		}
		blobs = append(blobs, text(it, attrBlob))
	}
	_, err = s.remove(ctx, removal{
		key:    key(slugPK(text(old, "slug")), skGuard),
		cond:   "#entry = :id",
		names:  map[string]string{"#entry": attrGuardEntry},
		values: item{":id": str(id)},
	})
	if err != nil && !errors.Is(err, errCondition) { // errCondition: the guard is gone or not its
		return wrap(op, fmt.Errorf("delete slug guard: %w", err))
	}
	for _, k := range blobs {
		if k == "" || s.blobs == nil {
			continue
		}
		if err := s.blobs.DeleteBlob(ctx, k); err != nil {
			return wrap(op, fmt.Errorf("delete blob %s: %w", k, err))
		}
	}
	return nil
}

// Entry returns the entry with the given id. Returns ENOTFOUND.
func (s *Store) Entry(ctx context.Context, id string) (*wiki.Entry, error) {
	e, err := s.entry(ctx, id)
	return e, wrap("get entry "+id, err)
}

func (s *Store) entry(ctx context.Context, id string) (*wiki.Entry, error) {
	it, err := s.get(ctx, key(entryPK(id), skMeta))
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, store.ErrEntryNotFound()
	}
	return s.decodeEntry(ctx, it)
}

// EntryBySlug returns the entry with the given slug. Returns ENOTFOUND, also while the
// entry of a slug guard is being written.
func (s *Store) EntryBySlug(ctx context.Context, slug string) (*wiki.Entry, error) {
	guard, err := s.get(ctx, key(slugPK(slug), skGuard))
	if err != nil {
		return nil, wrap("get entry by slug "+slug, err)
	}
	if guard == nil {
		return nil, store.ErrEntryNotFound()
	}
	e, err := s.entry(ctx, text(guard, attrGuardEntry))
	return e, wrap("get entry by slug "+slug, err)
}

// Revisions returns the revisions of an entry, newest first. Returns ENOTFOUND if the entry
// does not exist. One Query reads the revisions and, last, the entry item; revision items
// newer than the entry, left behind by an interrupted write, are left out.
func (s *Store) Revisions(ctx context.Context, id string) ([]wiki.Revision, error) {
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk AND #sk BETWEEN :meta AND :last"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#sk": attrSK},
		ExpressionAttributeValues: item{":pk": str(entryPK(id)), ":meta": str(skMeta), ":last": str(revLast)},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
	})
	var revs []item
	var meta item
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list revisions of "+id, err)
		}
		for _, it := range page.Items {
			switch sk := text(it, attrSK); {
			case sk == skMeta:
				meta = it
			case strings.HasPrefix(sk, revPrefix):
				revs = append(revs, it)
			}
		}
	}
	if meta == nil {
		return nil, store.ErrEntryNotFound()
	}
	version := number(meta, "version")
	list := make([]wiki.Revision, 0, len(revs))
	for _, it := range revs {
		if number(it, "version") > version {
			continue
		}
		var r wiki.Revision
		if err := s.decode(ctx, it, &r); err != nil {
			return nil, wrap("list revisions of "+id, err)
		}
		list = append(list, r)
	}
	return list, nil
}

// Revision returns one revision of an entry. Returns ENOTFOUND.
func (s *Store) Revision(ctx context.Context, id string, version int) (*wiki.Revision, error) {
	if version < 1 {
		return nil, store.ErrRevisionNotFound()
	}
	op := fmt.Sprintf("get revision %s/%d", id, version)
	it, err := s.get(ctx, key(entryPK(id), revisionSK(version)))
	if err != nil {
		return nil, wrap(op, err)
	}
	if it == nil {
		return nil, store.ErrRevisionNotFound()
	}
	r := new(wiki.Revision)
	if err := s.decode(ctx, it, r); err != nil {
		return nil, wrap(op, err)
	}
	return r, nil
}

// EntriesByID returns the entries with the given ids that exist, in the order of ids, each
// once: strongly consistent BatchGetItem calls. Returns EINVALID for more than
// store.MaxEntriesByID ids.
func (s *Store) EntriesByID(ctx context.Context, ids []string) ([]*wiki.Entry, error) {
	if len(ids) > store.MaxEntriesByID {
		return nil, store.ErrTooManyIDs()
	}
	keys := make([]item, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			keys = append(keys, key(entryPK(id), skMeta))
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, wrap("get entries", err)
	}
	list := make([]*wiki.Entry, 0, len(items))
	for _, it := range items {
		e, err := s.decodeEntry(ctx, it)
		if err != nil {
			return nil, wrap("get entries", err)
		}
		list = append(list, e)
	}
	return list, nil
}

// ScanEntries calls fn for every entry in id order and stops at fn's first error, which it
// returns. It pages through gsi3 and reads each page's entries with one strongly
// consistent BatchGetItem; fn runs between the calls and may write to the store. An entry
// created a moment before the scan reaches its id may be missed, as the index lags behind
// the table.
func (s *Store) ScanEntries(ctx context.Context, fn func(*wiki.Entry) error) error {
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		IndexName:                 aws.String(indexAllEntries),
		KeyConditionExpression:    aws.String("#pk = :all"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrGSI3PK},
		ExpressionAttributeValues: item{":all": str(allEntries)},
		Limit:                     aws.Int32(scanPage),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return wrap("scan entries", err)
		}
		if len(page.Items) == 0 {
			continue
		}
		keys := make([]item, len(page.Items))
		for i, it := range page.Items {
			keys[i] = keyOf(it)
		}
		items, err := s.batchGet(ctx, keys)
		if err != nil {
			return wrap("scan entries", err)
		}
		for _, it := range items {
			e, err := s.decodeEntry(ctx, it)
			if err != nil {
				return wrap("scan entries", err)
			}
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}
