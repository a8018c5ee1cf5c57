package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Argon2id parameters for password hashes. Memory 64 MiB, 2 passes and 2 lanes cost about
// 60–90 ms on a 2-core machine (BenchmarkHashPassword): slow enough to make guessing
// expensive, fast enough for a login. Stored hashes carry their parameters, so raising
// them later keeps old hashes valid. Builds with the race detector, only ever test
// binaries, hash with less (password_cost_race.go).
const (
	hashTime     = 2
	hashMemory   = 64 * 1024 // KiB
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// Password limits.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// CheckPassword returns an EINVALID error at the field "password" if pw is not acceptable.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return wiki.FieldError(wiki.EINVALID, "password", "password.too_short", MinPasswordLen)
	case n > MaxPasswordLen:
		return wiki.FieldError(wiki.EINVALID, "password", "password.too_long", MaxPasswordLen)
	case !utf8.ValidString(pw):
		return wiki.FieldError(wiki.EINVALID, "password", "password.invalid_chars")
	}
	return nil
}

// HashPassword returns the argon2id hash of pw in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
func HashPassword(pw string) string {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches a hash made by HashPassword. A malformed hash
// never matches.
func VerifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 10 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when an account does not exist, so that a login for an
// unknown address takes as long as one for a known address.
// It is made on first use, not at start: a Lambda cold start should not pay for it.
var dummyHash = sync.OnceValue(func() string { return HashPassword("kein Konto, kein Passwort") })

// WasteTime costs as much as one VerifyPassword.
func WasteTime(pw string) { VerifyPassword(dummyHash(), pw) }
