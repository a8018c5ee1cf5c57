package web

import (
	"net/http"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// mailApp is the part of the app that shows the mails of local mode.
// Each method's errors are those documented on app.App.
type mailApp interface {
	Outbox(v auth.Viewer, limit int) ([]mail.Message, error)
}

// outboxLimit is how many of the newest mails the outbox page shows.
const outboxLimit = 50

// outboxPage is the data of the outbox: the mails sent in local mode, or why there are none.
type outboxPage struct {
	Messages []mail.Message
	Missing  string // why there is no outbox (AWS mode)
}

func (s *Server) outbox(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ReadOutbox) {
		return
	}
	msgs, err := s.mails.Outbox(viewerOf(r), outboxLimit)
	p := &outboxPage{Messages: msgs}
	switch {
	case wiki.ErrorCode(err) == wiki.ENOTFOUND:
		p.Missing = wiki.ErrorText(catalogue, err)
	case err != nil:
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer") // mails hold one-time links
	s.render(w, r, http.StatusOK, "outbox", view{Title: T("outbox.title"), Nav: "coordination", Data: p})
}
