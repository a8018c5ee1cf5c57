package embedded

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// CreateUser stores a new user. Returns ECONFLICT if the id or the e-mail (in any case) is
// taken and EINVALID without an id or e-mail.
func (s *Store) CreateUser(ctx context.Context, u *wiki.User) error {
	data, err := encodeUser(u)
	if err != nil {
		return wrap("create user "+u.ID, err)
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		users, emails := tx.Bucket(bucketUsers), tx.Bucket(bucketEmails)
		if users.Get([]byte(u.ID)) != nil {
			return store.ErrUserIDTaken()
		}
		if emails.Get(emailKey(u.Email)) != nil {
			return store.ErrEmailTaken()
		}
		if err := emails.Put(emailKey(u.Email), []byte(u.ID)); err != nil {
			return err
		}
		return users.Put([]byte(u.ID), data)
	})
	return wrap("create user "+u.ID, err)
}

// UpdateUser replaces a stored user. Returns ENOTFOUND, ECONFLICT if a changed e-mail
// belongs to another user and EINVALID without an id or e-mail; then nothing is written.
func (s *Store) UpdateUser(ctx context.Context, u *wiki.User) error {
	data, err := encodeUser(u)
	if err != nil {
		return wrap("update user "+u.ID, err)
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		users, emails := tx.Bucket(bucketUsers), tx.Bucket(bucketEmails)
		v := users.Get([]byte(u.ID))
		if v == nil {
			return store.ErrUserNotFound()
		}
		var stored struct {
			Email string `json:"email"`
		}
		if err := json.Unmarshal(v, &stored); err != nil {
			return fmt.Errorf("decode stored user: %w", err)
		}
		if old, changed := emailKey(stored.Email), emailKey(u.Email); string(old) != string(changed) {
			if owner := emails.Get(changed); owner != nil && string(owner) != u.ID {
				return store.ErrEmailTaken()
			}
			if owner := emails.Get(old); owner != nil && string(owner) == u.ID {
				if err := emails.Delete(old); err != nil {
					return err
				}
			}
			if err := emails.Put(changed, []byte(u.ID)); err != nil {
				return err
			}
		}
		return users.Put([]byte(u.ID), data)
	})
	return wrap("update user "+u.ID, err)
}

// User returns the user with the given id. Returns ENOTFOUND.
func (s *Store) User(ctx context.Context, id string) (*wiki.User, error) {
	u := new(wiki.User)
	if err := s.get(ctx, bucketUsers, id, u, store.ErrUserNotFound); err != nil {
		return nil, wrap("get user "+id, err)
	}
	return u, nil
}

// UserByEmail returns the user with the given e-mail (any case). Returns ENOTFOUND.
func (s *Store) UserByEmail(ctx context.Context, email string) (*wiki.User, error) {
	var u *wiki.User
	err := s.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketEmails).Get(emailKey(email))
		if id == nil {
			return store.ErrUserNotFound()
		}
		v := tx.Bucket(bucketUsers).Get(id)
		if v == nil {
			return fmt.Errorf("e-mail index points to missing user %s", id)
		}
		u = new(wiki.User)
		if err := json.Unmarshal(v, u); err != nil {
			return fmt.Errorf("decode user %s: %w", id, err)
		}
		return nil
	})
	if err != nil {
		// The address is personal data and stays out of the error.
		return nil, wrap("get user by e-mail", err)
	}
	return u, nil
}

// Users returns all users ordered by id.
func (s *Store) Users(ctx context.Context) ([]wiki.User, error) {
	list, err := all[wiki.User](ctx, s, bucketUsers)
	return list, wrap("list users", err)
}

// encodeUser checks that u can be stored under its id and e-mail and returns it as JSON
// with its times in UTC.
func encodeUser(u *wiki.User) ([]byte, error) {
	if err := store.CheckUser(u); err != nil {
		return nil, err
	}
	data, err := json.Marshal(store.UserInUTC(u))
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return data, nil
}

// emailKey returns the key of an address in the e-mail index: normalised, so that the
// index finds it in any case.
func emailKey(email string) []byte { return []byte(wiki.NormalizeEmail(email)) }
