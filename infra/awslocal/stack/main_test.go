package stack

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// buildDir holds the bootstraps built for the tests; TestMain removes it.
var buildDir string

// testBootstraps are the functions the tests run.
type testBootstraps struct {
	web, indexer, extract string
	streamfn              string // testdata/streamfn: fails on marked records
}

// bootstraps builds the functions once per test binary (or takes those infra/test.sh
// built) and the test function.
var bootstraps = sync.OnceValues(func() (testBootstraps, error) {
	root, err := FindRoot()
	if err != nil {
		return testBootstraps{}, err
	}
	dir, err := os.MkdirTemp("", "wissensnetz-awslocal-test-")
	if err != nil {
		return testBootstraps{}, err
	}
	buildDir = dir
	ctx := context.Background()
	var b testBootstraps
	for _, f := range []struct {
		name string
		pkg  string
		dst  *string
	}{
		{"web", "./functions/web", &b.web},
		{"indexer", "./functions/indexer", &b.indexer},
		{"extract", "./functions/extract", &b.extract},
		{"streamfn", "./infra/awslocal/stack/testdata/streamfn", &b.streamfn},
	} {
		if p := os.Getenv(BootstrapEnvVar(f.name)); p != "" && f.name != "streamfn" {
			*f.dst = p
			continue
		}
		out := filepath.Join(dir, f.name, "bootstrap")
		if err := BuildBootstrap(ctx, root, f.pkg, out); err != nil {
			return b, err
		}
		*f.dst = out
	}
	return b, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	closeShared()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// needTools skips (or fails) the test without the emulator or the stand-ins, and
// returns the running stand-ins from infra/standins.sh if any (nil: the stack starts its
// own).
func needTools(tb testing.TB) *Standins {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("the Lambda Runtime Interface Emulator runs on Linux only")
	}
	if _, err := FindTool("aws-lambda-rie"); err != nil {
		Missing(tb, "aws-lambda-rie not installed (bash infra/standins.sh install): "+err.Error())
	}
	if s := StandinsFromEnv(); s != nil {
		return s
	}
	root, err := FindRoot()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := findStandins(context.Background(), root, false); err != nil {
		Missing(tb, `no stand-ins: eval "$(bash infra/standins.sh)", or install them: `+err.Error())
	}
	return nil
}

func needBootstraps(tb testing.TB) testBootstraps {
	tb.Helper()
	b, err := bootstraps()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

const (
	adminEmail = "koordination@ikone-ds.example"
	adminPass  = "Gemeinsam-in-die-digitale-Zukunft-26"
)

var (
	sharedOnce  sync.Once
	sharedStack *Stack
	sharedErr   error
)

// shared returns the stack most tests share: two web instances, the real indexer and
// extract functions.
func shared(t *testing.T) *Stack {
	t.Helper()
	standins := needTools(t)
	b := needBootstraps(t)
	sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		sharedStack, sharedErr = Start(ctx, Config{
			Web: 2, Standins: standins,
			WebBootstrap: b.web, IndexerBootstrap: b.indexer, ExtractBootstrap: b.extract,
			Env: map[string]string{
				"WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL":    adminEmail,
				"WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD": adminPass,
			},
		})
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	showLogsOnFailure(t, sharedStack, "web-1", "web-2", "indexer", "extract", "awslocal")
	return sharedStack
}

func closeShared() {
	if sharedStack != nil {
		sharedStack.Close()
	}
}

// showLogsOnFailure prints the tails of the named logs if the test fails.
func showLogsOnFailure(t *testing.T, s *Stack, names ...string) {
	t.Cleanup(func() {
		if t.Failed() {
			for _, n := range names {
				t.Logf("--- log %s:\n%s", n, s.LogTail(n, 30))
			}
		}
	})
}

// startStack starts a stack of its own for one test, stopped after it.
func startStack(t *testing.T, cfg Config) *Stack {
	t.Helper()
	cfg.Standins = needTools(t)
	b := needBootstraps(t)
	if cfg.IndexerBootstrap == "" {
		cfg.IndexerBootstrap = b.indexer
	}
	if cfg.ExtractBootstrap == "" {
		cfg.ExtractBootstrap = b.extract
	}
	if cfg.WebBootstrap == "" {
		cfg.WebBootstrap = b.web
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	showLogsOnFailure(t, s, "indexer", "extract", "awslocal")
	return s
}
