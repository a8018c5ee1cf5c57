package store

import (
	"context"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Users keeps accounts. E-mail addresses are unique regardless of case; the app stores them
// lower case (wiki.NormalizeEmail). Times come back in UTC. Writes return EINVALID for an
// empty id or e-mail; reads of an empty one return ENOTFOUND.
type Users interface {
	// CreateUser stores a new user. Returns ECONFLICT if the id or the e-mail is taken.
	CreateUser(ctx context.Context, u *wiki.User) error
	// UpdateUser replaces a stored user. Returns ENOTFOUND, or ECONFLICT if a changed
	// e-mail belongs to another user (or, rarely, keeps changing under concurrent
	// updates); then nothing is written.
	UpdateUser(ctx context.Context, u *wiki.User) error
	// User returns the user with the given id. Returns ENOTFOUND.
	User(ctx context.Context, id string) (*wiki.User, error)
	// UserByEmail returns the user with the given e-mail (any case). Returns ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (*wiki.User, error)
	// Users returns all users ordered by id.
	Users(ctx context.Context) ([]wiki.User, error)

	// CountLoginAttempt counts one sign-in attempt under key, atomically: attempts made at
	// the same moment, through any instance, are each counted once. The app makes the key
	// from the e-mail address and the client's address, so it need not name an account.
	// Attempts are counted in windows: the first attempt after a window ended (or after
	// ClearLoginAttempts) opens one that lasts window. It returns the number of attempts
	// in the current window, this one included, and the window's end. Returns EINVALID for
	// an empty key or a window under a second, and ECONFLICT if the count keeps changing
	// under concurrent attempts (then nothing is counted).
	CountLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error)

	// ClearLoginAttempts forgets the attempts counted under key (after a successful
	// sign-in); clearing a key without attempts is not an error. Returns EINVALID for an
	// empty key.
	ClearLoginAttempts(ctx context.Context, key string) error
}

// Session is a signed-in browser. Only the hash of its cookie token is stored.
type Session struct {
	TokenHash string    `json:"token_hash"`
	UserID    string    `json:"user_id"`
	CSRF      string    `json:"csrf"` // per-session form token
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"` // absolute expiry (expired when ExpiresAt <= now; zero: never); also the TTL attribute on AWS
}

// Expired reports whether the session counts as missing at now: its ExpiresAt has come.
// A session with the zero ExpiresAt never expires.
func (s *Session) Expired(now time.Time) bool { return expired(s.ExpiresAt, now) }

// InUTC returns a copy of s with its times in UTC, as backends store them.
func (s *Session) InUTC() *Session {
	c := *s
	c.CreatedAt, c.LastSeen, c.ExpiresAt = c.CreatedAt.UTC(), c.LastSeen.UTC(), c.ExpiresAt.UTC()
	return &c
}

// Sessions keeps sessions. Expired sessions count as missing. Writes return EINVALID for an
// empty token hash or user id.
type Sessions interface {
	// PutSession creates or replaces a session.
	PutSession(ctx context.Context, s *Session) error
	// Session returns the session with the given token hash. Returns ENOTFOUND, also for
	// an expired session.
	Session(ctx context.Context, tokenHash string) (*Session, error)
	// DeleteSession removes a session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions removes every session of a user (logout everywhere, disabling).
	DeleteUserSessions(ctx context.Context, userID string) error
}

// TokenKind says what a token is for.
type TokenKind string

// Token kinds.
const (
	TokenInvite TokenKind = "invite" // one-time link to set the first password
	TokenReset  TokenKind = "reset"  // one-time link to set a new password
	TokenAPI    TokenKind = "api"    // bearer token for scripts, until revoked
)

// Token is a one-time link or an API token. Only the hash of the secret is stored.
type Token struct {
	Hash      string    `json:"hash"`
	Kind      TokenKind `json:"kind"`
	UserID    string    `json:"user_id"`
	Name      string    `json:"name,omitempty"` // what the owner called an API token
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: no expiry (API tokens)
}

// Expired reports whether the token counts as missing at now: its ExpiresAt has come. A
// token with the zero ExpiresAt (an API token) never expires.
func (t *Token) Expired(now time.Time) bool { return expired(t.ExpiresAt, now) }

// InUTC returns a copy of t with its times in UTC, as backends store them.
func (t *Token) InUTC() *Token {
	c := *t
	c.CreatedAt, c.ExpiresAt = c.CreatedAt.UTC(), c.ExpiresAt.UTC()
	return &c
}

// expired reports whether something that expires at counts as missing at now. The zero
// time never expires.
func expired(at, now time.Time) bool {
	return !at.IsZero() && !now.Before(at)
}

// Tokens keeps one-time links and API tokens. Expired tokens count as missing (an expired
// token's hash may be stored again). Writes return EINVALID for an empty hash, kind or
// user id.
type Tokens interface {
	// PutToken stores a new token. Returns ECONFLICT if the hash exists.
	PutToken(ctx context.Context, t *Token) error
	// Token returns a token by hash. Returns ENOTFOUND, also for an expired token.
	Token(ctx context.Context, hash string) (*Token, error)
	// ConsumeToken returns a token and removes it, so that it works only once even for
	// two requests at the same moment. Returns ENOTFOUND if it is missing, expired or
	// already consumed.
	ConsumeToken(ctx context.Context, hash string) (*Token, error)
	// DeleteToken removes a token; removing a missing one is not an error.
	DeleteToken(ctx context.Context, hash string) error
	// UserTokens returns the unexpired tokens of a user of the given kind, oldest first
	// (equal times by hash).
	UserTokens(ctx context.Context, userID string, kind TokenKind) ([]Token, error)
}

// Audit keeps the audit log, which only grows. Event ids are ULIDs (they carry the time).
type Audit interface {
	// AppendAudit adds an event. Returns ECONFLICT if its id exists.
	AppendAudit(ctx context.Context, ev *wiki.AuditEvent) error
	// AuditLog returns up to limit events whose id sorts before the id before ("" for the
	// newest), newest first; nothing for a limit below 1. Returns EINVALID for an id that
	// is not a ULID on append.
	AuditLog(ctx context.Context, before string, limit int) ([]wiki.AuditEvent, error)
}
