package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// FunctionConfig says which bootstrap the emulator runs and with what.
type FunctionConfig struct {
	Name      string            // the function's name (AWS_LAMBDA_FUNCTION_NAME), for logs
	RIE       string            // path of aws-lambda-rie
	Bootstrap string            // the function as built for Lambda
	Env       map[string]string // the function's environment, beside the emulator's own
	Timeout   time.Duration     // the function's timeout; 0 means 30 s
	LogPath   string            // file the emulator's and the function's output is appended to
	TempDir   string            // the function's TMPDIR; empty means the system's
	// CPUs, if set, keeps the emulator and the function on these processors (a list as
	// taskset -c takes it, e.g. "1"): for measuring with the share of a processor a
	// Lambda function of a given memory size has.
	CPUs string
}

// Function is a function's bootstrap under the AWS Lambda Runtime Interface Emulator: one
// execution environment, which takes one invocation at a time. The bootstrap starts with
// the first invocation (a cold start).
type Function struct {
	bootstrap string
	name      string
	addr      string
	timeout   time.Duration
	proc      *process
	logf      *os.File
	slot      chan struct{} // holds a token while an invocation runs
	client    *http.Client
}

// InvokeResult is a function's answer to one invocation.
type InvokeResult struct {
	Payload []byte // the handler's response, or the error document on a function error
	// FunctionError is the error type when the function failed (X-Amz-Function-Error, or
	// the errorType of the emulator's error document), else "".
	FunctionError string
}

// StartFunction starts the emulator with cfg's bootstrap on a free loopback port and waits
// until it takes invocations.
func StartFunction(ctx context.Context, cfg FunctionConfig) (*Function, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	logf, err := openLog(cfg.LogPath)
	if err != nil {
		return nil, fmt.Errorf("function %s: %w", cfg.Name, err)
	}
	fmt.Fprintf(logf, "--- %s: starting the emulator with %s\n", time.Now().Format(time.RFC3339Nano), cfg.Bootstrap)
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.TempDir(),
		"AWS_LAMBDA_FUNCTION_NAME=" + cfg.Name,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(int(cfg.Timeout/time.Second)),
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	if cfg.TempDir != "" {
		if err := os.MkdirAll(cfg.TempDir, 0o755); err != nil {
			logf.Close()
			return nil, fmt.Errorf("function %s: %w", cfg.Name, err)
		}
		env = append(env, "TMPDIR="+cfg.TempDir)
	}
	for k, v := range cfg.Env {
		env = append(env, k+"="+v)
	}
	// A port found free may be taken before the emulator binds it: try again then.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		addr, err := freeAddr()
		if err != nil {
			logf.Close()
			return nil, err
		}
		apiAddr, err := freeAddr() // the emulator's Runtime API; 127.0.0.1:9001 otherwise
		if err != nil {
			logf.Close()
			return nil, err
		}
		path, args := cfg.RIE, []string{"--runtime-interface-emulator-address", addr, "--runtime-api-address", apiAddr, cfg.Bootstrap}
		if cfg.CPUs != "" {
			taskset, err := exec.LookPath("taskset")
			if err != nil {
				logf.Close()
				return nil, fmt.Errorf("function %s: CPUs set, but: %w", cfg.Name, err)
			}
			path, args = taskset, append([]string{"-c", cfg.CPUs, cfg.RIE}, args...)
		}
		p, err := startProcess("emulator of "+cfg.Name, filepath.Dir(cfg.Bootstrap), logf, env, path, args...)
		if err != nil {
			logf.Close()
			return nil, fmt.Errorf("function %s: %w", cfg.Name, err)
		}
		if err := p.waitListening(ctx, addr, 10*time.Second); err != nil {
			p.stop(0)
			lastErr = err
			continue
		}
		return &Function{
			bootstrap: cfg.Bootstrap,
			name:      cfg.Name, addr: addr, timeout: cfg.Timeout, proc: p, logf: logf,
			slot:   make(chan struct{}, 1),
			client: &http.Client{Timeout: cfg.Timeout + 15*time.Second},
		}, nil
	}
	logf.Close()
	return nil, fmt.Errorf("function %s: %w", cfg.Name, lastErr)
}

// PeakMemory returns the peak resident memory of the running function process (VmHWM),
// in bytes; an error if it is not running.
func (f *Function) PeakMemory() (int64, error) {
	for _, pid := range sessionMembers(f.proc.cmd.Process.Pid) {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil || filepath.Clean(exe) != filepath.Clean(f.bootstrap) {
			continue
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, fmt.Errorf("function %s: no running process of %s", f.name, f.bootstrap)
}

// Addr returns the loopback address where the emulator takes invocations
// (POST /2015-03-31/functions/function/invocations).
func (f *Function) Addr() string { return f.addr }

// Invoke sends one event to the function, waiting while another invocation runs, and
// returns its answer. A function error is a result, not an error; an error means the
// invocation did not complete (ctx ended, the emulator is gone).
func (f *Function) Invoke(ctx context.Context, event []byte) (InvokeResult, error) {
	select {
	case f.slot <- struct{}{}:
	case <-ctx.Done():
		return InvokeResult{}, fmt.Errorf("invoke %s: waiting for the running invocation: %w", f.name, ctx.Err())
	}
	defer func() { <-f.slot }()
	if f.proc.exited() {
		return InvokeResult{}, fmt.Errorf("invoke %s: %w", f.name, errStopped)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+f.addr+"/2015-03-31/functions/function/invocations", bytes.NewReader(event))
	if err != nil {
		return InvokeResult{}, fmt.Errorf("invoke %s: %w", f.name, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return InvokeResult{}, fmt.Errorf("invoke %s: %w", f.name, err)
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return InvokeResult{}, fmt.Errorf("invoke %s: read the answer: %w", f.name, err)
	}
	res := InvokeResult{Payload: payload, FunctionError: resp.Header.Get("X-Amz-Function-Error")}
	if res.FunctionError == "" {
		var doc struct {
			ErrorType    *string `json:"errorType"`
			ErrorMessage *string `json:"errorMessage"`
		}
		if json.Unmarshal(payload, &doc) == nil && doc.ErrorMessage != nil {
			res.FunctionError = "Unhandled"
			if doc.ErrorType != nil && *doc.ErrorType != "" {
				res.FunctionError = *doc.ErrorType
			}
		}
	}
	if res.FunctionError == "" && resp.StatusCode != http.StatusOK {
		res.FunctionError = fmt.Sprintf("status %d", resp.StatusCode)
	}
	return res, nil
}

// Stop kills the emulator and the function (SIGKILL to the process group, as Lambda ends
// an environment) and closes the log. It is safe to call more than once.
func (f *Function) Stop() error {
	err := f.proc.stop(0)
	f.logf.Close()
	if err != nil {
		return fmt.Errorf("function %s: %w", f.name, err)
	}
	return nil
}
