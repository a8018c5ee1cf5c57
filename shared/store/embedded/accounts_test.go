package embedded

import (
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// bucketLen returns the number of keys in a bucket of s.
func bucketLen(t *testing.T, s *Store, bucket []byte) int {
	t.Helper()
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucket).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantBucketLens checks how many sessions and tokens s holds, index entries included.
func wantBucketLens(t *testing.T, s *Store, sessions, tokens int) {
	t.Helper()
	for _, b := range []struct {
		bucket []byte
		want   int
	}{
		{bucketSessions, sessions}, {bucketUserSessions, sessions},
		{bucketTokens, tokens}, {bucketUserTokens, tokens},
	} {
		if got := bucketLen(t, s, b.bucket); got != b.want {
			t.Errorf("bucket %s: got %d keys, want %d", b.bucket, got, b.want)
		}
	}
}

// putExpiring stores sessions and tokens that expire an hour ago, in a day and never.
func putExpiring(t *testing.T, s *Store, now time.Time) {
	t.Helper()
	for i, exp := range []time.Time{now.Add(-time.Hour), now.Add(24 * time.Hour), {}} {
		sess := &store.Session{TokenHash: "sitzung-" + string(rune('a'+i)), UserID: "anna", ExpiresAt: exp}
		if err := s.PutSession(t.Context(), sess); err != nil {
			t.Fatal(err)
		}
		tok := &store.Token{Hash: "schluessel-" + string(rune('a'+i)), Kind: store.TokenReset, UserID: "anna", ExpiresAt: exp}
		if err := s.PutToken(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPurge(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	now := time.Now()
	putExpiring(t, s, now)
	wantBucketLens(t, s, 3, 3)

	tests := []struct {
		name             string
		now              time.Time
		removed          int
		sessions, tokens int      // left in the buckets
		found            []string // sessions found afterwards
	}{
		{"now", now, 2, 2, 2, []string{"sitzung-b", "sitzung-c"}},
		{"again", now, 0, 2, 2, []string{"sitzung-b", "sitzung-c"}},
		{"in two days", now.Add(48 * time.Hour), 2, 1, 1, []string{"sitzung-c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := s.Purge(t.Context(), tt.now)
			if err != nil {
				t.Fatalf("Purge: %v", err)
			}
			if n != tt.removed {
				t.Errorf("Purge: got %d removed, want %d", n, tt.removed)
			}
			wantBucketLens(t, s, tt.sessions, tt.tokens)
			for _, hash := range []string{"sitzung-a", "sitzung-b", "sitzung-c"} {
				_, err := s.Session(t.Context(), hash)
				if wantFound := slices.Contains(tt.found, hash); (err == nil) != wantFound {
					t.Errorf("Session(%s): got error %v, want found %v", hash, err, wantFound)
				}
			}
		})
	}
	// The purged user's index no longer lists the purged items.
	if err := s.DeleteUserSessions(t.Context(), "anna"); err != nil {
		t.Fatal(err)
	}
	wantBucketLens(t, s, 0, 1)
}

func TestOpenPurgesExpired(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	putExpiring(t, s, time.Now())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	wantBucketLens(t, s, 2, 2)
}

func TestPutTokenReplacesExpired(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	ctx := t.Context()
	old := &store.Token{Hash: "h", Kind: store.TokenInvite, UserID: "anna", ExpiresAt: time.Now().Add(-time.Minute)}
	if err := s.PutToken(ctx, old); err != nil {
		t.Fatal(err)
	}
	fresh := &store.Token{Hash: "h", Kind: store.TokenReset, UserID: "bernd", ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.PutToken(ctx, fresh); err != nil {
		t.Fatalf("PutToken over an expired token: got %v, want no error", err)
	}
	if got, err := s.UserTokens(ctx, "anna", store.TokenInvite); err != nil || len(got) != 0 {
		t.Errorf("UserTokens of the expired token's user: got %v, %v; want none", got, err)
	}
	if got, err := s.UserTokens(ctx, "bernd", store.TokenReset); err != nil || len(got) != 1 || got[0].UserID != "bernd" {
		t.Errorf("UserTokens of the new token's user: got %v, %v; want the new token", got, err)
	}
	wantBucketLens(t, s, 0, 1)
}

func TestInvalidKeys(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	ctx := t.Context()
	user := func(id, email string) *wiki.User {
		return &wiki.User{ID: id, Email: email, Name: "Anna Schäfer", Role: wiki.RoleMember}
	}
	if err := s.CreateUser(ctx, user("anna", "anna@kommune.example")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		err  error
	}{
		{"CreateUser without id", s.CreateUser(ctx, user("", "bernd@kommune.example"))},
		{"CreateUser without e-mail", s.CreateUser(ctx, user("bernd", ""))},
		{"CreateUser with a blank e-mail", s.CreateUser(ctx, user("bernd", "  "))},
		{"UpdateUser without e-mail", s.UpdateUser(ctx, user("anna", ""))},
		{"PutSession without hash", s.PutSession(ctx, &store.Session{UserID: "anna"})},
		{"PutSession without user", s.PutSession(ctx, &store.Session{TokenHash: "h"})},
		{"PutToken without hash", s.PutToken(ctx, &store.Token{Kind: store.TokenAPI, UserID: "anna"})},
		{"PutToken without kind", s.PutToken(ctx, &store.Token{Hash: "h", UserID: "anna"})},
		{"PutToken without user", s.PutToken(ctx, &store.Token{Hash: "h", Kind: store.TokenAPI})},
		{"AppendAudit without id", s.AppendAudit(ctx, &wiki.AuditEvent{Action: "user.invited"})},
	}
	for _, tt := range tests {
		if got := wiki.ErrorCode(tt.err); got != wiki.EINVALID {
			t.Errorf("%s: got %v (code %q), want code %q", tt.name, tt.err, got, wiki.EINVALID)
		}
	}
	if users, err := s.Users(ctx); err != nil || len(users) != 1 || users[0].Email != "anna@kommune.example" {
		t.Errorf("Users: got %v, %v; want anna unchanged", users, err)
	}
	wantBucketLens(t, s, 0, 0)
}

func TestEmailIndexFollowsUpdates(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	ctx := t.Context()
	u := &wiki.User{ID: "anna", Email: "anna@kommune.example", Name: "Anna", Role: wiki.RoleMember}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"Anna@Kommune.example", "anna@kreis.example", "anna@kommune.example"} {
		u.Email = email
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatalf("UpdateUser to %s: %v", email, err)
		}
		if got := bucketLen(t, s, bucketEmails); got != 1 {
			t.Errorf("after changing to %s: e-mail index has %d keys, want 1", email, got)
		}
	}
}

func TestAuditLogLimitBelowOne(t *testing.T) {
	t.Parallel()
	s := openStore(t, t.TempDir())
	if err := s.AppendAudit(t.Context(), &wiki.AuditEvent{ID: "01HT5N2R8Y4K7W1C3D6F9G0001", Action: "user.invited"}); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, -1} {
		if got, err := s.AuditLog(t.Context(), "", limit); err != nil || len(got) != 0 {
			t.Errorf("AuditLog with limit %d: got %v, %v; want no events", limit, got, err)
		}
	}
}
