//go:build !race

package auth

// The cost of new password hashes: hashTime passes over hashMemory.
const (
	argonTime   = hashTime
	argonMemory = hashMemory
)
