package app

import (
	"context"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// maxHashes bounds the password hashes (argon2id, 64 MiB and about 60–90 ms each) that
// one instance computes at once, so that a burst of sign-ins cannot exhaust its memory or
// starve other requests of CPU.
const maxHashes = 3

// hashWait is how long a request waits for a free hash slot before it is refused.
const hashWait = 2 * time.Second

// hashBusyRetry is what a refused request is told to wait.
const hashBusyRetry = 5 * time.Second

// hashGate hands out the maxHashes slots. The zero value is ready for use.
type hashGate struct {
	once  sync.Once
	slots chan struct{}
	wait  time.Duration // how long enter waits; 0: hashWait (tests set it)
}

// enter waits up to hashWait for a slot and returns the function that frees it. Returns
// ETOOMANY, with a time to wait, when none becomes free.
func (g *hashGate) enter(ctx context.Context) (func(), error) {
	g.once.Do(func() { g.slots = make(chan struct{}, maxHashes) })
	wait := g.wait
	if wait == 0 {
		wait = hashWait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, &wiki.Error{Code: wiki.ETOOMANY, RetryAfter: hashBusyRetry,
		Message: text.M("login.busy_hashing")}
}
