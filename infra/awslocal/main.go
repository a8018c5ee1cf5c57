// Command awslocal runs the AWS shape of Wissensnetz on this machine: DynamoDB and S3
// stand-ins, DynamoDB Streams and S3 notifications emulated in front of them, and the
// functions as built for Lambda under the Runtime Interface Emulator, with web instances
// behind API Gateway-like HTTP fronts (see package stack).
//
//	go run ./infra/awslocal [-web N] [-data DIR] [-demo]
//
// It prints one line "web K http://127.0.0.1:PORT" per web instance, then "ready", and
// runs until SIGINT or SIGTERM. With -demo it first loads the demo content and the demo
// accounts into an empty table, through the stand-ins (so the indexer indexes and publishes
// them), and waits until they are indexed. On standard error it prints the environment
// with which infra/admin works on the stack. The first coordinator comes from
// WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL and WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD. With -data
// the table, the bucket and the logs are kept in DIR; without it everything is temporary.
// Stand-ins exported by infra/standins.sh (WISSENSNETZ_TEST_DYNAMODB and so on) are used
// instead of starting new ones.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/awslocal/stack"
	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
)

// loadDemo loads the demo content and accounts through the stack's stand-ins into an empty
// table, and waits until the indexer has indexed them.
func loadDemo(ctx context.Context, s *stack.Stack) error {
	ds := dynamo.New(s.DynamoDB(), s.Table(), s3blob.New(s.S3(), s.Bucket(), ""))
	a, err := app.Start(ctx, ds.Stores(), app.Cloud{Log: ds, WithoutIndex: true}, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(a.Municipalities()) > 0 {
		fmt.Fprintln(os.Stderr, "awslocal: the table has content already; no demo content loaded")
		return nil
	}
	res, err := a.Import(ctx, demo.Open(), demo.Author)
	if err != nil {
		return fmt.Errorf("load demo content: %w", err)
	}
	for _, l := range demo.Logins() {
		if _, err := a.CreateUser(ctx, auth.Visitor, app.NewUser{Email: l.Email, Name: l.Name, Password: l.Password, Role: l.Role, Municipality: l.Municipality}); err != nil {
			return fmt.Errorf("create demo account: %w", err)
		}
		fmt.Fprintf(os.Stderr, "awslocal: demo account %s / %s\n", l.Email, l.Password)
	}
	if err := s.WaitStreamsIdle(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "awslocal: demo content loaded (%d entries) and indexed\n", res.Entries)
	return nil
}

func main() {
	web := flag.Int("web", 2, "number of web instances")
	data := flag.String("data", "", "folder that keeps data and logs (default: temporary)")
	withDemo := flag.Bool("demo", false, "load the demo content and accounts into an empty table")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *web, *data, *withDemo); err != nil {
		fmt.Fprintln(os.Stderr, "awslocal:", err)
		os.Exit(1)
	}
}

// run starts the stack, prints the web instances' addresses and "ready" to out, and
// stops everything when ctx ends.
func run(ctx context.Context, out io.Writer, web int, data string, withDemo bool) error {
	if web < 1 {
		return fmt.Errorf("-web must be at least 1")
	}
	startCtx, cancel := context.WithTimeout(ctx, 20*time.Minute) // includes first builds and installs
	defer cancel()
	fmt.Fprintln(os.Stderr, "awslocal: starting (the first start builds the functions)")
	s, err := stack.Start(startCtx, stack.Config{Web: web, DataDir: data, Install: true})
	if err != nil {
		return err
	}
	if withDemo {
		if err := loadDemo(startCtx, s); err != nil {
			s.Close()
			return err
		}
	}
	access, secret := s.Credentials()
	fmt.Fprintf(os.Stderr, "awslocal: infra/admin works on it with\n  WISSENSNETZ_TABLE=%s WISSENSNETZ_BUCKET=%s WISSENSNETZ_DYNAMODB_ENDPOINT=%s WISSENSNETZ_S3_ENDPOINT=%s AWS_REGION=eu-central-1 AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n",
		s.Table(), s.Bucket(), s.DynamoDBEndpoint(), s.S3Endpoint(), access, secret)
	for i := range s.Webs() {
		fmt.Fprintf(out, "web %d %s\n", i+1, s.WebURL(i))
	}
	fmt.Fprintln(out, "ready")
	fmt.Fprintf(os.Stderr, "awslocal: logs in %s; Ctrl-C stops everything\n", filepath.Join(s.Dir(), "logs"))
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "awslocal: stopping")
	return s.Close()
}
