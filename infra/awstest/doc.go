// Package awstest tests the AWS shape of Wissensnetz as it runs: web instances and the
// indexer, built as Lambda runs them, under the Lambda Runtime Interface Emulator, on the
// stand-ins of DynamoDB (with its streams emulated) and S3 (infra/awslocal). Its tests
// check the guarantees of the search on AWS: what a visitor may see is decided by the
// table at the start of each request, on every instance; writes reach every instance at
// once; the indexer's snapshots converge whatever step of publishing it dies in.
package awstest
