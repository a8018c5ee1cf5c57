package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/store"
)

// readEvent decodes a DynamoDB Streams event from testdata as the Lambda runtime does.
func readEvent(t *testing.T, name string) events.DynamoDBEvent {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return ev
}

// fakeWriter answers IndexChanges with a fixed report or error and counts the calls.
type fakeWriter struct {
	rep   app.IndexReport
	err   error
	calls int
}

func (w *fakeWriter) IndexChanges(context.Context) (*app.IndexReport, error) {
	w.calls++
	if w.err != nil {
		return nil, w.err
	}
	rep := w.rep
	return &rep, nil
}

func TestHandle(t *testing.T) {
	const a, b = "01JBX7Q3K9V1X4M2N7P5T6A001", "01JBX7Q3K9V1X4M2N7P5T6B002"
	published := &store.SnapshotPointer{ID: "01JBX7Q3K9V1X4M2N7P5T6S001", Seq: 42, Docs: 7}
	tests := []struct {
		name         string
		file         string
		rep          app.IndexReport
		wantFailures []string // sequence numbers
		wantMetric   bool
	}{
		// aws-lambda-go's sample: keys of another table; the step runs all the same.
		{"sample of aws-lambda-go", "dynamodb-event.json", app.IndexReport{}, nil, false},
		{"entry writes, published", "entry-writes.json", app.IndexReport{Changes: 3, Published: published, Lag: 1500 * time.Millisecond}, nil, true},
		// Entry A refused: its entry-item records fail (not its revision or slug guard).
		{"poison entry", "entry-writes.json", app.IndexReport{Changes: 3, Poison: []string{a}, Published: published}, []string{"44215845000000000174504390003", "44215845000000000174504390006"}, true},
		{"two poison entries", "entry-writes.json", app.IndexReport{Poison: []string{b, a}}, []string{"44215845000000000174504390003", "44215845000000000174504390004", "44215845000000000174504390006"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs, metrics bytes.Buffer
			w := &fakeWriter{rep: tt.rep}
			h := &handler{index: w, log: slog.New(slog.NewJSONHandler(&logs, nil)), metrics: &metrics, stage: "test"}
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "c6af9ac6-7b61-11e6-9a41-93e812345678"})
			resp, err := h.Handle(ctx, readEvent(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if w.calls != 1 {
				t.Errorf("IndexChanges called %d times, want 1", w.calls)
			}
			var got []string
			for _, f := range resp.BatchItemFailures {
				got = append(got, f.ItemIdentifier)
			}
			if !slices.Equal(got, tt.wantFailures) {
				t.Errorf("batch item failures = %v, want %v", got, tt.wantFailures)
			}
			if resp.BatchItemFailures == nil {
				t.Error("BatchItemFailures is nil; Lambda reads null as a failure of the whole batch")
			}
			var line map[string]any
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil || line["msg"] != "index step" || line["request_id"] != "c6af9ac6-7b61-11e6-9a41-93e812345678" {
				t.Errorf("log line %s (%v), want msg \"index step\" with the request id", logs.String(), err)
			}
			if !tt.wantMetric {
				if metrics.Len() > 0 {
					t.Errorf("metric written without a publish: %s", metrics.String())
				}
				return
			}
			var m struct {
				AWS struct {
					CloudWatchMetrics []struct {
						Namespace  string
						Dimensions [][]string
						Metrics    []struct{ Name, Unit string }
					}
				} `json:"_aws"`
				Stage    string
				IndexLag float64
			}
			if err := json.Unmarshal(metrics.Bytes(), &m); err != nil {
				t.Fatalf("metric line %q: %v", metrics.String(), err)
			}
			if len(m.AWS.CloudWatchMetrics) != 1 || m.AWS.CloudWatchMetrics[0].Namespace != "Wissensnetz" ||
				m.AWS.CloudWatchMetrics[0].Metrics[0].Name != "IndexLag" || m.Stage != "test" || m.IndexLag != tt.rep.Lag.Seconds() {
				t.Errorf("metric = %+v, want Wissensnetz/IndexLag %v s for stage test", m, tt.rep.Lag.Seconds())
			}
		})
	}
}

// TestHandleFails: a failed step fails the whole batch, so that Lambda retries it.
func TestHandleFails(t *testing.T) {
	var logs bytes.Buffer
	boom := errors.New("S3 nicht erreichbar")
	h := &handler{index: &fakeWriter{err: boom}, log: slog.New(slog.NewJSONHandler(&logs, nil))}
	if _, err := h.Handle(context.Background(), readEvent(t, "entry-writes.json")); !errors.Is(err, boom) {
		t.Errorf("Handle = %v, want %v", err, boom)
	}
	if !bytes.Contains(logs.Bytes(), []byte("indexing failed")) {
		t.Errorf("no error logged: %s", logs.String())
	}
}
