package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// userAttempts bounds how often UpdateUser starts over when another write changed the
// user's e-mail address between its read and its write.
const userAttempts = 4

// CreateUser stores a new user. Returns ECONFLICT if the id or the e-mail (in any case) is
// taken and EINVALID without an id or e-mail; then nothing is written. It claims the e-mail
// guard first and then puts the user item on the condition that the id is free; if that
// fails, the guard is taken back.
func (s *Store) CreateUser(ctx context.Context, u *wiki.User) error {
	if err := store.CheckUser(u); err != nil {
		return err
	}
	return wrap("create user "+u.ID, s.createUser(ctx, u))
}

func (s *Store) createUser(ctx context.Context, u *wiki.User) error {
	w := s.begin()
	if err := s.claimEmail(ctx, w, emailKey(u.Email), u.ID); err != nil {
		return s.abort(ctx, w, err)
	}
	it, err := userItem(u, w.token, w.token)
	if err != nil {
		return s.abort(ctx, w, err)
	}
	if err := s.putNew(ctx, w, it); err != nil {
		if errors.Is(err, errCondition) {
			err = store.ErrUserIDTaken()
		} else {
			err = fmt.Errorf("put user: %w", err)
		}
		return s.abort(ctx, w, err)
	}
	return nil
}

// UpdateUser replaces a stored user. Returns ENOTFOUND, ECONFLICT if a changed e-mail
// belongs to another user and EINVALID without an id or e-mail; then nothing is written.
//
// It reads the stored user. If the address changes, it claims the new e-mail guard, then
// puts the user on the condition that its e-mail claim is still the one read, then deletes
// the old guard. Should the put fail, the new guard is taken back. Should another write
// have changed the address in between, it starts over (a few times, then ECONFLICT).
// Changes of other fields do not conflict: the last write wins.
func (s *Store) UpdateUser(ctx context.Context, u *wiki.User) error {
	if err := store.CheckUser(u); err != nil {
		return err
	}
	return wrap("update user "+u.ID, s.updateUser(ctx, u))
}

func (s *Store) updateUser(ctx context.Context, u *wiki.User) error {
	newKey := emailKey(u.Email)
	for range userAttempts {
		stored, err := s.get(ctx, key(pkUsers, userSK(u.ID)))
		if err != nil {
			return fmt.Errorf("get user: %w", err)
		}
		if stored == nil {
			return store.ErrUserNotFound()
		}
		oldKey, oldClaim := emailKey(text(stored, attrEmail)), text(stored, attrClaim)
		w := s.begin()
		claim := oldClaim
		if newKey != oldKey {
			if err := s.claimEmail(ctx, w, newKey, u.ID); err != nil {
				return s.abort(ctx, w, err)
			}
			claim = w.token
		}
		it, err := userItem(u, w.token, claim)
		if err != nil {
			return s.abort(ctx, w, err)
		}
		current, err := s.put(ctx, write{
			item:   it,
			cond:   "attribute_exists(#pk) AND #claim = :claim",
			names:  map[string]string{"#pk": attrPK, "#claim": attrClaim},
			values: item{":claim": str(oldClaim)},
		})
		if errors.Is(err, errCondition) {
			ours, werr := s.writtenBy(ctx, it, current, w.token)
			if werr != nil {
				return s.abort(ctx, w, werr)
			}
			if !ours { // changed, or gone, in between: start over
				if err := s.rollBack(ctx, w); err != nil {
					return fmt.Errorf("take back the claim of a changed address: %w", err)
				}
				continue
			}
			err = nil // an earlier attempt of this very put succeeded
		}
		if err != nil {
			return s.abort(ctx, w, fmt.Errorf("put user: %w", err))
		}
		if newKey != oldKey && oldClaim != "" {
			// The old address is free now. Should the delete fail, its guard stays behind
			// pointing to a user with another address: UserByEmail ignores it, and a claim of
			// the address removes it once it is older than the guard timeout.
			_ = s.deleteIfWrittenBy(ctx, key(emailPK(oldKey), skGuard), oldClaim)
		}
		return nil
	}
	return store.ErrUserBusy()
}

// User returns the user with the given id. Returns ENOTFOUND.
func (s *Store) User(ctx context.Context, id string) (*wiki.User, error) {
	u := new(wiki.User)
	if err := s.getPlain(ctx, u, pkUsers, userSK(id), store.ErrUserNotFound); err != nil {
		return nil, wrap("get user "+id, err)
	}
	return u, nil
}

// UserByEmail returns the user with the given e-mail (any case). Returns ENOTFOUND. It reads
// the e-mail guard and then the user it names, and answers only if that user still has the
// address: a guard left behind by an interrupted write finds no one.
func (s *Store) UserByEmail(ctx context.Context, email string) (*wiki.User, error) {
	u, err := s.userByEmail(ctx, emailKey(email))
	// The address is personal data and stays out of the error.
	return u, wrap("get user by e-mail", err)
}

