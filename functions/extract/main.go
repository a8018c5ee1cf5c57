// Command extract is the Lambda function that Amazon S3 calls for the objects created under
// attachments/ in the Wissensnetz bucket: it reads the text of each attachment (PDF,
// Office and OpenDocument files, CSV, TXT), stores it under text/ beside the file and logs
// a touch of the entry in the table's change log, so that the indexer indexes the entry
// again with the text and every web instance finds it (handler.go).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/ikone-ds/wissensnetz/shared/awsclient"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(logger); err != nil {
		logger.Error("extract cannot start", "err", err)
		os.Exit(1)
	}
}

func run(logger *slog.Logger) error {
	table, bucket := os.Getenv("WISSENSNETZ_TABLE"), os.Getenv("WISSENSNETZ_BUCKET")
	if table == "" || bucket == "" {
		return fmt.Errorf("WISSENSNETZ_TABLE and WISSENSNETZ_BUCKET must be set")
	}
	maxFile := int64(wiki.DefaultMaxFileSize)
	if v := os.Getenv("WISSENSNETZ_MAX_FILE_MB"); v != "" {
		mb, err := strconv.ParseInt(v, 10, 64)
		if err != nil || mb < 1 {
			return fmt.Errorf("WISSENSNETZ_MAX_FILE_MB=%q is not a whole number of megabytes", v)
		}
		maxFile = mb << 20
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	awsCfg, err := awsclient.Config(ctx, 30*time.Second)
	if err != nil {
		return err
	}
	// The endpoints are set only for tests against stand-ins.
	blobs := s3blob.New(awsclient.S3(awsCfg, os.Getenv("WISSENSNETZ_S3_ENDPOINT")), bucket, "")
	changes := dynamo.New(awsclient.DynamoDB(awsCfg, os.Getenv("WISSENSNETZ_DYNAMODB_ENDPOINT")), table, blobs)
	x := extract.New(extract.Options{PDFCacheDir: filepath.Join(os.TempDir(), "pdfium")})
	// Compiling the PDF engine takes seconds (17 to 30 s measured under the emulator),
	// more than Lambda's 10 s init phase allows: it starts here and goes on beside the
	// first invocation; a PDF waits for it before its time limit starts (extract.Extract).
	go func() {
		start := time.Now()
		if err := x.Prepare(context.Background()); err != nil {
			logger.Error("pdf engine", "err", err)
			return
		}
		logger.Info("pdf engine ready", "ms", time.Since(start).Milliseconds())
	}()
	h := &handler{log: logger, blobs: blobs, changes: changes, x: x, maxFile: maxFile}
	lambda.Start(h.Handle)
	return nil
}
