package clamd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
)

var _ app.Scanner = (*Client)(nil)

// eicar is the anti-virus test file, put together here so that no scanner takes this
// source for it.
var eicar = []byte(`X5O!P%@AP[4\PZX54(P^)7CC)7}$` + "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*")

// fakeClamd speaks clamd's protocol on a listener: PING, and INSTREAM with a stream
// limit, finding the EICAR test file.
type fakeClamd struct {
	ln        net.Listener
	maxStream int           // clamd's StreamMaxLength
	delay     time.Duration // before answering
	silent    bool          // never answers

	mu       sync.Mutex
	received [][]byte // the content of each stream
	chunks   []int    // chunk lengths seen, in order
}

// startFake starts a fake clamd, set up by each of set before it accepts connections.
func startFake(t *testing.T, network string, set ...func(*fakeClamd)) *fakeClamd {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = filepath.Join(t.TempDir(), "clamd.ctl")
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeClamd{ln: ln, maxStream: 25 << 20}
	for _, s := range set {
		s(f)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(conn)
		}
	}()
	return f
}

func (f *fakeClamd) addr() string {
	if f.ln.Addr().Network() == "unix" {
		return "unix:" + f.ln.Addr().String()
	}
	return f.ln.Addr().String()
}

func (f *fakeClamd) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	cmd, err := r.ReadString(0)
	if err != nil {
		return
	}
	answer := func(s string) {
		if f.silent {
			io.Copy(io.Discard, r) // until the client gives up
			return
		}
		time.Sleep(f.delay)
		conn.Write([]byte(s + "\x00"))
	}
	switch cmd {
	case "zPING\x00":
		answer("PONG")
		return
	case "zINSTREAM\x00":
	default:
		answer("UNKNOWN COMMAND")
		return
	}
	var stream []byte
	for {
		var head [4]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(head[:]))
		f.mu.Lock()
		f.chunks = append(f.chunks, n)
		f.mu.Unlock()
		if n == 0 {
			break
		}
		if len(stream)+n > f.maxStream {
			// As clamd does: say why and hang up, whatever is still coming.
			conn.Write([]byte("INSTREAM size limit exceeded. ERROR\x00"))
			return
		}
		chunk := make([]byte, n)
		if _, err := io.ReadFull(r, chunk); err != nil {
			return
		}
		stream = append(stream, chunk...)
	}
	f.mu.Lock()
	f.received = append(f.received, stream)
	f.mu.Unlock()
	if bytes.Contains(stream, eicar) {
		answer("stream: Win.Test.EICAR_HDB-1 FOUND")
		return
	}
	answer("stream: OK")
}

func TestScan(t *testing.T) {
	report := bytes.Repeat([]byte("Abschlussbericht Straßenbeleuchtung – Seite für Seite. "), 4000) // ~ 230 KB, several chunks
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			f := startFake(t, network)
			c, err := New(f.addr())
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Ping(t.Context()); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			for _, tc := range []struct {
				name    string
				content []byte
				found   string
			}{
				{"clean", report, ""},
				{"empty", nil, ""},
				{"EICAR", eicar, "Win.Test.EICAR_HDB-1"},
				{"EICAR inside a file", append(append(bytes.Clone(report[:1000]), eicar...), report[:1000]...), "Win.Test.EICAR_HDB-1"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					found, err := c.Scan(t.Context(), bytes.NewReader(tc.content))
					if err != nil || found != tc.found {
						t.Fatalf("Scan = %q, %v; want %q", found, err, tc.found)
					}
				})
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.received) == 0 || !bytes.Equal(f.received[0], report) {
				t.Errorf("clamd received %d streams, the first not the file sent", len(f.received))
			}
			for _, n := range f.chunks {
				if n > chunkSize {
					t.Errorf("a chunk of %d bytes, want at most %d", n, chunkSize)
				}
			}
		})
	}
}

