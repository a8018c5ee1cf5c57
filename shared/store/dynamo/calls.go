package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// errCondition says that the condition of a write did not hold.
var errCondition = errors.New("condition failed")

// write is one PutItem, conditional if cond is set.
type write struct {
	item   item
	cond   string            // condition expression
	names  map[string]string // attribute names of the condition
	values item              // values of the condition
	old    bool              // return the item as it was before
}

// creating returns the write of an item that must not exist yet.
func creating(it item) write {
	return write{item: it, cond: "attribute_not_exists(#pk)", names: map[string]string{"#pk": attrPK}}
}

// put runs w. If the condition fails, it returns errCondition and the stored item if
// DynamoDB sent it along.
func (s *Store) put(ctx context.Context, w write) (item, error) {
	in := &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: w.item}
	if w.old {
		in.ReturnValues = types.ReturnValueAllOld
	}
	if w.cond != "" {
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
		in.ConditionExpression = aws.String(w.cond)
		in.ExpressionAttributeNames = w.names
		if len(w.values) > 0 {
			in.ExpressionAttributeValues = w.values
		}
	}
	out, err := s.db.PutItem(ctx, in)
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return failed.Item, errCondition
	}
	if err != nil {
		return nil, err
	}
	return out.Attributes, nil
}

// removal is one DeleteItem, conditional if cond is set.
type removal struct {
	key    item
	cond   string            // condition expression
	names  map[string]string // attribute names of the condition
	values item              // values of the condition
}

// remove runs r and returns the item it deleted, or nil if there was none. If the
// condition fails, it returns errCondition and the stored item if DynamoDB sent it along
// (it never does for a missing item).
func (s *Store) remove(ctx context.Context, r removal) (item, error) {
	in := &dynamodb.DeleteItemInput{
		TableName:    aws.String(s.table),
		Key:          r.key,
		ReturnValues: types.ReturnValueAllOld,
	}
	if r.cond != "" {
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
		in.ConditionExpression = aws.String(r.cond)
		in.ExpressionAttributeNames = r.names
		if len(r.values) > 0 {
			in.ExpressionAttributeValues = r.values
		}
	}
	out, err := s.db.DeleteItem(ctx, in)
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return failed.Item, errCondition
	}
	if err != nil {
		return nil, err
	}
	if len(out.Attributes) == 0 {
		return nil, nil
	}
	return out.Attributes, nil
}

// deleteIfWrittenBy deletes the item with key k if it holds what the write with token
// stored. It returns errCondition if the item is missing or was written by someone else.
func (s *Store) deleteIfWrittenBy(ctx context.Context, k item, token string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(s.table),
		Key:                       k,
		ConditionExpression:       aws.String("#writer = :writer"),
		ExpressionAttributeNames:  map[string]string{"#writer": attrWriter},
		ExpressionAttributeValues: item{":writer": str(token)},
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return errCondition
	}
	return err
}

// get returns the item with key k, read strongly consistent, or nil.
func (s *Store) get(ctx context.Context, k item) (item, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            k,
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	if len(out.Item) == 0 {
		return nil, nil
	}
	return out.Item, nil
}

// batchGet returns the items with the given keys, read strongly consistent, in the order
// of keys; missing items are left out. It asks again for keys DynamoDB did not process.
func (s *Store) batchGet(ctx context.Context, keys []item) ([]item, error) {
	found := make(map[[2]string]item, len(keys))
	pending := keys
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt > 0 {
			if err := pause(ctx, attempt); err != nil {
				return nil, err
			}
		}
		out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
			RequestItems: map[string]types.KeysAndAttributes{
				s.table: {Keys: pending, ConsistentRead: aws.Bool(true)},
			},
		})
		if err != nil {
			return nil, err
		}
		for _, it := range out.Responses[s.table] {
			found[[2]string{text(it, attrPK), text(it, attrSK)}] = it
		}
		pending = out.UnprocessedKeys[s.table].Keys
	}
	list := make([]item, 0, len(keys))
	for _, k := range keys {
		if it, ok := found[[2]string{text(k, attrPK), text(k, attrSK)}]; ok {
			list = append(list, it)
		}
	}
	return list, nil
}

// queryPrefix returns the items of partition pk whose sort keys start with prefix, in
// sort key order, read strongly consistent.
func (s *Store) queryPrefix(ctx context.Context, pk, prefix string) ([]item, error) {
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("#pk = :pk AND begins_with(#sk, :prefix)"),
		ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#sk": attrSK},
		ExpressionAttributeValues: item{":pk": str(pk), ":prefix": str(prefix)},
		ConsistentRead:            aws.Bool(true),
	})
	var list []item
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", pk, err)
		}
		list = append(list, page.Items...)
	}
	return list, nil
}

// pause waits a little longer with every attempt, up to about a second, or until ctx is
// done.
func pause(ctx context.Context, attempt int) error {
	d := min(time.Duration(1<<min(attempt, 6))*20*time.Millisecond, time.Second)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting to retry: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}
