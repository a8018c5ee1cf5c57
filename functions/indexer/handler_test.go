package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
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

// logLine is the JSON log line the handler writes per batch.
type logLine struct {
	Level     string   `json:"level"`
	Msg       string   `json:"msg"`
	RequestID string   `json:"request_id"`
	Records   int      `json:"records"`
	Entries   []string `json:"entries"`
}

func TestHandle(t *testing.T) {
	tests := []struct {
		name        string
		file        string
		wantRecords int
		wantEntries []string
	}{
		// aws-lambda-go's sample: keys of another table, so no entry of ours.
		{"sample of aws-lambda-go", "dynamodb-event.json", 2, []string{}},
		// Creating A (guard, revision, entry item), editing B, submitting A, a session,
		// and removing C: each entry once, in the order of its first entry-item record.
		{"entry writes", "entry-writes.json", 8, []string{
			"01JBX7Q3K9V1X4M2N7P5T6A001", "01JBX7Q3K9V1X4M2N7P5T6B002", "01JBX7Q3K9V1X4M2N7P5T6C003",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := newHandler(slog.New(slog.NewJSONHandler(&logs, nil)))
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "c6af9ac6-7b61-11e6-9a41-93e812345678"})

			resp, err := h.Handle(ctx, readEvent(t, tt.file))
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			out, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(out), `{"batchItemFailures":[]}`; got != want {
				t.Errorf("response = %s, want %s", got, want)
			}

			var line logLine
			if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
				t.Fatalf("log is not one JSON line: %q: %v", logs.String(), err)
			}
			if line.RequestID != "c6af9ac6-7b61-11e6-9a41-93e812345678" {
				t.Errorf("request_id = %q, want the invocation's", line.RequestID)
			}
			if line.Level != "INFO" || line.Records != tt.wantRecords {
				t.Errorf("level, records = %s, %d, want INFO, %d", line.Level, line.Records, tt.wantRecords)
			}
			if line.Entries == nil || !slices.Equal(line.Entries, tt.wantEntries) {
				t.Errorf("entries = %q, want %q", line.Entries, tt.wantEntries)
			}
		})
	}
}

func TestHandleOutsideLambda(t *testing.T) {
	var logs bytes.Buffer
	h := newHandler(slog.New(slog.NewJSONHandler(&logs, nil)))
	if _, err := h.Handle(context.Background(), events.DynamoDBEvent{}); err != nil {
		t.Fatalf("Handle of an empty batch: %v", err)
	}
	if !bytes.Contains(logs.Bytes(), []byte(`"request_id":""`)) {
		t.Errorf("log = %s, want an empty request_id", logs.String())
	}
}
