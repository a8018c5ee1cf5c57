package dynamo

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/oklog/ulid/v2"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func newUser(n int, email string) *wiki.User {
	created := time.Date(2025, time.February, 3, 8, 15, 30, 125_000_000, time.UTC)
	return &wiki.User{
		ID:           fmt.Sprintf("01HS3V7W2K8D5M9QZ4T1B0%04d", n),
		Email:        email,
		Name:         fmt.Sprintf("Mitarbeiterin %d", n),
		Role:         wiki.RoleMember,
		Municipality: "07312000",
		CreatedAt:    created,
		UpdatedAt:    created,
	}
}

// putRaw stores it as it is, past the store.
func (f *fixture) putRaw(t *testing.T, it item) {
	t.Helper()
	if _, err := f.client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(f.table), Item: it}); err != nil {
		t.Fatalf("PutItem(%s, %s): %v", text(it, attrPK), text(it, attrSK), err)
	}
}

// wantEmailOwner checks who the guard of an address names ("" for no guard) and who
// UserByEmail finds ("" for ENOTFOUND).
func (f *fixture) wantEmailOwner(t *testing.T, email, guardOwner, found string) {
	t.Helper()
	g := f.raw(t, emailPK(email), skGuard)
	if got := text(g, attrGuardUser); got != guardOwner {
		t.Errorf("guard of %s: got owner %q, want %q", email, got, guardOwner)
	}
	u, err := f.UserByEmail(t.Context(), email)
	switch {
	case found == "":
		wantCode(t, "UserByEmail("+email+")", err, wiki.ENOTFOUND)
	case err != nil:
		t.Errorf("UserByEmail(%s): got %v, want user %s", email, err, found)
	case u.ID != found:
		t.Errorf("UserByEmail(%s): got user %s, want %s", email, u.ID, found)
	}
}

func isUserPut(in *dynamodb.PutItemInput) bool {
	return text(in.Item, attrPK) == pkUsers
}

func TestCreateUserTakesBackGuardWhenUserPutFails(t *testing.T) {
	t.Parallel()
	f := open(t)
	u := newUser(1, "anna.schaefer@kaiserslautern.example")
	f.spy.beforePut = func(in *dynamodb.PutItemInput) error {
		if isUserPut(in) {
			return errInjected
		}
		return nil
	}
	if err := f.CreateUser(t.Context(), u); !errors.Is(err, errInjected) {
		t.Fatalf("CreateUser with a failing user put: got %v, want the injected error", err)
	}
	f.wantEmailOwner(t, u.Email, "", "")
	f.spy.beforePut = nil
	other := newUser(2, u.Email)
	mustOK(t, "CreateUser of another user with the address", f.CreateUser(t.Context(), other))
	f.wantEmailOwner(t, u.Email, other.ID, other.ID)
}

func TestUpdateUserTakesBackNewGuardWhenUserPutFails(t *testing.T) {
	t.Parallel()
	f := open(t)
	u := newUser(1, "anna.schaefer@kaiserslautern.example")
	mustOK(t, "CreateUser", f.CreateUser(t.Context(), u))
	changed := *u
	changed.Email, changed.Name = "anna.schaefer@koblenz.example", "Anna Schäfer"
	f.spy.beforePut = func(in *dynamodb.PutItemInput) error {
		if isUserPut(in) {
			return errInjected
		}
		return nil
	}
	if err := f.UpdateUser(t.Context(), &changed); !errors.Is(err, errInjected) {
		t.Fatalf("UpdateUser with a failing user put: got %v, want the injected error", err)
	}
	f.wantEmailOwner(t, changed.Email, "", "")
	f.wantEmailOwner(t, u.Email, u.ID, u.ID)
	got, err := f.User(t.Context(), u.ID)
	mustOK(t, "User", err)
	if got.Name != u.Name || got.Email != u.Email {
		t.Errorf("User after the failed update: got %q <%s>, want %q <%s>", got.Name, got.Email, u.Name, u.Email)
	}
	f.spy.beforePut = nil
	mustOK(t, "UpdateUser again", f.UpdateUser(t.Context(), &changed))
	f.wantEmailOwner(t, changed.Email, u.ID, u.ID)
	f.wantEmailOwner(t, u.Email, "", "")
}

