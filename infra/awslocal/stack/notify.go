package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// AttachmentPrefix is where the objects are whose creation notifies the extract function,
// as the template's S3 event filter says.
const AttachmentPrefix = "attachments/"

// formPrefixLimit is how much of a POST upload is kept to find its key field (browsers
// send the fields before the file, as S3 requires).
const formPrefixLimit = 1 << 20

// notifyProxy forwards every S3 request to versitygw untouched (Host and every header as
// received, so that signatures still verify) and, after an object was created under
// AttachmentPrefix in the stack's bucket by PutObject, CopyObject, a POST form upload or
// CompleteMultipartUpload, sends the extract function an S3 event, asynchronously as S3
// does. Only path-style requests are understood.
type notifyProxy struct {
	target string // versitygw's base URL
	bucket string
	region string
	s3     *s3.Client // directly on versitygw, to read size and ETag
	client *http.Client
	log    *slog.Logger
	send   func(events.S3EventRecord)

	mu  sync.Mutex
	seq uint64 // last sequencer given
}

// ServeHTTP forwards one request and notifies of a created attachment.
func (p *notifyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	var eventName string
	switch {
	case r.Method == http.MethodPut && key != "" && !hasSubresource(q):
		eventName = "ObjectCreated:Put"
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			eventName = "ObjectCreated:Copy"
		}
	case r.Method == http.MethodPost && key != "" && q.Has("uploadId"):
		eventName = "ObjectCreated:CompleteMultipartUpload"
	case r.Method == http.MethodPost && key == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data"):
		eventName = "ObjectCreated:Post"
	}
	var form *bytes.Buffer
	body := r.Body
	if eventName == "ObjectCreated:Post" {
		form = &bytes.Buffer{}
		body = io.NopCloser(io.TeeReader(r.Body, &limitedWriter{w: form, n: formPrefixLimit}))
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.RequestURI, body)
	if err != nil {
		http.Error(w, "s3 proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	out.ContentLength = r.ContentLength
	out.TransferEncoding = r.TransferEncoding
	if r.ContentLength == 0 {
		out.Body = http.NoBody
	}
	resp, err := p.client.Do(out)
	if err != nil {
		http.Error(w, "s3 proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if eventName == "ObjectCreated:CompleteMultipartUpload" && ok {
		// S3 may answer 200 with an error document here.
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			http.Error(w, "s3 proxy: "+err.Error(), http.StatusBadGateway)
			return
		}
		ok = !bytes.Contains(data, []byte("<Error>"))
		w.WriteHeader(resp.StatusCode)
		w.Write(data)
	} else {
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}
	if !ok || eventName == "" {
		return
	}
	if eventName == "ObjectCreated:Post" {
		key = postedKey(resp.Header.Get("Location"), bucket, r.Header.Get("Content-Type"), form.Bytes())
	}
	if bucket != p.bucket || !strings.HasPrefix(key, AttachmentPrefix) {
		return
	}
	rec, err := p.record(context.WithoutCancel(r.Context()), eventName, bucket, key, r.RemoteAddr, resp.Header)
	if err != nil {
		p.log.Error("s3 proxy: no notification", "key", key, "err", err)
		return
	}
	p.send(rec)
}

// hasSubresource reports whether a PUT on an object addresses something else than the
// object itself (a part of a multipart upload, its tags, ACL, ...).
func hasSubresource(q url.Values) bool {
	for _, s := range []string{"uploadId", "partNumber", "tagging", "acl", "retention", "legal-hold", "attributes"} {
		if q.Has(s) {
			return true
		}
	}
	return false
}

// record builds the S3 event record of a created object, with its size and ETag as stored.
func (p *notifyProxy) record(ctx context.Context, eventName, bucket, key, remoteAddr string, h http.Header) (events.S3EventRecord, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	head, err := p.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return events.S3EventRecord{}, fmt.Errorf("head object: %w", err)
	}
	p.mu.Lock()
	p.seq++
	sequencer := fmt.Sprintf("%018X", uint64(time.Now().UnixNano())<<8|p.seq&0xff)
	p.mu.Unlock()
	sourceIP, _, _ := net.SplitHostPort(remoteAddr)
	return events.S3EventRecord{
		EventVersion:      "2.1",
		EventSource:       "aws:s3",
		AWSRegion:         p.region,
		EventTime:         time.Now().UTC().Truncate(time.Millisecond),
		EventName:         eventName,
		PrincipalID:       events.S3UserIdentity{PrincipalID: "AWS:AROAAWSLOCAL:wissensnetz-web"},
		RequestParameters: events.S3RequestParameters{SourceIPAddress: sourceIP},
		ResponseElements: map[string]string{
			"x-amz-request-id": h.Get("X-Amz-Request-Id"),
			"x-amz-id-2":       h.Get("X-Amz-Id-2"),
		},
		S3: events.S3Entity{
			SchemaVersion:   "1.0",
			ConfigurationID: "awslocal-ExtractFunctionAttachmentCreated",
			Bucket: events.S3Bucket{
				Name:          bucket,
				OwnerIdentity: events.S3UserIdentity{PrincipalID: "AWSLOCALOWNER"},
				Arn:           "arn:aws:s3:::" + bucket,
			},
			Object: events.S3Object{
				Key:           eventKey(key),
				URLDecodedKey: key,
				Size:          aws.ToInt64(head.ContentLength),
				ETag:          strings.Trim(aws.ToString(head.ETag), `"`),
				VersionID:     aws.ToString(head.VersionId),
				Sequencer:     sequencer,
			},
		},
	}, nil
}

