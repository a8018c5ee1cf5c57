//go:build race

package auth

// The cost of new password hashes in builds with the race detector, which are only ever
// test binaries: the detector makes every memory access of argon2 many times slower, so
// that the web tests, which sign in hundreds of times, took over six minutes with the real
// cost (password_cost.go). Hashes carry their parameters, so verification is the same.
const (
	argonTime   = 1
	argonMemory = 4 * 1024 // KiB
)
