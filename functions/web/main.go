// Command web serves Wissensnetz. Inside AWS Lambda (AWS_LAMBDA_RUNTIME_API is set) it
// answers API Gateway events with DynamoDB and S3 as stores (lambda.go); elsewhere it runs
// in local mode: all data in one folder, demo content on first start, http://localhost:8080.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/web"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wissensnetz:", err)
		os.Exit(1)
	}
}

// config is read once from the environment (see README).
type localConfig struct {
	addr       string // WISSENSNETZ_ADDR
	dataDir    string // WISSENSNETZ_DATA_DIR
	demo       bool   // WISSENSNETZ_DEMO != "off"
	baseURL    string // WISSENSNETZ_BASE_URL, for links in mails
	adminEmail string // WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL: first coordinator …
	adminPass  string // WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD … created when no account exists
	adminName  string // WISSENSNETZ_BOOTSTRAP_ADMIN_NAME
	trustProxy bool   // WISSENSNETZ_TRUST_PROXY == "on": X-Forwarded-Proto comes from our proxy
	minFree    uint64 // WISSENSNETZ_MIN_FREE_MB, in bytes; 0: app.DefaultMinFree
}

func readConfig() (localConfig, error) {
	c := localConfig{
		addr:       env("WISSENSNETZ_ADDR", "localhost:8080"),
		dataDir:    env("WISSENSNETZ_DATA_DIR", "./data"),
		demo:       os.Getenv("WISSENSNETZ_DEMO") != "off",
		adminEmail: os.Getenv("WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL"),
		adminPass:  os.Getenv("WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD"),
		adminName:  env("WISSENSNETZ_BOOTSTRAP_ADMIN_NAME", "Koordinierungsstelle"),
		trustProxy: os.Getenv("WISSENSNETZ_TRUST_PROXY") == "on",
	}
	c.baseURL = env("WISSENSNETZ_BASE_URL", "http://"+c.addr)
	if v := os.Getenv("WISSENSNETZ_MIN_FREE_MB"); v != "" {
		mb, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return c, fmt.Errorf("WISSENSNETZ_MIN_FREE_MB=%q: erwartet wird eine ganze Zahl (Megabyte)", v)
		}
		c.minFree = mb << 20
	}
	return c, nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run() error {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		return runLambda()
	}
	cfg, err := readConfig()
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts := app.Options{Logger: logger, BaseURL: cfg.baseURL}
	local := app.Local{DataDir: cfg.dataDir, DemoAuthor: demo.Author, MinFree: cfg.minFree,
		Progress: func(done, total int) {
			if done == total || done%1000 == 0 {
				logger.Info("building search index", "done", done, "total", total)
			}
		}}
	if cfg.demo {
		local.Demo = demo.Open
		for _, l := range demo.Logins() {
			local.DemoLogins = append(local.DemoLogins, app.NewUser{Email: l.Email, Name: l.Name, Password: l.Password, Role: l.Role, Municipality: l.Municipality})
		}
	}
	if cfg.adminEmail != "" {
		opts.Bootstrap = &app.NewUser{Email: cfg.adminEmail, Name: cfg.adminName, Password: cfg.adminPass}
	}
	st, err := embedded.Open(cfg.dataDir)
	if err != nil {
		return err
	}
	a, err := app.StartLocal(ctx, st, local, opts)
	if err != nil {
		return err
	}
	defer a.Close()
	h, err := web.New(a, logger, web.TrustForwardedProto(cfg.trustProxy))
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
