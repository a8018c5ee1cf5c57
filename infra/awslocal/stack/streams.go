package stack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// item is a DynamoDB item or key in the JSON form of the wire protocol.
type item = map[string]events.DynamoDBAttributeValue

// isWrite reports whether a DynamoDB operation changes items, and so gives stream records.
func isWrite(op string) bool {
	switch op {
	case "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems":
		return true
	}
	return false
}

// streamProxy forwards every DynamoDB call to dynalite and turns each successful write of
// the stack's table into stream records, as DynamoDB Streams with the view type
// NEW_AND_OLD_IMAGES would: the old image is read (strongly consistent) before the write,
// the new image after it. Writes are serialised by one lock over the whole proxy, so that
// the images and the order of the records are those of the writes; reads pass freely.
type streamProxy struct {
	target    string // dynalite's base URL
	table     string // only this table's writes give records
	region    string
	streamARN string
	creds     aws.Credentials
	client    *http.Client
	log       *slog.Logger
	emit      func(events.DynamoDBEventRecord) // called in the order of the writes

	writeMu sync.Mutex // held from reading the old images to emitting the records
	seq     uint64     // last sequence number given; under writeMu

	keysMu sync.Mutex
	keys   map[string][]string // table → names of its key attributes
}

func newStreamProxy(target, table, region string, creds aws.Credentials, log *slog.Logger, emit func(events.DynamoDBEventRecord)) *streamProxy {
	label := time.Now().UTC().Format("2006-01-02T15:04:05.000")
	return &streamProxy{
		target: strings.TrimRight(target, "/"), table: table, region: region, creds: creds, log: log, emit: emit,
		streamARN: fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s/stream/%s", region, accountID, table, label),
		client: &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16},
		},
		keys: map[string][]string{},
	}
}

// ServeHTTP forwards one call, and records what a write changed.
func (p *streamProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<20))
	if err != nil {
		http.Error(w, "streams proxy: read request: "+err.Error(), http.StatusBadRequest)
		return
	}
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	if !isWrite(op) {
		p.forward(w, r, body)
		return
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	writes, err := p.writesOf(r.Context(), op, body)
	if err != nil {
		// Not understood or not readable: forward anyway, dynalite gives the error.
		p.log.Warn("streams proxy: cannot read the items of a write; no records", "op", op, "err", err)
		p.forward(w, r, body)
		return
	}
	status, respBody := p.forward(w, r, body)
	if status != http.StatusOK {
		return // failed, e.g. ConditionalCheckFailedException: no change, no record
	}
	if op == "BatchWriteItem" {
		writes = processed(writes, respBody)
	}
	for _, wr := range writes {
		newImage, err := p.getItem(context.WithoutCancel(r.Context()), wr.table, wr.key)
		if err != nil {
			p.log.Error("streams proxy: read the new image; record lost", "table", wr.table, "err", err)
			continue
		}
		if rec, ok := p.record(wr, newImage); ok {
			p.emit(rec)
		}
	}
}

// write is one item a call writes, with its image before the write.
type write struct {
	table    string
	key      item
	oldImage item // nil if the item did not exist
}

// writesOf returns the items of the stack's table that a write call changes, with their
// old images.
func (p *streamProxy) writesOf(ctx context.Context, op string, body []byte) ([]write, error) {
	type target struct {
		table string
		key   item
		item  item // Put: the key is taken from the item
	}
	var targets []target
	switch op {
	case "PutItem", "UpdateItem", "DeleteItem":
		var in struct {
			TableName string
			Key, Item item
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, fmt.Errorf("decode %s: %w", op, err)
		}
		targets = append(targets, target{in.TableName, in.Key, in.Item})
	case "BatchWriteItem":
		var in struct {
			RequestItems map[string][]struct {
				PutRequest    *struct{ Item item }
				DeleteRequest *struct{ Key item }
			}
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, fmt.Errorf("decode %s: %w", op, err)
		}
		for table, reqs := range in.RequestItems {
			for _, rq := range reqs {
				switch {
				case rq.PutRequest != nil:
					targets = append(targets, target{table: table, item: rq.PutRequest.Item})
				case rq.DeleteRequest != nil:
					targets = append(targets, target{table: table, key: rq.DeleteRequest.Key})
				}
			}
		}
	case "TransactWriteItems":
		type part struct {
			TableName string
			Key, Item item
		}
		var in struct {
			TransactItems []struct{ Put, Update, Delete *part }
		}
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, fmt.Errorf("decode %s: %w", op, err)
		}
		for _, ti := range in.TransactItems {
			for _, pt := range []*part{ti.Put, ti.Update, ti.Delete} {
				if pt != nil {
					targets = append(targets, target{pt.TableName, pt.Key, pt.Item})
				}
			}
		}
	}
	var writes []write
	for _, t := range targets {
		if t.table != p.table {
			continue
		}
		key := t.key
		if key == nil {
			names, err := p.keyNames(ctx, t.table)
			if err != nil {
				return nil, err
			}
			key = item{}
			for _, n := range names {
				if v, ok := t.item[n]; ok {
					key[n] = v
				}
			}
		}
		old, err := p.getItem(ctx, t.table, key)
		if err != nil {
			return nil, fmt.Errorf("read the old image: %w", err)
		}
		writes = append(writes, write{table: t.table, key: key, oldImage: old})
	}
	return writes, nil
}

