package storetest

import (
	"fmt"
	"reflect"
	"time"
	"unicode/utf8"
)

// differences lists the fields in which got and want differ, as "path: got …, want …".
// Backends may differ in what the contract leaves open: an empty list may come back as nil,
// and times are compared to the millisecond (their zone is checked by its own test).
func differences(got, want any) []string {
	var out []string
	compareValues(&out, "", reflect.ValueOf(got), reflect.ValueOf(want))
	return out
}

var timeType = reflect.TypeFor[time.Time]()

func compareValues(out *[]string, path string, got, want reflect.Value) {
	if got.IsValid() != want.IsValid() {
		*out = append(*out, fmt.Sprintf("%s: got %v, want %v", label(path), show(got), show(want)))
		return
	}
	if !got.IsValid() {
		return
	}
	if got.Type() == timeType {
		g, w := got.Interface().(time.Time), want.Interface().(time.Time)
		if d := g.Sub(w); d <= -time.Millisecond || d >= time.Millisecond {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", label(path), g.Format(time.RFC3339Nano), w.Format(time.RFC3339Nano)))
		}
		return
	}
	switch got.Kind() {
	case reflect.Pointer:
		if got.IsNil() || want.IsNil() {
			if got.IsNil() != want.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: got %v, want %v", label(path), show(got), show(want)))
			}
			return
		}
		compareValues(out, path, got.Elem(), want.Elem())
	case reflect.Struct:
		for i := range got.NumField() {
			f := got.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			compareValues(out, join(path, f.Name), got.Field(i), want.Field(i))
		}
	case reflect.Slice:
		if got.Len() != want.Len() {
			*out = append(*out, fmt.Sprintf("%s: got %d items %v, want %d items %v", label(path), got.Len(), show(got), want.Len(), show(want)))
			return
		}
		for i := range got.Len() {
			compareValues(out, fmt.Sprintf("%s[%d]", path, i), got.Index(i), want.Index(i))
		}
	case reflect.Map:
		if got.Len() != want.Len() || (got.Len() > 0 && !reflect.DeepEqual(got.Interface(), want.Interface())) {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", label(path), show(got), show(want)))
		}
	case reflect.String:
		if g, w := got.String(), want.String(); g != w {
			*out = append(*out, fmt.Sprintf("%s: differs from byte %d: got %s, want %s", label(path), firstDiff(g, w), show(got), show(want)))
		}
	default:
		if !reflect.DeepEqual(got.Interface(), want.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", label(path), show(got), show(want)))
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func label(path string) string {
	if path == "" {
		return "value"
	}
	return path
}

// show prints v shortened, so that a 90 KB body does not flood the test log.
func show(v reflect.Value) string {
	if !v.IsValid() {
		return "<nil>"
	}
	var s string
	if v.Kind() == reflect.String {
		s = fmt.Sprintf("%q (%d bytes)", v.String(), v.Len())
	} else {
		s = fmt.Sprintf("%+v", v.Interface())
	}
	const limit = 160
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func firstDiff(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
