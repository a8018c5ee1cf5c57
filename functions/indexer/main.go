// Command indexer is the Lambda function behind the change stream of the Wissensnetz table
// (DynamoDB Streams), the future single writer of the search index.
//
// So far it only works out which entries a batch of stream records changed and logs their
// ids with the request id. Updating the bleve index, publishing its snapshots to S3 and the
// full rebuild come in a later issue; until then every web instance builds its own index
// from the table at a cold start and takes its own writes at once, so an instance learns
// of other instances' writes only at its next cold start.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	lambda.Start(newHandler(logger).Handle)
}
