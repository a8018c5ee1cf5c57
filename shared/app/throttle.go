package app

import (
	"sync"
	"time"
)

// throttle counts failed logins per client address in a sliding window. It lives in the
// process: each Lambda instance counts for itself, the per-account lock (stored with the
// user) holds across instances.
type throttle struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func (t *throttle) allow(addr string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(addr, now)) < addrFailures
}

func (t *throttle) fail(addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fails == nil {
		t.fails = map[string][]time.Time{}
	}
	t.fails[addr] = append(t.recent(addr, now), now)
	if len(t.fails) > 10000 { // bound the memory: forget addresses whose window has passed
		for a := range t.fails {
			if len(t.recent(a, now)) == 0 {
				delete(t.fails, a)
			}
		}
	}
}

// recent returns the failures of addr inside the window; the caller holds mu.
func (t *throttle) recent(addr string, now time.Time) []time.Time {
	list := t.fails[addr]
	i := 0
	for i < len(list) && now.Sub(list[i]) > addrWindow {
		i++
	}
	return list[i:]
}
