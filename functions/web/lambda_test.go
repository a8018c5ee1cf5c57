package main

import (
	"strings"
	"testing"
)

// On AWS the site's address has no default: the start fails with a message naming the
// variable.
func TestCheckBaseURL(t *testing.T) {
	for _, tt := range []struct {
		name, url string
		ok        bool
	}{
		{"site", "https://wissensnetz.ikone-ds.de", true},
		{"stand-in front", "http://127.0.0.1:41234", true},
		{"missing", "", false},
		{"no scheme", "wissensnetz.ikone-ds.de", false},
		{"other scheme", "ftp://wissensnetz.ikone-ds.de", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := checkBaseURL(tt.url)
			if got := err == nil; got != tt.ok {
				t.Fatalf("checkBaseURL(%q) = %v, want ok %v", tt.url, err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "WISSENSNETZ_BASE_URL") {
				t.Errorf("message %q does not name WISSENSNETZ_BASE_URL", err)
			}
		})
	}
}
