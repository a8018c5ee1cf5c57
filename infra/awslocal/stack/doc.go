// Package stack runs the AWS shape of Wissensnetz on one machine: DynamoDB and S3
// stand-ins (dynalite, versitygw), a DynamoDB Streams emulation in front of dynalite that
// feeds the indexer like Lambda's event source mapping, S3 event notifications that invoke
// the extract function, and the functions as built for Lambda under the AWS Lambda Runtime
// Interface Emulator, with web instances behind HTTP fronts that speak API Gateway HTTP API
// events. People start it with `go run ./infra/awslocal`; tests start it in process with
// Start.
//
// Everything listens on 127.0.0.1 only.
package stack
