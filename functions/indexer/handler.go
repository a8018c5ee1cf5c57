package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
)

// indexWriter is the part of the app the handler calls: one step of the single index
// writer (app.App.IndexChanges).
type indexWriter interface {
	IndexChanges(ctx context.Context) (*app.IndexReport, error)
}

// handler receives the batches of stream records. The records only wake it: each step
// reads the table's change log from where the index stands, so duplicates, records out of
// order and records of writes it indexed already are harmless.
type handler struct {
	index   indexWriter
	log     *slog.Logger
	metrics io.Writer // CloudWatch embedded metric format lines; nil: none
	stage   string
}

// Handle runs one indexing step and publishes a snapshot if anything changed. An entry
// the index refuses (a poison record) is left out of the index and its records are
// reported as failed, so that Lambda retries them (bisecting the batch) and then parks
// them in the failure queue; the index goes on without it. Any other failure fails the
// whole batch, which Lambda retries.
func (h *handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	start := time.Now()
	rep, err := h.index.IndexChanges(ctx)
	if err != nil {
		h.log.ErrorContext(ctx, "indexing failed", "request_id", requestID(ctx), "records", len(ev.Records), "err", err)
		return resp, err
	}
	for _, r := range ev.Records {
		ids := dynamo.EntryChanges([]events.DynamoDBEventRecord{r})
		if len(ids) == 1 && slices.Contains(rep.Poison, ids[0]) {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
		}
	}
	attrs := []any{"request_id", requestID(ctx), "records", len(ev.Records), "changes", rep.Changes, "ms", time.Since(start).Milliseconds()}
	if rep.Published != nil {
		attrs = append(attrs, "snapshot", rep.Published.ID, "seq", rep.Published.Seq, "docs", rep.Published.Docs, "lag_ms", rep.Lag.Milliseconds())
		h.metric(rep.Lag)
	}
	if len(rep.Poison) > 0 {
		attrs = append(attrs, "refused", rep.Poison)
	}
	h.log.InfoContext(ctx, "index step", attrs...)
	return resp, nil
}

// metric writes the index lag in CloudWatch's embedded metric format: one JSON line that
// CloudWatch Logs turns into the metric Wissensnetz/IndexLag (seconds), with the stage as
// dimension, on which template.yaml sets an alarm.
func (h *handler) metric(lag time.Duration) {
	if h.metrics == nil {
		return
	}
	line := map[string]any{
		"_aws": map[string]any{
			"Timestamp": time.Now().UnixMilli(),
			"CloudWatchMetrics": []any{map[string]any{
				"Namespace":  "Wissensnetz",
				"Dimensions": [][]string{{"Stage"}},
				"Metrics":    []any{map[string]string{"Name": "IndexLag", "Unit": "Seconds"}},
			}},
		},
		"Stage":    h.stage,
		"IndexLag": lag.Seconds(),
	}
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	h.metrics.Write(append(b, '\n'))
}

// requestID returns the id Lambda gave the invocation, or "" outside Lambda.
func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