// TestScanCannotCheck: every way a file could not be checked is an error, never a clean
// answer, and none takes longer than the timeout.
func TestScanCannotCheck(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 3<<20)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) *Client
		want  error
		text  string
	}{
		{"over clamd's stream limit", func(t *testing.T) *Client {
			f := startFake(t, "tcp", func(f *fakeClamd) { f.maxStream = 1 << 20 })
			c, _ := New(f.addr())
			return c
		}, ErrSizeLimit, ""},
		{"over the client's limit", func(t *testing.T) *Client {
			f := startFake(t, "tcp")
			c, _ := New(f.addr())
			c.MaxSize = 2 << 20
			return c
		}, ErrSizeLimit, ""},
		{"server gone", func(t *testing.T) *Client {
			f := startFake(t, "tcp")
			addr := f.addr()
			f.ln.Close()
			c, _ := New(addr)
			return c
		}, nil, "connect"},
		{"socket missing", func(t *testing.T) *Client {
			c, _ := New("unix:" + filepath.Join(t.TempDir(), "clamd.ctl"))
			return c
		}, nil, "connect"},
		{"slow server", func(t *testing.T) *Client {
			f := startFake(t, "tcp", func(f *fakeClamd) { f.delay = 5 * time.Second })
			c, _ := New(f.addr())
			c.Timeout = 300 * time.Millisecond
			return c
		}, nil, "timeout"},
		{"silent server", func(t *testing.T) *Client {
			f := startFake(t, "unix", func(f *fakeClamd) { f.silent = true })
			c, _ := New(f.addr())
			c.Timeout = 300 * time.Millisecond
			return c
		}, nil, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.setup(t)
			start := time.Now()
			found, err := c.Scan(t.Context(), bytes.NewReader(big))
			if err == nil {
				t.Fatalf("Scan = %q without error", found)
			}
			if found != "" {
				t.Errorf("found %q with the error", found)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if tc.text != "" && !strings.Contains(err.Error(), tc.text) {
				t.Errorf("err = %v, want it to say %q", err, tc.text)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Scan took %v", d)
			}
		})
	}
}

// TestScanCancelled: a cancelled context ends a scan that clamd does not answer.
func TestScanCancelled(t *testing.T) {
	f := startFake(t, "tcp", func(f *fakeClamd) { f.silent = true })
	c, _ := New(f.addr())
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Scan(ctx, strings.NewReader("Bericht"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Scan took %v after the cancellation", d)
	}
}

func TestParseReply(t *testing.T) {
	for _, tc := range []struct {
		reply, found string
		ok           bool
	}{
		{"stream: OK", "", true},
		{"stream: Win.Test.EICAR_HDB-1 FOUND", "Win.Test.EICAR_HDB-1", true},
		{"stream: Doc.Dropper.Agent-1234 FOUND", "Doc.Dropper.Agent-1234", true},
		{"INSTREAM size limit exceeded. ERROR", "", false},
		{"stream: Can't allocate memory ERROR", "", false},
		{"stream:  FOUND", "", false},
		{"UNKNOWN COMMAND", "", false},
	} {
		found, err := parseReply(tc.reply)
		if found != tc.found || (err == nil) != tc.ok {
			t.Errorf("parseReply(%q) = %q, %v", tc.reply, found, err)
		}
	}
}

func TestNew(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:3310":             "tcp:127.0.0.1:3310",
		"tcp://clamav:3310":          "tcp:clamav:3310",
		"unix:/run/clamav/clamd.ctl": "unix:/run/clamav/clamd.ctl",
		"/run/clamav/clamd.ctl":      "unix:/run/clamav/clamd.ctl",
	} {
		c, err := New(addr)
		if err != nil || c.String() != want {
			t.Errorf("New(%q) = %v, %v; want %s", addr, c, err, want)
		}
	}
	for _, addr := range []string{"", "clamav", "unix:"} {
		if _, err := New(addr); err == nil {
			t.Errorf("New(%q): no error", addr)
		}
	}
}
