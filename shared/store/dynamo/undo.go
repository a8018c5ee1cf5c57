package dynamo

import (
	"context"
	"errors"
	"fmt"
)

// undo remembers what one write of several items has stored so far, so that the write can
// be taken back when a later step fails. Every item the write stores carries token.
type undo struct {
	token   string
	items   []item   // keys of the items stored, or perhaps stored, in order
	blobs   []string // blobs stored for the items
	restore item     // an item to put back over the one this write replaced
}

func (s *Store) begin() *undo { return &undo{token: newToken()} }

// putNew stores an item that must not exist yet and records it. It returns errCondition if
// the item exists, unless it carries u's token: then an earlier attempt of this very put
// succeeded.
func (s *Store) putNew(ctx context.Context, u *undo, it item) error {
	old, err := s.put(ctx, creating(it))
	if errors.Is(err, errCondition) {
		if ours, err := s.writtenBy(ctx, it, old, u.token); err != nil || ours {
			return err
		}
		return errCondition
	}
	// Record the item also after an error: the put may have happened all the same.
	u.items = append(u.items, keyOf(it))
	return err
}

// writtenBy reports whether the stored item with the key of it carries token. stored is
// the item DynamoDB returned with a failed condition; without it (not every implementation
// returns it) the item is read.
func (s *Store) writtenBy(ctx context.Context, it, stored item, token string) (bool, error) {
	if stored == nil {
		var err error
		if stored, err = s.get(ctx, keyOf(it)); err != nil {
			return false, fmt.Errorf("get %s/%s: %w", text(it, attrPK), text(it, attrSK), err)
		}
	}
	return text(stored, attrWriter) == token, nil
}

// abort takes back what u recorded and returns err, with the reason if that failed too.
// It runs with its own deadline, also when ctx is done.
func (s *Store) abort(ctx context.Context, u *undo, err error) error {
	if uerr := s.rollBack(ctx, u); uerr != nil {
		return fmt.Errorf("%w (taking back the write failed: %v)", err, uerr)
	}
	return err
}

// rollBack takes back what u recorded, with its own deadline, also when ctx is done.
func (s *Store) rollBack(ctx context.Context, u *undo) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	return s.takeBack(ctx, u)
}

// takeBack puts back the replaced item, then deletes the recorded items in reverse order,
// each only if it still carries u's token, and at last the blobs, unless an item could not
// be taken back and might still point to them.
func (s *Store) takeBack(ctx context.Context, u *undo) error {
	if u.restore != nil {
		w := write{
			item:   u.restore,
			cond:   "#writer = :writer",
			names:  map[string]string{"#writer": attrWriter},
			values: item{":writer": str(u.token)},
		}
		if _, err := s.put(ctx, w); err != nil {
			return fmt.Errorf("put back %s/%s: %w", text(u.restore, attrPK), text(u.restore, attrSK), err)
		}
	}
	for i := len(u.items) - 1; i >= 0; i-- {
		k := u.items[i]
		err := s.deleteIfWrittenBy(ctx, k, u.token)
		if err != nil && !errors.Is(err, errCondition) { // errCondition: not ours, or not there
			return fmt.Errorf("delete %s/%s: %w", text(k, attrPK), text(k, attrSK), err)
		}
	}
	for _, key := range u.blobs {
		if err := s.blobs.DeleteBlob(ctx, key); err != nil {
			return fmt.Errorf("delete blob %s: %w", key, err)
		}
	}
	return nil
}
