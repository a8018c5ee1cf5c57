package app

import (
	"context"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Lifetimes of the links mailed to set a first or a new password.
const (
	InviteValid = 7 * 24 * time.Hour
	ResetValid  = 24 * time.Hour
)

// resetAnswerTime is how long RequestPasswordReset takes, whether or not the address has
// an account: looking it up, storing a link and sending a mail take time that would tell.
const resetAnswerTime = 500 * time.Millisecond

// RequestPasswordReset mails a reset link to the address if it belongs to an active account.
// It answers the same either way, and after the same time (resetAnswerTime), so that nobody
// learns which addresses have accounts. The work runs beside the waiting; should it take
// longer, it goes on after the answer, and its failures are only logged.
func (a *App) RequestPasswordReset(ctx context.Context, email, clientAddr string) error {
	now := a.clock()
	if !a.throttle.allow(clientAddr, now) {
		return &wiki.Error{Code: wiki.ETOOMANY, RetryAfter: addrWindow, Message: text.M("account.too_many_requests")}
	}
	a.throttle.add(clientAddr, now) // each request counts: this is a mail-sending endpoint
	wait := a.resetAnswer
	if wait == 0 {
		wait = resetAnswerTime
	}
	answer := time.NewTimer(wait)
	defer answer.Stop()
	work := context.WithoutCancel(ctx)
	go func() {
		defer a.recoverIn("password reset")
		if err := a.sendResetLink(work, email); err != nil {
			a.log.Error("password reset", "err", err)
		}
	}()
	<-answer.C
	return nil
}

// sendResetLink stores a reset link for the active account of email, if there is one,
// and mails it.
func (a *App) sendResetLink(ctx context.Context, email string) error {
	u, err := a.stores.Users.UserByEmail(ctx, wiki.NormalizeEmail(email))
	if wiki.ErrorCode(err) == wiki.ENOTFOUND || (err == nil && u.Disabled) {
		return nil
	} else if err != nil {
		return err
	}
	link, err := a.newLink(ctx, u, store.TokenReset, ResetValid)
	if err != nil {
		return err
	}
	a.audit(ctx, auth.Visitor, "user.reset_requested", u.Email, "")
	a.send(ctx, mail.Message{To: u.Email, Subject: written.Text("mail.reset.subject"),
		Body: written.Text("mail.reset.body", u.Name, link)})
	return nil
}

func (a *App) newLink(ctx context.Context, u *wiki.User, kind store.TokenKind, valid time.Duration) (string, error) {
	secret := auth.NewSecret()
	now := a.clock()
	t := &store.Token{Hash: auth.HashSecret(secret), Kind: kind, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(valid)}
	if err := a.stores.Tokens.PutToken(ctx, t); err != nil {
		return "", err
	}
	return a.baseURL + "/passwort/" + secret, nil
}

var errBadLink = wiki.E(wiki.ENOTFOUND, "account.link_expired")

// PasswordLink returns the account a one-time link is for. Returns ENOTFOUND for an
// unknown, expired or used link.
func (a *App) PasswordLink(ctx context.Context, secret string) (*wiki.User, error) {
	hash, ok := auth.ParseSecret(secret)
	if !ok {
		return nil, errBadLink
	}
	t, err := a.stores.Tokens.Token(ctx, hash)
	if err != nil || (t.Kind != store.TokenInvite && t.Kind != store.TokenReset) {
		return nil, errBadLink
	}
	u, err := a.stores.Users.User(ctx, t.UserID)
	if err != nil || u.Disabled {
		return nil, errBadLink
	}
	return u, nil
}

// SetPassword sets the password through a one-time link, which it uses up together with
// every other reset and invitation link of the account, ends all other sessions of the
// account and starts a new one. Returns the session secret.
func (a *App) SetPassword(ctx context.Context, secret, password string) (string, *wiki.User, error) {
	if _, err := a.PasswordLink(ctx, secret); err != nil {
		return "", nil, err
	}
	if err := auth.CheckPassword(password); err != nil {
		return "", nil, err
	}
	release, err := a.hashes.enter(ctx)
	if err != nil {
		return "", nil, err
	}
	defer release()
	hash, _ := auth.ParseSecret(secret)
	t, err := a.stores.Tokens.ConsumeToken(ctx, hash)
	if err != nil {
		return "", nil, errBadLink
	}
	u, err := a.stores.Users.User(ctx, t.UserID)
	if err != nil {
		return "", nil, err
	}
	if err := a.voidPasswordLinks(ctx, u.ID); err != nil {
		return "", nil, err
	}
	now := a.clock()
	u.PasswordHash, u.FailedLogins, u.LockedUntil, u.UpdatedAt = auth.HashPassword(password), 0, time.Time{}, now
	if err := a.stores.Users.UpdateUser(ctx, u); err != nil {
		return "", nil, err
	}
	if err := a.stores.Sessions.DeleteUserSessions(ctx, u.ID); err != nil {
		return "", nil, err
	}
	a.audit(ctx, auth.Viewer{User: u}, "user.password_set", u.Email, string(t.Kind))
	s, err := a.startSession(ctx, u, now)
	return s, u, err
}

// voidPasswordLinks deletes every outstanding reset and invitation link of an account. It
// runs whenever a password is set, before the new one is stored: an older link must not
// set another password afterwards (and end the owner's sessions with it). If it fails,
// the password is left as it was.
func (a *App) voidPasswordLinks(ctx context.Context, userID string) error {
	for _, kind := range []store.TokenKind{store.TokenReset, store.TokenInvite} {
		tokens, err := a.stores.Tokens.UserTokens(ctx, userID, kind)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			if err := a.stores.Tokens.DeleteToken(ctx, t.Hash); err != nil {
				return err
			}
		}
	}
	return nil
}

// ChangePassword changes the viewer's own password after checking the current one (which
// counts as a login attempt for throttling), voids the account's reset and invitation
// links, ends every session of the account — a thief
// of an old session is locked out — and starts a new one, whose secret it returns.
func (a *App) ChangePassword(ctx context.Context, v auth.Viewer, current, next, clientAddr string) (string, error) {
	if !v.SignedIn() {
		return "", auth.Require(v, auth.EditEntry, nil)
	}
	now := a.clock()
	if !a.throttle.allow(clientAddr, now) {
		return "", &wiki.Error{Code: wiki.ETOOMANY, RetryAfter: addrWindow, Message: text.M("account.too_many_attempts")}
	}
	release, err := a.hashes.enter(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	if !auth.VerifyPassword(v.User.PasswordHash, current) {
		a.throttle.add(clientAddr, now)
		return "", wiki.FieldError(wiki.EINVALID, "current", "account.wrong_password")
	}
	if err := auth.CheckPassword(next); err != nil {
		return "", err
	}
	if err := a.voidPasswordLinks(ctx, v.User.ID); err != nil {
		return "", err
	}
	u := *v.User
	u.PasswordHash, u.UpdatedAt = auth.HashPassword(next), now
	if err := a.stores.Users.UpdateUser(ctx, &u); err != nil {
		return "", err
	}
	if err := a.stores.Sessions.DeleteUserSessions(ctx, u.ID); err != nil {
		return "", err
	}
	a.audit(ctx, v, "user.password_changed", u.Email, "")
	return a.startSession(ctx, &u, now)
}
