//go:build !lambda.norpc

package main

import (
	"bufio"
	"bytes"
	"log/slog"
	"net"
	"strings"
	"testing"
)

func TestLocalConfigClamd(t *testing.T) {
	for _, tc := range []struct {
		value, want string // want: the client's address, or a word of the error
		ok          bool
	}{
		{"", "", true},
		{"127.0.0.1:3310", "tcp:127.0.0.1:3310", true},
		{"unix:/run/clamav/clamd.ctl", "unix:/run/clamav/clamd.ctl", true},
		{"clamav", "host:port", false},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv("WISSENSNETZ_CLAMD", tc.value)
			cfg, err := readLocalConfig()
			switch {
			case !tc.ok:
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "WISSENSNETZ_CLAMD") {
					t.Errorf("err = %v, want one naming the variable and %q", err, tc.want)
				}
			case err != nil:
				t.Fatal(err)
			case tc.value == "" && cfg.clamd != nil:
				t.Errorf("clamd = %v without the variable", cfg.clamd)
			case tc.value != "" && (cfg.clamd == nil || cfg.clamd.String() != tc.want):
				t.Errorf("clamd = %v, want %s", cfg.clamd, tc.want)
			}
		})
	}
}

// TestLocalFiles: local mode reads texts in process and, with WISSENSNETZ_CLAMD, checks
// uploads with that clamd, saying at start whether it answers.
func TestLocalFiles(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // answers PING as clamd does
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			if cmd, _ := bufio.NewReader(conn).ReadString(0); cmd == "zPING\x00" {
				conn.Write([]byte("PONG\x00"))
			}
			conn.Close()
		}
	}()
	for _, tc := range []struct{ addr, log string }{
		{"", "not checked for malware"},
		{ln.Addr().String(), "uploads are checked for malware"},
		{"unix:" + t.TempDir() + "/fehlt.ctl", "clamd does not answer"},
	} {
		t.Setenv("WISSENSNETZ_CLAMD", tc.addr)
		t.Setenv("WISSENSNETZ_DATA_DIR", t.TempDir())
		cfg, err := readLocalConfig()
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		f, done := localFiles(t.Context(), cfg, slog.New(slog.NewTextHandler(&logs, nil)))
		if f.Extractor == nil {
			t.Errorf("%q: no text reader", tc.addr)
		}
		if (f.Scanner != nil) != (tc.addr != "") {
			t.Errorf("%q: scanner %v", tc.addr, f.Scanner)
		}
		if f.Scanner != nil && f.Scanner.Name() != "ClamAV (clamd)" {
			t.Errorf("scanner name %q", f.Scanner.Name())
		}
		if !strings.Contains(logs.String(), tc.log) {
			t.Errorf("%q: logged %q, want %q", tc.addr, logs.String(), tc.log)
		}
		done()
	}
}
