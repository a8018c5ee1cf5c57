package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func runAudit(t *testing.T, open func(t *testing.T) store.Audit) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Audit)
	}{
		{"AppendAndLog", testAuditAppendAndLog},
		{"Conflict", testAuditConflict},
		{"Paging", testAuditPaging},
		{"Empty", testAuditEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

// auditEvent returns event n; ids and times grow with n.
func auditEvent(n int) *wiki.AuditEvent {
	actions := []struct{ action, target, detail string }{
		{"user.invited", "anna.schaefer@kaiserslautern.example", "Rolle: Mitglied"},
		{"entry.published", "lorawan-sensornetz", ""},
		{"entry.changes_requested", "offene-datenplattform", "Bitte die Kosten ergänzen – danke!"},
		{"municipality.updated", "07111000", ""},
		{"topic.merged", "open-data", "zusammengeführt mit „Open Data & urbane Datenplattformen“"},
	}
	a := actions[n%len(actions)]
	return &wiki.AuditEvent{
		ID:     fmt.Sprintf("01HT5N2R8Y4K7W1C3D6F9G%04d", n),
		At:     time.Date(2025, time.April, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(n)*time.Minute + 125*time.Millisecond),
		Actor:  userID(2),
		Name:   "Jürgen Weiß",
		Action: a.action,
		Target: a.target,
		Detail: a.detail,
	}
}

func appendAudit(t *testing.T, s store.Audit, ev *wiki.AuditEvent) {
	t.Helper()
	c := *ev
	mustOK(t, "AppendAudit("+ev.ID+")", s.AppendAudit(t.Context(), &c))
}

func wantAuditLog(t *testing.T, s store.Audit, before string, limit int, want ...*wiki.AuditEvent) {
	t.Helper()
	what := fmt.Sprintf("AuditLog(%q, %d)", before, limit)
	got, err := s.AuditLog(t.Context(), before, limit)
	mustOK(t, what, err)
	list := make([]wiki.AuditEvent, len(want))
	for i, ev := range want {
		list[i] = *ev
	}
	wantSame(t, what, got, list)
}

func testAuditAppendAndLog(t *testing.T, s store.Audit) {
	system := auditEvent(4)
	system.Actor, system.Name, system.Action, system.Detail = "", "", "user.locked", ""
	system.At = time.Date(2025, time.April, 1, 11, 4, 0, 125_000_000, time.FixedZone("MESZ", 2*60*60))
	events := []*wiki.AuditEvent{auditEvent(3), auditEvent(1), system, auditEvent(5), auditEvent(2)}
	for _, ev := range events {
		appendAudit(t, s, ev)
	}
	wantAuditLog(t, s, "", 10, auditEvent(5), system, auditEvent(3), auditEvent(2), auditEvent(1))
}

func testAuditConflict(t *testing.T, s store.Audit) {
	first := auditEvent(1)
	appendAudit(t, s, first)
	again := auditEvent(1)
	again.Action, again.Detail = "entry.archived", "überschrieben"
	wantCode(t, "AppendAudit with an existing id", s.AppendAudit(t.Context(), again), wiki.ECONFLICT)
	wantAuditLog(t, s, "", 10, first)
}

func testAuditPaging(t *testing.T, s store.Audit) {
	const n = 7
	for _, i := range []int{4, 1, 7, 2, 6, 3, 5} {
		appendAudit(t, s, auditEvent(i))
	}
	ev := func(ns ...int) []*wiki.AuditEvent {
		list := make([]*wiki.AuditEvent, len(ns))
		for i, n := range ns {
			list[i] = auditEvent(n)
		}
		return list
	}
	tests := []struct {
		name   string
		before string
		limit  int
		want   []*wiki.AuditEvent
	}{
		{"newest", "", 3, ev(7, 6, 5)},
		{"newest one", "", 1, ev(7)},
		{"all", "", n, ev(7, 6, 5, 4, 3, 2, 1)},
		{"more than there are", "", 100, ev(7, 6, 5, 4, 3, 2, 1)},
		{"second page", auditEvent(5).ID, 3, ev(4, 3, 2)},
		{"last page", auditEvent(2).ID, 3, ev(1)},
		{"before the newest", auditEvent(7).ID, 2, ev(6, 5)},
		{"before the oldest", auditEvent(1).ID, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAuditLog(t, s, tt.before, tt.limit, tt.want...)
		})
	}
	t.Run("walk", func(t *testing.T) {
		var seen []string
		before := ""
		for page := range n + 1 {
			got, err := s.AuditLog(t.Context(), before, 2)
			mustOK(t, fmt.Sprintf("AuditLog page %d", page), err)
			if len(got) > 2 {
				t.Fatalf("AuditLog page %d: got %d events, want at most 2", page, len(got))
			}
			if len(got) == 0 {
				break
			}
			for _, e := range got {
				seen = append(seen, e.ID)
			}
			before = got[len(got)-1].ID
		}
		want := make([]string, n)
		for i := range n {
			want[i] = auditEvent(n - i).ID
		}
		wantSame(t, "ids of all pages", seen, want)
	})
}

func testAuditEmpty(t *testing.T, s store.Audit) {
	wantAuditLog(t, s, "", 10)
	wantAuditLog(t, s, auditEvent(1).ID, 10)
}
