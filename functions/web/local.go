//go:build !lambda.norpc

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/clamd"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
	"github.com/ikone-ds/wissensnetz/shared/web"
)

var _ app.Scanner = (*clamd.Client)(nil)

// localConfig is what local mode alone reads from the environment (see README).
type localConfig struct {
	addr       string        // WISSENSNETZ_ADDR
	dataDir    string        // WISSENSNETZ_DATA_DIR
	demo       bool          // WISSENSNETZ_DEMO != "off"
	trustProxy bool          // WISSENSNETZ_TRUST_PROXY == "on": X-Forwarded-Proto comes from our proxy
	minFree    uint64        // WISSENSNETZ_MIN_FREE_MB, in bytes; 0: app.DefaultMinFree
	clamd      *clamd.Client // WISSENSNETZ_CLAMD; nil: uploads are not checked for malware
}

func readLocalConfig() (localConfig, error) {
	c := localConfig{
		addr:       env("WISSENSNETZ_ADDR", "localhost:8080"),
		dataDir:    env("WISSENSNETZ_DATA_DIR", "./data"),
		demo:       os.Getenv("WISSENSNETZ_DEMO") != "off",
		trustProxy: os.Getenv("WISSENSNETZ_TRUST_PROXY") == "on",
	}
	if v := os.Getenv("WISSENSNETZ_MIN_FREE_MB"); v != "" {
		mb, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return c, fmt.Errorf("WISSENSNETZ_MIN_FREE_MB=%q: erwartet wird eine ganze Zahl (Megabyte)", v)
		}
		c.minFree = mb << 20
	}
	if v := os.Getenv("WISSENSNETZ_CLAMD"); v != "" {
		cl, err := clamd.New(v)
		if err != nil {
			return c, fmt.Errorf("WISSENSNETZ_CLAMD=%q: erwartet wird host:port (z. B. 127.0.0.1:3310) oder unix:/pfad/zum/socket (z. B. unix:/run/clamav/clamd.ctl)", v)
		}
		c.clamd = cl
	}
	return c, nil
}

// localFiles returns the configuration of files in local mode: their texts are read in
// this process, with the PDF engine compiled once and kept in the data folder for the
// next start, and with WISSENSNETZ_CLAMD uploads are checked by that clamd (whether it
// answers is logged now; until it does, uploads are refused). done releases the reader.
func localFiles(ctx context.Context, cfg localConfig, logger *slog.Logger) (f app.Files, done func()) {
	x := extract.New(extract.Options{PDFCacheDir: filepath.Join(cfg.dataDir, "cache", "pdf")})
	f.Extractor = x
	if cfg.clamd != nil {
		f.Scanner = cfg.clamd
		ping, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := cfg.clamd.Ping(ping); err != nil {
			logger.Warn("clamd does not answer; uploads are refused until it does", "clamd", cfg.clamd.String(), "err", err)
		} else {
			logger.Info("uploads are checked for malware", "clamd", cfg.clamd.String())
		}
		cancel()
	} else {
		logger.Info("uploads are not checked for malware: WISSENSNETZ_CLAMD is not set")
	}
	return f, func() { x.Close() }
}

// runLocal serves the local installation in the data folder over HTTP until SIGINT or
// SIGTERM: the embedded store, the folder's search index and outbox, and the demo content
// on first start.
func runLocal() error {
	cfg, err := readLocalConfig()
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts, err := sharedOptions(logger)
	if err != nil {
		return err
	}
	if opts.BaseURL == "" {
		opts.BaseURL = "http://" + cfg.addr
	}
	files, closeFiles := localFiles(ctx, cfg, logger)
	defer closeFiles() // after the app, which waits for the text being read
	files.MaxFile = opts.Files.MaxFile
	opts.Files = files
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
