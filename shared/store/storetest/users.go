package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

type openUsers = func(t *testing.T) store.Users

func runUsers(t *testing.T, open openUsers) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Users)
	}{
		{"CreateAndGet", testUserCreateAndGet},
		{"RoundTrip", testUserRoundTrip},
		{"NotFound", testUserNotFound},
		{"CreateConflict", testUserCreateConflict},
		{"ByEmailAnyCase", testUserByEmail},
		{"Update", testUserUpdate},
		{"UpdateEmail", testUserUpdateEmail},
		{"UpdateEmailTaken", testUserUpdateEmailTaken},
		{"UpdateNotFound", testUserUpdateNotFound},
		{"ListByID", testUserList},
		{"ListEmpty", testUserListEmpty},
		{"ReturnsCopies", testUserReturnsCopies},
		{"LoginAttemptsCounted", testLoginAttemptsCounted},
		{"LoginAttemptsWindow", testLoginAttemptsWindow},
		{"LoginAttemptsCleared", testLoginAttemptsCleared},
		{"LoginAttemptsInvalid", testLoginAttemptsInvalid},
		{"LoginAttemptsParallel", testLoginAttemptsParallel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

// userID returns a sortable id in the shape of a ULID; ids sort by n.
func userID(n int) string { return fmt.Sprintf("01HS3V7W2K8D5M9QZ4T1B0%04d", n) }

// sampleUser returns user n, a member of Kaiserslautern with an address of its own. Its
// times are whole milliseconds in UTC; LockedUntil is zero.
func sampleUser(n int) *wiki.User {
	created := time.Date(2025, time.February, 3, 8, 15, 30, 125_000_000, time.UTC).Add(time.Duration(n) * time.Hour)
	return &wiki.User{
		ID:           userID(n),
		Email:        fmt.Sprintf("mitarbeiterin.%d@kaiserslautern.example", n),
		Name:         fmt.Sprintf("Mitarbeiterin %d", n),
		Role:         wiki.RoleMember,
		Municipality: "07312000",
		PasswordHash: fmt.Sprintf("$argon2id$v=19$m=65536,t=3,p=4$c2FsdC0lZA$aGFzaC0%04d", n),
		CreatedAt:    created,
		UpdatedAt:    created,
	}
}

// fullUser returns a user with every field set, times in German zones and to the
// millisecond.
func fullUser() *wiki.User {
	mez := time.FixedZone("MEZ", 60*60)
	return &wiki.User{
		ID:           userID(7),
		Email:        "jürgen.weiß@koblenz.example",
		Name:         "Jürgen Weiß-Müller",
		Role:         wiki.RoleCoordinator,
		Municipality: "07111000",
		Disabled:     true,
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$QWxsZXNGcmlzY2g$0123456789abcdefABCDEF+/xyz",
		FailedLogins: 5,
		LockedUntil:  time.Date(2025, time.March, 30, 2, 59, 59, 999_000_000, mez),
		CreatedAt:    time.Date(2024, time.December, 31, 23, 59, 59, 1_000_000, mez),
		UpdatedAt:    time.Date(2025, time.March, 30, 1, 0, 0, 500_000_000, mez),
	}
}

func createUser(t *testing.T, s store.Users, u *wiki.User) {
	t.Helper()
	c := *u
	mustOK(t, fmt.Sprintf("CreateUser(%s)", u.ID), s.CreateUser(t.Context(), &c))
}

func updateUser(t *testing.T, s store.Users, u *wiki.User) {
	t.Helper()
	c := *u
	mustOK(t, fmt.Sprintf("UpdateUser(%s)", u.ID), s.UpdateUser(t.Context(), &c))
}

// wantUser checks that want is stored under its id and its e-mail.
func wantUser(t *testing.T, s store.Users, want *wiki.User) {
	t.Helper()
	got, err := s.User(t.Context(), want.ID)
	if err != nil {
		t.Errorf("User(%s): got error %v, want the user", want.ID, err)
	} else {
		wantSame(t, fmt.Sprintf("User(%s)", want.ID), got, want)
	}
	got, err = s.UserByEmail(t.Context(), want.Email)
	if err != nil {
		t.Errorf("UserByEmail(%s): got error %v, want user %s", want.Email, err, want.ID)
	} else {
		wantSame(t, fmt.Sprintf("UserByEmail(%s)", want.Email), got, want)
	}
}

// wantNoUserWithEmail checks that no user has the e-mail address.
func wantNoUserWithEmail(t *testing.T, s store.Users, email string) {
	t.Helper()
	got, err := s.UserByEmail(t.Context(), email)
	if err == nil {
		t.Errorf("UserByEmail(%s): got user %s, want code %q", email, got.ID, wiki.ENOTFOUND)
		return
	}
	wantCode(t, "UserByEmail("+email+")", err, wiki.ENOTFOUND)
}

func wantUsers(t *testing.T, s store.Users, want ...*wiki.User) {
	t.Helper()
	got, err := s.Users(t.Context())
	mustOK(t, "Users", err)
	list := make([]wiki.User, len(want))
	for i, u := range want {
		list[i] = *u
	}
	wantSame(t, "Users", got, list)
}

func testUserCreateAndGet(t *testing.T, s store.Users) {
	member, coordinator := sampleUser(1), sampleUser(2)
	coordinator.Role, coordinator.Municipality = wiki.RoleCoordinator, ""
	invited := sampleUser(3)
	invited.PasswordHash = "" // invited, no password yet
	for _, u := range []*wiki.User{member, coordinator, invited} {
		createUser(t, s, u)
	}
	for _, u := range []*wiki.User{member, coordinator, invited} {
		wantUser(t, s, u)
	}
}

func testUserRoundTrip(t *testing.T, s store.Users) {
	full := fullUser()
	if zero := zeroFields(full); len(zero) > 0 {
		t.Fatalf("fullUser leaves fields %v unset; set them so that the round trip covers them", zero)
	}
	// Zero times and empty optional fields come back as they went in.
	bare := &wiki.User{ID: userID(8), Email: "bare@kusel.example", Name: "Ohne Angaben", Role: wiki.RoleMember, Municipality: "07336000"}
	for _, u := range []*wiki.User{full, bare} {
		createUser(t, s, u)
	}
	wantUser(t, s, full)
	wantUser(t, s, bare)
	wantUsers(t, s, full, bare)

	got, err := s.User(t.Context(), bare.ID)
	mustOK(t, "User", err)
	for name, tm := range map[string]time.Time{"LockedUntil": got.LockedUntil, "CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt} {
		if !tm.IsZero() {
			t.Errorf("%s of a user stored without it: got %s, want the zero time", name, tm.Format(time.RFC3339Nano))
		}
	}

	// Updating keeps every field as well, and clearing the lock clears it.
	full.Disabled, full.FailedLogins, full.LockedUntil = false, 0, time.Time{}
	full.UpdatedAt = full.UpdatedAt.Add(time.Hour)
	updateUser(t, s, full)
	wantUser(t, s, full)
	got, err = s.User(t.Context(), full.ID)
	mustOK(t, "User", err)
	if !got.LockedUntil.IsZero() {
		t.Errorf("LockedUntil after clearing it: got %s, want the zero time", got.LockedUntil.Format(time.RFC3339Nano))
	}
}

func testUserNotFound(t *testing.T, s store.Users) {
	_, err := s.User(t.Context(), userID(1))
	wantCode(t, "User in an empty store", err, wiki.ENOTFOUND)
	wantNoUserWithEmail(t, s, sampleUser(1).Email)
	createUser(t, s, sampleUser(1))
	_, err = s.User(t.Context(), userID(2))
	wantCode(t, "User(other id)", err, wiki.ENOTFOUND)
	wantNoUserWithEmail(t, s, sampleUser(2).Email)
	wantNoUserWithEmail(t, s, "kaiserslautern.example")
}

func testUserCreateConflict(t *testing.T, s store.Users) {
	first := sampleUser(1)
	tests := []struct {
		name   string
		change func(u *wiki.User)
	}{
		{"same id", func(u *wiki.User) { u.ID = first.ID }},
		{"same e-mail", func(u *wiki.User) { u.Email = first.Email }},
		{"same e-mail in capitals", func(u *wiki.User) { u.Email = "MITARBEITERIN.1@KAISERSLAUTERN.EXAMPLE" }},
		{"same e-mail in mixed case", func(u *wiki.User) { u.Email = "Mitarbeiterin.1@Kaiserslautern.Example" }},
		{"same id and e-mail", func(u *wiki.User) { u.ID, u.Email = first.ID, first.Email }},
	}
	createUser(t, s, first)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			second := sampleUser(2)
			second.Name = "Doppelgängerin"
			tt.change(second)
			wantCode(t, "second CreateUser", s.CreateUser(t.Context(), second), wiki.ECONFLICT)
			wantUser(t, s, first)
			wantUsers(t, s, first)
			if wiki.NormalizeEmail(second.Email) != first.Email {
				wantNoUserWithEmail(t, s, second.Email)
			}
		})
	}
}

