package app

import (
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Parallel wrong passwords for one account from one address are counted each: at most
// maxFailures of them are checked, the others are refused without hashing, the lock is
// logged, and then the right password from that address is refused too.
func TestLoginParallelFailures(t *testing.T) {
	a := openNow(t)
	ctx := t.Context()
	member, _ := users(t, a)
	a.hashes.wait = time.Minute // slow machines: no attempt may be refused as busy here
	const addr, parallel = "192.0.2.9", 30
	codes := make(chan wiki.Code, parallel)
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := a.Login(ctx, member.User.Email, "falsches-Passwort", addr)
			codes <- wiki.ErrorCode(err)
		}()
	}
	wg.Wait()
	close(codes)
	count := map[wiki.Code]int{}
	for c := range codes {
		count[c]++
	}
	if count[wiki.EUNAUTHORIZED] > maxFailures || count[wiki.ETOOMANY] < parallel-maxFailures || count[wiki.EUNAUTHORIZED]+count[wiki.ETOOMANY] != parallel {
		t.Errorf("answers %v, want at most %d unauthorized and the rest too many", count, maxFailures)
	}
	if _, _, err := a.Login(ctx, member.User.Email, "Pegelstand-2024!", addr); wiki.ErrorCode(err) != wiki.ETOOMANY || wiki.RetryAfter(err) <= 0 {
		t.Errorf("right password after the failures: %v (retry after %v), want ETOOMANY with a time to wait", err, wiki.RetryAfter(err))
	}
	events, err := a.AuditLog(ctx, everything, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	locked := 0
	for _, ev := range events {
		if ev.Action == "user.locked" {
			locked++
		}
	}
	if locked != 1 {
		t.Errorf("%d user.locked events, want 1 (answers %v)", locked, count)
	}
}

// No more than maxHashes password hashes run at once; a login over the bound waits a
// little and is then refused with a time to wait.
func TestLoginHashBound(t *testing.T) {
	a := openNow(t)
	member, _ := users(t, a)
	var held []func()
	for range maxHashes {
		release, err := a.hashes.enter(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, release)
	}
	_, _, err := a.Login(t.Context(), member.User.Email, "Pegelstand-2024!", "192.0.2.10")
	if wiki.ErrorCode(err) != wiki.ETOOMANY || wiki.RetryAfter(err) <= 0 {
		t.Errorf("login with every hash slot taken: %v, want ETOOMANY with a time to wait", err)
	}
	for _, release := range held {
		release()
	}
	if _, _, err := a.Login(t.Context(), member.User.Email, "Pegelstand-2024!", "192.0.2.10"); err != nil {
		t.Errorf("login once the slots are free: %v", err)
	}
}
