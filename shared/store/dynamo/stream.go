package dynamo

import (
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// EntryChanges returns the ids of the entries whose entry item was inserted, modified or
// removed in records (a batch of DynamoDB Streams records of the store's table), in the
// order of their first record, each once. Records of other items (revisions, slug and
// e-mail guards, the catalog, accounts, the audit log) are left out. It reads only the
// records' keys, which every stream view type carries.
func EntryChanges(records []events.DynamoDBEventRecord) []string {
	var ids []string
	seen := make(map[string]bool)
	for _, r := range records {
		switch events.DynamoDBOperationType(r.EventName) {
		case events.DynamoDBOperationTypeInsert, events.DynamoDBOperationTypeModify, events.DynamoDBOperationTypeRemove:
		default:
			continue
		}
		pk, okPK := stringKey(r.Change.Keys, attrPK)
		sk, okSK := stringKey(r.Change.Keys, attrSK)
		if !okPK || !okSK || sk != skMeta {
			continue
		}
		id, ok := strings.CutPrefix(pk, entryPrefix)
		if !ok || id == "" || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids
}

// stringKey returns the string attribute name of a stream record's keys.
func stringKey(keys map[string]events.DynamoDBAttributeValue, name string) (string, bool) {
	v, ok := keys[name]
	if !ok || v.DataType() != events.DataTypeString {
		return "", false
	}
	return v.String(), true
}