func testUserByEmail(t *testing.T, s store.Users) {
	anna, bernd := sampleUser(1), sampleUser(2)
	anna.Email, bernd.Email = "anna.schaefer@kaiserslautern.example", "bernd.schaefer@kaiserslautern.example"
	createUser(t, s, anna)
	createUser(t, s, bernd)
	tests := []struct {
		email string
		want  *wiki.User // nil: ENOTFOUND
	}{
		{"anna.schaefer@kaiserslautern.example", anna},
		{"Anna.Schaefer@Kaiserslautern.example", anna},
		{"ANNA.SCHAEFER@KAISERSLAUTERN.EXAMPLE", anna},
		{"bernd.schaefer@kaiserslautern.example", bernd},
		{"anna.schaefer@koblenz.example", nil},
		{"anna.schaefer", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.email), func(t *testing.T) {
			got, err := s.UserByEmail(t.Context(), tt.email)
			if tt.want == nil {
				wantCode(t, "UserByEmail", err, wiki.ENOTFOUND)
				return
			}
			mustOK(t, "UserByEmail", err)
			wantSame(t, "UserByEmail", got, tt.want)
		})
	}
}

func testUserUpdate(t *testing.T, s store.Users) {
	u, other := sampleUser(1), sampleUser(2)
	createUser(t, s, u)
	createUser(t, s, other)
	u.Name = "Anna Schäfer"
	u.Role, u.Municipality = wiki.RoleCoordinator, ""
	u.FailedLogins = 3
	u.LockedUntil = u.CreatedAt.Add(15 * time.Minute)
	u.PasswordHash = "$argon2id$v=19$m=65536,t=3,p=4$bmV1$bmV1ZXMtcGFzc3dvcnQ"
	u.UpdatedAt = u.CreatedAt.Add(48*time.Hour + 250*time.Millisecond)
	updateUser(t, s, u)
	wantUser(t, s, u)
	wantUser(t, s, other)
	wantUsers(t, s, u, other)
}

