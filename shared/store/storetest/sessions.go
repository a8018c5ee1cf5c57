package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func runSessions(t *testing.T, open func(t *testing.T) store.Sessions) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Sessions)
	}{
		{"PutAndGet", testSessionPutAndGet},
		{"Replace", testSessionReplace},
		{"ReplaceByOtherUser", testSessionReplaceByOtherUser},
		{"NotFound", testSessionNotFound},
		{"Expired", testSessionExpired},
		{"Delete", testSessionDelete},
		{"DeleteUserSessions", testDeleteUserSessions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

// secretHash returns a hash in the shape the auth layer stores: hex SHA-256 of a secret.
func secretHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// newSession returns a session of user that started an hour ago and expires in a day.
func newSession(secret, user string) *store.Session {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &store.Session{
		TokenHash: secretHash(secret),
		UserID:    user,
		CSRF:      "csrf-" + secretHash("csrf " + secret)[:32],
		CreatedAt: now.Add(-time.Hour),
		LastSeen:  now.Add(-time.Minute),
		ExpiresAt: now.Add(24 * time.Hour),
	}
}

func putSession(t *testing.T, s store.Sessions, sess *store.Session) {
	t.Helper()
	c := *sess
	mustOK(t, "PutSession("+sess.UserID+")", s.PutSession(t.Context(), &c))
}

// wantSession checks that want is stored under its token hash.
func wantSession(t *testing.T, s store.Sessions, want *store.Session) {
	t.Helper()
	got, err := s.Session(t.Context(), want.TokenHash)
	if err != nil {
		t.Errorf("Session of %s: got error %v, want the session", want.UserID, err)
		return
	}
	wantSame(t, "Session of "+want.UserID, got, want)
}

// wantNoSession checks that the session with the token hash counts as missing.
func wantNoSession(t *testing.T, s store.Sessions, what, tokenHash string) {
	t.Helper()
	got, err := s.Session(t.Context(), tokenHash)
	if err == nil {
		t.Errorf("Session %s: got the session of %s, want code %q", what, got.UserID, wiki.ENOTFOUND)
		return
	}
	wantCode(t, "Session "+what, err, wiki.ENOTFOUND)
}

func testSessionPutAndGet(t *testing.T, s store.Sessions) {
	a, b := newSession("browser-a", userID(1)), newSession("browser-b", userID(1))
	c := newSession("browser-c", userID(2))
	c.CreatedAt = time.Date(2025, time.March, 30, 1, 59, 59, 999_000_000, time.FixedZone("MEZ", 60*60))
	for _, sess := range []*store.Session{a, b, c} {
		putSession(t, s, sess)
	}
	for _, sess := range []*store.Session{a, b, c} {
		wantSession(t, s, sess)
	}
}

func testSessionReplace(t *testing.T, s store.Sessions) {
	sess, other := newSession("browser-a", userID(1)), newSession("browser-b", userID(1))
	putSession(t, s, sess)
	putSession(t, s, other)
	sess.LastSeen = sess.LastSeen.Add(time.Minute)
	sess.ExpiresAt = sess.ExpiresAt.Add(time.Hour)
	sess.CSRF = "csrf-neu"
	putSession(t, s, sess)
	wantSession(t, s, sess)
	wantSession(t, s, other)
}

func testSessionReplaceByOtherUser(t *testing.T, s store.Sessions) {
	sess := newSession("browser-a", userID(1))
	putSession(t, s, sess)
	sess.UserID = userID(2)
	putSession(t, s, sess)
	wantSession(t, s, sess)
	mustOK(t, "DeleteUserSessions of the former user", s.DeleteUserSessions(t.Context(), userID(1)))
	wantSession(t, s, sess)
	mustOK(t, "DeleteUserSessions of the new user", s.DeleteUserSessions(t.Context(), userID(2)))
	wantNoSession(t, s, "after DeleteUserSessions of the new user", sess.TokenHash)
}

func testSessionNotFound(t *testing.T, s store.Sessions) {
	wantNoSession(t, s, "in an empty store", secretHash("browser-a"))
	putSession(t, s, newSession("browser-a", userID(1)))
	wantNoSession(t, s, "with another hash", secretHash("browser-b"))
	wantNoSession(t, s, "with the secret instead of its hash", "browser-a")
}

func testSessionExpired(t *testing.T, s store.Sessions) {
	now := time.Now()
	tests := []struct {
		name    string
		expires time.Time
		valid   bool
	}{
		{"expired a day ago", now.Add(-24 * time.Hour), false},
		{"expired a second ago", now.Add(-time.Second), false},
		{"expires in a minute", now.Add(time.Minute), true},
		{"expires in a year", now.AddDate(1, 0, 0), true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess := newSession(fmt.Sprintf("browser-%d", i), userID(1))
			sess.ExpiresAt = tt.expires
			putSession(t, s, sess)
			if tt.valid {
				wantSession(t, s, sess)
				return
			}
			wantNoSession(t, s, tt.name, sess.TokenHash)
			mustOK(t, "DeleteSession of an expired session", s.DeleteSession(t.Context(), sess.TokenHash))
		})
	}
	// Renewing an expired session makes it valid again.
	sess := newSession("browser-0", userID(1))
	putSession(t, s, sess)
	wantSession(t, s, sess)
}

func testSessionDelete(t *testing.T, s store.Sessions) {
	a, b := newSession("browser-a", userID(1)), newSession("browser-b", userID(1))
	putSession(t, s, a)
	putSession(t, s, b)
	mustOK(t, "DeleteSession", s.DeleteSession(t.Context(), a.TokenHash))
	wantNoSession(t, s, "after DeleteSession", a.TokenHash)
	wantSession(t, s, b)
	mustOK(t, "DeleteSession again", s.DeleteSession(t.Context(), a.TokenHash))
	mustOK(t, "DeleteSession of a missing session", s.DeleteSession(t.Context(), secretHash("browser-x")))
	wantSession(t, s, b)
	// The user's other sessions no longer include the deleted one.
	putSession(t, s, a)
	mustOK(t, "DeleteSession", s.DeleteSession(t.Context(), a.TokenHash))
	mustOK(t, "DeleteUserSessions", s.DeleteUserSessions(t.Context(), userID(1)))
	wantNoSession(t, s, "after DeleteUserSessions", b.TokenHash)
}

func testDeleteUserSessions(t *testing.T, s store.Sessions) {
	var anna, bernd []*store.Session
	for i := range 3 {
		anna = append(anna, newSession(fmt.Sprintf("anna-%d", i), userID(1)))
	}
	anna[2].ExpiresAt = time.Now().Add(-time.Hour)
	for i := range 2 {
		bernd = append(bernd, newSession(fmt.Sprintf("bernd-%d", i), userID(2)))
	}
	for _, sess := range append(anna, bernd...) {
		putSession(t, s, sess)
	}
	mustOK(t, "DeleteUserSessions of a user without sessions", s.DeleteUserSessions(t.Context(), userID(3)))
	mustOK(t, "DeleteUserSessions", s.DeleteUserSessions(t.Context(), userID(1)))
	for i, sess := range anna {
		wantNoSession(t, s, fmt.Sprintf("%d of the signed-out user", i), sess.TokenHash)
	}
	for _, sess := range bernd {
		wantSession(t, s, sess)
	}
	mustOK(t, "DeleteUserSessions again", s.DeleteUserSessions(t.Context(), userID(1)))
	for _, sess := range bernd {
		wantSession(t, s, sess)
	}
	// Signing in again after signing out everywhere works.
	putSession(t, s, anna[0])
	wantSession(t, s, anna[0])
}
