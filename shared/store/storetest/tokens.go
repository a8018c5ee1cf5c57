package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func runTokens(t *testing.T, open func(t *testing.T) store.Tokens) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Tokens)
	}{
		{"PutAndGet", testTokenPutAndGet},
		{"PutConflict", testTokenPutConflict},
		{"NotFound", testTokenNotFound},
		{"Expired", testTokenExpired},
		{"Consume", testTokenConsume},
		{"ConsumeConcurrent", testTokenConsumeConcurrent},
		{"Delete", testTokenDelete},
		{"UserTokens", testUserTokens},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

// newToken returns a token of user created minutes ago. One-time links expire in a day,
// API tokens never.
func newToken(secret string, kind store.TokenKind, user string, minutes int) *store.Token {
	now := time.Now().UTC().Truncate(time.Millisecond)
	tok := &store.Token{
		Hash:      secretHash(secret),
		Kind:      kind,
		UserID:    user,
		CreatedAt: now.Add(-time.Duration(minutes) * time.Minute),
	}
	if kind == store.TokenAPI {
		tok.Name = "Import-Skript Ratsinformationssystem"
	} else {
		tok.ExpiresAt = now.Add(24 * time.Hour)
	}
	return tok
}

func putToken(t *testing.T, s store.Tokens, tok *store.Token) {
	t.Helper()
	c := *tok
	mustOK(t, fmt.Sprintf("PutToken(%s of %s)", tok.Kind, tok.UserID), s.PutToken(t.Context(), &c))
}

// wantToken checks that want is stored under its hash.
func wantToken(t *testing.T, s store.Tokens, want *store.Token) {
	t.Helper()
	got, err := s.Token(t.Context(), want.Hash)
	if err != nil {
		t.Errorf("Token(%s of %s): got error %v, want the token", want.Kind, want.UserID, err)
		return
	}
	wantSame(t, fmt.Sprintf("Token(%s of %s)", want.Kind, want.UserID), got, want)
}

// wantNoToken checks that the token with the hash counts as missing.
func wantNoToken(t *testing.T, s store.Tokens, what, hash string) {
	t.Helper()
	got, err := s.Token(t.Context(), hash)
	if err == nil {
		t.Errorf("Token %s: got the %s token of %s, want code %q", what, got.Kind, got.UserID, wiki.ENOTFOUND)
		return
	}
	wantCode(t, "Token "+what, err, wiki.ENOTFOUND)
}

func wantUserTokens(t *testing.T, s store.Tokens, user string, kind store.TokenKind, want ...*store.Token) {
	t.Helper()
	got, err := s.UserTokens(t.Context(), user, kind)
	mustOK(t, fmt.Sprintf("UserTokens(%s, %s)", user, kind), err)
	list := make([]store.Token, len(want))
	for i, tok := range want {
		list[i] = *tok
	}
	wantSame(t, fmt.Sprintf("UserTokens(%s, %s)", user, kind), got, list)
}

func testTokenPutAndGet(t *testing.T, s store.Tokens) {
	invite := newToken("einladung", store.TokenInvite, userID(1), 5)
	reset := newToken("neues-passwort", store.TokenReset, userID(2), 1)
	api := newToken("skript", store.TokenAPI, userID(2), 60)
	api.CreatedAt = time.Date(2025, time.October, 26, 2, 30, 0, 1_000_000, time.FixedZone("MESZ", 2*60*60))
	for _, tok := range []*store.Token{invite, reset, api} {
		putToken(t, s, tok)
	}
	for _, tok := range []*store.Token{invite, reset, api} {
		wantToken(t, s, tok)
	}
	got, err := s.Token(t.Context(), api.Hash)
	mustOK(t, "Token(api)", err)
	if !got.ExpiresAt.IsZero() {
		t.Errorf("ExpiresAt of an API token: got %s, want the zero time (no expiry)", got.ExpiresAt.Format(time.RFC3339Nano))
	}
}

func testTokenPutConflict(t *testing.T, s store.Tokens) {
	first := newToken("einladung", store.TokenInvite, userID(1), 5)
	putToken(t, s, first)
	tests := []struct {
		name   string
		second *store.Token
	}{
		{"same token", first},
		{"other user", newToken("einladung", store.TokenInvite, userID(2), 0)},
		{"other kind", newToken("einladung", store.TokenAPI, userID(1), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := *tt.second
			wantCode(t, "second PutToken with the same hash", s.PutToken(t.Context(), &c), wiki.ECONFLICT)
			wantToken(t, s, first)
			wantUserTokens(t, s, userID(1), store.TokenInvite, first)
			wantUserTokens(t, s, userID(2), store.TokenInvite)
			wantUserTokens(t, s, userID(1), store.TokenAPI)
		})
	}
}

func testTokenNotFound(t *testing.T, s store.Tokens) {
	wantNoToken(t, s, "in an empty store", secretHash("einladung"))
	putToken(t, s, newToken("einladung", store.TokenInvite, userID(1), 5))
	wantNoToken(t, s, "with another hash", secretHash("andere"))
	wantNoToken(t, s, "with the secret instead of its hash", "einladung")
	_, err := s.ConsumeToken(t.Context(), secretHash("andere"))
	wantCode(t, "ConsumeToken of a missing token", err, wiki.ENOTFOUND)
}

func testTokenExpired(t *testing.T, s store.Tokens) {
	now := time.Now()
	tests := []struct {
		name    string
		expires time.Time
		valid   bool
	}{
		{"expired a week ago", now.AddDate(0, 0, -7), false},
		{"expired a second ago", now.Add(-time.Second), false},
		{"expires in a minute", now.Add(time.Minute), true},
		{"never expires", time.Time{}, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := newToken(fmt.Sprintf("link-%d", i), store.TokenReset, userID(1), 10)
			tok.ExpiresAt = tt.expires
			putToken(t, s, tok)
			if tt.valid {
				wantToken(t, s, tok)
				return
			}
			wantNoToken(t, s, tt.name, tok.Hash)
			_, err := s.ConsumeToken(t.Context(), tok.Hash)
			wantCode(t, "ConsumeToken of an expired token", err, wiki.ENOTFOUND)
			mustOK(t, "DeleteToken of an expired token", s.DeleteToken(t.Context(), tok.Hash))
		})
	}
}