// processed leaves out the writes a BatchWriteItem answer lists as unprocessed.
func processed(writes []write, respBody []byte) []write {
	var out struct {
		UnprocessedItems map[string][]struct {
			PutRequest    *struct{ Item item }
			DeleteRequest *struct{ Key item }
		}
	}
	if json.Unmarshal(respBody, &out) != nil || len(out.UnprocessedItems) == 0 {
		return writes
	}
	var kept []write
	for _, w := range writes {
		skip := false
		for _, rq := range out.UnprocessedItems[w.table] {
			switch {
			case rq.PutRequest != nil && containsKey(rq.PutRequest.Item, w.key):
				skip = true
			case rq.DeleteRequest != nil && containsKey(rq.DeleteRequest.Key, w.key):
				skip = true
			}
		}
		if !skip {
			kept = append(kept, w)
		}
	}
	return kept
}

// containsKey reports whether it has the attributes of key with the same values.
func containsKey(it, key item) bool {
	for k, v := range key {
		a, ok := it[k]
		if !ok || canonical(item{k: a}) != canonical(item{k: v}) {
			return false
		}
	}
	return true
}

// canonical returns it as JSON with sorted attribute names.
func canonical(it item) string {
	b, _ := json.Marshal(it) // maps marshal sorted
	return string(b)
}

// record builds the stream record of a write, or reports that the write gave none: a
// delete of a missing item, or a put or update that left the item as it was (DynamoDB
// Streams writes no record for a write that does not change the item).
func (p *streamProxy) record(w write, newImage item) (events.DynamoDBEventRecord, bool) {
	var name string
	switch {
	case w.oldImage == nil && newImage == nil:
		return events.DynamoDBEventRecord{}, false
	case w.oldImage == nil:
		name = "INSERT"
	case newImage == nil:
		name = "REMOVE"
	case canonical(w.oldImage) == canonical(newImage):
		return events.DynamoDBEventRecord{}, false
	default:
		name = "MODIFY"
	}
	p.seq++
	change := events.DynamoDBStreamRecord{
		ApproximateCreationDateTime: events.SecondsEpochTime{Time: time.Now().Truncate(time.Second)},
		Keys:                        w.key,
		NewImage:                    newImage,
		OldImage:                    w.oldImage,
		// 21 digits, growing, like the numbers of one shard.
		SequenceNumber: fmt.Sprintf("4%020d", p.seq),
		StreamViewType: "NEW_AND_OLD_IMAGES",
	}
	// DynamoDB counts attribute names and values; the JSON length is near enough.
	change.SizeBytes = int64(len(canonical(w.key)) + len(canonical(newImage)) + len(canonical(w.oldImage)))
	return events.DynamoDBEventRecord{
		AWSRegion:      p.region,
		Change:         change,
		EventID:        randomHex(16),
		EventName:      name,
		EventSource:    "aws:dynamodb",
		EventVersion:   "1.1",
		EventSourceArn: p.streamARN,
	}, true
}

// forward sends the call to dynalite unchanged and copies the answer back; it returns the
// status and body of the answer (status 502 if dynalite did not answer).
func (p *streamProxy) forward(w http.ResponseWriter, r *http.Request, body []byte) (int, []byte) {
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, "streams proxy: "+err.Error(), http.StatusBadGateway)
		return http.StatusBadGateway, nil
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	resp, err := p.client.Do(out)
	if err != nil {
		http.Error(w, "streams proxy: "+err.Error(), http.StatusBadGateway)
		return http.StatusBadGateway, nil
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "streams proxy: "+err.Error(), http.StatusBadGateway)
		return http.StatusBadGateway, nil
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(respBody)
	return resp.StatusCode, respBody
}

// call makes one signed DynamoDB call to dynalite and decodes its answer into out.
func (p *streamProxy) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.target+"/", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, p.creds, req, hex.EncodeToString(sum[:]), "dynamodb", p.region, time.Now()); err != nil {
		return fmt.Errorf("%s: sign: %w", op, err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d: %s", op, resp.StatusCode, truncate(data, 300))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s: decode: %w", op, err)
	}
	return nil
}

// getItem reads an item strongly consistently; nil if there is none.
func (p *streamProxy) getItem(ctx context.Context, table string, key item) (item, error) {
	var out struct{ Item item }
	err := p.call(ctx, "GetItem", map[string]any{"TableName": table, "Key": key, "ConsistentRead": true}, &out)
	return out.Item, err
}

// keyNames returns the names of the key attributes of table.
func (p *streamProxy) keyNames(ctx context.Context, table string) ([]string, error) {
	p.keysMu.Lock()
	names, ok := p.keys[table]
	p.keysMu.Unlock()
	if ok {
		return names, nil
	}
	var out struct {
		Table struct {
			KeySchema []struct{ AttributeName string }
		}
	}
	if err := p.call(ctx, "DescribeTable", map[string]any{"TableName": table}, &out); err != nil {
		return nil, err
	}
	for _, k := range out.Table.KeySchema {
		names = append(names, k.AttributeName)
	}
	p.keysMu.Lock()
	p.keys[table] = names
	p.keysMu.Unlock()
	return names, nil
}
