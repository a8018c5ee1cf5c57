package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/awsclient"
	"github.com/ikone-ds/wissensnetz/shared/lambdahttp"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/web"
)

// awsConfig is what Lambda mode alone reads from the environment of the function (see
// template.yaml).
type awsConfig struct {
	table          string // WISSENSNETZ_TABLE
	bucket         string // WISSENSNETZ_BUCKET
	mailFrom       string // WISSENSNETZ_MAIL_FROM: verified SES sender; empty: no mail
	dynamoEndpoint string // WISSENSNETZ_DYNAMODB_ENDPOINT: only for tests against stand-ins
	s3Endpoint     string // WISSENSNETZ_S3_ENDPOINT: only for tests against stand-ins
	malwareTags    bool   // WISSENSNETZ_MALWARE_TAGS=guardduty: serve files only once GuardDuty found them clean
}

func readAWSConfig() (awsConfig, error) {
	c := awsConfig{
		table:          os.Getenv("WISSENSNETZ_TABLE"),
		bucket:         os.Getenv("WISSENSNETZ_BUCKET"),
		mailFrom:       os.Getenv("WISSENSNETZ_MAIL_FROM"),
		dynamoEndpoint: os.Getenv("WISSENSNETZ_DYNAMODB_ENDPOINT"),
		s3Endpoint:     os.Getenv("WISSENSNETZ_S3_ENDPOINT"),
	}
	if c.table == "" || c.bucket == "" {
		return c, fmt.Errorf("WISSENSNETZ_TABLE and WISSENSNETZ_BUCKET must be set")
	}
	switch v := os.Getenv("WISSENSNETZ_MALWARE_TAGS"); v {
	case "", "off":
	case "guardduty":
		c.malwareTags = true
	default:
		return c, fmt.Errorf("WISSENSNETZ_MALWARE_TAGS=%q: want guardduty or off", v)
	}
	return c, nil
}

// checkBaseURL requires the site's address on AWS: no default there could be right, and a
// wrong one would send people links that lead nowhere.
func checkBaseURL(s string) error {
	if s == "" {
		return errors.New("WISSENSNETZ_BASE_URL must be set: the site's address for links in mails, such as https://wissensnetz.example.de (template.yaml: parameter AllowedOrigin)")
	}
	if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("WISSENSNETZ_BASE_URL=%q is not the address of a site, such as https://wissensnetz.example.de", s)
	}
	return nil
}

// runLambda serves API Gateway HTTP API events with DynamoDB, S3 and SES.
func runLambda() error {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := readAWSConfig()
	if err != nil {
		return err
	}
	opts, err := sharedOptions(logger)
	if err != nil {
		return err
	}
	if err := checkBaseURL(opts.BaseURL); err != nil {
		return err
	}
	// The init may fetch a large index snapshot: up to 25 s (the function's timeout is 29 s;
	// Lambda repeats an init that passes its own limit within the first invocation).
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	awsCfg, err := awsclient.Config(ctx, 20*time.Second)
	if err != nil {
		return err
	}
	s3Client := awsclient.S3(awsCfg, cfg.s3Endpoint)
	blobs := s3blob.NewDirect(s3Client, s3.NewPresignClient(s3Client), cfg.bucket, "")
	opts.Files.MalwareTags = cfg.malwareTags
	ds := dynamo.New(awsclient.DynamoDB(awsCfg, cfg.dynamoEndpoint), cfg.table, blobs)
	snapshots := app.NewBlobSnapshots(blobs, filepath.Join(os.TempDir(), "wissensnetz"))
	if cfg.mailFrom != "" {
		opts.Mailer = mail.NewSES(sesv2.NewFromConfig(awsCfg), cfg.mailFrom)
	}
	a, err := app.Start(ctx, ds.Stores(), app.Cloud{Log: ds, Snapshots: snapshots}, opts)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	h, err := web.New(a, logger)
	if err != nil {
		return err
	}
	lambda.Start(lambdahttp.New(h).Invoke)
	return nil
}
