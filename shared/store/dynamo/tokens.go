package dynamo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// PutToken stores a new token. Returns ECONFLICT if the hash exists and EINVALID without a
// hash, kind or user; then nothing is written. An expired token with the same hash counts
// as missing and is replaced, once its ttl (whole seconds) has passed.
//
// It puts the link in the user's partition first, then the token on the condition that
// the hash is free or its token expired. If that fails, the link is taken back.
func (s *Store) PutToken(ctx context.Context, t *store.Token) error {
	if err := store.CheckToken(t); err != nil {
		return err
	}
	// Hashes stay out of errors, which end up in logs.
	return wrap(fmt.Sprintf("put %s token of user %s", t.Kind, t.UserID), s.putToken(ctx, t))
}

func (s *Store) putToken(ctx context.Context, t *store.Token) error {
	w := s.begin()
	c := t.InUTC()
	it, err := marshal(c, tokenPK(c.Hash), skMeta, "token")
	if err != nil {
		return err
	}
	setTTL(it, c.ExpiresAt)
	it[attrWriter] = str(w.token)
	link := tokenLinkItem(c, w.token)
	w.items = append(w.items, keyOf(link)) // also after an error: it may be written
	if _, err := s.put(ctx, write{item: link}); err != nil {
		return s.abort(ctx, w, fmt.Errorf("put link: %w", err))
	}
	old, err := s.put(ctx, write{
		item:   it,
		cond:   "attribute_not_exists(#pk) OR #ttl < :now",
		names:  map[string]string{"#pk": attrPK, "#ttl": attrTTL},
		values: item{":now": num64(s.now().Unix())},
		old:    true,
	})
	if errors.Is(err, errCondition) {
		if old == nil {
			if old, err = s.get(ctx, keyOf(it)); err != nil {
				return s.abort(ctx, w, fmt.Errorf("get token: %w", err))
			}
		}
		if old != nil && text(old, attrWriter) == w.token {
			return nil // an earlier attempt of this very put succeeded
		}
		if old != nil && tokenLinkKey(old) == tokenLinkKey(link) {
			// The link just put is the stored token's own: put it back as it was instead
			// of deleting it.
			w.items, w.restore = nil, tokenLinkOf(old)
		}
		return s.abort(ctx, w, store.ErrTokenTaken())
	}
	if err != nil {
		return s.abort(ctx, w, fmt.Errorf("put token: %w", err))
	}
	// old is an expired token that this one replaced. Its link, unless it is the one just
	// put, points to nothing now; should its delete fail, UserTokens skips it.
	if old != nil && tokenLinkKey(old) != tokenLinkKey(link) {
		_, _ = s.remove(ctx, removal{key: tokenLinkKeyItem(old)})
	}
	return nil
}

// Token returns a token by hash. Returns ENOTFOUND, also for an expired token that
// DynamoDB's TTL has not removed yet.
func (s *Store) Token(ctx context.Context, hash string) (*store.Token, error) {
	it, err := s.get(ctx, key(tokenPK(hash), skMeta))
	if err != nil {
		return nil, wrap("get token", err)
	}
	if it == nil {
		return nil, store.ErrTokenNotFound()
	}
	t, err := s.decodeToken(ctx, it)
	if err != nil {
		return nil, wrap("get token", err)
	}
	if t.Expired(s.now()) {
		return nil, store.ErrTokenNotFound()
	}
	return t, nil
}

// ConsumeToken returns a token and removes it, so that it works only once even for two
// requests at the same moment. Returns ENOTFOUND if it is missing, expired or already
// consumed. One conditional DeleteItem that returns the deleted item decides: of
// concurrent calls only one gets the item. An expired token is deleted all the same.
func (s *Store) ConsumeToken(ctx context.Context, hash string) (*store.Token, error) {
	old, err := s.remove(ctx, removal{
		key:   key(tokenPK(hash), skMeta),
		cond:  "attribute_exists(#pk)",
		names: map[string]string{"#pk": attrPK},
	})
	if errors.Is(err, errCondition) || (err == nil && old == nil) {
		return nil, store.ErrTokenNotFound()
	}
	if err != nil {
		return nil, wrap("consume token", err)
	}
	t, err := s.decodeToken(ctx, old)
	if err != nil {
		return nil, wrap("consume token", err)
	}
	// Should the link's delete fail, it points to nothing; UserTokens skips it.
	_, _ = s.remove(ctx, removal{key: tokenLinkKeyItem(old)})
	if t.Expired(s.now()) {
		return nil, store.ErrTokenNotFound()
	}
	return t, nil
}