func testTokenConsume(t *testing.T, s store.Tokens) {
	reset, other := newToken("neues-passwort", store.TokenReset, userID(1), 5), newToken("zweiter-link", store.TokenReset, userID(1), 1)
	putToken(t, s, reset)
	putToken(t, s, other)
	got, err := s.ConsumeToken(t.Context(), reset.Hash)
	mustOK(t, "ConsumeToken", err)
	wantSame(t, "ConsumeToken", got, reset)
	wantNoToken(t, s, "after ConsumeToken", reset.Hash)
	_, err = s.ConsumeToken(t.Context(), reset.Hash)
	wantCode(t, "second ConsumeToken", err, wiki.ENOTFOUND)
	wantToken(t, s, other)
	wantUserTokens(t, s, userID(1), store.TokenReset, other)
}

func testTokenConsumeConcurrent(t *testing.T, s store.Tokens) {
	const rounds, requests = 4, 8
	for round := range rounds {
		tok := newToken(fmt.Sprintf("einladung-%d", round), store.TokenInvite, userID(round), 5)
		putToken(t, s, tok)
		start := make(chan struct{})
		got := make([]*store.Token, requests)
		errs := make([]error, requests)
		var wg sync.WaitGroup
		for i := range requests {
			wg.Go(func() {
				<-start
				got[i], errs[i] = s.ConsumeToken(t.Context(), tok.Hash)
			})
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: requests %d and %d both consumed the token, want exactly one", round, winner, i)
			case err == nil:
				winner = i
				wantSame(t, fmt.Sprintf("round %d: ConsumeToken", round), got[i], tok)
			default:
				wantCode(t, fmt.Sprintf("round %d: ConsumeToken of request %d", round, i), err, wiki.ENOTFOUND)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no request consumed the token, want exactly one: %v", round, errs)
		}
		wantNoToken(t, s, fmt.Sprintf("round %d: after ConsumeToken", round), tok.Hash)
	}
}

func testTokenDelete(t *testing.T, s store.Tokens) {
	api, other := newToken("skript", store.TokenAPI, userID(1), 30), newToken("zweites-skript", store.TokenAPI, userID(1), 20)
	putToken(t, s, api)
	putToken(t, s, other)
	mustOK(t, "DeleteToken", s.DeleteToken(t.Context(), api.Hash))
	wantNoToken(t, s, "after DeleteToken", api.Hash)
	_, err := s.ConsumeToken(t.Context(), api.Hash)
	wantCode(t, "ConsumeToken after DeleteToken", err, wiki.ENOTFOUND)
	wantToken(t, s, other)
	wantUserTokens(t, s, userID(1), store.TokenAPI, other)
	mustOK(t, "DeleteToken again", s.DeleteToken(t.Context(), api.Hash))
	mustOK(t, "DeleteToken of a missing token", s.DeleteToken(t.Context(), secretHash("nie-da")))
	// A deleted hash may be stored again.
	putToken(t, s, api)
	wantUserTokens(t, s, userID(1), store.TokenAPI, api, other)
}

func testUserTokens(t *testing.T, s store.Tokens) {
	anna, bernd := userID(1), userID(2)
	resetNew := newToken("reset-neu", store.TokenReset, anna, 1)
	resetOld := newToken("reset-alt", store.TokenReset, anna, 90)
	resetMid := newToken("reset-mitte", store.TokenReset, anna, 30)
	resetGone := newToken("reset-abgelaufen", store.TokenReset, anna, 60*25)
	resetGone.ExpiresAt = time.Now().Add(-time.Hour)
	apiA := newToken("skript-a", store.TokenAPI, anna, 60*24*200)
	apiB := newToken("skript-b", store.TokenAPI, anna, 60*24*10)
	invite := newToken("einladung", store.TokenInvite, anna, 60*24*300)
	resetBernd := newToken("reset-bernd", store.TokenReset, bernd, 45)
	for _, tok := range []*store.Token{resetNew, apiB, resetOld, resetBernd, resetGone, invite, resetMid, apiA} {
		putToken(t, s, tok)
	}
	tests := []struct {
		user string
		kind store.TokenKind
		want []*store.Token
	}{
		{anna, store.TokenReset, []*store.Token{resetOld, resetMid, resetNew}},
		{anna, store.TokenAPI, []*store.Token{apiA, apiB}},
		{anna, store.TokenInvite, []*store.Token{invite}},
		{bernd, store.TokenReset, []*store.Token{resetBernd}},
		{bernd, store.TokenAPI, nil},
		{userID(3), store.TokenReset, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s", tt.user, tt.kind), func(t *testing.T) {
			wantUserTokens(t, s, tt.user, tt.kind, tt.want...)
		})
	}
}
