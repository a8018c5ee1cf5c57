package stack

import "os"

// TB is the part of testing.TB that Missing needs (so that the command need not link the
// testing package).
type TB interface {
	Helper()
	Fatal(args ...any)
	Skip(args ...any)
}

// Missing skips a test for a missing prerequisite (the emulator, a stand-in), or fails it
// if the test script asks for every stand-in (WISSENSNETZ_REQUIRE_STANDINS=1, which
// infra/test.sh sets in CI): there a skip would hide a missing install step.
func Missing(tb TB, msg string) {
	tb.Helper()
	if os.Getenv("WISSENSNETZ_REQUIRE_STANDINS") == "1" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}