// eventKey encodes a key as S3 events carry it: form-encoded ("+" for a space), slashes
// kept.
func eventKey(key string) string {
	parts := strings.Split(key, "/")
	for i, s := range parts {
		parts[i] = url.QueryEscape(s)
	}
	return strings.Join(parts, "/")
}

// postedKey returns the key a POST upload stored: from the Location of the answer where
// there is one (versitygw 1.8.0 stores "${filename}" literally, S3 replaces it) — the
// object's address, or the form's success_action_redirect with the key in its query —
// else from the form.
func postedKey(location, bucket, contentType string, form []byte) string {
	if u, err := url.Parse(location); err == nil && location != "" {
		if k, ok := strings.CutPrefix(u.Path, "/"+bucket+"/"); ok && k != "" {
			return k
		}
		if k := u.Query().Get("key"); k != "" && u.Query().Get("bucket") == bucket {
			return k
		}
	}
	return formKey(contentType, form)
}

// formKey finds the key field of a POST upload in the start of its body, with
// ${filename} replaced as S3 does; "" if there is none.
func formKey(contentType string, prefix []byte) string {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return ""
	}
	mr := multipart.NewReader(bytes.NewReader(prefix), params["boundary"])
	var key string
	for {
		part, err := mr.NextPart()
		if err != nil {
			return ""
		}
		switch strings.ToLower(part.FormName()) {
		case "key":
			v, err := io.ReadAll(io.LimitReader(part, 2048))
			if err != nil {
				return ""
			}
			key = string(v)
		case "file":
			return strings.ReplaceAll(key, "${filename}", part.FileName())
		}
	}
}

// limitedWriter keeps the first n bytes written to it and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// s3Event encodes a record as the event S3 sends a function: one record per event, the
// key only in its encoded form.
func s3Event(rec events.S3EventRecord) ([]byte, error) {
	data, err := json.Marshal(events.S3Event{Records: []events.S3EventRecord{rec}})
	if err != nil {
		return nil, err
	}
	// aws-lambda-go adds the decoded key it computes when reading an event; S3 sends none.
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	for _, r := range doc["Records"].([]any) {
		obj := r.(map[string]any)["s3"].(map[string]any)["object"].(map[string]any)
		delete(obj, "urlDecodedKey")
		if obj["versionId"] == "" {
			delete(obj, "versionId")
		}
	}
	return json.Marshal(doc)
}

// notifier invokes the extract function with S3 events, one at a time, as asynchronous
// invocations: a failed one is retried twice, then given up (and logged).
type notifier struct {
	log *slog.Logger

	mu      sync.Mutex
	changed chan struct{}
	pending []events.S3EventRecord
	busy    bool
	fn      *Function
	sent    []events.S3EventRecord
	stop    chan struct{}
	done    chan struct{}
}

func newNotifier(log *slog.Logger) *notifier {
	return &notifier{log: log, changed: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
}

func (n *notifier) notify() {
	close(n.changed)
	n.changed = make(chan struct{})
}

func (n *notifier) add(rec events.S3EventRecord) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending = append(n.pending, rec)
	n.notify()
}

func (n *notifier) setFunction(fn *Function) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.fn = fn
	n.notify()
}

func (n *notifier) run() {
	defer close(n.done)
	for {
		n.mu.Lock()
		for len(n.pending) == 0 || n.fn == nil {
			ch := n.changed
			n.mu.Unlock()
			select {
			case <-ch:
			case <-n.stop:
				return
			}
			n.mu.Lock()
		}
		rec, fn := n.pending[0], n.fn
		n.pending = n.pending[1:]
		n.busy = true
		n.mu.Unlock()

		event, err := s3Event(rec)
		for attempt := 0; err == nil; attempt++ {
			ctx, cancel := context.WithTimeout(context.Background(), fn.timeout+10*time.Second)
			res, ierr := fn.Invoke(ctx, event)
			cancel()
			if ierr == nil && res.FunctionError != "" {
				ierr = fmt.Errorf("function error %s: %s", res.FunctionError, truncate(res.Payload, 300))
			}
			select {
			case <-n.stop:
				return
			default:
			}
			if ierr == nil || attempt == 2 { // an asynchronous invocation is retried twice
				err = ierr
				break
			}
		}
		if err != nil {
			n.log.Error("s3 notification: extract failed 3 times; event dropped", "key", rec.S3.Object.URLDecodedKey, "err", err)
		}
		n.mu.Lock()
		n.busy = false
		n.sent = append(n.sent, rec)
		n.notify()
		n.mu.Unlock()
	}
}

func (n *notifier) waitIdle(ctx context.Context) error {
	for {
		n.mu.Lock()
		idle, ch, left := len(n.pending) == 0 && !n.busy, n.changed, len(n.pending)
		n.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("s3 notifications: %d not delivered: %w", left, ctx.Err())
		}
	}
}

func (n *notifier) sentRecords() []events.S3EventRecord {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.sent)
}

func (n *notifier) close() {
	select {
	case <-n.stop:
	default:
		close(n.stop)
	}
	select {
	case <-n.done:
	case <-time.After(10 * time.Second):
		n.log.Error("s3 notifications: did not stop within 10 s")
	}
}
