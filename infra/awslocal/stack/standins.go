package stack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Standins are a DynamoDB API server and an S3 API server already running, such as those
// infra/standins.sh starts.
type Standins struct {
	DynamoDB string // base URL of the DynamoDB API (dynalite)
	S3       string // base URL of the S3 API (versitygw)
	S3Access string // access key the S3 server accepts
	S3Secret string // its secret
}

// StandinsFromEnv returns the stand-ins that infra/standins.sh exported
// (WISSENSNETZ_TEST_DYNAMODB, WISSENSNETZ_TEST_S3, WISSENSNETZ_TEST_S3_ACCESS,
// WISSENSNETZ_TEST_S3_SECRET), or nil if any of them is unset.
func StandinsFromEnv() *Standins {
	s := &Standins{
		DynamoDB: os.Getenv("WISSENSNETZ_TEST_DYNAMODB"),
		S3:       os.Getenv("WISSENSNETZ_TEST_S3"),
		S3Access: os.Getenv("WISSENSNETZ_TEST_S3_ACCESS"),
		S3Secret: os.Getenv("WISSENSNETZ_TEST_S3_SECRET"),
	}
	if s.DynamoDB == "" || s.S3 == "" || s.S3Access == "" || s.S3Secret == "" {
		return nil
	}
	return s
}

// standinTools are the programs of the stand-ins.
type standinTools struct {
	dynalite, versitygw string
}

// findStandins finds dynalite (installed by infra/standins.sh in infra/standins) and
// versitygw; with install, it runs `bash infra/standins.sh install` first when one is
// missing.
func findStandins(ctx context.Context, root string, mayInstall bool) (standinTools, error) {
	find := func() (standinTools, error) {
		t := standinTools{dynalite: filepath.Join(root, "infra/standins/node_modules/.bin/dynalite")}
		if _, err := os.Stat(t.dynalite); err != nil {
			return t, fmt.Errorf("dynalite is not installed (bash infra/standins.sh install): %w", err)
		}
		p, err := FindTool("versitygw")
		if err != nil {
			return t, fmt.Errorf("versitygw is not installed (bash infra/standins.sh install): %w", err)
		}
		t.versitygw = p
		return t, nil
	}
	t, err := find()
	if err == nil || !mayInstall {
		return t, err
	}
	if err := install(ctx, root); err != nil {
		return t, err
	}
	return find()
}

// install runs `bash infra/standins.sh install`, which installs the stand-ins and the
// emulator where they are missing.
func install(ctx context.Context, root string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "infra/standins.sh"), "install")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install the stand-ins: %w", err)
	}
	return nil
}

// startStandin starts a stand-in whose arguments contain the address to listen on,
// trying another free port when the first was taken meanwhile, and waits until it
// listens.
func startStandin(ctx context.Context, name, logPath string, args func(addr string) []string, path string) (*process, string, error) {
	logf, err := openLog(logPath)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	defer logf.Close() // the child holds its own descriptor
	env := os.Environ()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		addr, err := freeAddr()
		if err != nil {
			return nil, "", err
		}
		p, err := startProcess(name, filepath.Dir(logPath), logf, env, path, args(addr)...)
		if err != nil {
			return nil, "", err
		}
		if err := p.waitListening(ctx, addr, 30*time.Second); err != nil {
			p.stop(0)
			lastErr = err
			continue
		}
		return p, addr, nil
	}
	return nil, "", fmt.Errorf("start %s: %w", name, lastErr)
}
