package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a child process running in a session of its own, so that it is ended
// together with everything it started: the emulator puts the function's bootstrap into
// a process group of its own, but in the same session.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has ended
	err  error         // how it ended; set before done is closed
}

// startProcess starts path with args and env (the whole environment), its output appended
// to logw, in a new session.
func startProcess(name, dir string, logw io.Writer, env []string, path string, args ...string) (*process, error) {
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logw, logw
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop ends the process and everything in its session: SIGTERM to the process group,
// and after grace (at once if grace is 0) SIGKILL to every process of the session. It
// waits at most grace plus 5 seconds.
func (p *process) stop(grace time.Duration) error {
	sid := p.cmd.Process.Pid
	if grace > 0 && !p.exited() {
		syscall.Kill(-sid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
		}
	}
	// Kill the whole session even when the leader has ended: a child may be left.
	deadline := time.Now().Add(5 * time.Second)
	for {
		syscall.Kill(-sid, syscall.SIGKILL)
		left := sessionMembers(sid)
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		if len(left) == 0 && p.exited() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stop %s (session %d): processes %v still running 5 s after SIGKILL", p.name, sid, left)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sessionMembers returns the processes of session sid that have not ended (zombies left
// out), read from /proc.
func sessionMembers(sid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []int
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // ended meanwhile
		}
		// pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
		s := string(data)
		end := strings.LastIndexByte(s, ')')
		if end < 0 {
			continue
		}
		f := strings.Fields(s[end+1:])
		if len(f) < 4 || f[0] == "Z" || f[3] != strconv.Itoa(sid) {
			continue
		}
		if pid, err := strconv.Atoi(strings.Fields(s)[0]); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitListening waits until addr accepts TCP connections, the process ends, or timeout.
func (p *process) waitListening(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not listen on %s after %v", p.name, addr, timeout)
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s ended before listening on %s: %v", p.name, addr, p.err)
		case <-ctx.Done():
			return fmt.Errorf("%s: waiting for %s: %w", p.name, addr, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// freeAddr returns a loopback address on which nothing listened a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// openLog opens (appending) the log file at path.
func openLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	return f, nil
}

// errStopped is returned by calls on something that was stopped.
var errStopped = errors.New("stopped")
