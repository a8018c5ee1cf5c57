//go:build lambda.norpc

package main

import "errors"

// runLocal refuses: a build for Lambda (-tags lambda.norpc, as infra/lambda/build.sh
// builds) leaves out the local mode, and with it the embedded store and the demo content.
func runLocal() error {
	return errors.New("dieser Build läuft nur in AWS Lambda (AWS_LAMBDA_RUNTIME_API fehlt); den lokalen Betrieb startet go run ./functions/web (ohne -tags lambda.norpc)")
}
