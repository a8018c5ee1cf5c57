package auth

import (
	"fmt"
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	h := HashPassword("Pegelstand-2024!")
	if !strings.HasPrefix(h, fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=2$", argonMemory, argonTime)) {
		t.Errorf("hash = %q, want PHC argon2id with the documented parameters", h)
	}
	if !VerifyPassword(h, "Pegelstand-2024!") {
		t.Error("correct password refused")
	}
	for _, wrong := range []string{"pegelstand-2024!", "", "Pegelstand-2024"} {
		if VerifyPassword(h, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	if HashPassword("Pegelstand-2024!") == h {
		t.Error("two hashes of the same password are equal: salt missing")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=65536,t=2,p=2$$", "$argon2i$v=19$m=65536,t=2,p=2$c2FsdA$aGFzaA", "$argon2id$v=19$m=99999999,t=2,p=2$c2FsdA$aGFzaA", "plain"} {
		if VerifyPassword(bad, "x") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{"kurz": false, "lang genug!": true, strings.Repeat("ä", 10): true, strings.Repeat("x", 257): false, "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6": false} {
		if got := CheckPassword(pw) == nil; got != ok {
			t.Errorf("CheckPassword(%q) ok = %v, want %v", pw, got, ok)
		}
	}
}

func TestSecrets(t *testing.T) {
	s := NewSecret()
	h, ok := ParseSecret(s)
	if !ok || h != HashSecret(s) || len(h) != 64 {
		t.Fatalf("ParseSecret(NewSecret()) = %q, %v", h, ok)
	}
	a := NewAPISecret()
	if _, ok := ParseSecret(a); !ok || !strings.HasPrefix(a, "wn_") {
		t.Errorf("API secret %q not accepted", a)
	}
	if NewSecret() == s {
		t.Error("two secrets are equal")
	}
	for _, bad := range []string{"", "abc", s + "x", s[:42] + "!", "wn_" + s[:40], strings.Repeat("A", 43) + "\x00"} {
		if _, ok := ParseSecret(bad); ok {
			t.Errorf("ParseSecret(%q) accepted", bad)
		}
	}
}

func FuzzParseSecret(f *testing.F) {
	f.Add(NewSecret())
	f.Add(NewAPISecret())
	f.Add("wn_")
	f.Add("%00%ff")
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := ParseSecret(s)
		if ok && (len(h) != 64 || h != HashSecret(s)) {
			t.Fatalf("ParseSecret(%q) = %q", s, h)
		}
		if ok && len(s) != 43 && len(s) != 46 {
			t.Fatalf("ParseSecret accepted %d characters", len(s))
		}
	})
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		HashPassword("Pegelstand-2024!")
	}
}

// TestPasswordCost pins the documented cost (builds with the race detector hash with less,
// see password_cost_race.go; the documented cost is checked in every build).
func TestPasswordCost(t *testing.T) {
	if hashMemory != 64*1024 || hashTime != 2 || argonThreads != 2 {
		t.Errorf("argon2id cost m=%d KiB, t=%d, p=%d; want 64 MiB, 2 passes, 2 lanes", hashMemory, hashTime, argonThreads)
	}
}
