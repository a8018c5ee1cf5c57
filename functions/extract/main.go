// Command extract is the Lambda function that Amazon S3 calls for the objects created under
// attachments/ in the Wissensnetz bucket.
//
// So far it only logs the bucket and key of each new attachment with the request id.
// Extracting the text of PDF, Office and OpenDocument files, storing it under text/ beside
// the file and touching the entry so that the indexer takes the text in come in a later
// issue; until then attachments are stored but their text is not searchable on AWS.
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
