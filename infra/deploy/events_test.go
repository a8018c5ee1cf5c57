package deploy

import (
	"slices"
	"strings"
	"testing"
)

// event is one event source of a function, as plain JSON.
type event struct {
	Type       string
	Properties map[string]any
}

// events returns the event sources of the function with logical id id.
func (s stack) events(t *testing.T, id string) map[string]event {
	t.Helper()
	raw, _ := s.rawProperties(t, id)["Events"].(map[string]any)
	list := make(map[string]event, len(raw))
	for name, v := range raw {
		var e event
		strictDecode(t, id+" event "+name, v, &e)
		list[name] = e
	}
	return list
}

// onlyEvent returns the one event source of a function and checks its type.
func (s stack) onlyEvent(t *testing.T, id, typ string) (string, event) {
	t.Helper()
	evs := s.events(t, id)
	if len(evs) != 1 {
		t.Fatalf("%s has %d event sources, want 1", id, len(evs))
	}
	for name, e := range evs {
		if e.Type != typ {
			t.Fatalf("%s event %s has type %s, want %s", id, name, e.Type, typ)
		}
		return name, e
	}
	panic("unreachable")
}

// TestWebEvents checks that every request of the HTTP API reaches the web function as an
// event of payload format 2.0, the one lambdahttp reads, without a stage prefix.
func TestWebEvents(t *testing.T) {
	s := loadTemplate(t, nil)
	api := s.resourceOfType(t, "AWS::Serverless::HttpApi")
	name, e := s.onlyEvent(t, "WebFunction", "HttpApi")
	var p struct {
		ApiId                any
		Path, Method         *string
		PayloadFormatVersion string
		TimeoutInMillis      *int
	}
	strictDecode(t, "WebFunction event "+name, e.Properties, &p)
	if ref(p.ApiId) != api {
		t.Errorf("ApiId = %s, want Ref %s", describe(p.ApiId), api)
	}
	if p.PayloadFormatVersion != "2.0" {
		t.Errorf("PayloadFormatVersion = %q, want 2.0", p.PayloadFormatVersion)
	}
	if p.Path != nil || p.Method != nil {
		t.Errorf("Path, Method = %s, %s, want none: the $default route takes every request", describe(p.Path), describe(p.Method))
	}
	h, _ := s.GetServerlessHttpApiWithName(api)
	if h.StageName != nil && *h.StageName != "$default" {
		t.Errorf("StageName = %q, want the $default stage", *h.StageName)
	}
}

// TestIndexerEvents checks the indexer's DynamoDB stream: one instance at a time, batches
// gathered for a while, a failing batch split to find the bad record, a few retries, then
// the batch parked in an SQS queue, and failed records reported one by one.
func TestIndexerEvents(t *testing.T) {
	s := loadTemplate(t, nil)
	table := s.resourceOfType(t, "AWS::DynamoDB::Table")
	f, err := s.GetServerlessFunctionWithName("IndexerFunction")
	if err != nil {
		t.Fatal(err)
	}
	if f.ReservedConcurrentExecutions == nil || *f.ReservedConcurrentExecutions != 1 {
		t.Errorf("ReservedConcurrentExecutions = %s, want 1: the indexer is the index's only writer", describe(f.ReservedConcurrentExecutions))
	}

	name, e := s.onlyEvent(t, "IndexerFunction", "DynamoDB")
	var p struct {
		Stream                         any
		StartingPosition               string
		BatchSize                      *int
		MaximumBatchingWindowInSeconds *int
		BisectBatchOnFunctionError     *bool
		MaximumRetryAttempts           *int
		MaximumRecordAgeInSeconds      *int
		ParallelizationFactor          *int
		FunctionResponseTypes          []string
		Enabled                        *bool
		DestinationConfig              *struct {
			OnFailure struct {
				Type        string
				Destination any
			}
		}
	}
	strictDecode(t, "IndexerFunction event "+name, e.Properties, &p)
	if getAtt(p.Stream) != table+".StreamArn" {
		t.Errorf("Stream = %s, want GetAtt %s.StreamArn", describe(p.Stream), table)
	}
	if p.StartingPosition != "TRIM_HORIZON" {
		t.Errorf("StartingPosition = %q, want TRIM_HORIZON: no change may be missed", p.StartingPosition)
	}
	if w := p.MaximumBatchingWindowInSeconds; w == nil || *w < 1 || *w > 300 {
		t.Errorf("MaximumBatchingWindowInSeconds = %s, want 1 to 300", describe(w))
	}
	if p.BisectBatchOnFunctionError == nil || !*p.BisectBatchOnFunctionError {
		t.Errorf("BisectBatchOnFunctionError = %s, want true", describe(p.BisectBatchOnFunctionError))
	}
	if r := p.MaximumRetryAttempts; r == nil || *r < 1 || *r > 10 {
		t.Errorf("MaximumRetryAttempts = %s, want a limit from 1 to 10", describe(r))
	}
	if p.ParallelizationFactor != nil && *p.ParallelizationFactor != 1 {
		t.Errorf("ParallelizationFactor = %d, want 1 (one writer)", *p.ParallelizationFactor)
	}
	if !slices.Contains(p.FunctionResponseTypes, "ReportBatchItemFailures") {
		t.Errorf("FunctionResponseTypes = %q, want ReportBatchItemFailures: the handler answers with events.DynamoDBEventResponse", p.FunctionResponseTypes)
	}
	if p.DestinationConfig == nil {
		t.Fatal("no DestinationConfig: a batch that keeps failing must go to an SQS queue")
	}
	dest := p.DestinationConfig.OnFailure
	queue, _, _ := strings.Cut(getAtt(dest.Destination), ".")
	if dest.Type != "SQS" || getAtt(dest.Destination) != queue+".Arn" {
		t.Errorf("OnFailure = %s %s, want SQS and GetAtt <queue>.Arn", dest.Type, describe(dest.Destination))
	} else if _, err := s.GetSQSQueueWithName(queue); err != nil {
		t.Errorf("OnFailure queue %s: %v", queue, err)
	}
}

// TestExtractEvents checks that S3 calls the extract function for every object created
// under attachments/, and only there (it writes text/ itself).
func TestExtractEvents(t *testing.T) {
	s := loadTemplate(t, nil)
	bucket := s.resourceOfType(t, "AWS::S3::Bucket")
	name, e := s.onlyEvent(t, "ExtractFunction", "S3")
	var p struct {
		Bucket any
		Events any
		Filter struct {
			S3Key struct {
				Rules []struct{ Name, Value string }
			}
		}
	}
	strictDecode(t, "ExtractFunction event "+name, e.Properties, &p)
	if ref(p.Bucket) != bucket {
		t.Errorf("Bucket = %s, want Ref %s", describe(p.Bucket), bucket)
	}
	if got := describe(p.Events); got != `"s3:ObjectCreated:*"` && got != `["s3:ObjectCreated:*"]` {
		t.Errorf("Events = %s, want s3:ObjectCreated:*", got)
	}
	rules := p.Filter.S3Key.Rules
	if len(rules) != 1 || rules[0].Name != "prefix" || rules[0].Value != "attachments/" {
		t.Errorf("filter rules = %+v, want prefix attachments/", rules)
	}
}
