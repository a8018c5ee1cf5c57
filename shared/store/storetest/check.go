package storetest

import (
	"reflect"
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

// zeroFields returns the names of the exported fields of the struct *v that hold their zero
// value, so that a sample meant to set every field notices new ones.
func zeroFields(v any) []string {
	var zero []string
	s := reflect.ValueOf(v).Elem()
	for i := range s.NumField() {
		if f := s.Type().Field(i); f.IsExported() && s.Field(i).IsZero() {
			zero = append(zero, f.Name)
		}
	}
	return zero
}
