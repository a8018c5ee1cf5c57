package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// Purge deletes the sessions and tokens that are expired at now and returns how many it
// deleted. Reads treat expired sessions and tokens as missing anyway; Purge keeps the file
// from growing with them. Open calls it; a long-running process may call it now and then,
// as DynamoDB's TTL does on AWS.
func (s *Store) Purge(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = purgeExpired(tx, now)
		return err
	})
	if err != nil {
		return 0, wrap("purge", err)
	}
	return n, nil
}

// purgeExpired deletes expired sessions and tokens together with their index entries.
func purgeExpired(tx *bolt.Tx, now time.Time) (int, error) {
	var sessions []string
	err := tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
		var sess store.Session
		if err := json.Unmarshal(v, &sess); err != nil {
			return fmt.Errorf("decode session: %w", err)
		}
		if sess.Expired(now) {
			sessions = append(sessions, string(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	var tokens []store.Token
	err = tx.Bucket(bucketTokens).ForEach(func(_, v []byte) error {
		var t store.Token
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("decode token: %w", err)
		}
		if t.Expired(now) {
			tokens = append(tokens, t)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// bbolt forbids changing a bucket inside ForEach, so the deleting comes after.
	for _, hash := range sessions {
		if err := deleteSession(tx, hash); err != nil {
			return 0, err
		}
	}
	for i := range tokens {
		if err := deleteToken(tx, &tokens[i]); err != nil {
			return 0, err
		}
	}
	// Sign-in attempts whose window has ended count for nothing; they are not reported.
	var logins [][]byte
	err = tx.Bucket(bucketLogins).ForEach(func(k, v []byte) error {
		var a loginAttempts
		if json.Unmarshal(v, &a) != nil || !now.Before(a.WindowEnd) {
			logins = append(logins, k)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range logins {
		if err := tx.Bucket(bucketLogins).Delete(k); err != nil {
			return 0, err
		}
	}
	return len(sessions) + len(tokens), nil
}
