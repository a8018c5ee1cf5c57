package app

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// audit appends an event to the audit log; a failure is logged.
func (a *App) audit(ctx context.Context, actor auth.Viewer, action, target, detail string) {
	now := a.clock()
	ev := &wiki.AuditEvent{ID: newID(now), At: now, Action: action, Target: target, Detail: detail}
	if actor.User != nil {
		ev.Actor, ev.Name = actor.User.ID, actor.User.Name
	}
	if err := a.stores.Audit.AppendAudit(ctx, ev); err != nil {
		a.log.Error("audit", "action", action, "err", err)
	}
}

// AuditLog returns audit events, newest first, older than before. Only coordinators.
func (a *App) AuditLog(ctx context.Context, v auth.Viewer, before string, limit int) ([]wiki.AuditEvent, error) {
	if err := auth.Require(v, auth.ReadAudit, nil); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return a.stores.Audit.AuditLog(ctx, before, limit)
}
