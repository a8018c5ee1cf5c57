package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// secretLen is the number of random bytes in a session token, one-time link or API token.
const secretLen = 32

// secretPrefixAPI marks API tokens, so that a leaked one is recognisable.
const secretPrefixAPI = "wn_"

// NewSecret returns a random secret, base64url without padding (43 characters).
func NewSecret() string {
	b := make([]byte, secretLen)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewAPISecret returns a random API token secret ("wn_…").
func NewAPISecret() string { return secretPrefixAPI + NewSecret() }

// ParseSecret checks that s has the shape of a secret made by NewSecret or NewAPISecret
// (cookie values and bearer tokens come from outside) and returns the hash under which
// it is stored. ok is false for anything else.
func ParseSecret(s string) (hash string, ok bool) {
	raw := s
	if len(raw) > len(secretPrefixAPI) && raw[:len(secretPrefixAPI)] == secretPrefixAPI {
		raw = raw[len(secretPrefixAPI):]
	}
	if len(raw) != base64.RawURLEncoding.EncodedLen(secretLen) {
		return "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(raw); err != nil {
		return "", false
	}
	return HashSecret(s), true
}

// HashSecret returns the hex SHA-256 of a secret. Secrets have 256 random bits, so a fast
// hash is enough: it only keeps a stolen database from being a list of valid tokens.
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