func testUserUpdateEmail(t *testing.T, s store.Users) {
	u, other := sampleUser(1), sampleUser(2)
	createUser(t, s, u)
	createUser(t, s, other)
	old := u.Email
	u.Email = "anna.schaefer@zweibruecken.example"
	u.Municipality = "07320000"
	updateUser(t, s, u)
	wantUser(t, s, u)
	wantUser(t, s, other)
	wantNoUserWithEmail(t, s, old)

	// The old address is free for someone else, and the new one is taken.
	third := sampleUser(3)
	third.Email = old
	createUser(t, s, third)
	wantUser(t, s, third)
	fourth := sampleUser(4)
	fourth.Email = "Anna.Schaefer@Zweibruecken.example"
	wantCode(t, "CreateUser with the changed address", s.CreateUser(t.Context(), fourth), wiki.ECONFLICT)
	wantUsers(t, s, u, other, third)
}

func testUserUpdateEmailTaken(t *testing.T, s store.Users) {
	anna, bernd := sampleUser(1), sampleUser(2)
	createUser(t, s, anna)
	createUser(t, s, bernd)
	for _, email := range []string{anna.Email, "MITARBEITERIN.1@kaiserslautern.example"} {
		t.Run(email, func(t *testing.T) {
			changed := *bernd
			changed.Email = email
			changed.Name = "Bernd Geändert"
			changed.FailedLogins = 1
			wantCode(t, "UpdateUser to a taken address", s.UpdateUser(t.Context(), &changed), wiki.ECONFLICT)
			wantUser(t, s, anna)
			wantUser(t, s, bernd)
			wantUsers(t, s, anna, bernd)
		})
	}
}

func testUserUpdateNotFound(t *testing.T, s store.Users) {
	createUser(t, s, sampleUser(1))
	missing := sampleUser(2)
	wantCode(t, "UpdateUser of a missing user", s.UpdateUser(t.Context(), missing), wiki.ENOTFOUND)
	_, err := s.User(t.Context(), missing.ID)
	wantCode(t, "User after UpdateUser of a missing user", err, wiki.ENOTFOUND)
	wantNoUserWithEmail(t, s, missing.Email)
	wantUsers(t, s, sampleUser(1))
	// Its address stays free.
	createUser(t, s, missing)
	wantUser(t, s, missing)
}

func testUserList(t *testing.T, s store.Users) {
	for _, n := range []int{4, 1, 12, 3, 10, 2} {
		createUser(t, s, sampleUser(n))
	}
	wantUsers(t, s, sampleUser(1), sampleUser(2), sampleUser(3), sampleUser(4), sampleUser(10), sampleUser(12))
}

func testUserListEmpty(t *testing.T, s store.Users) {
	wantUsers(t, s)
}

