package stack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// StreamOptions configure how stream records reach the indexer, like the event source
// mapping of template.yaml: batches of at most BatchSize records gathered for up to
// BatchWindow, FunctionResponseTypes ReportBatchItemFailures, BisectBatchOnFunctionError,
// MaximumRetryAttempts and an on-failure destination; one invocation at a time (reserved
// concurrency 1), in the order of the stream.
type StreamOptions struct {
	BatchSize   int           // most records per invocation; 0 means 100
	BatchWindow time.Duration // longest wait for more records before invoking; 0 means 100 ms
	// MaxRetries is MaximumRetryAttempts: how often a failing batch is invoked again before
	// its records go to the failure queue. 0 means 3; a negative value means no retries.
	MaxRetries int
	NoBisect   bool // do not split a batch in two when the function fails on it
	// Shuffle reorders the records of each batch across different items, keeping the
	// order of the records of any one item (all DynamoDB Streams promises).
	Shuffle bool
	// Duplicates is the probability (0 to 1) that a batch the function took is delivered
	// once more right after, as Lambda's at-least-once delivery may: the function then sees
	// records of an item again after newer ones of it.
	Duplicates float64
	Seed       uint64 // seed of Shuffle and Duplicates; 0 means a random one
	Paused     bool   // start with delivery paused (see Stack.ResumeStreams)
}

// FailedBatch is what went to the failure queue (the on-failure destination): records the
// function failed on after all retries. AWS's destination gets only the batch's sequence
// numbers; here it gets the records too.
type FailedBatch struct {
	Time                time.Time                    `json:"time"`
	Reason              string                       `json:"reason"` // function error, or batch item failures
	Attempts            int                          `json:"attempts"`
	StreamARN           string                       `json:"streamArn"`
	StartSequenceNumber string                       `json:"startSequenceNumber"`
	EndSequenceNumber   string                       `json:"endSequenceNumber"`
	Records             []events.DynamoDBEventRecord `json:"records"`
}

// StreamInvocation is one invocation of the indexer with stream records and its outcome.
type StreamInvocation struct {
	SequenceNumbers   []string // of the records, in the order delivered
	Duplicate         bool     // a re-delivery of a batch the function took (StreamOptions.Duplicates)
	FunctionError     string   // the function's error type, if it failed
	Err               string   // why the invocation did not complete, if it did not
	BatchItemFailures []string // item identifiers the function reported
}

// delivery is the event source mapping: it gathers records into batches and invokes the
// indexer with them, one at a time.
type delivery struct {
	opts      StreamOptions
	log       *slog.Logger
	streamARN string
	failPath  string // JSON lines of FailedBatch
	rng       *rand.Rand

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced on every change of the fields below
	pending     []pendingRecord
	inflight    bool
	paused      bool
	fn          *Function // the indexer; nil while it is stopped
	failures    []FailedBatch
	invocations []StreamInvocation
	records     []events.DynamoDBEventRecord // every record emitted

	stop chan struct{}
	done chan struct{}
}

type pendingRecord struct {
	rec     events.DynamoDBEventRecord
	arrived time.Time
}

func newDelivery(opts StreamOptions, streamARN, failPath string, log *slog.Logger) *delivery {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	if opts.BatchWindow <= 0 {
		opts.BatchWindow = 100 * time.Millisecond
	}
	switch {
	case opts.MaxRetries == 0:
		opts.MaxRetries = 3
	case opts.MaxRetries < 0:
		opts.MaxRetries = 0
	}
	seed := opts.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &delivery{
		opts: opts, log: log, streamARN: streamARN, failPath: failPath,
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		changed: make(chan struct{}), paused: opts.Paused,
		stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// notify wakes everyone waiting for a change; d.mu must be held.
func (d *delivery) notify() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// add queues a record for delivery.
func (d *delivery) add(rec events.DynamoDBEventRecord) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending = append(d.pending, pendingRecord{rec, time.Now()})
	d.records = append(d.records, rec)
	d.notify()
}

// setFunction sets the indexer that gets the batches; nil holds delivery until one is set.
func (d *delivery) setFunction(fn *Function) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fn = fn
	d.notify()
}

func (d *delivery) setPaused(paused bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.paused = paused
	d.notify()
}

