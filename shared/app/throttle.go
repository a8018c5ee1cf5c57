package app

import (
	"sync"
	"time"
)

// throttle counts events per key (failed logins per client address, new entries per
// account) in a sliding window and allows at most limit of them in it. It lives in the
// process: each Lambda instance counts for itself; the per-account sign-in lock (stored with
// the user) holds across instances.
type throttle struct {
	limit  int
	window time.Duration

	mu     sync.Mutex
	events map[string][]time.Time
}

func (t *throttle) allow(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(key, now)) < t.limit
}

// wait returns how long until key may have one more event.
func (t *throttle) wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.recent(key, now)
	if len(list) < t.limit {
		return 0
	}
	return list[len(list)-t.limit].Add(t.window).Sub(now)
}

func (t *throttle) add(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.events == nil {
		t.events = map[string][]time.Time{}
	}
	t.events[key] = append(t.recent(key, now), now)
	if len(t.events) > 10000 { // bound the memory: forget keys whose window has passed
		for k := range t.events {
			if len(t.recent(k, now)) == 0 {
				delete(t.events, k)
			}
		}
	}
}

// recent returns the events of key inside the window; the caller holds mu.
func (t *throttle) recent(key string, now time.Time) []time.Time {
	list := t.events[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) > t.window {
		i++
	}
	return list[i:]
}
