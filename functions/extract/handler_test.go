package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// readEvent decodes an S3 event from testdata as the Lambda runtime does.
func readEvent(t *testing.T, name string) events.S3Event {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.S3Event
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return ev
}

func TestNewAttachments(t *testing.T) {
	const bucket = "wissensnetz-prod-123456789012-eu-central-1"
	tests := []struct {
		name string
		file string
		want []object
	}{
		// aws-lambda-go's sample: "Happy Face.jpg" is not under attachments/.
		{"sample of aws-lambda-go", "s3-event.json", nil},
		// Keys arrive URL-encoded (umlauts, "+" for spaces); text/ and removals are left out.
		{"uploads", "attachments-created.json", []object{
			{bucket, "attachments/01JBX7Q3K9V1X4M2N7P5T6A001/Abschlussbericht Straßenbeleuchtung.pdf", 482133},
			{bucket, "attachments/01JBX7Q3K9V1X4M2N7P5T6A001/Präsentation Gemeinderat.pptx", 9437184},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newAttachments(readEvent(t, tt.file).Records); !slices.Equal(got, tt.want) {
				t.Errorf("newAttachments = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHandle(t *testing.T) {
	var logs bytes.Buffer
	h := newHandler(slog.New(slog.NewJSONHandler(&logs, nil)))
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "4d2c1f0e-9b8a-4c7d-8e6f-5a4b3c2d1e0f"})
	if err := h.Handle(ctx, readEvent(t, "attachments-created.json")); err != nil {
		t.Fatalf("Handle: %v", err)
	}

	type line struct {
		Msg       string `json:"msg"`
		RequestID string `json:"request_id"`
		Bucket    string `json:"bucket"`
		Key       string `json:"key"`
		Records   int    `json:"records"`
	}
	var lines []line
	for _, raw := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var l line
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", raw, err)
		}
		if l.RequestID != "4d2c1f0e-9b8a-4c7d-8e6f-5a4b3c2d1e0f" {
			t.Errorf("request_id = %q in %q, want the invocation's", l.RequestID, raw)
		}
		lines = append(lines, l)
	}
	if len(lines) != 3 {
		t.Fatalf("got %d log lines, want 2 attachments and 1 summary of skipped records:\n%s", len(lines), logs.String())
	}
	if lines[0].Bucket != "wissensnetz-prod-123456789012-eu-central-1" || lines[1].Key != "attachments/01JBX7Q3K9V1X4M2N7P5T6A001/Präsentation Gemeinderat.pptx" {
		t.Errorf("attachment lines = %+v", lines[:2])
	}
	if lines[2].Records != 2 {
		t.Errorf("skipped records = %d, want 2", lines[2].Records)
	}
}
