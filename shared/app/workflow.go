package app

import (
	"context"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Transition moves an entry through the workflow: submit, publish, request changes (comment
// required), archive, restore, withdraw. version is the version the person decided on (0:
// the current one); if the entry changed since, it returns ECONFLICT. Every transition is a
// revision and an audit event, and the submitter hears of decisions by mail.
func (a *App) Transition(ctx context.Context, v auth.Viewer, slug string, version int, to wiki.State, comment string) (*wiki.Entry, error) {
	cur, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, err
	}
	if version != 0 && version != cur.Version {
		return nil, wiki.E(wiki.ECONFLICT, "workflow.changed_since_decision")
	}
	if !to.Valid() {
		return nil, wiki.E(wiki.EINVALID, "workflow.unknown_state", to)
	}
	if !wiki.CanTransition(cur.State, to) {
		return nil, wiki.E(wiki.ECONFLICT, "workflow.move_refused", text.M(cur.State.LabelKey()), text.M(to.LabelKey()))
	}
	if !auth.CanTransition(v, cur, to) {
		return nil, auth.Require(v, auth.Review, nil)
	}
	comment = strings.TrimSpace(comment)
	if to == wiki.StateChangesRequested && comment == "" {
		return nil, wiki.FieldError(wiki.EINVALID, "comment", "workflow.comment_missing")
	}
	if err := wiki.ValidateRevisionNote(v.User.Name, comment); err != nil {
		return nil, err
	}
	e := cur.Clone()
	e.State, e.StateComment = to, comment
	if to == wiki.StateSubmitted {
		e.SubmittedBy = v.User.ID
	}
	if to != wiki.StatePublished {
		e.Featured = false
	}
	note := wiki.ActionLabel(cur.State, to)
	if comment != "" {
		note += ": " + comment
	}
	saved, err := a.saveVersion(ctx, v, cur, e, clip(note, wiki.MaxCommentLen))
	if err != nil {
		return nil, err
	}
	a.audit(ctx, v, "entry."+string(to), saved.Slug, comment)
	switch to {
	case wiki.StateSubmitted:
		a.notifyCoordinators(ctx, saved)
	case wiki.StatePublished, wiki.StateChangesRequested, wiki.StateArchived:
		a.notifySubmitter(ctx, v, saved)
	}
	return saved, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// notifyCoordinators tells every coordinator that an entry waits for review.
func (a *App) notifyCoordinators(ctx context.Context, e *wiki.Entry) {
	users, err := a.stores.Users.Users(ctx)
	if err != nil {
		a.log.Error("notify coordinators", "err", err)
		return
	}
	for _, u := range users {
		if u.Role == wiki.RoleCoordinator && !u.Disabled {
			a.send(ctx, mail.Message{To: u.Email, Subject: written.Text("mail.submitted.subject", e.Title),
				Body: written.Text("mail.submitted.body", u.Name, e.UpdatedBy, a.cat.MunicipalityName(e.Municipality), e.Title, a.baseURL, e.Slug, a.baseURL)})
		}
	}
}

// notifySubmitter tells who submitted an entry what the coordination decided.
func (a *App) notifySubmitter(ctx context.Context, v auth.Viewer, e *wiki.Entry) {
	if e.SubmittedBy == "" || e.SubmittedBy == v.User.ID {
		return
	}
	u, err := a.stores.Users.User(ctx, e.SubmittedBy)
	if err != nil || u.Disabled {
		return
	}
	body := written.Text("mail.decided.body", u.Name, e.Title, text.M(e.State.LabelKey()))
	if e.StateComment != "" {
		body += written.Text("mail.decided.comment", v.User.Name, e.StateComment)
	}
	body += written.Text("mail.decided.link", a.baseURL, e.Slug)
	a.send(ctx, mail.Message{To: u.Email, Subject: written.Text("mail.decided.subject", text.M(e.State.LabelKey()), e.Title), Body: body})
}

// SetFeatured shows a published entry on the start page, or stops doing so.
func (a *App) SetFeatured(ctx context.Context, v auth.Viewer, slug string, version int, featured bool) (*wiki.Entry, error) {
	cur, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, err
	}
	if err := auth.Require(v, auth.FeatureEntry, cur); err != nil {
		return nil, err
	}
	if version != 0 && version != cur.Version {
		return nil, conflict()
	}
	if featured && cur.State != wiki.StatePublished {
		return nil, wiki.E(wiki.EINVALID, "workflow.feature_unpublished")
	}
	if cur.Featured == featured {
		return cur, nil
	}
	e := cur.Clone()
	e.Featured = featured
	comment := written.Text("note.featured")
	if !featured {
		comment = written.Text("note.unfeatured")
	}
	saved, err := a.saveVersion(ctx, v, cur, e, comment)
	if err == nil {
		a.audit(ctx, v, map[bool]string{true: "entry.featured", false: "entry.unfeatured"}[featured], saved.Slug, "")
	}
	return saved, err
}

// MarkChecked marks the current version of an entry as checked by the coordination, which
// takes it off "Letzte Änderungen". version is the version that was checked.
func (a *App) MarkChecked(ctx context.Context, v auth.Viewer, slug string, version int) (*wiki.Entry, error) {
	if err := auth.Require(v, auth.Review, nil); err != nil {
		return nil, err
	}
	cur, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, err
	}
	if version != cur.Version {
		return nil, wiki.E(wiki.ECONFLICT, "workflow.changed_since_check")
	}
	if cur.PatrolledVersion >= cur.Version {
		return cur, nil
	}
	e := cur.Clone()
	saved, err := a.saveVersion(ctx, v, cur, e, written.Text("note.checked", max(cur.PatrolledVersion, 1)))
	if err == nil {
		a.audit(ctx, v, "entry.checked", saved.Slug, written.Text("audit.detail.version", version))
	}
	return saved, err
}
