package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Attributes of a sign-in attempts item (pk LOGIN#<key>, sk META).
const (
	attrLoginCount = "count"
	attrLoginEnd   = "window_end" // sortableTime, UTC
)

// loginPrefix starts the partition key of a sign-in attempts item.
const loginPrefix = "LOGIN#"

// loginAttempts bounds the compare-and-swap rounds of CountLoginAttempt.
const loginAttempts = 8

// CountLoginAttempt counts one sign-in attempt under key. It reads the item and puts it
// back with the count raised, on the condition that the item is still the one read (its
// _writer token, or its absence); a concurrent attempt makes it read again. The item
// carries a ttl at the window's end, so that DynamoDB removes it. Returns EINVALID for an
// empty key or a window under a second, and ECONFLICT after loginAttempts lost rounds.
func (s *Store) CountLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	if err := store.CheckLoginAttempt(key, window); err != nil {
		return 0, time.Time{}, err
	}
	n, end, err := s.countLoginAttempt(ctx, key, now.UTC(), window)
	return n, end, wrap("count login attempt", err)
}

func (s *Store) countLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	k := loginKey(key)
	for round := range loginAttempts {
		if round > 0 { // wait a random while, so that the losers do not meet again
			t := time.NewTimer(time.Duration(rand.Int64N(int64(10*time.Millisecond) << round)))
			select {
			case <-ctx.Done():
				t.Stop()
				return 0, time.Time{}, fmt.Errorf("waiting to retry: %w", ctx.Err())
			case <-t.C:
			}
		}
		old, err := s.get(ctx, k)
		if err != nil {
			return 0, time.Time{}, fmt.Errorf("get: %w", err)
		}
		count, end := 0, time.Time{}
		if old != nil {
			count = number(old, attrLoginCount)
			end, _ = time.Parse(sortableTime, text(old, attrLoginEnd))
		}
		if !now.Before(end) {
			count, end = 0, now.Add(window).Truncate(time.Millisecond)
		}
		count++
		it := item{attrPK: k[attrPK], attrSK: k[attrSK], attrEntity: str("login"), attrWriter: str(newToken()),
			attrLoginCount: num(count), attrLoginEnd: str(end.Format(sortableTime))}
		setTTL(it, end)
		w := creating(it)
		if old != nil {
			w = write{item: it, cond: "#writer = :writer", names: map[string]string{"#writer": attrWriter},
				values: item{":writer": str(text(old, attrWriter))}}
		}
		if _, err := s.put(ctx, w); errors.Is(err, errCondition) {
			continue // another attempt came first
		} else if err != nil {
			return 0, time.Time{}, fmt.Errorf("put: %w", err)
		}
		return count, end, nil
	}
	return 0, time.Time{}, wiki.E(wiki.ECONFLICT, "dynamo.logins_busy")
}

// ClearLoginAttempts deletes the attempts item of key. Returns EINVALID for an empty key.
func (s *Store) ClearLoginAttempts(ctx context.Context, key string) error {
	if err := store.CheckLoginKey(key); err != nil {
		return err
	}
	_, err := s.remove(ctx, removal{key: loginKey(key)})
	return wrap("clear login attempts", err)
}

func loginKey(k string) item { return key(loginPrefix+k, skMeta) }
