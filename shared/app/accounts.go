package app

import (
	"context"
	"fmt"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// NewUser describes an account to create.
type NewUser struct {
	Email, Name  string
	Role         wiki.Role
	Municipality string
	Password     string // empty: the person sets it through an invitation link
}

// CreateUser creates an account directly (admin tool, first coordinator at start).
// Returns EINVALID or ECONFLICT for a taken e-mail.
func (a *App) CreateUser(ctx context.Context, actor auth.Viewer, in NewUser) (*wiki.User, error) {
	now := a.clock()
	u := &wiki.User{ID: newID(now), Email: in.Email, Name: in.Name, Role: in.Role, Municipality: in.Municipality, CreatedAt: now, UpdatedAt: now}
	if err := u.Validate(&a.cat); err != nil {
		return nil, err
	}
	if in.Password != "" {
		if err := auth.CheckPassword(in.Password); err != nil {
			return nil, err
		}
		u.PasswordHash = auth.HashPassword(in.Password)
	}
	if err := a.stores.Users.CreateUser(ctx, u); err != nil {
		if wiki.ErrorCode(err) == wiki.ECONFLICT {
			return nil, wiki.FieldError(wiki.ECONFLICT, "email", "account.email_taken")
		}
		return nil, err
	}
	a.audit(ctx, actor, "user.created", u.Email, u.Role.Label())
	return u, nil
}

// Invite creates an account without password and mails a link, valid InviteValid, to set
// one. Only coordinators invite.
func (a *App) Invite(ctx context.Context, actor auth.Viewer, in NewUser) (*wiki.User, error) {
	if err := auth.Require(actor, auth.ManageUsers, nil); err != nil {
		return nil, err
	}
	in.Password = ""
	u, err := a.CreateUser(ctx, actor, in)
	if err != nil {
		return nil, err
	}
	link, err := a.newLink(ctx, u, store.TokenInvite, InviteValid)
	if err != nil {
		return nil, err
	}
	a.audit(ctx, actor, "user.invited", u.Email, u.Role.Label())
	a.send(ctx, mail.Message{To: u.Email, Subject: written.Text("mail.invite.subject"),
		Body: written.Text("mail.invite.body",
			u.Name, actor.User.Name, a.clock().Add(InviteValid).In(berlin).Format(written.Text("format.datetime")), link)})
	return u, nil
}

// UserChange is what a coordinator may change of an account.
type UserChange struct {
	Name         string
	Role         wiki.Role
	Municipality string
	Disabled     bool
}

// UpdateUser changes an account's name, role, municipality or disabled flag. Disabling
// ends the person's sessions at once. Only coordinators; nobody disables themselves.
func (a *App) UpdateUser(ctx context.Context, actor auth.Viewer, id string, c UserChange) (*wiki.User, error) {
	if err := auth.Require(actor, auth.ManageUsers, nil); err != nil {
		return nil, err
	}
	u, err := a.stores.Users.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.ID == actor.User.ID && (c.Disabled || c.Role != wiki.RoleCoordinator) {
		return nil, wiki.E(wiki.EINVALID, "account.self_lockout")
	}
	before := *u
	u.Name, u.Role, u.Municipality, u.Disabled, u.UpdatedAt = c.Name, c.Role, c.Municipality, c.Disabled, a.clock()
	if err := u.Validate(&a.cat); err != nil {
		return nil, err
	}
	if err := a.stores.Users.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	if u.Disabled {
		if err := a.stores.Sessions.DeleteUserSessions(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	switch {
	case u.Disabled && !before.Disabled:
		a.audit(ctx, actor, "user.disabled", u.Email, "")
	case !u.Disabled && before.Disabled:
		a.audit(ctx, actor, "user.enabled", u.Email, "")
	}
	if u.Role != before.Role || u.Municipality != before.Municipality {
		a.audit(ctx, actor, "user.role_changed", u.Email, written.Text("audit.detail.role_changed", text.M(before.Role.LabelKey()), a.cat.MunicipalityName(before.Municipality), text.M(u.Role.LabelKey()), a.cat.MunicipalityName(u.Municipality)))
	}
	return u, nil
}

// Users lists all accounts. Only coordinators.
func (a *App) Users(ctx context.Context, actor auth.Viewer) ([]wiki.User, error) {
	if err := auth.Require(actor, auth.ManageUsers, nil); err != nil {
		return nil, err
	}
	return a.stores.Users.Users(ctx)
}

// User returns one account. Only coordinators, or the person themselves.
func (a *App) User(ctx context.Context, actor auth.Viewer, id string) (*wiki.User, error) {
	if !actor.SignedIn() || (actor.User.ID != id && !actor.IsCoordinator()) {
		return nil, auth.Require(actor, auth.ManageUsers, nil)
	}
	return a.stores.Users.User(ctx, id)
}

// Bootstrap creates the first coordinator from u when no account exists yet.
func (a *App) Bootstrap(ctx context.Context, u *NewUser) error {
	if u == nil || u.Email == "" {
		return nil
	}
	users, err := a.stores.Users.Users(ctx)
	if err != nil || len(users) > 0 {
		return err
	}
	u.Role = wiki.RoleCoordinator
	if _, err := a.CreateUser(ctx, auth.Visitor, *u); err != nil {
		return fmt.Errorf("create first coordinator: %w", err)
	}
	a.log.Info("first coordinator created")
	return nil
}