// TestUpdateUserRace lets another update change the address between an update's read and
// its put: the update starts over and leaves one guard, for its own address.
func TestUpdateUserRace(t *testing.T) {
	t.Parallel()
	f := open(t)
	u := newUser(1, "anna@kaiserslautern.example")
	mustOK(t, "CreateUser", f.CreateUser(t.Context(), u))
	mine, theirs := *u, *u
	mine.Email, mine.Name = "anna@koblenz.example", "Anna aus Koblenz"
	theirs.Email, theirs.Name = "anna@trier.example", "Anna aus Trier"
	var once sync.Once
	f.spy.beforePut = func(in *dynamodb.PutItemInput) error {
		if isUserPut(in) && text(in.Item, "name") == mine.Name {
			once.Do(func() { mustOK(t, "the other UpdateUser", f.UpdateUser(t.Context(), &theirs)) })
		}
		return nil
	}
	mustOK(t, "UpdateUser", f.UpdateUser(t.Context(), &mine))
	got, err := f.User(t.Context(), u.ID)
	mustOK(t, "User", err)
	if got.Email != mine.Email || got.Name != mine.Name {
		t.Errorf("User: got %q <%s>, want %q <%s>", got.Name, got.Email, mine.Name, mine.Email)
	}
	f.wantEmailOwner(t, mine.Email, u.ID, u.ID)
	f.wantEmailOwner(t, theirs.Email, "", "")
	f.wantEmailOwner(t, u.Email, "", "")
	if claim, guard := text(f.raw(t, pkUsers, userSK(u.ID)), attrClaim), text(f.raw(t, emailPK(mine.Email), skGuard), attrWriter); claim != guard {
		t.Errorf("user's claim %q, guard's writer %q: want them equal", claim, guard)
	}
}

func TestAbandonedEmailGuard(t *testing.T) {
	t.Parallel()
	f := open(t)
	now := time.Date(2025, time.June, 2, 10, 0, 0, 0, time.UTC)
	f.now = func() time.Time { return now }
	// owner has moved on to another address; a crash left its old guard behind.
	moved := newUser(90, "neue-adresse@kusel.example")
	mustOK(t, "CreateUser(moved)", f.CreateUser(t.Context(), moved))
	holder := newUser(91, "bleibt@kusel.example")
	mustOK(t, "CreateUser(holder)", f.CreateUser(t.Context(), holder))
	tests := []struct {
		name    string
		email   string
		owner   string // the guard's user
		age     time.Duration
		wantErr wiki.Code
		found   string // whom UserByEmail finds after a conflict
	}{
		{"user never written, older than the timeout", "a@kusel.example", "01HS3V7W2K8D5M9QZ4T1B09999", GuardTimeout + time.Minute, "", ""},
		{"user never written, younger than the timeout", "b@kusel.example", "01HS3V7W2K8D5M9QZ4T1B09999", GuardTimeout - time.Minute, wiki.ECONFLICT, ""},
		{"user has another address, older than the timeout", "c@kusel.example", moved.ID, GuardTimeout + time.Minute, "", ""},
		{"user has the address, older than the timeout", holder.Email, holder.ID, GuardTimeout + time.Minute, wiki.ECONFLICT, holder.ID},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.putRaw(t, emailGuardItem(tt.email, tt.owner, "ABGEBROCHEN", now.Add(-tt.age)))
			f.wantEmailOwner(t, tt.email, tt.owner, tt.found)
			u := newUser(i+1, tt.email)
			wantCode(t, "CreateUser", f.CreateUser(t.Context(), u), tt.wantErr)
			if tt.wantErr == "" {
				f.wantEmailOwner(t, tt.email, u.ID, u.ID)
			} else {
				f.wantEmailOwner(t, tt.email, tt.owner, tt.found)
			}
		})
	}
}

// TestEmailGuardOfSameUser: a guard of the user itself, left behind by an earlier change of
// its address, does not stop it from taking the address back; should that fail, the guard
// is put back as it was.
func TestEmailGuardOfSameUser(t *testing.T) {
	t.Parallel()
	f := open(t)
	u := newUser(1, "anna@koblenz.example")
	mustOK(t, "CreateUser", f.CreateUser(t.Context(), u))
	leftover := emailGuardItem("anna@kaiserslautern.example", u.ID, "ABGEBROCHEN", time.Now())
	f.putRaw(t, leftover)
	back := *u
	back.Email = "anna@kaiserslautern.example"

	f.spy.beforePut = func(in *dynamodb.PutItemInput) error {
		if isUserPut(in) {
			return errInjected
		}
		return nil
	}
	if err := f.UpdateUser(t.Context(), &back); !errors.Is(err, errInjected) {
		t.Fatalf("UpdateUser with a failing user put: got %v, want the injected error", err)
	}
	if got := text(f.raw(t, emailPK(back.Email), skGuard), attrWriter); got != "ABGEBROCHEN" {
		t.Errorf("guard after the failed update: got writer %q, want the leftover put back", got)
	}

	f.spy.beforePut = nil
	mustOK(t, "UpdateUser back to the old address", f.UpdateUser(t.Context(), &back))
	f.wantEmailOwner(t, back.Email, u.ID, u.ID)
	f.wantEmailOwner(t, u.Email, "", "")
}

