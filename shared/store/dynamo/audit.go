package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/oklog/ulid/v2"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// monthFormat names the month of an audit partition.
const monthFormat = "2006-01"

// AppendAudit adds an event. Returns ECONFLICT if its id exists and EINVALID for an id
// that is empty or not a ULID in its canonical form (26 characters, upper case): the id's
// time decides the month partition the event goes to.
//
// It puts the marker of the month first, unless this store knows it exists, and then the
// event on the condition that its id is free.
func (s *Store) AppendAudit(ctx context.Context, ev *wiki.AuditEvent) error {
	if err := store.CheckAuditEvent(ev); err != nil {
		return err
	}
	month, ok := monthOfID(ev.ID)
	if !ok {
		return wiki.E(wiki.EINVALID, "dynamo.audit_id_not_ulid", ev.ID)
	}
	return wrap("append audit event "+ev.ID, s.appendAudit(ctx, ev, month))
}

func (s *Store) appendAudit(ctx context.Context, ev *wiki.AuditEvent, month string) error {
	if _, known := s.auditMonths.Load(month); !known {
		marker := item{attrPK: str(pkAudit), attrSK: str(monthSK(month)), attrEntity: str("audit-month")}
		if _, err := s.put(ctx, write{item: marker}); err != nil {
			return fmt.Errorf("put month %s: %w", month, err)
		}
		s.auditMonths.Store(month, true)
	}
	it, err := marshal(store.AuditEventInUTC(ev), auditPK(month), ev.ID, "audit")
	if err != nil {
		return err
	}
	w := s.begin()
	it[attrWriter] = str(w.token)
	if err := s.putNew(ctx, w, it); err != nil {
		if errors.Is(err, errCondition) {
			return store.ErrAuditIDTaken()
		}
		return fmt.Errorf("put event: %w", err)
	}
	return nil
}

// AuditLog returns up to limit events whose ids sort before the id before ("" for the
// newest), newest first; nothing for a limit below 1. It reads the month markers (one
// Query), then the months from the newest on, skipping those whose ids all sort at or
// after before, one Query each until limit events are found. All reads are strongly
// consistent.
func (s *Store) AuditLog(ctx context.Context, before string, limit int) ([]wiki.AuditEvent, error) {
	if limit < 1 {
		return nil, nil
	}
	list, err := s.auditLog(ctx, before, limit)
	return list, wrap("read audit log", err)
}

func (s *Store) auditLog(ctx context.Context, before string, limit int) ([]wiki.AuditEvent, error) {
	markers, err := s.queryPrefix(ctx, pkAudit, monthPrefix)
	if err != nil {
		return nil, err
	}
	var list []wiki.AuditEvent
	for i := len(markers) - 1; i >= 0 && len(list) < limit; i-- {
		month := strings.TrimPrefix(text(markers[i], attrSK), monthPrefix)
		start, err := time.Parse(monthFormat, month)
		if err != nil {
			return nil, fmt.Errorf("month marker %q: %w", month, err)
		}
		if before != "" && before <= firstID(start) {
			continue // every id of the month sorts at or after before
		}
		events, err := s.auditMonth(ctx, month, before, limit-len(list))
		if err != nil {
			return nil, err
		}
		list = append(list, events...)
	}
	return list, nil
}

// auditMonth returns up to limit events of a month whose ids sort before the id before
// ("" for any), newest first.
func (s *Store) auditMonth(ctx context.Context, month, before string, limit int) ([]wiki.AuditEvent, error) {
	cond, values := "#pk = :pk", item{":pk": str(auditPK(month))}
	names := map[string]string{"#pk": attrPK}
	if before != "" {
		cond += " AND #sk < :before"
		names["#sk"], values[":before"] = attrSK, str(before)
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String(cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
	}
	var list []wiki.AuditEvent
	for len(list) < limit {
		in.Limit = aws.Int32(int32(min(limit-len(list), 1000)))
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", auditPK(month), err)
		}
		for _, it := range out.Items {
			var ev wiki.AuditEvent
			if err := s.decode(ctx, it, &ev); err != nil {
				return nil, err
			}
			list = append(list, ev)
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	return list, nil
}

// monthOfID returns the month ("2025-04", UTC) of the time in a ULID, and false if id is
// not a ULID in canonical form.
func monthOfID(id string) (string, bool) {
	u, err := ulid.ParseStrict(id)
	if err != nil || u.String() != id {
		return "", false
	}
	return ulid.Time(u.Time()).UTC().Format(monthFormat), true
}

// firstID returns the smallest ULID of the millisecond t.
func firstID(t time.Time) string {
	var u ulid.ULID
	_ = u.SetTime(ulid.Timestamp(t)) // fails only for times after the year 10889
	return u.String()
}
