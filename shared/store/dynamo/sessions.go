package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// PutSession creates or replaces a session. Returns EINVALID without a token hash or user.
// It puts the link in the user's partition first and then the session, so that every
// session has its link; the link of a session that moved to another user is deleted.
func (s *Store) PutSession(ctx context.Context, sess *store.Session) error {
	if err := store.CheckSession(sess); err != nil {
		return err
	}
	// Token hashes stay out of errors, which end up in logs.
	return wrap("put session of user "+sess.UserID, s.putSession(ctx, sess))
}

func (s *Store) putSession(ctx context.Context, sess *store.Session) error {
	c := sess.InUTC()
	it, err := marshal(c, sessionPK(c.TokenHash), skMeta, "session")
	if err != nil {
		return err
	}
	setTTL(it, c.ExpiresAt)
	if _, err := s.put(ctx, write{item: sessionLinkItem(c)}); err != nil {
		return fmt.Errorf("put link: %w", err)
	}
	old, err := s.put(ctx, write{item: it, old: true})
	if err != nil {
		return fmt.Errorf("put session: %w", err)
	}
	// A link left behind is harmless: DeleteUserSessions deletes a session only if it
	// belongs to the user.
	if prev := text(old, attrUserID); prev != "" && prev != c.UserID {
		_, _ = s.remove(ctx, removal{key: key(userPK(prev), sessionLinkSK(c.TokenHash))})
	}
	return nil
}

// Session returns the session with the given token hash. Returns ENOTFOUND, also for an
// expired session that DynamoDB's TTL has not removed yet.
func (s *Store) Session(ctx context.Context, tokenHash string) (*store.Session, error) {
	it, err := s.get(ctx, key(sessionPK(tokenHash), skMeta))
	if err != nil {
		return nil, wrap("get session", err)
	}
	if it == nil {
		return nil, store.ErrSessionNotFound()
	}
	sess := new(store.Session)
	if err := s.decode(ctx, it, sess); err != nil {
		return nil, wrap("get session", err)
	}
	if sess.Expired(s.now()) {
		return nil, store.ErrSessionNotFound()
	}
	return sess, nil
}

// DeleteSession removes a session and its link; removing a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	old, err := s.remove(ctx, removal{key: key(sessionPK(tokenHash), skMeta)})
	if err != nil {
		return wrap("delete session", err)
	}
	// Should the link's delete fail, it stays behind pointing to nothing; DeleteUserSessions
	// and the TTL cope with that.
	if user := text(old, attrUserID); user != "" {
		_, _ = s.remove(ctx, removal{key: key(userPK(user), sessionLinkSK(tokenHash))})
	}
	return nil
}

// DeleteUserSessions removes every session of a user, expired ones included. It lists the
// links in the user's partition (one strongly consistent Query) and deletes each session
// on the condition that it still belongs to the user, then its link. A link whose session
// does not exist is kept: PutSession writes the link before the session, which may be on
// its way.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	return wrap("delete sessions of user "+userID, s.deleteUserSessions(ctx, userID))
}

func (s *Store) deleteUserSessions(ctx context.Context, userID string) error {
	links, err := s.queryPrefix(ctx, userPK(userID), sessionPrefix)
	if err != nil {
		return err
	}
	for _, link := range links {
		stale, err := s.endSession(ctx, strings.TrimPrefix(text(link, attrSK), sessionPrefix), userID)
		if err != nil {
			return err
		}
		if !stale {
			continue
		}
		if _, err := s.remove(ctx, removal{key: keyOf(link)}); err != nil {
			return fmt.Errorf("delete link: %w", err)
		}
	}
	return nil
}

// endSession deletes the session with the token hash if it belongs to the user. It reports
// whether the user's link to it may go: the session is deleted, or belongs to another user.
func (s *Store) endSession(ctx context.Context, hash, userID string) (bool, error) {
	k := key(sessionPK(hash), skMeta)
	for range 2 {
		stored, err := s.remove(ctx, removal{
			key:    k,
			cond:   "#user = :user",
			names:  map[string]string{"#user": attrUserID},
			values: item{":user": str(userID)},
		})
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, errCondition) {
			return false, fmt.Errorf("delete session: %w", err)
		}
		if stored == nil {
			if stored, err = s.get(ctx, k); err != nil {
				return false, fmt.Errorf("get session: %w", err)
			}
		}
		switch {
		case stored == nil:
			return false, nil // not written yet, or gone: keep the link
		case text(stored, attrUserID) != userID:
			return true, nil
		}
		// written for this user in between: try again
	}
	return false, errors.New("delete session: it changed while being deleted")
}

// sessionLinkItem returns the item that lists a session in its user's partition.
func sessionLinkItem(sess *store.Session) item {
	it := item{
		attrPK:     str(userPK(sess.UserID)),
		attrSK:     str(sessionLinkSK(sess.TokenHash)),
		attrEntity: str("session-link"),
	}
	setTTL(it, sess.ExpiresAt)
	return it
}

// setTTL sets the ttl attribute of it to the expiry at in Unix seconds, rounded up so that
// DynamoDB's TTL never removes an item before it expired; the zero time (no expiry) sets
// none.
func setTTL(it item, at time.Time) {
	if at.IsZero() {
		return
	}
	secs := at.Unix()
	if at.Nanosecond() > 0 {
		secs++
	}
	it[attrTTL] = num64(secs)
}
