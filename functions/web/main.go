// Command web serves Wissensnetz. Outside AWS Lambda it runs in local mode: all data in one
// folder, demo content on first start, http://localhost:8080.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wissensnetz:", err)
		os.Exit(1)
	}
}

// config is read once from the environment (see README).
type config struct {
	addr    string // WISSENSNETZ_ADDR
	dataDir string // WISSENSNETZ_DATA_DIR
	demo    bool   // WISSENSNETZ_DEMO != "off"
}

func readConfig() config {
	return config{
		addr:    env("WISSENSNETZ_ADDR", "localhost:8080"),
		dataDir: env("WISSENSNETZ_DATA_DIR", "./data"),
		demo:    os.Getenv("WISSENSNETZ_DEMO") != "off",
	}
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run() error {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		return errors.New("running inside AWS Lambda needs the AWS stores, which this build does not wire yet")
	}
	cfg := readConfig()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	lc := app.LocalConfig{DataDir: cfg.dataDir, Logger: logger, DemoAuthor: demo.Author,
		Progress: func(done, total int) {
			if done == total || done%1000 == 0 {
				logger.Info("building search index", "done", done, "total", total)
			}
		}}
	if cfg.demo {
		lc.Demo = demo.Open
	}
	a, err := app.OpenLocal(ctx, lc)
	if err != nil {
		return err
	}
	defer a.Close()
	h, err := web.New(a, logger)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: cfg.addr, Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("Wissensnetz läuft", "url", "http://"+cfg.addr, "data", cfg.dataDir)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