// TestRetriedAccountPutsCountAsSuccess repeats puts as the SDK does when a response is
// lost: the second attempt finds the item the first one wrote.
func TestRetriedAccountPutsCountAsSuccess(t *testing.T) {
	t.Parallel()
	for _, returnOnFailure := range []bool{false, true} {
		t.Run(fmt.Sprintf("item on failed condition %v", returnOnFailure), func(t *testing.T) {
			f := open(t)
			f.spy.returnOnFailure = returnOnFailure
			f.spy.repeatPut = func(*dynamodb.PutItemInput) bool { return true }
			ctx := t.Context()
			u := newUser(1, "anna@kaiserslautern.example")
			mustOK(t, "CreateUser", f.CreateUser(ctx, u))
			changed := *u
			changed.Email = "anna@koblenz.example"
			mustOK(t, "UpdateUser with a new address", f.UpdateUser(ctx, &changed))
			f.wantEmailOwner(t, changed.Email, u.ID, u.ID)
			f.wantEmailOwner(t, u.Email, "", "")
			tok := &store.Token{Hash: "hash-1", Kind: store.TokenAPI, UserID: u.ID, CreatedAt: time.Now()}
			mustOK(t, "PutToken", f.PutToken(ctx, tok))
			toks, err := f.UserTokens(ctx, u.ID, store.TokenAPI)
			if err != nil || len(toks) != 1 {
				t.Errorf("UserTokens: got %d tokens, %v; want 1", len(toks), err)
			}
			mustOK(t, "AppendAudit", f.AppendAudit(ctx, &wiki.AuditEvent{ID: ulid.Make().String(), At: time.Now(), Action: "user.invited"}))

			f.spy.repeatPut = nil
			wantCode(t, "CreateUser again", f.CreateUser(ctx, &changed), wiki.ECONFLICT)
			wantCode(t, "PutToken again", f.PutToken(ctx, tok), wiki.ECONFLICT)
		})
	}
}

func TestSessionAndTokenItemsCarryTTL(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := t.Context()
	expires := time.Date(2030, time.January, 2, 3, 4, 5, 500_000_000, time.UTC)
	wantTTL := strconv.FormatInt(expires.Unix()+1, 10) // rounded up
	sess := &store.Session{TokenHash: "sitzung", UserID: "anna", ExpiresAt: expires, CreatedAt: time.Now()}
	mustOK(t, "PutSession", f.PutSession(ctx, sess))
	reset := &store.Token{Hash: "link", Kind: store.TokenReset, UserID: "anna", ExpiresAt: expires}
	mustOK(t, "PutToken(reset)", f.PutToken(ctx, reset))
	api := &store.Token{Hash: "skript", Kind: store.TokenAPI, UserID: "anna"}
	mustOK(t, "PutToken(api)", f.PutToken(ctx, api))
	tests := []struct {
		name   string
		pk, sk string
		want   string // "" for no ttl
	}{
		{"session", sessionPK("sitzung"), skMeta, wantTTL},
		{"session link", userPK("anna"), sessionLinkSK("sitzung"), wantTTL},
		{"reset token", tokenPK("link"), skMeta, wantTTL},
		{"reset token link", userPK("anna"), tokenLinkSK("reset", "link"), wantTTL},
		{"API token", tokenPK("skript"), skMeta, ""},
		{"API token link", userPK("anna"), tokenLinkSK("api", "skript"), ""},
	}
	for _, tt := range tests {
		it := f.raw(t, tt.pk, tt.sk)
		if it == nil {
			t.Errorf("%s: no item", tt.name)
			continue
		}
		got := ""
		if it[attrTTL] != nil {
			got = strconv.Itoa(number(it, attrTTL))
		}
		if got != tt.want {
			t.Errorf("%s: got ttl %q, want %q", tt.name, got, tt.want)
		}
	}

	// Reads check the expiry themselves, to the nanosecond, as the TTL is late.
	for _, tt := range []struct {
		now   time.Time
		valid bool
	}{
		{expires.Add(-time.Nanosecond), true},
		{expires, false},
		{expires.Add(time.Hour), false},
	} {
		f.now = func() time.Time { return tt.now }
		_, serr := f.Session(ctx, sess.TokenHash)
		_, terr := f.Token(ctx, reset.Hash)
		want := wiki.ENOTFOUND
		if tt.valid {
			want = ""
		}
		wantCode(t, "Session at "+tt.now.Format(time.RFC3339Nano), serr, want)
		wantCode(t, "Token at "+tt.now.Format(time.RFC3339Nano), terr, want)
	}
}

