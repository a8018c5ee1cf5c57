package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/lambdahttp"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/web"
)

// awsConfig is read once from the environment of the function (see template.yaml).
type awsConfig struct {
	table          string // WISSENSNETZ_TABLE
	bucket         string // WISSENSNETZ_BUCKET
	baseURL        string // WISSENSNETZ_BASE_URL: the site's address, for links in mails
	mailFrom       string // WISSENSNETZ_MAIL_FROM: verified SES sender; empty: no mail
	dynamoEndpoint string // WISSENSNETZ_DYNAMODB_ENDPOINT: only for tests against stand-ins
	s3Endpoint     string // WISSENSNETZ_S3_ENDPOINT: only for tests against stand-ins
	bootstrapEmail string // WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL
	bootstrapPass  string // WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD
	bootstrapName  string // WISSENSNETZ_BOOTSTRAP_ADMIN_NAME
}

func readAWSConfig() (awsConfig, error) {
	c := awsConfig{
		table:          os.Getenv("WISSENSNETZ_TABLE"),
		bucket:         os.Getenv("WISSENSNETZ_BUCKET"),
		baseURL:        os.Getenv("WISSENSNETZ_BASE_URL"),
		mailFrom:       os.Getenv("WISSENSNETZ_MAIL_FROM"),
		dynamoEndpoint: os.Getenv("WISSENSNETZ_DYNAMODB_ENDPOINT"),
		s3Endpoint:     os.Getenv("WISSENSNETZ_S3_ENDPOINT"),
		bootstrapEmail: os.Getenv("WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL"),
		bootstrapPass:  os.Getenv("WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD"),
		bootstrapName:  env("WISSENSNETZ_BOOTSTRAP_ADMIN_NAME", "Koordinierungsstelle"),
	}
	if c.table == "" || c.bucket == "" {
		return c, fmt.Errorf("WISSENSNETZ_TABLE and WISSENSNETZ_BUCKET must be set")
	}
	return c, nil
}

// runLambda serves API Gateway HTTP API events with DynamoDB, S3 and SES.
func runLambda() error {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := readAWSConfig()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	awsCfg, err := loadAWS(ctx)
	if err != nil {
		return err
	}
	db := dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		if cfg.dynamoEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.dynamoEndpoint)
		}
	})
	s3c := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.s3Endpoint != "" {
			o.BaseEndpoint, o.UsePathStyle = aws.String(cfg.s3Endpoint), true
		}
	})
	blobs := s3blob.New(s3c, cfg.bucket, "")
	ds := dynamo.New(db, cfg.table, blobs)
	snapshots := app.NewBlobSnapshots(blobs, filepath.Join(os.TempDir(), "wissensnetz"))
	opts := app.Options{Logger: logger, BaseURL: cfg.baseURL}
	if cfg.mailFrom != "" {
		opts.Mailer = mail.NewSES(sesv2.NewFromConfig(awsCfg), cfg.mailFrom)
	}
	a, err := app.Start(ctx, ds.Stores(), app.Cloud{Log: ds, Snapshots: snapshots}, opts)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if cfg.bootstrapEmail != "" {
		if err := a.Bootstrap(ctx, &app.NewUser{Email: cfg.bootstrapEmail, Name: cfg.bootstrapName, Password: cfg.bootstrapPass}); err != nil {
			return err
		}
	}
	h, err := web.New(a, logger)
	if err != nil {
		return err
	}
	lambda.Start(lambdahttp.New(h).Invoke)
	return nil
}

// loadAWS loads the SDK configuration with bounded retries and timeouts on every call, so
// that an unreachable endpoint gives an error rather than a hang.
func loadAWS(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx,
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3 })
		}),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(10*time.Second)),
	)
}
