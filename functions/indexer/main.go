// Command indexer is the Lambda function behind the change stream of the Wissensnetz table
// (DynamoDB Streams): the single writer of the search index. At a cold start it loads the
// published index snapshot from S3 (or builds the index from the table if there is none);
// each batch of stream records wakes it to read the table's change log, apply the changes
// to its index and publish a new snapshot (handler.go).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/awsclient"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(logger); err != nil {
		logger.Error("indexer cannot start", "err", err)
		os.Exit(1)
	}
}

func run(logger *slog.Logger) error {
	table, bucket := os.Getenv("WISSENSNETZ_TABLE"), os.Getenv("WISSENSNETZ_BUCKET")
	if table == "" || bucket == "" {
		return fmt.Errorf("WISSENSNETZ_TABLE and WISSENSNETZ_BUCKET must be set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	awsCfg, err := awsclient.Config(ctx, 30*time.Second)
	if err != nil {
		return err
	}
	// The endpoints are set only for tests against stand-ins.
	blobs := s3blob.New(awsclient.S3(awsCfg, os.Getenv("WISSENSNETZ_S3_ENDPOINT")), bucket, "")
	ds := dynamo.New(awsclient.DynamoDB(awsCfg, os.Getenv("WISSENSNETZ_DYNAMODB_ENDPOINT")), table, blobs)
	var (
		snapshotBlobs search.SnapshotBlobs = blobs
		changes       store.ChangeLog      = ds
	)
	if at := os.Getenv("WISSENSNETZ_TEST_CRASH_AT"); at != "" { // tests only: see crash.go
		c := crashing{at: at, log: logger}
		snapshotBlobs, changes = crashingBlobs{blobs, c}, crashingLog{ds, c}
	}
	snapshots := app.NewBlobSnapshots(snapshotBlobs, filepath.Join(os.TempDir(), "wissensnetz"))
	a, err := app.Start(ctx, ds.Stores(), app.Cloud{Log: changes, Snapshots: snapshots, Writer: true}, app.Options{Logger: logger})
	if err != nil {
		return err
	}
	h := &handler{index: a, log: logger, metrics: os.Stdout, stage: os.Getenv("WISSENSNETZ_STAGE")}
	lambda.Start(h.Handle)
	return nil
}
