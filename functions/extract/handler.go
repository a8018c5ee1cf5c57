package main

import (
	"context"
	"log/slog"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// attachmentPrefix is where attachments are stored in the bucket; the template's S3 event
// filters on it too.
const attachmentPrefix = "attachments/"

// object names one object of a bucket.
type object struct {
	Bucket string
	Key    string // decoded: as stored, not as URL-encoded in the event
	Size   int64
}

// newAttachments returns the objects that records report as created under
// attachmentPrefix. Other records (other events or keys) are left out.
func newAttachments(records []events.S3EventRecord) []object {
	var list []object
	for _, r := range records {
		key := r.S3.Object.URLDecodedKey
		if !strings.HasPrefix(r.EventName, "ObjectCreated:") || !strings.HasPrefix(key, attachmentPrefix) {
			continue
		}
		list = append(list, object{Bucket: r.S3.Bucket.Name, Key: key, Size: r.S3.Object.Size})
	}
	return list
}

// handler receives the S3 notifications.
type handler struct {
	log *slog.Logger
}

func newHandler(log *slog.Logger) *handler { return &handler{log: log} }

// Handle logs each attachment that ev reports as created.
func (h *handler) Handle(ctx context.Context, ev events.S3Event) error {
	id := requestID(ctx)
	found := newAttachments(ev.Records)
	for _, o := range found {
		h.log.InfoContext(ctx, "attachment created", "request_id", id, "bucket", o.Bucket, "key", o.Key, "size", o.Size)
	}
	if skipped := len(ev.Records) - len(found); skipped > 0 {
		h.log.InfoContext(ctx, "records skipped: not an attachment created", "request_id", id, "records", skipped)
	}
	return nil
}

// requestID returns the id Lambda gave the invocation, or "" outside Lambda.
func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
