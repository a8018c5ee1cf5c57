package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// key is the key of a test item in the store's table layout.
func key(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": str("TEST#" + id), "sk": str("ITEM")}
}

// put writes a test item with a title and a fail mark (see testdata/streamfn).
func put(t *testing.T, db *dynamodb.Client, table, id, title, fail string) {
	t.Helper()
	it := key(id)
	it["title"] = str(title)
	if fail != "" {
		it["fail"] = str(fail)
	}
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: it}); err != nil {
		t.Fatalf("put %s: %v", id, err)
	}
}

// newRecords returns the records emitted since the first n.
func newRecords(s *Stack, n int) []events.DynamoDBEventRecord { return s.StreamRecords()[n:] }

func attr(it map[string]events.DynamoDBAttributeValue, name string) string {
	if v, ok := it[name]; ok && v.DataType() == events.DataTypeString {
		return v.String()
	}
	return ""
}

func TestStreamRecords(t *testing.T) {
	s := startStack(t, Config{IndexerBootstrap: needBootstraps(t).streamfn})
	db, table := s.DynamoDB(), s.Table()
	ctx := context.Background()

	type want struct {
		event, id, oldTitle, newTitle string
	}
	check := func(t *testing.T, got []events.DynamoDBEventRecord, wants ...want) {
		t.Helper()
		if len(got) != len(wants) {
			t.Fatalf("%d records, want %d: %+v", len(got), len(wants), got)
		}
		for i, w := range wants {
			r := got[i]
			if r.EventName != w.event || attr(r.Change.Keys, "pk") != "TEST#"+w.id || attr(r.Change.Keys, "sk") != "ITEM" || len(r.Change.Keys) != 2 {
				t.Errorf("record %d: %s of %v, want %s of %s", i, r.EventName, r.Change.Keys, w.event, w.id)
			}
			if got := attr(r.Change.OldImage, "title"); got != w.oldTitle || (w.oldTitle == "") != (r.Change.OldImage == nil) {
				t.Errorf("record %d: old title %q (image %v), want %q", i, got, r.Change.OldImage, w.oldTitle)
			}
			if got := attr(r.Change.NewImage, "title"); got != w.newTitle || (w.newTitle == "") != (r.Change.NewImage == nil) {
				t.Errorf("record %d: new title %q (image %v), want %q", i, got, r.Change.NewImage, w.newTitle)
			}
			if r.EventSource != "aws:dynamodb" || r.EventVersion != "1.1" || r.AWSRegion != Region || r.EventID == "" ||
				!strings.HasPrefix(r.EventSourceArn, "arn:aws:dynamodb:"+Region+":") || !strings.Contains(r.EventSourceArn, ":table/"+table+"/stream/") {
				t.Errorf("record %d: envelope %+v", i, r)
			}
			if r.Change.StreamViewType != "NEW_AND_OLD_IMAGES" || len(r.Change.SequenceNumber) < 21 || r.Change.SizeBytes <= 0 ||
				time.Since(r.Change.ApproximateCreationDateTime.Time) > time.Minute {
				t.Errorf("record %d: stream record %+v", i, r.Change)
			}
		}
	}

	t.Run("put, same put, update, delete", func(t *testing.T) {
		n := len(s.StreamRecords())
		put(t, db, table, "a", "Erster Titel", "")
		put(t, db, table, "a", "Erster Titel", "") // changes nothing: no record
		if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(table), Key: key("a"),
			UpdateExpression:          aws.String("SET title = :t"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":t": str("Zweiter Titel")},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: key("a")}); err != nil {
			t.Fatal(err)
		}
		// Deleting what is not there changes nothing: no record.
		if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: key("a")}); err != nil {
			t.Fatal(err)
		}
		check(t, newRecords(s, n),
			want{"INSERT", "a", "", "Erster Titel"},
			want{"MODIFY", "a", "Erster Titel", "Zweiter Titel"},
			want{"REMOVE", "a", "Zweiter Titel", ""})
	})

	t.Run("failed conditional write", func(t *testing.T) {
		put(t, db, table, "b", "Vorhanden", "")
		n := len(s.StreamRecords())
		it := key("b")
		it["title"] = str("Überschrieben")
		_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: it,
			ConditionExpression: aws.String("attribute_not_exists(pk)")})
		var failed *types.ConditionalCheckFailedException
		if !errors.As(err, &failed) {
			t.Fatalf("conditional put: %v, want ConditionalCheckFailedException", err)
		}
		check(t, newRecords(s, n))
	})

	t.Run("batch write", func(t *testing.T) {
		put(t, db, table, "c", "Wird gelöscht", "")
		n := len(s.StreamRecords())
		d, e := key("d"), key("e")
		d["title"], e["title"] = str("Neu D"), str("Neu E")
		_, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
			table: {
				{PutRequest: &types.PutRequest{Item: d}},
				{DeleteRequest: &types.DeleteRequest{Key: key("c")}},
				{PutRequest: &types.PutRequest{Item: e}},
			},
		}})
		if err != nil {
			t.Fatal(err)
		}
		check(t, newRecords(s, n),
			want{"INSERT", "d", "", "Neu D"},
			want{"REMOVE", "c", "Wird gelöscht", ""},
			want{"INSERT", "e", "", "Neu E"})
	})

	t.Run("transactions are unknown to dynalite", func(t *testing.T) {
		n := len(s.StreamRecords())
		it := key("f")
		it["title"] = str("Transaktion")
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(table), Item: it}},
		}})
		if err == nil {
			t.Log("dynalite now answers TransactWriteItems; the proxy records them too")
		} else {
			check(t, newRecords(s, n))
		}
	})

	t.Run("sequence numbers grow", func(t *testing.T) {
		recs := s.StreamRecords()
		for i := 1; i < len(recs); i++ {
			a, b := recs[i-1].Change.SequenceNumber, recs[i].Change.SequenceNumber
			if len(a) != len(b) || a >= b {
				t.Errorf("sequence numbers %s then %s: want growing", a, b)
			}
		}
	})

	t.Run("delivered in order", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := s.WaitStreamsIdle(ctx); err != nil {
			t.Fatal(err)
		}
		var delivered []string
		for _, inv := range s.StreamInvocations() {
			delivered = append(delivered, inv.SequenceNumbers...)
		}
		var emitted []string
		for _, r := range s.StreamRecords() {
			emitted = append(emitted, r.Change.SequenceNumber)
		}
		if !slices.Equal(delivered, emitted) {
			t.Errorf("delivered %v, want %v", delivered, emitted)
		}
	})
}

