package storetest

import (
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, what string, err error, code wiki.Code) {
	t.Helper()
	if got := wiki.ErrorCode(err); got != code {
		t.Errorf("%s: got error %v (code %q), want code %q", what, err, got, code)
	}
}

// mustOK stops the test at an unexpected error.
func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: got error %v, want none", what, err)
	}
}

// wantSame fails the test if got and want differ in any field.
func wantSame(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := differences(got, want); len(d) > 0 {
		t.Errorf("%s differs:\n\t%s", what, strings.Join(d, "\n\t"))
	}
}
