package embedded

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// PutToken stores a new token. Returns ECONFLICT if the hash exists and EINVALID without a
// hash, kind or user. An expired token with the same hash counts as missing and is
// replaced.
func (s *Store) PutToken(ctx context.Context, t *store.Token) error {
	if err := store.CheckToken(t); err != nil {
		return err
	}
	data, err := json.Marshal(t.InUTC())
	if err != nil {
		return wrap("put token", fmt.Errorf("encode: %w", err))
	}
	now := time.Now()
	err = s.update(ctx, func(tx *bolt.Tx) error {
		old, found, err := storedToken(tx, t.Hash)
		switch {
		case err != nil:
			return err
		case found && !old.Expired(now):
			return store.ErrTokenTaken()
		case found:
			if err := deleteToken(tx, old); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketUserTokens).Put(tokenIndexKey(t), []byte{}); err != nil {
			return err
		}
		return tx.Bucket(bucketTokens).Put([]byte(t.Hash), data)
	})
	// Hashes stay out of errors, which end up in logs.
	return wrap(fmt.Sprintf("put %s token of user %s", t.Kind, t.UserID), err)
}

// Token returns a token by hash. Returns ENOTFOUND, also for an expired token.
func (s *Store) Token(ctx context.Context, hash string) (*store.Token, error) {
	var t *store.Token
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var found bool
		var err error
		t, found, err = storedToken(tx, hash)
		if err == nil && (!found || t.Expired(time.Now())) {
			err = store.ErrTokenNotFound()
		}
		return err
	})
	if err != nil {
		return nil, wrap("get token", err)
	}
	return t, nil
}

// ConsumeToken returns a token and removes it in one write transaction, so that it works
// only once even for two requests at the same moment. Returns ENOTFOUND if it is missing,
// expired or already consumed.
func (s *Store) ConsumeToken(ctx context.Context, hash string) (*store.Token, error) {
	var t *store.Token
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var found bool
		var err error
		t, found, err = storedToken(tx, hash)
		switch {
		case err != nil:
			return err
		case !found || t.Expired(time.Now()):
			return store.ErrTokenNotFound()
		}
		return deleteToken(tx, t)
	})
	if err != nil {
		return nil, wrap("consume token", err)
	}
	return t, nil
}

// DeleteToken removes a token; removing a missing one is not an error.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		t, found, err := storedToken(tx, hash)
		if err != nil || !found {
			return err
		}
		return deleteToken(tx, t)
	})
	return wrap("delete token", err)
}

// UserTokens returns the tokens of a user of the given kind, oldest first; expired ones
// are left out.
func (s *Store) UserTokens(ctx context.Context, userID string, kind store.TokenKind) ([]store.Token, error) {
	var list []store.Token
	now := time.Now()
	err := s.view(ctx, func(tx *bolt.Tx) error {
		prefix := ownerPrefix(userID, string(kind))
		for _, k := range keysWithPrefix(tx.Bucket(bucketUserTokens), prefix) {
			t, found, err := storedToken(tx, string(k[len(prefix):]))
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("token index points to a missing token")
			}
			if !t.Expired(now) {
				list = append(list, *t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap(fmt.Sprintf("list %s tokens of user %s", kind, userID), err)
	}
	slices.SortFunc(list, func(a, b store.Token) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Hash, b.Hash))
	})
	return list, nil
}

// storedToken returns the token with the given hash, expired or not; found is false if
// there is none.
func storedToken(tx *bolt.Tx, hash string) (t *store.Token, found bool, err error) {
	v := tx.Bucket(bucketTokens).Get([]byte(hash))
	if v == nil {
		return nil, false, nil
	}
	t = new(store.Token)
	if err := json.Unmarshal(v, t); err != nil {
		return nil, false, fmt.Errorf("decode token: %w", err)
	}
	return t, true, nil
}

// deleteToken removes a stored token and its index entry.
func deleteToken(tx *bolt.Tx, t *store.Token) error {
	if err := tx.Bucket(bucketUserTokens).Delete(tokenIndexKey(t)); err != nil {
		return err
	}
	return tx.Bucket(bucketTokens).Delete([]byte(t.Hash))
}

// tokenIndexKey returns the key of t in the index of tokens by user and kind.
func tokenIndexKey(t *store.Token) []byte {
	return indexKey(t.Hash, t.UserID, string(t.Kind))
}
