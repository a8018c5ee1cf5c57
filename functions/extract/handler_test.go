package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
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

// recordedLog records the changes logged, or fails with err.
type recordedLog struct {
	mu      sync.Mutex
	touched []string
	err     error
}

func (l *recordedLog) LogChange(_ context.Context, kind store.ChangeKind, keys ...string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	if kind != store.ChangedEntry {
		return fmt.Errorf("logged %s, want %s", kind, store.ChangedEntry)
	}
	l.touched = append(l.touched, keys...)
	return nil
}

// testExtractor is one extractor for the package's tests, with the PDF engine's cache in
// the system's temporary folder.
var testExtractor = sync.OnceValue(func() *extract.Extractor {
	dir := filepath.Join(os.TempDir(), "wissensnetz-extract-pdfium")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		dir = ""
	}
	return extract.New(extract.Options{PDFCacheDir: dir})
})

// event returns an S3 event of objects created under keys, with their sizes.
func event(t *testing.T, bucket string, objects map[string]int64) events.S3Event {
	t.Helper()
	var ev events.S3Event
	for _, k := range slices.Sorted(maps.Keys(objects)) {
		r := events.S3EventRecord{EventName: "ObjectCreated:Put"}
		r.S3.Bucket.Name = bucket
		r.S3.Object.Key, r.S3.Object.URLDecodedKey, r.S3.Object.Size = k, k, objects[k]
		ev.Records = append(ev.Records, r)
	}
	return ev
}

func TestHandle(t *testing.T) {
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs := st.Stores().Blobs
	pdf, err := os.ReadFile("../../shared/extract/testdata/bericht.pdf")
	if err != nil {
		t.Fatal(err)
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "4d2c1f0e-9b8a-4c7d-8e6f-5a4b3c2d1e0f"})
	const entry = "01JBX7Q3K9V1X4M2N7P5T6A001"
	if err := blobs.PutBlob(ctx, wiki.AttachmentKey(entry, "01JBX7Q3K9V1X4M2N7P5T6AF01"), bytes.NewReader(pdf), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if err := blobs.PutBlob(ctx, wiki.AttachmentKey(entry, "01JBX7Q3K9V1X4M2N7P5T6AF02"), strings.NewReader("<html>keine Anlage</html>"), ""); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	changes := &recordedLog{}
	h := &handler{log: slog.New(slog.NewJSONHandler(&logs, nil)), blobs: blobs, changes: changes, x: testExtractor(), maxFile: 1 << 20}

	ev := event(t, "wissensnetz-test", map[string]int64{
		wiki.AttachmentKey(entry, "01JBX7Q3K9V1X4M2N7P5T6AF01"): int64(len(pdf)),
		wiki.AttachmentKey(entry, "01JBX7Q3K9V1X4M2N7P5T6AF02"): 25,
		wiki.AttachmentKey(entry, "01JBX7Q3K9V1X4M2N7P5T6AF03"): 2 << 20, // over the limit: not read
		wiki.AttachmentKey(entry, "01JBX7Q3K9V1X4M2N7P5T6AF04"): 100,     // gone: its entry was not saved
		"attachments/" + entry:      10, // no attachment key
		"text/" + entry + "/x.json": 10,
	})
	if err := h.Handle(ctx, ev); err != nil {
		t.Fatalf("Handle: %v\n%s", err, logs.String())
	}
	text := func(file string) *wiki.FileText {
		t.Helper()
		rc, err := blobs.Blob(ctx, wiki.AttachmentTextKey(entry, file))
		if err != nil {
			t.Fatalf("text of %s: %v", file, err)
		}
		defer rc.Close()
		var ft wiki.FileText
		if err := json.NewDecoder(rc).Decode(&ft); err != nil {
			t.Fatal(err)
		}
		return &ft
	}
	if ft := text("01JBX7Q3K9V1X4M2N7P5T6AF01"); ft.Status != wiki.TextSearchable || len(ft.Parts) == 0 || ft.Parts[0].Label != "Seite 1" {
		t.Errorf("text of the PDF: %+v", ft)
	}
	if ft := text("01JBX7Q3K9V1X4M2N7P5T6AF02"); ft.Status != wiki.TextFailed || ft.Note == "" {
		t.Errorf("text of the HTML page: %+v", ft)
	}
	if ft := text("01JBX7Q3K9V1X4M2N7P5T6AF03"); ft.Status != wiki.TextFailed {
		t.Errorf("text of the file over the limit: %+v", ft)
	}
	if _, err := blobs.Blob(ctx, wiki.AttachmentTextKey(entry, "01JBX7Q3K9V1X4M2N7P5T6AF04")); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("text stored for an attachment that is gone: %v", err)
	}
	if want := []string{entry, entry, entry}; !slices.Equal(changes.touched, want) {
		t.Errorf("touched %v, want %v", changes.touched, want)
	}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var l struct {
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil || l.RequestID != "4d2c1f0e-9b8a-4c7d-8e6f-5a4b3c2d1e0f" {
			t.Errorf("log line without the request id: %s", line)
		}
	}

	t.Run("change log fails", func(t *testing.T) {
		h.changes = &recordedLog{err: errors.New("throttled")}
		err := h.Handle(ctx, event(t, "wissensnetz-test", map[string]int64{wiki.AttachmentKey(entry, "01JBX7Q3K9V1X4M2N7P5T6AF02"): 25}))
		if err == nil || !strings.Contains(err.Error(), "throttled") {
			t.Errorf("Handle = %v, want the change log's error, so that Lambda tries again", err)
		}
	})
}