func testUserReturnsCopies(t *testing.T, s store.Users) {
	u := sampleUser(1)
	mustOK(t, "CreateUser", s.CreateUser(t.Context(), u))
	u.Name = "Gekritzel"
	got, err := s.User(t.Context(), u.ID)
	mustOK(t, "User", err)
	got.Name = "Gekritzel"
	got, err = s.UserByEmail(t.Context(), u.Email)
	mustOK(t, "UserByEmail", err)
	got.Name = "Gekritzel"
	list, err := s.Users(t.Context())
	mustOK(t, "Users", err)
	list[0].Name = "Gekritzel"
	wantUser(t, s, sampleUser(1))
}

// loginKey is a key of sign-in attempts as the app makes them (a hex hash).
func loginKey(n int) string { return fmt.Sprintf("%064x", n+1) }

func testLoginAttemptsCounted(t *testing.T, s store.Users) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	for want := 1; want <= 3; want++ {
		n, until, err := s.CountLoginAttempt(t.Context(), loginKey(1), now.Add(time.Duration(want)*time.Second), time.Minute)
		if err != nil || n != want || !until.Equal(now.Add(time.Second+time.Minute)) {
			t.Fatalf("attempt %d: %d, %v, %v; want %d and the end of the window that the first attempt opened", want, n, until, err, want)
		}
	}
	if n, _, err := s.CountLoginAttempt(t.Context(), loginKey(2), now, time.Minute); err != nil || n != 1 {
		t.Errorf("another key: %d, %v; want 1", n, err)
	}
}

func testLoginAttemptsWindow(t *testing.T, s store.Users) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	for range 4 {
		if _, _, err := s.CountLoginAttempt(t.Context(), loginKey(1), now, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	later := now.Add(time.Minute)
	n, until, err := s.CountLoginAttempt(t.Context(), loginKey(1), later, time.Minute)
	if err != nil || n != 1 || !until.Equal(later.Add(time.Minute)) {
		t.Errorf("first attempt after the window: %d, %v, %v; want 1 in a new window", n, until, err)
	}
}

func testLoginAttemptsCleared(t *testing.T, s store.Users) {
	now := time.Now().UTC()
	for range 3 {
		if _, _, err := s.CountLoginAttempt(t.Context(), loginKey(1), now, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ClearLoginAttempts(t.Context(), loginKey(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearLoginAttempts(t.Context(), loginKey(3)); err != nil {
		t.Errorf("clearing a key without attempts: %v", err)
	}
	if n, _, err := s.CountLoginAttempt(t.Context(), loginKey(1), now, time.Minute); err != nil || n != 1 {
		t.Errorf("after clearing: %d, %v; want 1", n, err)
	}
}

func testLoginAttemptsInvalid(t *testing.T, s store.Users) {
	if _, _, err := s.CountLoginAttempt(t.Context(), "", time.Now(), time.Minute); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("empty key: %v, want EINVALID", err)
	}
	if _, _, err := s.CountLoginAttempt(t.Context(), loginKey(1), time.Now(), 0); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("no window: %v, want EINVALID", err)
	}
	if err := s.ClearLoginAttempts(t.Context(), ""); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("clear an empty key: %v, want EINVALID", err)
	}
}

// Attempts at the same moment are each counted once: the counts handed out are 1 to n,
// each once, except for attempts refused as busy (ECONFLICT), which count nothing.
func testLoginAttemptsParallel(t *testing.T, s store.Users) {
	const parallel = 12
	now := time.Now().UTC()
	counts := make(chan int, parallel)
	errs := make(chan error, parallel)
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, _, err := s.CountLoginAttempt(t.Context(), loginKey(1), now, time.Minute)
			if err != nil {
				errs <- err
				return
			}
			counts <- n
		}()
	}
	wg.Wait()
	close(counts)
	close(errs)
	for err := range errs {
		if wiki.ErrorCode(err) != wiki.ECONFLICT {
			t.Errorf("parallel attempt: %v, want a count or ECONFLICT", err)
		}
	}
	seen := map[int]bool{}
	for n := range counts {
		if seen[n] || n < 1 || n > parallel {
			t.Errorf("count %d handed out twice or out of range", n)
		}
		seen[n] = true
	}
	for n := 1; n <= len(seen); n++ {
		if !seen[n] {
			t.Errorf("counts %v: %d missing", seen, n)
		}
	}
	if len(seen) == 0 {
		t.Fatal("no attempt was counted")
	}
	if n, _, err := s.CountLoginAttempt(t.Context(), loginKey(1), now, time.Minute); err != nil || n != len(seen)+1 {
		t.Errorf("next attempt: %d, %v; want %d", n, err, len(seen)+1)
	}
}