// waitIdle waits until every record so far has been delivered (or sent to the failure
// queue) and no invocation runs.
func (d *delivery) waitIdle(ctx context.Context) error {
	for {
		d.mu.Lock()
		idle, ch, n, paused := len(d.pending) == 0 && !d.inflight, d.changed, len(d.pending), d.paused
		d.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("streams: %d records not delivered (paused: %v): %w", n, paused, ctx.Err())
		}
	}
}

// run delivers batches until close.
func (d *delivery) run() {
	defer close(d.done)
	for {
		batch, ok := d.nextBatch()
		if !ok {
			return
		}
		d.deliver(batch)
		d.mu.Lock()
		d.inflight = false
		d.notify()
		d.mu.Unlock()
	}
}

// nextBatch waits for records, gathers them for the batching window or until a batch is
// full, and takes a batch; false when delivery is closed.
func (d *delivery) nextBatch() ([]events.DynamoDBEventRecord, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		var wait <-chan time.Time
		if len(d.pending) > 0 && !d.paused && d.fn != nil {
			left := d.opts.BatchWindow - time.Since(d.pending[0].arrived)
			if len(d.pending) >= d.opts.BatchSize || left <= 0 {
				n := min(len(d.pending), d.opts.BatchSize)
				batch := make([]events.DynamoDBEventRecord, n)
				for i := range n {
					batch[i] = d.pending[i].rec
				}
				d.pending = slices.Delete(d.pending, 0, n)
				d.inflight = true
				d.notify()
				return batch, true
			}
			wait = time.After(left)
		}
		ch := d.changed
		d.mu.Unlock()
		select {
		case <-ch:
		case <-wait:
		case <-d.stop:
			d.mu.Lock()
			return nil, false
		}
		d.mu.Lock()
	}
}

// piece is a part of a batch on its way to the function, with the failed invocations so far.
type piece struct {
	records  []events.DynamoDBEventRecord
	attempts int
}

// deliver invokes the function with a batch until it took every record or the failed
// ones went to the failure queue: on a function error the batch is split in two (unless
// NoBisect) and each half retried; on reported item failures the batch is retried from the
// first failed record.
func (d *delivery) deliver(batch []events.DynamoDBEventRecord) {
	if d.opts.Shuffle {
		batch = d.shuffle(batch)
	}
	queue := []piece{{records: batch}}
	for len(queue) > 0 {
		p := &queue[0]
		inv, failures, ok := d.invoke(p.records, false)
		if !ok {
			return // closed
		}
		switch {
		case inv.Err != "" || inv.FunctionError != "":
			p.attempts++
			reason := "function error: " + inv.FunctionError
			if inv.Err != "" {
				reason = "invocation failed: " + inv.Err
			}
			switch {
			case p.attempts > d.opts.MaxRetries:
				d.fail(*p, reason)
				queue = queue[1:]
			case !d.opts.NoBisect && len(p.records) > 1:
				half := len(p.records) / 2
				first := piece{records: p.records[:half], attempts: p.attempts}
				second := piece{records: p.records[half:], attempts: p.attempts}
				queue = append([]piece{first, second}, queue[1:]...)
			}
		case len(failures) > 0:
			from := firstFailed(p.records, failures)
			p.attempts++
			p.records = p.records[from:]
			if p.attempts > d.opts.MaxRetries {
				d.fail(*p, "batch item failures")
				queue = queue[1:]
			}
		default:
			if d.opts.Duplicates > 0 && d.rng.Float64() < d.opts.Duplicates {
				if _, _, ok := d.invoke(p.records, true); !ok {
					return
				}
			}
			queue = queue[1:]
		}
	}
}

// firstFailed returns the position of the first record that failures name; 0 (the whole
// batch) if one of them names no record of the batch, as Lambda treats that.
func firstFailed(records []events.DynamoDBEventRecord, failures []string) int {
	first := len(records)
	for _, id := range failures {
		i := slices.IndexFunc(records, func(r events.DynamoDBEventRecord) bool { return r.Change.SequenceNumber == id })
		if i < 0 {
			return 0
		}
		first = min(first, i)
	}
	return first
}

