package dynamo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// readEvent decodes a DynamoDB Streams event from testdata.
func readEvent(t *testing.T, name string) events.DynamoDBEvent {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return ev
}

func TestEntryChangesOfTestdata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		records int
		want    []string
	}{
		// The sample aws-lambda-go ships: another table's keys, none of them an entry.
		{"dynamodb-event.json", 2, nil},
		// Our keys, NEW_AND_OLD_IMAGES: a slug guard, a revision and an entry inserted, a
		// revision and two entries modified (one of them the entry inserted before), a user
		// inserted, an entry removed, a session removed by the TTL, an audit event.
		{"entry-changes.json", 10, []string{"01HRZ8Q3K9V1X4M2N7P5T60001", "01HRZ8Q3K9V1X4M2N7P5T60002", "01HRZ8Q3K9V1X4M2N7P5T60003"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev := readEvent(t, tt.file)
			if len(ev.Records) != tt.records {
				t.Fatalf("got %d records, want %d", len(ev.Records), tt.records)
			}
			if got := EntryChanges(ev.Records); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("EntryChanges: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEntryChanges(t *testing.T) {
	t.Parallel()
	record := func(name string, keys map[string]events.DynamoDBAttributeValue) events.DynamoDBEventRecord {
		return events.DynamoDBEventRecord{EventName: name, Change: events.DynamoDBStreamRecord{Keys: keys, StreamViewType: "KEYS_ONLY"}}
	}
	keys := func(pk, sk string) map[string]events.DynamoDBAttributeValue {
		return map[string]events.DynamoDBAttributeValue{attrPK: events.NewStringAttribute(pk), attrSK: events.NewStringAttribute(sk)}
	}
	tests := []struct {
		name    string
		records []events.DynamoDBEventRecord
		want    []string
	}{
		{"none", nil, nil},
		{"insert, modify, remove", []events.DynamoDBEventRecord{
			record("INSERT", keys("ENTRY#a", "META")), record("MODIFY", keys("ENTRY#b", "META")), record("REMOVE", keys("ENTRY#c", "META")),
		}, []string{"a", "b", "c"}},
		{"each once, in the order of the first record", []events.DynamoDBEventRecord{
			record("MODIFY", keys("ENTRY#b", "META")), record("MODIFY", keys("ENTRY#a", "META")), record("MODIFY", keys("ENTRY#b", "META")), record("REMOVE", keys("ENTRY#a", "META")),
		}, []string{"b", "a"}},
		{"other items of an entry", []events.DynamoDBEventRecord{
			record("INSERT", keys("ENTRY#a", "REV#0000000002")), record("INSERT", keys("ENTRY#a", "ADOPT#07111000")),
		}, nil},
		{"other items", []events.DynamoDBEventRecord{
			record("INSERT", keys("SLUG#lorawan", "GUARD")), record("INSERT", keys("EMAIL#anna@kusel.example", "GUARD")),
			record("MODIFY", keys("TOPICS", "TOPIC#open-data")), record("REMOVE", keys("TOKEN#abc", "META")), record("INSERT", keys("ENTRY", "META")),
		}, nil},
		{"unknown event name", []events.DynamoDBEventRecord{record("", keys("ENTRY#a", "META")), record("UPSERT", keys("ENTRY#b", "META"))}, nil},
		{"keys of another shape", []events.DynamoDBEventRecord{
			record("INSERT", map[string]events.DynamoDBAttributeValue{attrPK: events.NewStringAttribute("ENTRY#a")}),
			record("INSERT", map[string]events.DynamoDBAttributeValue{attrPK: events.NewNumberAttribute("1"), attrSK: events.NewStringAttribute("META")}),
			record("INSERT", map[string]events.DynamoDBAttributeValue{attrPK: events.NewStringAttribute("ENTRY#b"), attrSK: events.NewBinaryAttribute([]byte("META"))}),
			record("INSERT", keys("ENTRY#", "META")),
			record("INSERT", nil),
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EntryChanges(tt.records); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("EntryChanges: got %q, want %q", got, tt.want)
			}
		})
	}
}