func (s *Store) userByEmail(ctx context.Context, addr string) (*wiki.User, error) {
	guard, err := s.get(ctx, key(emailPK(addr), skGuard))
	if err != nil {
		return nil, fmt.Errorf("get e-mail guard: %w", err)
	}
	if guard == nil {
		return nil, store.ErrUserNotFound()
	}
	it, err := s.get(ctx, key(pkUsers, userSK(text(guard, attrGuardUser))))
	if err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	if it == nil || emailKey(text(it, attrEmail)) != addr {
		return nil, store.ErrUserNotFound()
	}
	u := new(wiki.User)
	if err := s.decode(ctx, it, u); err != nil {
		return nil, err
	}
	return u, nil
}

// Users returns all users ordered by id, read strongly consistent from their partition.
func (s *Store) Users(ctx context.Context) ([]wiki.User, error) {
	list, err := listPlain[wiki.User](ctx, s, pkUsers, userPrefix)
	return list, wrap("list users", err)
}

// claimEmail puts the guard that reserves the address addr (an e-mail key) for the user id, with u's token,
// and records it in u. A guard of the same user (left behind by an earlier change of its
// address, or just claimed by a concurrent update of it) is taken over and put back as it
// was should the write fail. A guard of another user that an interrupted write left
// behind is removed once it is older than the guard timeout. Returns ECONFLICT if the
// address belongs to another user.
func (s *Store) claimEmail(ctx context.Context, u *undo, addr, id string) error {
	guard := emailGuardItem(addr, id, u.token, s.now())
	for range 3 {
		old, err := s.put(ctx, creating(guard))
		if err == nil || !errors.Is(err, errCondition) {
			u.items = append(u.items, keyOf(guard)) // also after an error: it may be written
			if err != nil {
				return fmt.Errorf("put e-mail guard: %w", err)
			}
			return nil
		}
		if old == nil {
			if old, err = s.get(ctx, keyOf(guard)); err != nil {
				return fmt.Errorf("get e-mail guard: %w", err)
			}
			if old == nil {
				continue // removed in between
			}
		}
		switch {
		case text(old, attrWriter) == u.token: // a retry of a put that had succeeded
			u.items = append(u.items, keyOf(guard))
			return nil
		case text(old, attrGuardUser) == id:
			_, err := s.put(ctx, write{
				item:   guard,
				cond:   "#writer = :writer",
				names:  map[string]string{"#writer": attrWriter},
				values: item{":writer": str(text(old, attrWriter))},
			})
			if errors.Is(err, errCondition) {
				continue // changed in between
			}
			if err != nil {
				return fmt.Errorf("take over e-mail guard: %w", err)
			}
			u.restore = old
			return nil
		}
		abandoned, err := s.emailGuardAbandoned(ctx, old, addr)
		if err != nil {
			return err
		}
		if !abandoned {
			return store.ErrEmailTaken()
		}
		if err := s.deleteIfWrittenBy(ctx, keyOf(old), text(old, attrWriter)); err != nil && !errors.Is(err, errCondition) {
			return fmt.Errorf("delete abandoned e-mail guard: %w", err)
		}
	}
	return store.ErrEmailTaken()
}

// emailGuardAbandoned reports whether an e-mail guard was left behind by an interrupted
// write: it is older than the guard timeout, and its user does not exist or has another
// address.
func (s *Store) emailGuardAbandoned(ctx context.Context, guard item, addr string) (bool, error) {
	created, err := time.Parse(time.RFC3339Nano, text(guard, attrGuardCreated))
	if err != nil || s.now().Sub(created) < s.guardTimeout {
		return false, nil
	}
	owner, err := s.get(ctx, key(pkUsers, userSK(text(guard, attrGuardUser))))
	if err != nil {
		return false, fmt.Errorf("get user of e-mail guard: %w", err)
	}
	return owner == nil || emailKey(text(owner, attrEmail)) != addr, nil
}

// emailKey returns the key of an address in its guard: normalised, so that an address is
// unique in any case.
func emailKey(email string) string { return wiki.NormalizeEmail(email) }

// userItem returns the item of u, written by the write with token, whose e-mail guard was
// claimed by the write with token claim.
func userItem(u *wiki.User, token, claim string) (item, error) {
	it, err := marshal(store.UserInUTC(u), pkUsers, userSK(u.ID), "user")
	if err != nil {
		return nil, err
	}
	it[attrWriter], it[attrClaim] = str(token), str(claim)
	return it, nil
}

// emailGuardItem returns the item that reserves the address addr (an e-mail key) for the
// user id.
func emailGuardItem(addr, id, token string, now time.Time) item {
	return item{
		attrPK:           str(emailPK(addr)),
		attrSK:           str(skGuard),
		attrEntity:       str("email"),
		attrGuardUser:    str(id),
		attrGuardCreated: str(now.UTC().Format(time.RFC3339Nano)),
		attrWriter:       str(token),
	}
}
