package app

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// send delivers a mail; a failure is logged and does not undo what the mail reports.
func (a *App) send(ctx context.Context, m mail.Message) {
	if a.mail == nil {
		return
	}
	if m.At.IsZero() {
		m.At = a.clock()
	}
	m.Subject = wiki.VisibleText(m.Subject) // titles stored before invisible characters were refused
	if err := a.mail.Send(ctx, m); err != nil {
		a.log.Error("send mail", "subject", m.Subject, "err", err)
	}
}

// Outbox returns the mails sent in local mode, newest first. Only coordinators; on AWS
// there is no outbox (ENOTFOUND).
func (a *App) Outbox(v auth.Viewer, limit int) ([]mail.Message, error) {
	if err := auth.Require(v, auth.ReadOutbox, nil); err != nil {
		return nil, err
	}
	if a.outbox == nil {
		return nil, wiki.E(wiki.ENOTFOUND, "outbox.aws")
	}
	return a.outbox.Messages(limit)
}