// invoke waits for the indexer and delivery not paused, invokes it with records and
// records the invocation; false when delivery was closed meanwhile.
func (d *delivery) invoke(records []events.DynamoDBEventRecord, duplicate bool) (StreamInvocation, []string, bool) {
	fn, ok := d.waitFunction()
	if !ok {
		return StreamInvocation{}, nil, false
	}
	inv := StreamInvocation{Duplicate: duplicate}
	for _, r := range records {
		inv.SequenceNumbers = append(inv.SequenceNumbers, r.Change.SequenceNumber)
	}
	var failures []string
	event, err := json.Marshal(events.DynamoDBEvent{Records: records})
	if err != nil {
		inv.Err = err.Error()
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), fn.timeout+10*time.Second)
		go func() {
			select {
			case <-d.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		res, err := fn.Invoke(ctx, event)
		cancel()
		switch {
		case err != nil:
			inv.Err = err.Error()
		case res.FunctionError != "":
			inv.FunctionError = res.FunctionError
		default:
			var resp events.DynamoDBEventResponse
			if err := json.Unmarshal(res.Payload, &resp); err == nil {
				for _, f := range resp.BatchItemFailures {
					failures = append(failures, f.ItemIdentifier)
				}
			}
			if len(failures) == 0 {
				failures = nil
			}
			inv.BatchItemFailures = failures
		}
	}
	select {
	case <-d.stop:
		return inv, nil, false
	default:
	}
	if inv.Err != "" || inv.FunctionError != "" || failures != nil {
		d.log.Warn("streams: the indexer failed on a batch", "records", len(records),
			"error", inv.Err, "function_error", inv.FunctionError, "item_failures", len(failures))
	}
	d.mu.Lock()
	d.invocations = append(d.invocations, inv)
	d.notify()
	d.mu.Unlock()
	return inv, failures, true
}

// waitFunction waits until the indexer runs and delivery is not paused.
func (d *delivery) waitFunction() (*Function, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.fn == nil || d.paused {
		ch := d.changed
		d.mu.Unlock()
		select {
		case <-ch:
		case <-d.stop:
			d.mu.Lock()
			return nil, false
		}
		d.mu.Lock()
	}
	return d.fn, true
}

// fail sends a piece to the failure queue: the list and the JSON-lines file.
func (d *delivery) fail(p piece, reason string) {
	fb := FailedBatch{
		Time: time.Now().UTC(), Reason: reason, Attempts: p.attempts, StreamARN: d.streamARN,
		StartSequenceNumber: p.records[0].Change.SequenceNumber,
		EndSequenceNumber:   p.records[len(p.records)-1].Change.SequenceNumber,
		Records:             p.records,
	}
	d.log.Error("streams: records to the failure queue", "records", len(p.records), "reason", reason,
		"first", fb.StartSequenceNumber, "last", fb.EndSequenceNumber)
	if line, err := json.Marshal(fb); err == nil {
		if f, err := os.OpenFile(d.failPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
			f.Write(append(line, '\n'))
			f.Close()
		} else {
			d.log.Error("streams: write the failure queue", "err", err)
		}
	}
	d.mu.Lock()
	d.failures = append(d.failures, fb)
	d.notify()
	d.mu.Unlock()
}

// shuffle reorders records across items at random, keeping each item's records in order.
func (d *delivery) shuffle(records []events.DynamoDBEventRecord) []events.DynamoDBEventRecord {
	var order []string
	byItem := map[string][]events.DynamoDBEventRecord{}
	for _, r := range records {
		k := canonical(r.Change.Keys)
		if _, ok := byItem[k]; !ok {
			order = append(order, k)
		}
		byItem[k] = append(byItem[k], r)
	}
	out := make([]events.DynamoDBEventRecord, 0, len(records))
	for len(order) > 0 {
		i := d.rng.IntN(len(order))
		k := order[i]
		out = append(out, byItem[k][0])
		byItem[k] = byItem[k][1:]
		if len(byItem[k]) == 0 {
			order = slices.Delete(order, i, i+1)
		}
	}
	return out
}

// close stops delivery; a running invocation is abandoned.
func (d *delivery) close() {
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		d.log.Error("streams: delivery did not stop within 10 s")
	}
}

func (d *delivery) snapshot() ([]FailedBatch, []StreamInvocation, []events.DynamoDBEventRecord) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.failures), slices.Clone(d.invocations), slices.Clone(d.records)
}
