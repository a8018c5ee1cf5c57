package stack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// BootstrapEnvVar names the environment variable that may give the bootstrap of function
// (web, indexer, extract) built already for this machine, as infra/test.sh sets them:
// WISSENSNETZ_TEST_WEB_BOOTSTRAP and so on.
func BootstrapEnvVar(function string) string {
	return "WISSENSNETZ_TEST_" + strings.ToUpper(function) + "_BOOTSTRAP"
}

// BuildBootstrap builds the main package pkg (a path relative to root, such as
// "./functions/web") as Lambda runs it, like infra/lambda/build.sh but for this machine's
// architecture: a static Linux binary without aws-lambda-go's RPC mode, written to out.
func BuildBootstrap(ctx context.Context, root, pkg, out string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %w\n%s", pkg, err, msg)
	}
	return nil
}

// FindRoot returns the root of the Wissensnetz module at or above the working directory.
func FindRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the module root: %w", err)
	}
	for {
		if isRoot(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find the module root: no go.mod of github.com/ikone-ds/wissensnetz at or above the working directory")
		}
		dir = parent
	}
}

// isRoot reports whether gomod is the go.mod of this project.
func isRoot(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); strings.HasPrefix(line, "module ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "module ")) == "github.com/ikone-ds/wissensnetz"
		}
	}
	return false
}

// FindTool looks for a program on PATH, then where `go install` puts it.
func FindTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		return "", fmt.Errorf("find %s: go env: %w", name, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	dir := strings.TrimSpace(lines[0])
	if dir == "" && len(lines) > 1 {
		dir = filepath.Join(strings.Split(strings.TrimSpace(lines[1]), string(os.PathListSeparator))[0], "bin")
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("find %s: not on PATH nor in %s", name, dir)
	}
	return p, nil
}
