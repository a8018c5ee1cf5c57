// Package awsclient builds the AWS SDK clients of Wissensnetz's programs (the functions'
// main and the admin tool) from the SDK's usual configuration (environment, ~/.aws, the
// Lambda role): every call with at most 3 attempts and a timeout per attempt, so that an
// unreachable endpoint gives an error rather than a hang, and endpoints overridable for
// the stand-ins of tests and infra/awslocal.
package awsclient

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Config loads the SDK configuration with at most 3 attempts per call and timeout per
// attempt. The SDK's buildable HTTP client keeps a configured CA bundle (AWS_CA_BUNDLE)
// working.
func Config(ctx context.Context, timeout time.Duration) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx,
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3 })
		}),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(timeout)),
	)
}

// DynamoDB returns a DynamoDB client; endpoint "" means AWS's own.
func DynamoDB(cfg aws.Config, endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// S3 returns an S3 client; endpoint "" means AWS's own, any other is addressed by path
// (http://host/bucket/key), as the stand-ins need.
func S3(cfg aws.Config, endpoint string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint, o.UsePathStyle = aws.String(endpoint), true
		}
	})
}
