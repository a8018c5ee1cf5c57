// Package lambda tests the Lambda functions as built for Lambda (build.sh): the web
// function's bootstrap under the AWS Lambda Runtime Interface Emulator, talking to DynamoDB
// and S3 stand-ins, answering real API Gateway v2 events; and its cold start and DynamoDB
// calls per request as benchmarks. It has tests only.
package lambda
