// Command web serves Wissensnetz. Inside AWS Lambda (AWS_LAMBDA_RUNTIME_API is set) it
// answers API Gateway events with DynamoDB and S3 as stores (lambda.go); elsewhere it runs
// in local mode: all data in one folder, demo content on first start, http://localhost:8080
// (local.go).
//
// Built for Lambda with -tags lambda.norpc (infra/lambda/build.sh), the binary has no local
// mode: neither the embedded store nor the demo content are part of it (nolocal.go).
package main

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/app"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wissensnetz:", err)
		os.Exit(1)
	}
}

func run() error {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		return runLambda()
	}
	return runLocal()
}

// sharedOptions reads what both modes take from the environment (see README) into the
// options of the app, beside the logger: the site's address for links in mails, the
// first coordinator and the size limit of files.
func sharedOptions(logger *slog.Logger) (app.Options, error) {
	o := app.Options{Logger: logger, BaseURL: os.Getenv("WISSENSNETZ_BASE_URL")}
	if email := os.Getenv("WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL"); email != "" {
		o.Bootstrap = &app.NewUser{Email: email, Name: env("WISSENSNETZ_BOOTSTRAP_ADMIN_NAME", "Koordinierungsstelle"),
			Password: os.Getenv("WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD")}
	}
	if v := os.Getenv("WISSENSNETZ_MAX_FILE_MB"); v != "" {
		mb, err := strconv.ParseInt(v, 10, 64)
		if err != nil || mb < 1 {
			return o, fmt.Errorf("WISSENSNETZ_MAX_FILE_MB=%q: erwartet wird eine ganze Zahl (Megabyte)", v)
		}
		o.Files.MaxFile = mb << 20
	}
	return o, nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
