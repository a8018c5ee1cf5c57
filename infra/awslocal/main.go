// Command awslocal runs the AWS shape of Wissensnetz on this machine: DynamoDB and S3
// stand-ins, DynamoDB Streams and S3 notifications emulated in front of them, and the
// functions as built for Lambda under the Runtime Interface Emulator, with web instances
// behind API Gateway-like HTTP fronts (see package stack).
//
//	go run ./infra/awslocal [-web N] [-data DIR]
//
// It prints one line "web K http://127.0.0.1:PORT" per web instance, then "ready", and
// runs until SIGINT or SIGTERM. The first coordinator comes from
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
)

func main() {
	web := flag.Int("web", 2, "number of web instances")
	data := flag.String("data", "", "folder that keeps data and logs (default: temporary)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *web, *data); err != nil {
		fmt.Fprintln(os.Stderr, "awslocal:", err)
		os.Exit(1)
	}
}

// run starts the stack, prints the web instances' addresses and "ready" to out, and
// stops everything when ctx ends.
func run(ctx context.Context, out io.Writer, web int, data string) error {
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
	for i := range s.Webs() {
		fmt.Fprintf(out, "web %d %s\n", i+1, s.WebURL(i))
	}
	fmt.Fprintln(out, "ready")
	fmt.Fprintf(os.Stderr, "awslocal: logs in %s; Ctrl-C stops everything\n", filepath.Join(s.Dir(), "logs"))
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "awslocal: stopping")
	return s.Close()
}
