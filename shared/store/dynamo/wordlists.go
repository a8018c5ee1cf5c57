package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// WordLists returns the stored word lists, or empty lists with Version 0 if none were saved
// yet. It is one strongly consistent GetItem.
func (s *Store) WordLists(ctx context.Context) (*wiki.WordLists, error) {
	it, err := s.get(ctx, key(pkSettings, skWordLists))
	if err != nil {
		return nil, wrap("get word lists", err)
	}
	w := new(wiki.WordLists)
	if it == nil {
		return w, nil
	}
	if err := s.decode(ctx, it, w); err != nil {
		return nil, wrap("get word lists", err)
	}
	return w, nil
}

// PutWordLists stores w if the stored version is w.Version-1: one PutItem on that
// condition (attribute_not_exists for version 1). Returns ECONFLICT if someone saved in
// between and EINVALID if w.Version is below 1.
func (s *Store) PutWordLists(ctx context.Context, w *wiki.WordLists) error {
	if err := store.CheckWordLists(w); err != nil {
		return err
	}
	it, err := marshal(w, pkSettings, skWordLists, "wordlists")
	if err != nil {
		return wrap("put word lists", err)
	}
	if err := s.logChange(ctx, store.ChangedWords, "", 0); err != nil {
		return wrap("put word lists", err)
	}
	token := newToken()
	it[attrWriter] = str(token)
	wr := creating(it)
	if w.Version > 1 {
		wr = write{item: it, cond: "#version = :prev", names: map[string]string{"#version": "version"}, values: item{":prev": num(w.Version - 1)}}
	}
	stored, err := s.put(ctx, wr)
	if err == nil {
		s.logWritten(ctx, store.ChangedWords, "")
	}
	if !errors.Is(err, errCondition) {
		return wrap("put word lists", err)
	}
	if stored == nil {
		if stored, err = s.get(ctx, key(pkSettings, skWordLists)); err != nil {
			return wrap("put word lists", fmt.Errorf("get after failed condition: %w", err))
		}
	}
	if text(stored, attrWriter) == token {
		s.logWritten(ctx, store.ChangedWords, "")
		return nil // the SDK retried this put after it had succeeded
	}
	return store.ErrWordListsStale()
}