func TestDeleteUserSessionsLinks(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := t.Context()
	// A link whose session is not written (yet) is kept, so that the session, once
	// written, is found.
	pending := &store.Session{TokenHash: "unterwegs", UserID: "anna", ExpiresAt: time.Now().Add(time.Hour)}
	f.putRaw(t, sessionLinkItem(pending))
	mustOK(t, "DeleteUserSessions", f.DeleteUserSessions(ctx, "anna"))
	if f.raw(t, userPK("anna"), sessionLinkSK("unterwegs")) == nil {
		t.Error("link of an unwritten session: got it deleted, want it kept")
	}
	mustOK(t, "PutSession", f.PutSession(ctx, pending))
	// A stale link of a session that belongs to someone else now goes, the session stays.
	moved := &store.Session{TokenHash: "gewechselt", UserID: "bernd", ExpiresAt: time.Now().Add(time.Hour)}
	mustOK(t, "PutSession(moved)", f.PutSession(ctx, moved))
	f.putRaw(t, sessionLinkItem(&store.Session{TokenHash: "gewechselt", UserID: "anna"}))

	mustOK(t, "DeleteUserSessions", f.DeleteUserSessions(ctx, "anna"))
	_, err := f.Session(ctx, pending.TokenHash)
	wantCode(t, "Session of the signed-out user", err, wiki.ENOTFOUND)
	if _, err := f.Session(ctx, moved.TokenHash); err != nil {
		t.Errorf("Session of the other user: %v", err)
	}
	if sks := f.partition(t, userPK("anna")); len(sks) != 0 {
		t.Errorf("links of the signed-out user: got %v, want none", sks)
	}
}

func TestPutTokenOverStoredToken(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := t.Context()
	valid := &store.Token{Hash: "gleich", Kind: store.TokenReset, UserID: "anna", ExpiresAt: time.Now().Add(24 * time.Hour).Truncate(time.Second)}
	mustOK(t, "PutToken", f.PutToken(ctx, valid))
	before := f.raw(t, userPK("anna"), tokenLinkSK("reset", "gleich"))

	// Another expiry for the same hash, user and kind: a conflict, and the stored token's
	// link keeps its ttl.
	again := *valid
	again.ExpiresAt = time.Now().Add(time.Hour)
	wantCode(t, "PutToken of a stored hash", f.PutToken(ctx, &again), wiki.ECONFLICT)
	after := f.raw(t, userPK("anna"), tokenLinkSK("reset", "gleich"))
	if number(after, attrTTL) != number(before, attrTTL) || text(after, attrWriter) != text(before, attrWriter) {
		t.Errorf("link after the conflict: got ttl %d by %s, want ttl %d by %s", number(after, attrTTL), text(after, attrWriter), number(before, attrTTL), text(before, attrWriter))
	}

	// An expired token's hash may be stored again, also for another user and kind; the
	// expired token's link goes.
	gone := &store.Token{Hash: "abgelaufen", Kind: store.TokenReset, UserID: "anna", ExpiresAt: time.Now().Add(-time.Hour)}
	mustOK(t, "PutToken(expired)", f.PutToken(ctx, gone))
	reused := &store.Token{Hash: "abgelaufen", Kind: store.TokenAPI, UserID: "bernd", CreatedAt: time.Now()}
	mustOK(t, "PutToken over an expired token", f.PutToken(ctx, reused))
	if f.raw(t, userPK("anna"), tokenLinkSK("reset", "abgelaufen")) != nil {
		t.Error("link of the replaced token: got it kept, want it deleted")
	}
	got, err := f.UserTokens(ctx, "bernd", store.TokenAPI)
	if err != nil || len(got) != 1 || got[0].Hash != reused.Hash {
		t.Errorf("UserTokens(bernd, api): got %v, %v; want the reused hash", got, err)
	}

	// A link left behind by a failed delete, now pointing to another user's token or to
	// nothing, lists nothing.
	f.putRaw(t, tokenLinkItem(&store.Token{Hash: "abgelaufen", Kind: store.TokenAPI, UserID: "anna"}, "LIEGEN-GEBLIEBEN"))
	f.putRaw(t, tokenLinkItem(&store.Token{Hash: "nie-gespeichert", Kind: store.TokenAPI, UserID: "anna"}, "LIEGEN-GEBLIEBEN"))
	if got, err := f.UserTokens(ctx, "anna", store.TokenAPI); err != nil || len(got) != 0 {
		t.Errorf("UserTokens(anna, api) with stale links: got %v, %v; want none", got, err)
	}
}

