package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/awslocal/stack"
)

// TestRun starts the command with two web instances, reads its lines up to "ready", asks
// both instances for /healthz and stops it as Ctrl-C would.
func TestRun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Lambda Runtime Interface Emulator runs on Linux only")
	}
	if _, err := stack.FindTool("aws-lambda-rie"); err != nil {
		stack.Missing(t, "aws-lambda-rie not installed (bash infra/standins.sh install)")
	}
	if stack.StandinsFromEnv() == nil {
		stack.Missing(t, `no stand-ins: eval "$(bash infra/standins.sh)"`)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, w, 2, "", true)
		w.Close()
	}()
	lines := make(chan string)
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	var urls []string
	timeout := time.After(5 * time.Minute) // includes building the functions
read:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before ready: %v", <-done)
			}
			if line == "ready" {
				break read
			}
			f := strings.Fields(line)
			if len(f) != 3 || f[0] != "web" || !strings.HasPrefix(f[2], "http://127.0.0.1:") {
				t.Fatalf("line %q, want web K http://127.0.0.1:PORT", line)
			}
			urls = append(urls, f[2])
		case <-timeout:
			t.Fatal("no ready after 5 minutes")
		}
	}
	if len(urls) != 2 || urls[0] == urls[1] {
		t.Fatalf("web instances %q, want two addresses", urls)
	}
	for _, u := range urls {
		resp, err := http.Get(u + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s/healthz: status %d", u, resp.StatusCode)
		}
	}
	// -demo: the demo content is there and found on the second instance.
	resp, err := http.Get(urls[1] + "/api/v1/search?q=LoRaWAN")
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Total int }
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || res.Total == 0 {
		t.Errorf("search for LoRaWAN on web 2 after -demo: %d hits (%v), want the demo's", res.Total, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30 s after the stop")
	}
	for range lines { // drain
	}
}
