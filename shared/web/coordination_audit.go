package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// auditApp is the part of the app that reads the audit log, for the page and the API.
// Each method's errors are those documented on app.App.
type auditApp interface {
	AuditLog(ctx context.Context, v auth.Viewer, before string, limit int) ([]wiki.AuditEvent, error)
}

// Audit log pages and exports.
const (
	auditPerPage     = 50
	auditExportBatch = 1000 // events read at a time for an export
)

// auditPage is the data of the audit log.
type auditPage struct {
	Events []auditRow
	First  bool   // the newest events are shown
	Older  string // id to continue after ("vor"), "" on the last page
}

// auditRow is one event with the German name of its action.
type auditRow struct {
	wiki.AuditEvent
	ActionLabel string
	Link        string // the entry's page, for entry actions
}

// auditActionLabel returns the name of an audit action, or the action itself.
func auditActionLabel(action string) string {
	if key := "audit.action." + action; catalogue.Has(key) {
		return catalogue.Text(key)
	}
	return action
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	if !s.coordinatorOnly(w, r, auth.ReadAudit) {
		return
	}
	q := r.URL.Query()
	switch q.Get("format") {
	case "":
	case "csv":
		s.auditExport(w, r, writeAuditCSV, "csv", "text/csv; charset=utf-8")
		return
	case "jsonl":
		s.auditExport(w, r, writeAuditJSONL, "jsonl", "application/x-ndjson; charset=utf-8")
		return
	default:
		s.renderError(w, r, wiki.E(wiki.EINVALID, "audit.format.unknown"))
		return
	}
	before := q.Get("vor")
	events, err := s.audit.AuditLog(r.Context(), viewerOf(r), before, auditPerPage+1)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &auditPage{First: before == ""}
	if len(events) > auditPerPage {
		events = events[:auditPerPage]
		p.Older = events[len(events)-1].ID
	}
	for _, ev := range events {
		row := auditRow{AuditEvent: ev, ActionLabel: auditActionLabel(ev.Action)}
		if strings.HasPrefix(ev.Action, "entry.") && wiki.ValidSlug(ev.Target) {
			row.Link = "/eintraege/" + ev.Target
		}
		p.Events = append(p.Events, row)
	}
	s.render(w, r, http.StatusOK, "audit", view{Title: T("audit.title"), Nav: "coordination", Data: p})
}

// auditWriter writes audit events in an export format; header is set for the first call.
type auditWriter func(w *bufio.Writer, events []wiki.AuditEvent, header bool) error

// auditExport sends the whole audit log, newest first, as a download.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request, write auditWriter, ext, contentType string) {
	ctx, v := r.Context(), viewerOf(r)
	events, err := s.audit.AuditLog(ctx, v, "", auditExportBatch)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="wissensnetz-protokoll-`+time.Now().In(berlin).Format("2006-01-02")+`.`+ext+`"`)
	bw := bufio.NewWriter(w)
	header := true
	for {
		if err := write(bw, events, header); err != nil {
			logFor(r).Error("audit export", "err", err)
			return
		}
		header = false
		if len(events) < auditExportBatch {
			break
		}
		if events, err = s.audit.AuditLog(ctx, v, events[len(events)-1].ID, auditExportBatch); err != nil {
			// The status is sent: all that is left is to cut the download short.
			logFor(r).Error("audit export", "err", err)
			return
		}
	}
	if err := bw.Flush(); err != nil {
		logFor(r).Warn("audit export", "err", err)
	}
}

// writeAuditCSV writes events as CSV for spreadsheets: UTF-8 with a byte order mark (so
// that Excel shows umlauts), a header row, semicolons between cells (what Excel expects in
// German settings), times in German time, and cells that a spreadsheet would take for a
// formula defused with a leading apostrophe.
func writeAuditCSV(w *bufio.Writer, events []wiki.AuditEvent, header bool) error {
	c := csv.NewWriter(w)
	c.Comma = ';'
	c.UseCRLF = true
	if header {
		w.WriteString("\uFEFF")
		c.Write([]string{T("audit.col.id"), T("audit.col.time"), T("audit.col.actor"), T("audit.col.action"),
			T("audit.col.code"), T("audit.col.target"), T("audit.col.detail")})
	}
	for _, ev := range events {
		c.Write([]string{ev.ID, ev.At.In(berlin).Format("2006-01-02 15:04:05"), spreadsheetSafe(ev.Name),
			auditActionLabel(ev.Action), ev.Action, spreadsheetSafe(ev.Target), spreadsheetSafe(ev.Detail)})
	}
	c.Flush()
	return c.Error()
}

// spreadsheetSafe keeps a spreadsheet from running a cell as a formula.
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeAuditJSONL writes one JSON object per line, as stored.
func writeAuditJSONL(w *bufio.Writer, events []wiki.AuditEvent, _ bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return err
		}
	}
	return nil
}
