// Package stack runs the AWS shape of Wissensnetz on one machine: DynamoDB and S3
// stand-ins (dynalite, versitygw), a DynamoDB Streams emulation in front of dynalite that
// feeds the indexer like Lambda's event source mapping, S3 event notifications that invoke
// the extract function, and the functions as built for Lambda under the AWS Lambda Runtime
// Interface Emulator, with web instances behind HTTP fronts that speak API Gateway HTTP API
// events. People start it with `go run ./infra/awslocal`; tests start it in process with
// Start.
//
// A test starts a stack, acts through its web fronts or clients, and checks the outcome:
//
//	s, err := stack.Start(ctx, stack.Config{Web: 2, IndexerEnv: map[string]string{...}})
//	if err != nil { ... }
//	defer s.Close()
//	http.Get(s.WebURL(0) + "/")              // web instance 1, an API Gateway event
//	s.DynamoDB().PutItem(ctx, ...)           // gives a stream record like the functions' writes
//	s.WaitStreamsIdle(ctx)                   // every record so far reached the indexer
//	s.FailureQueue(), s.LogTail("indexer", 50)
//
// Everything listens on 127.0.0.1 only.
package stack
