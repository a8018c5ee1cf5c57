package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

var _ store.ChangeLog = (*Store)(nil)

// Keys of the change log (see doc.go). The counter and the snapshot pointer sort after every
// change, so that one Query for the changes after a number returns them too.
const (
	pkChanges     = "CHANGES"
	changePrefix  = "SEQ#"
	skCounter     = "SEQ~COUNTER" // '~' sorts after the digits of every SEQ# key
	skSnapshot    = "SNAPSHOT"
	attrSeq       = "seq"
	attrChangeKey = "key"
	attrVersion   = "version"
	attrAt        = "at" // Unix milliseconds
)

// ChangeLogPartition is the partition key of the change log's items: the counter and the
// changes. A function that only logs changes (extract) may be granted the table's item
// calls on this partition alone (IAM condition dynamodb:LeadingKeys).
const ChangeLogPartition = pkChanges

func changeSK(seq uint64) string { return fmt.Sprintf("%s%020d", changePrefix, seq) }

// logChange logs one change: it takes the next number from the counter (an atomic ADD) and
// puts the change under it. Writers call it before the write it announces.
func (s *Store) logChange(ctx context.Context, kind store.ChangeKind, key string, version int) error {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       item{attrPK: str(pkChanges), attrSK: str(skCounter)},
		UpdateExpression:          aws.String("ADD #seq :one"),
		ExpressionAttributeNames:  map[string]string{"#seq": attrSeq},
		ExpressionAttributeValues: item{":one": num(1)},
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return fmt.Errorf("log change: count: %w", err)
	}
	seq, err := strconv.ParseUint(numberText(out.Attributes, attrSeq), 10, 64)
	if err != nil {
		return fmt.Errorf("log change: counter: %w", err)
	}
	now := s.now()
	it := item{
		attrPK:        str(pkChanges),
		attrSK:        str(changeSK(seq)),
		attrEntity:    str("change"),
		attrKind:      str(string(kind)),
		attrChangeKey: str(key),
		attrVersion:   num(version),
		attrAt:        num64(now.UnixMilli()),
	}
	setTTL(it, now.Add(store.ChangeRetention))
	// The number is this writer's alone, so the put needs no condition: a retry of it by
	// the SDK writes the same item again.
	if _, err := s.put(ctx, write{item: it}); err != nil {
		return fmt.Errorf("log change %d: %w", seq, err)
	}
	return nil
}

// logWritten reports a write of the catalog or the word lists done (Version 1; see
// store.ChangedCatalog). The write has succeeded either way: should this fail, readers
// read the catalog again at every poll until their pending timeout.
func (s *Store) logWritten(ctx context.Context, kind store.ChangeKind, key string) {
	_ = s.logChange(ctx, kind, key, 1)
}

// LogChange logs a change of the given kind for each key, without a write of the store's
// own; see store.ChangeLog.
func (s *Store) LogChange(ctx context.Context, kind store.ChangeKind, keys ...string) error {
	for _, k := range keys {
		if err := s.logChange(ctx, kind, k, 0); err != nil {
			return wrap("log change", err)
		}
	}
	return nil
}

// Changes returns at most limit changes after the given number, the counter and the
// snapshot pointer: one strongly consistent Query of the change log's partition (more if
// the changes exceed a page of 1 MB).
func (s *Store) Changes(ctx context.Context, after uint64, limit int) (*store.ChangePage, error) {
	if limit < 1 {
		limit = 1
	}
	page := &store.ChangePage{}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk AND #sk > :after"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#sk": attrSK},
		ExpressionAttributeValues: item{":pk": str(pkChanges), ":after": str(changeSK(after))},
		ConsistentRead:            aws.Bool(true),
	}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, wrap("changes", err)
		}
		for _, it := range out.Items {
			switch sk := text(it, attrSK); {
			case sk == skCounter:
				page.Counter, _ = strconv.ParseUint(numberText(it, attrSeq), 10, 64)
			case sk == skSnapshot:
				page.Snapshot = snapshotPointer(it)
			case len(page.Changes) < limit:
				c, err := loggedChange(it)
				if err != nil {
					return nil, wrap("changes", err)
				}
				page.Changes = append(page.Changes, c)
			default:
				page.More = true
			}
		}
		if len(out.LastEvaluatedKey) == 0 || page.More {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if page.More && (page.Counter == 0 || page.Snapshot == nil) {
		// The page ended before the counter and the pointer: read them on their own.
		rest, err := s.Changes(ctx, math.MaxUint64, 1)
		if err != nil {
			return nil, err
		}
		page.Counter, page.Snapshot = rest.Counter, rest.Snapshot
	}
	return page, nil
}

