package embedded

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// keyWordLists is the key of the one record in bucketWordLists.
var keyWordLists = []byte("current")

// WordLists returns the stored word lists, or empty lists with Version 0 if none were saved
// yet.
func (s *Store) WordLists(ctx context.Context) (*wiki.WordLists, error) {
	w := new(wiki.WordLists)
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if data := tx.Bucket(bucketWordLists).Get(keyWordLists); data != nil {
			return json.Unmarshal(data, w)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("get word lists", err)
	}
	return w, nil
}

// PutWordLists stores w if the stored version is w.Version-1. Returns ECONFLICT if someone
// saved in between and EINVALID if w.Version is below 1.
func (s *Store) PutWordLists(ctx context.Context, w *wiki.WordLists) error {
	if err := store.CheckWordLists(w); err != nil {
		return err
	}
	data, err := json.Marshal(w)
	if err != nil {
		return wrap("put word lists", fmt.Errorf("encode: %w", err))
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWordLists)
		var stored wiki.WordLists
		if old := b.Get(keyWordLists); old != nil {
			if err := json.Unmarshal(old, &stored); err != nil {
				return fmt.Errorf("decode stored word lists: %w", err)
			}
		}
		if stored.Version != w.Version-1 {
			return store.ErrWordListsStale()
		}
		return b.Put(keyWordLists, data)
	})
	return wrap("put word lists", err)
}
