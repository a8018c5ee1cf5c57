package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
)

// handler receives the batches of stream records.
type handler struct {
	log *slog.Logger
}

func newHandler(log *slog.Logger) *handler { return &handler{log: log} }

// Handle logs the ids of the entries that the records of ev changed. It reports no failed
// records: nothing of a batch can fail yet.
func (h *handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	ids := dynamo.EntryChanges(ev.Records)
	if ids == nil {
		ids = []string{} // logged as [], not null
	}
	h.log.InfoContext(ctx, "entries changed",
		"request_id", requestID(ctx), "records", len(ev.Records), "entries", ids)
	return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}, nil
}

// requestID returns the id Lambda gave the invocation, or "" outside Lambda.
func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