// streamCase writes items with the ids and fail marks given while delivery is paused,
// resumes it and waits until the stream is idle; it returns the sequence numbers of the
// records of each id.
func writePaused(t *testing.T, s *Stack, items ...[2]string) map[string][]string {
	t.Helper()
	s.PauseStreams()
	n := len(s.StreamRecords())
	for i, it := range items {
		put(t, s.DynamoDB(), s.Table(), it[0], fmt.Sprintf("Fassung %d", i), it[1])
	}
	seqs := map[string][]string{}
	for _, r := range newRecords(s, n) {
		id := strings.TrimPrefix(attr(r.Change.Keys, "pk"), "TEST#")
		seqs[id] = append(seqs[id], r.Change.SequenceNumber)
	}
	s.ResumeStreams()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.WaitStreamsIdle(ctx); err != nil {
		t.Fatal(err)
	}
	return seqs
}

// batches returns the sequence numbers of each invocation.
func batches(invs []StreamInvocation) [][]string {
	var out [][]string
	for _, inv := range invs {
		out = append(out, inv.SequenceNumbers)
	}
	return out
}

func TestStreamDelivery(t *testing.T) {
	streamfn := needBootstraps(t).streamfn
	type outcome struct {
		batches  [][]string // sequence numbers per invocation
		failures [][]string // sequence numbers per failed batch
	}
	tests := []struct {
		name  string
		opts  StreamOptions
		items [][2]string // id, fail mark
		want  func(seq map[string][]string) outcome
	}{
		{"batch size", StreamOptions{BatchSize: 3},
			[][2]string{{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}, {"e", ""}, {"f", ""}, {"g", ""}},
			func(q map[string][]string) outcome {
				return outcome{batches: [][]string{{q["a"][0], q["b"][0], q["c"][0]}, {q["d"][0], q["e"][0], q["f"][0]}, {q["g"][0]}}}
			}},
		{"item failure retried from the failed record, then to the failure queue", StreamOptions{MaxRetries: 2},
			[][2]string{{"a", ""}, {"b", "item"}, {"c", ""}},
			func(q map[string][]string) outcome {
				a, b, c := q["a"][0], q["b"][0], q["c"][0]
				return outcome{batches: [][]string{{a, b, c}, {b, c}, {b, c}}, failures: [][]string{{b, c}}}
			}},
		{"item failure once", StreamOptions{},
			[][2]string{{"a", ""}, {"b", "item-once"}, {"c", ""}},
			func(q map[string][]string) outcome {
				a, b, c := q["a"][0], q["b"][0], q["c"][0]
				return outcome{batches: [][]string{{a, b, c}, {b, c}}}
			}},
		{"function error bisects", StreamOptions{MaxRetries: 3},
			[][2]string{{"a", ""}, {"b", ""}, {"c", ""}, {"d", "error"}},
			func(q map[string][]string) outcome {
				a, b, c, d := q["a"][0], q["b"][0], q["c"][0], q["d"][0]
				return outcome{
					batches:  [][]string{{a, b, c, d}, {a, b}, {c, d}, {c}, {d}, {d}},
					failures: [][]string{{d}},
				}
			}},
		{"function error without bisect", StreamOptions{MaxRetries: 1, NoBisect: true},
			[][2]string{{"a", ""}, {"b", "error-once"}},
			func(q map[string][]string) outcome {
				a, b := q["a"][0], q["b"][0]
				return outcome{batches: [][]string{{a, b}, {a, b}}}
			}},
		{"duplicates", StreamOptions{Duplicates: 1},
			[][2]string{{"a", ""}, {"b", ""}},
			func(q map[string][]string) outcome {
				a, b := q["a"][0], q["b"][0]
				return outcome{batches: [][]string{{a, b}, {a, b}}}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startStack(t, Config{IndexerBootstrap: streamfn, Streams: tt.opts})
			seqs := writePaused(t, s, tt.items...)
			want := tt.want(seqs)
			if got := batches(s.StreamInvocations()); !slices.EqualFunc(got, want.batches, slices.Equal) {
				t.Errorf("invocations:\n got %v\nwant %v", got, want.batches)
			}
			var failed [][]string
			for _, f := range s.FailureQueue() {
				var ids []string
				for _, r := range f.Records {
					ids = append(ids, r.Change.SequenceNumber)
				}
				failed = append(failed, ids)
				if f.StartSequenceNumber != ids[0] || f.EndSequenceNumber != ids[len(ids)-1] || f.Attempts == 0 || f.Reason == "" {
					t.Errorf("failed batch %+v", f)
				}
			}
			if !slices.EqualFunc(failed, want.failures, slices.Equal) {
				t.Errorf("failure queue:\n got %v\nwant %v", failed, want.failures)
			}
			if tt.opts.Duplicates > 0 {
				if invs := s.StreamInvocations(); len(invs) != 2 || invs[0].Duplicate || !invs[1].Duplicate {
					t.Errorf("invocations %+v: want the second a duplicate", invs)
				}
			}
		})
	}
}

