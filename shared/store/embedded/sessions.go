package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// PutSession creates or replaces a session. Returns EINVALID without a token hash or user.
func (s *Store) PutSession(ctx context.Context, sess *store.Session) error {
	if err := store.CheckSession(sess); err != nil {
		return err
	}
	data, err := json.Marshal(sess.InUTC())
	if err != nil {
		return wrap("put session", fmt.Errorf("encode: %w", err))
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		if err := deleteSession(tx, sess.TokenHash); err != nil {
			return err
		}
		if err := tx.Bucket(bucketUserSessions).Put(indexKey(sess.TokenHash, sess.UserID), []byte{}); err != nil {
			return err
		}
		return tx.Bucket(bucketSessions).Put([]byte(sess.TokenHash), data)
	})
	// Token hashes stay out of errors, which end up in logs.
	return wrap("put session of user "+sess.UserID, err)
}

// Session returns the session with the given token hash. Returns ENOTFOUND, also for an
// expired session.
func (s *Store) Session(ctx context.Context, tokenHash string) (*store.Session, error) {
	var sess *store.Session
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get([]byte(tokenHash))
		if v == nil {
			return store.ErrSessionNotFound()
		}
		sess = new(store.Session)
		if err := json.Unmarshal(v, sess); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if sess.Expired(time.Now()) {
			return store.ErrSessionNotFound()
		}
		return nil
	})
	if err != nil {
		return nil, wrap("get session", err)
	}
	return sess, nil
}

// DeleteSession removes a session; removing a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	err := s.update(ctx, func(tx *bolt.Tx) error { return deleteSession(tx, tokenHash) })
	return wrap("delete session", err)
}

// DeleteUserSessions removes every session of a user, expired ones included.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		index, sessions := tx.Bucket(bucketUserSessions), tx.Bucket(bucketSessions)
		prefix := ownerPrefix(userID)
		for _, k := range keysWithPrefix(index, prefix) {
			if err := sessions.Delete(k[len(prefix):]); err != nil {
				return err
			}
			if err := index.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("delete sessions of user "+userID, err)
}

// deleteSession removes a session and its index entry, if it exists.
func deleteSession(tx *bolt.Tx, tokenHash string) error {
	sessions := tx.Bucket(bucketSessions)
	v := sessions.Get([]byte(tokenHash))
	if v == nil {
		return nil
	}
	var stored struct {
		UserID string `json:"user_id"`
	}
	if err := json.Unmarshal(v, &stored); err != nil {
		return fmt.Errorf("decode stored session: %w", err)
	}
	if err := tx.Bucket(bucketUserSessions).Delete(indexKey(tokenHash, stored.UserID)); err != nil {
		return err
	}
	return sessions.Delete([]byte(tokenHash))
}