// DeleteToken removes a token and its link; removing a missing one is not an error.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	old, err := s.remove(ctx, removal{key: key(tokenPK(hash), skMeta)})
	if err != nil {
		return wrap("delete token", err)
	}
	// Should the link's delete fail, it points to nothing; UserTokens skips it.
	if old != nil {
		_, _ = s.remove(ctx, removal{key: tokenLinkKeyItem(old)})
	}
	return nil
}

// UserTokens returns the tokens of a user of the given kind, oldest first (equal times by
// hash); expired ones are left out. It lists the links in the user's partition (one
// strongly consistent Query) and reads their tokens with strongly consistent BatchGetItem
// calls, so a token put or deleted a moment ago is listed or not as it should be. Links
// whose token is gone or belongs to another user or kind are skipped.
func (s *Store) UserTokens(ctx context.Context, userID string, kind store.TokenKind) ([]store.Token, error) {
	list, err := s.userTokens(ctx, userID, kind)
	return list, wrap(fmt.Sprintf("list %s tokens of user %s", kind, userID), err)
}

func (s *Store) userTokens(ctx context.Context, userID string, kind store.TokenKind) ([]store.Token, error) {
	prefix := tokenLinkPrefix(string(kind))
	links, err := s.queryPrefix(ctx, userPK(userID), prefix)
	if err != nil {
		return nil, err
	}
	keys := make([]item, len(links))
	for i, link := range links {
		keys[i] = key(tokenPK(strings.TrimPrefix(text(link, attrSK), prefix)), skMeta)
	}
	var list []store.Token
	now := s.now()
	for chunk := range slices.Chunk(keys, scanPage) {
		items, err := s.batchGet(ctx, chunk)
		if err != nil {
			return nil, fmt.Errorf("get tokens: %w", err)
		}
		for _, it := range items {
			t, err := s.decodeToken(ctx, it)
			if err != nil {
				return nil, err
			}
			if t.UserID == userID && t.Kind == kind && !t.Expired(now) {
				list = append(list, *t)
			}
		}
	}
	slices.SortFunc(list, func(a, b store.Token) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Hash, b.Hash))
	})
	return list, nil
}

func (s *Store) decodeToken(ctx context.Context, it item) (*store.Token, error) {
	t := new(store.Token)
	if err := s.decode(ctx, it, t); err != nil {
		return nil, err
	}
	return t, nil
}

// tokenLinkItem returns the item that lists t in its user's partition, written by the write
// with token.
func tokenLinkItem(t *store.Token, token string) item {
	it := item{
		attrPK:     str(userPK(t.UserID)),
		attrSK:     str(tokenLinkSK(string(t.Kind), t.Hash)),
		attrEntity: str("token-link"),
		attrWriter: str(token),
	}
	setTTL(it, t.ExpiresAt)
	return it
}

// tokenLinkOf returns the link of a stored token item, as its write put it.
func tokenLinkOf(stored item) item {
	it := tokenLinkKeyItem(stored)
	it[attrEntity] = str("token-link")
	for _, name := range []string{attrWriter, attrTTL} {
		if v, ok := stored[name]; ok {
			it[name] = v
		}
	}
	return it
}

// tokenLinkKeyItem returns the key of the link of a stored token item, or of a link item.
func tokenLinkKeyItem(stored item) item {
	if text(stored, attrEntity) == "token-link" {
		return keyOf(stored)
	}
	return key(userPK(text(stored, attrUserID)), tokenLinkSK(text(stored, attrKind), text(stored, attrHash)))
}

// tokenLinkKey returns the key of tokenLinkKeyItem as one comparable value.
func tokenLinkKey(it item) [2]string {
	k := tokenLinkKeyItem(it)
	return [2]string{text(k, attrPK), text(k, attrSK)}
}