func TestStreamShuffleKeepsItemOrder(t *testing.T) {
	s := startStack(t, Config{IndexerBootstrap: needBootstraps(t).streamfn, Streams: StreamOptions{Shuffle: true, Seed: 7}})
	var items [][2]string
	for round := 0; round < 4; round++ {
		for _, id := range []string{"a", "b", "c", "d", "e"} {
			items = append(items, [2]string{id, ""})
		}
	}
	seqs := writePaused(t, s, items...)
	invs := s.StreamInvocations()
	if len(invs) != 1 {
		t.Fatalf("%d invocations, want 1", len(invs))
	}
	got := invs[0].SequenceNumbers
	var emitted []string
	for _, r := range s.StreamRecords() {
		emitted = append(emitted, r.Change.SequenceNumber)
	}
	if slices.Equal(got, emitted) {
		t.Errorf("the batch came in stream order; want it shuffled across items")
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(emitted))) {
		t.Fatalf("delivered %v, want a permutation of %v", got, emitted)
	}
	for id, want := range seqs {
		var order []string
		for _, q := range got {
			if slices.Contains(want, q) {
				order = append(order, q)
			}
		}
		if !slices.Equal(order, want) {
			t.Errorf("item %s: records in order %v, want %v", id, order, want)
		}
	}
}

func TestStreamWaitsForStoppedIndexer(t *testing.T) {
	s := startStack(t, Config{IndexerBootstrap: needBootstraps(t).streamfn})
	if err := s.StopIndexer(); err != nil {
		t.Fatal(err)
	}
	put(t, s.DynamoDB(), s.Table(), "a", "Während der Pause", "")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := s.WaitStreamsIdle(ctx); err == nil {
		t.Fatal("stream idle while the indexer is stopped")
	}
	s.SetIndexerEnv(map[string]string{"WISSENSNETZ_TEST_MARK": "zweiter Start"})
	if err := s.StartIndexer(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitStreamsIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if invs := s.StreamInvocations(); len(invs) != 1 || invs[0].FunctionError != "" || invs[0].Err != "" {
		t.Errorf("invocations %+v, want one that succeeded", invs)
	}
	// The new environment got the environment set for it.
	var environ []byte
	for pid, name := range sessionProcesses([]int{s.indexer.proc.cmd.Process.Pid}) {
		if name == "bootstrap" {
			environ, _ = os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		}
	}
	if !slices.Contains(strings.Split(string(environ), "\x00"), "WISSENSNETZ_TEST_MARK=zweiter Start") {
		t.Errorf("the restarted indexer lacks the environment set for it: %q", environ)
	}
	resp, err := s.InvokeIndexer(ctx, events.DynamoDBEvent{Records: s.StreamRecords()})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Errorf("direct invocation: %+v, %v", resp, err)
	}
}
