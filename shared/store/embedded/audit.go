package embedded

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// AppendAudit adds an event. Returns ECONFLICT if its id exists and EINVALID without an id.
func (s *Store) AppendAudit(ctx context.Context, ev *wiki.AuditEvent) error {
	if err := store.CheckAuditEvent(ev); err != nil {
		return err
	}
	data, err := json.Marshal(store.AuditEventInUTC(ev))
	if err != nil {
		return wrap("append audit event "+ev.ID, fmt.Errorf("encode: %w", err))
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		if b.Get([]byte(ev.ID)) != nil {
			return store.ErrAuditIDTaken()
		}
		return b.Put([]byte(ev.ID), data)
	})
	return wrap("append audit event "+ev.ID, err)
}

// AuditLog returns up to limit events whose ids sort before the id before ("" for the
// newest), newest first. Event ids are ULIDs, so id order is time order. A limit below 1
// returns no events.
func (s *Store) AuditLog(ctx context.Context, before string, limit int) ([]wiki.AuditEvent, error) {
	if limit < 1 {
		return nil, nil
	}
	var list []wiki.AuditEvent
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		var k, v []byte
		switch {
		case before == "":
			k, v = c.Last()
		default:
			// Seek finds the first id at or after before; the one in front of it is older.
			if k, _ = c.Seek([]byte(before)); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil && len(list) < limit; k, v = c.Prev() {
			var ev wiki.AuditEvent
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("decode event %s: %w", k, err)
			}
			list = append(list, ev)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("read audit log", err)
	}
	return list, nil
}
