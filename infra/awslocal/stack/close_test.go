package stack

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// sessionProcesses returns the processes of the given sessions with their command names.
func sessionProcesses(sessions []int) map[int]string {
	found := map[int]string{}
	for _, sid := range sessions {
		for _, pid := range sessionMembers(sid) {
			comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
			found[pid] = strings.TrimSpace(string(comm))
		}
	}
	return found
}

func TestCloseLeavesNoProcess(t *testing.T) {
	standins := needTools(t)
	b := needBootstraps(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, Config{Web: 1, Standins: standins, WebBootstrap: b.web, IndexerBootstrap: b.indexer, ExtractBootstrap: b.extract})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The first request starts the web function's bootstrap under its emulator.
	resp, err := http.Get(s.WebURL(0) + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// A fresh environment for the web instance, on the same address.
	firstFn := s.webs[0].fn
	if err := s.RestartWeb(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if resp, err = http.Get(s.WebURL(0) + "/healthz"); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || s.webs[0].fn == firstFn || !firstFn.proc.exited() {
		t.Errorf("after RestartWeb: status %d; want 200 from a new environment", resp.StatusCode)
	}
	if n := strings.Count(s.LogTail("web-1", 1000), "starting the emulator"); n != 2 {
		t.Errorf("web-1 log shows %d emulator starts, want 2", n)
	}
	var sessions []int
	for _, p := range s.procs {
		sessions = append(sessions, p.cmd.Process.Pid)
	}
	for _, fn := range []*Function{s.indexer, s.extract, s.webs[0].fn} {
		sessions = append(sessions, fn.proc.cmd.Process.Pid)
	}
	before := sessionProcesses(sessions)
	names := strings.Join(mapValues(before), " ")
	if !strings.Contains(names, "aws-lambda-rie") || !strings.Contains(names, "bootstrap") {
		t.Fatalf("processes before Close: %v; want emulators and a bootstrap", before)
	}
	dir := s.Dir()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left := sessionProcesses(sessions); len(left) > 0 {
		t.Errorf("processes left after Close: %v", left)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the stack's temporary folder %s is still there (%v)", dir, err)
	}
}

func mapValues(m map[int]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
