// Command streamfn is a Lambda function for the tests of the stream delivery: it takes
// batches of DynamoDB stream records and fails on records marked so by the attribute
// "fail" of their new image:
//
//	"error"       the invocation fails (a function error) whenever the batch holds it
//	"item"        it is reported as a batch item failure, every time
//	"error-once"  the invocation fails the first time the batch holds it
//	"item-once"   it is reported as a failure the first time
package main

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// seen counts how often this environment was given each record, by sequence number.
type handler struct {
	seen map[string]int
}

func (h *handler) handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	var fail bool
	for _, r := range ev.Records {
		seq := r.Change.SequenceNumber
		h.seen[seq]++
		mark := ""
		if v, ok := r.Change.NewImage["fail"]; ok && v.DataType() == events.DataTypeString {
			mark = v.String()
		}
		switch {
		case mark == "error", mark == "error-once" && h.seen[seq] == 1:
			fail = true
		case mark == "item", mark == "item-once" && h.seen[seq] == 1:
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
		}
	}
	if fail {
		return events.DynamoDBEventResponse{}, errors.New("a record marked to fail")
	}
	return resp, nil
}

func main() {
	lambda.Start((&handler{seen: map[string]int{}}).handle)
}
