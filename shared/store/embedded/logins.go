package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// loginAttempts is the record of the sign-in attempts under one key.
type loginAttempts struct {
	Count     int       `json:"count"`
	WindowEnd time.Time `json:"window_end"`
}

// CountLoginAttempt counts one sign-in attempt under key in one transaction, which bbolt
// runs one at a time. Returns EINVALID for an empty key or a window under a second.
func (s *Store) CountLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	if err := store.CheckLoginAttempt(key, window); err != nil {
		return 0, time.Time{}, err
	}
	var a loginAttempts
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLogins)
		a = loginAttempts{}
		if v := b.Get([]byte(key)); v != nil {
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
		}
		if !now.Before(a.WindowEnd) {
			a = loginAttempts{WindowEnd: now.Add(window).UTC()}
		}
		a.Count++
		data, err := json.Marshal(&a)
		if err != nil {
			return err
		}
		return b.Put([]byte(key), data)
	})
	if err != nil {
		return 0, time.Time{}, wrap("count login attempt", err)
	}
	return a.Count, a.WindowEnd, nil
}

// ClearLoginAttempts forgets the attempts under key. Returns EINVALID for an empty key.
func (s *Store) ClearLoginAttempts(ctx context.Context, key string) error {
	if err := store.CheckLoginKey(key); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bucketLogins).Delete([]byte(key)) })
	return wrap("clear login attempts", err)
}