// loggedChange decodes a change item.
func loggedChange(it item) (store.LoggedChange, error) {
	sk := text(it, attrSK)
	seq, err := strconv.ParseUint(sk[len(changePrefix):], 10, 64)
	if err != nil || len(sk) <= len(changePrefix) {
		return store.LoggedChange{}, fmt.Errorf("change item %q: bad sequence number", sk)
	}
	ms, _ := strconv.ParseInt(numberText(it, attrAt), 10, 64)
	return store.LoggedChange{
		Seq:     seq,
		Kind:    store.ChangeKind(text(it, attrKind)),
		Key:     text(it, attrChangeKey),
		Version: number(it, attrVersion),
		At:      time.UnixMilli(ms).UTC(),
	}, nil
}

// Attributes of the snapshot pointer.
const (
	attrSnapshotID       = "snapshot_id"
	attrSnapshotManifest = "manifest"
	attrSnapshotVersion  = "mapping_version"
	attrSnapshotDocs     = "docs"
	attrPublished        = "published" // Unix milliseconds
)

func snapshotPointer(it item) *store.SnapshotPointer {
	seq, _ := strconv.ParseUint(numberText(it, attrSeq), 10, 64)
	docs, _ := strconv.ParseUint(numberText(it, attrSnapshotDocs), 10, 64)
	ms, _ := strconv.ParseInt(numberText(it, attrPublished), 10, 64)
	return &store.SnapshotPointer{
		ID:        text(it, attrSnapshotID),
		Manifest:  text(it, attrSnapshotManifest),
		Seq:       seq,
		Version:   text(it, attrSnapshotVersion),
		Docs:      docs,
		Published: time.UnixMilli(ms).UTC(),
	}
}

// PublishSnapshot makes p the current snapshot if the current one is still prev: one
// conditional PutItem on the pointer's snapshot id. Returns ECONFLICT otherwise.
func (s *Store) PublishSnapshot(ctx context.Context, p store.SnapshotPointer, prev *store.SnapshotPointer) error {
	if p.ID == "" || p.Manifest == "" {
		return wiki.E(wiki.EINVALID, "dynamo.snapshot_incomplete")
	}
	published := p.Published
	if published.IsZero() {
		published = s.now()
	}
	it := item{
		attrPK:               str(pkChanges),
		attrSK:               str(skSnapshot),
		attrEntity:           str("snapshot"),
		attrSnapshotID:       str(p.ID),
		attrSnapshotManifest: str(p.Manifest),
		attrSeq:              &types.AttributeValueMemberN{Value: strconv.FormatUint(p.Seq, 10)},
		attrSnapshotVersion:  str(p.Version),
		attrSnapshotDocs:     &types.AttributeValueMemberN{Value: strconv.FormatUint(p.Docs, 10)},
		attrPublished:        num64(published.UnixMilli()),
	}
	w := creating(it)
	if prev != nil {
		w = write{item: it, cond: "#id = :prev", names: map[string]string{"#id": attrSnapshotID}, values: item{":prev": str(prev.ID)}}
	}
	stored, err := s.put(ctx, w)
	if errors.Is(err, errCondition) {
		if stored == nil {
			if stored, err = s.get(ctx, key(pkChanges, skSnapshot)); err != nil {
				return wrap("publish snapshot", err)
			}
		}
		if text(stored, attrSnapshotID) == p.ID {
			return nil // the SDK retried this put after it had succeeded
		}
		return wiki.E(wiki.ECONFLICT, "dynamo.snapshot_taken")
	}
	return wrap("publish snapshot", err)
}

// numberText returns the number attribute name of it as written, or "0".
func numberText(it item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		return v.Value
	}
	return "0"
}
