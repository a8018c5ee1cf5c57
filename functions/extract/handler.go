package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
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

// changeLog is the part of the store's change log the handler writes to.
type changeLog interface {
	// LogChange: see store.ChangeLog.
	LogChange(ctx context.Context, kind store.ChangeKind, keys ...string) error
}

// handler receives the S3 notifications: for each attachment created it reads the text,
// stores it beside the file (text/<entry>/<file>.json) and logs a touch of the entry, so
// that the indexer indexes it again with the text and every web instance, following the
// change log, does the same.
type handler struct {
	log     *slog.Logger
	blobs   store.Blobs // the bucket the notifications are about
	changes changeLog
	x       *extract.Extractor
	maxFile int64 // bytes read of an attachment at most; the upload limit
}

// Handle reads the text of each attachment that ev reports as created. An attachment
// that is gone by now (its entry was not saved after all) is skipped. Any other failure
// is returned after the other attachments were done, so that Lambda tries the event
// again (twice, as for every asynchronous invocation); doing one again is harmless.
func (h *handler) Handle(ctx context.Context, ev events.S3Event) error {
	id := requestID(ctx)
	found := newAttachments(ev.Records)
	if skipped := len(ev.Records) - len(found); skipped > 0 {
		h.log.InfoContext(ctx, "records skipped: not an attachment created", "request_id", id, "records", skipped)
	}
	var errs []error
	for _, o := range found {
		if err := h.read(ctx, o); err != nil {
			h.log.ErrorContext(ctx, "text of attachment not stored", "request_id", id, "key", o.Key, "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// read reads, stores and announces the text of one attachment.
func (h *handler) read(ctx context.Context, o object) error {
	log := h.log.With("request_id", requestID(ctx), "bucket", o.Bucket, "key", o.Key, "size", o.Size)
	entryID, fileID, ok := wiki.ParseAttachmentKey(o.Key)
	if !ok {
		log.WarnContext(ctx, "not the key of an attachment; skipped")
		return nil
	}
	var t *wiki.FileText
	if o.Size > h.maxFile {
		// The app stores no such file; the text of what someone else put here is not read.
		t = extract.FailedText(&extract.Error{Kind: extract.ErrTooLarge, Err: fmt.Errorf("%d bytes", o.Size)})
	} else {
		var err error
		t, err = app.ReadFileText(ctx, h.x, h.blobs, o.Key, o.Size)
		if wiki.ErrorCode(err) == wiki.ENOTFOUND {
			log.InfoContext(ctx, "attachment gone before its text was read; skipped")
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", o.Key, err)
		}
	}
	if err := app.SaveFileText(ctx, h.blobs, entryID, fileID, t); err != nil {
		return fmt.Errorf("store text of %s: %w", o.Key, err)
	}
	if err := h.changes.LogChange(ctx, store.ChangedEntry, entryID); err != nil {
		return fmt.Errorf("touch entry %s: %w", entryID, err)
	}
	log.InfoContext(ctx, "text of attachment stored", "entry", entryID, "status", t.Status, "parts", len(t.Parts), "truncated", t.Truncated)
	return nil
}

// requestID returns the id Lambda gave the invocation, or "" outside Lambda.
func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