// auditID returns a ULID of the time at with entropy n.
func auditID(at time.Time, n byte) string {
	var u ulid.ULID
	if err := u.SetTime(ulid.Timestamp(at)); err != nil {
		panic(err)
	}
	if err := u.SetEntropy([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, n}); err != nil {
		panic(err)
	}
	return u.String()
}

func TestAuditAcrossMonths(t *testing.T) {
	t.Parallel()
	f := open(t)
	ctx := t.Context()
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	// December, January and March; nothing in February. The last event of January falls
	// in February in Germany, but months are UTC.
	times := []time.Time{
		at(2024, time.December, 30), at(2025, time.January, 2), at(2025, time.January, 31),
		time.Date(2025, time.January, 31, 23, 30, 0, 0, time.UTC), at(2025, time.March, 1), at(2025, time.March, 15),
	}
	var events []*wiki.AuditEvent
	for i, tm := range times {
		events = append(events, &wiki.AuditEvent{ID: auditID(tm, byte(i)), At: tm, Action: "entry.published", Target: fmt.Sprintf("eintrag-%d", i)})
	}
	for _, i := range []int{3, 0, 5, 1, 4, 2} {
		mustOK(t, "AppendAudit", f.AppendAudit(ctx, events[i]))
	}
	if got := f.partition(t, pkAudit); fmt.Sprint(got) != "[MONTH#2024-12 MONTH#2025-01 MONTH#2025-03]" {
		t.Errorf("month markers: got %v", got)
	}
	if got := f.partition(t, auditPK("2025-01")); len(got) != 3 {
		t.Errorf("events of 2025-01: got %v, want 3", got)
	}
	ids := func(list []wiki.AuditEvent) []string {
		var s []string
		for _, ev := range list {
			s = append(s, ev.Target)
		}
		return s
	}
	tests := []struct {
		name   string
		before string
		limit  int
		want   string
	}{
		{"newest", "", 3, "[eintrag-5 eintrag-4 eintrag-3]"},
		{"all", "", 10, "[eintrag-5 eintrag-4 eintrag-3 eintrag-2 eintrag-1 eintrag-0]"},
		{"across a month", events[4].ID, 2, "[eintrag-3 eintrag-2]"},
		{"from an empty month", auditID(at(2025, time.February, 14), 0), 10, "[eintrag-3 eintrag-2 eintrag-1 eintrag-0]"},
		{"from the first of a month", auditID(time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC), 0), 1, "[eintrag-3]"},
		{"into the oldest month", events[1].ID, 5, "[eintrag-0]"},
		{"before the oldest", events[0].ID, 5, "[]"},
		{"from a later year", auditID(at(2027, time.May, 1), 0), 2, "[eintrag-5 eintrag-4]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.AuditLog(ctx, tt.before, tt.limit)
			mustOK(t, "AuditLog", err)
			if fmt.Sprint(ids(got)) != tt.want {
				t.Errorf("AuditLog: got %v, want %s", ids(got), tt.want)
			}
		})
	}

	// One Query for the markers, one per month read.
	f.spy.reset()
	_, err := f.AuditLog(ctx, "", 3)
	mustOK(t, "AuditLog", err)
	if got := f.spy.counts(); fmt.Sprint(got) != "map[Query:3]" {
		t.Errorf("AuditLog over two months: got calls %v, want 3 Queries", got)
	}
}

func TestAuditRejectsOtherIDs(t *testing.T) {
	t.Parallel()
	f := open(t)
	valid := ulid.Make().String()
	for _, id := range []string{"", "ereignis-1", valid[:25], strings.ToLower(valid), "81HT5N2R8Y4K7W1C3D6F9G0001"} {
		wantCode(t, fmt.Sprintf("AppendAudit(%q)", id), f.AppendAudit(t.Context(), &wiki.AuditEvent{ID: id, At: time.Now()}), wiki.EINVALID)
	}
	if got := f.partition(t, pkAudit); len(got) != 0 {
		t.Errorf("month markers after rejected events: got %v, want none", got)
	}
}
