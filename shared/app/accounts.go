package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"runtime/debug"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Session and link lifetimes.
const (
	SessionIdle     = 12 * time.Hour      // a session unused this long ends
	SessionAbsolute = 14 * 24 * time.Hour // and every session ends after this long
	sessionTouch    = 5 * time.Minute     // LastSeen is written at most this often
	InviteValid     = 7 * 24 * time.Hour
	ResetValid      = 24 * time.Hour
)

// Login throttling: one e-mail address may be tried maxFailures times from one client
// address per lockFor; one client address may fail addrFailures times per addrWindow.
const (
	maxFailures  = 5
	lockFor      = 15 * time.Minute
	addrFailures = 20
	addrWindow   = 15 * time.Minute
)

var errBadLogin = wiki.E(wiki.EUNAUTHORIZED, "login.failed")

func newID(now time.Time) string { return ulid.MustNew(ulid.Timestamp(now), rand.Reader).String() }

// loginKey returns the key under which the store counts sign-in attempts for an e-mail
// address from a client address (for IPv6, its /64 network, which one client usually
// holds whole). It is a hash: neither address is stored.
func loginKey(email, clientAddr string) string {
	if ip := net.ParseIP(clientAddr); ip != nil && ip.To4() == nil {
		clientAddr = ip.Mask(net.CIDRMask(64, 128)).String()
	}
	sum := sha256.Sum256([]byte(wiki.NormalizeEmail(email) + "\x00" + clientAddr))
	return hex.EncodeToString(sum[:])
}

// Login checks an e-mail address and password and starts a session. It returns the
// session's secret for the cookie. Wrong credentials give EUNAUTHORIZED with the same
// message whether or not the account exists; too many attempts give ETOOMANY, again the
// same for every address, with the time to wait.
//
// Each attempt is counted in the store before the password is hashed, atomically, under
// the pair of e-mail address and client address: attempts at the same moment, through
// any instance, all count, and beyond maxFailures per lockFor the password is not even
// checked. Then the attempt waits for one of the few hash slots (hashGate); with none
// free, it is refused as busy. Another client address is not affected, so knowing someone's address is not
// enough to keep them out; the reset link works regardless.
func (a *App) Login(ctx context.Context, email, password, clientAddr string) (string, *wiki.User, error) {
	now := a.clock()
	if !a.throttle.allow(clientAddr, now) {
		return "", nil, &wiki.Error{Code: wiki.ETOOMANY, RetryAfter: addrWindow, Message: text.M("login.too_many_from_address")}
	}
	key := loginKey(email, clientAddr)
	n, until, err := a.stores.Users.CountLoginAttempt(ctx, key, now, lockFor)
	if wiki.ErrorCode(err) == wiki.ECONFLICT {
		return "", nil, &wiki.Error{Code: wiki.ETOOMANY, RetryAfter: hashBusyRetry, Message: text.M("login.busy")}
	} else if err != nil {
		return "", nil, err
	}
	if n > maxFailures {
		return "", nil, &wiki.Error{Code: wiki.ETOOMANY, RetryAfter: until.Sub(now),
			Message: text.M("login.locked", until.In(berlin).Format("15:04"))}
	}
	release, err := a.hashes.enter(ctx)
	if err != nil {
		return "", nil, err
	}
	defer release()
	u, err := a.stores.Users.UserByEmail(ctx, wiki.NormalizeEmail(email))
	if wiki.ErrorCode(err) == wiki.ENOTFOUND {
		auth.WasteTime(password)
		a.throttle.add(clientAddr, now)
		return "", nil, errBadLogin
	} else if err != nil {
		return "", nil, err
	}
	if u.PasswordHash == "" || u.Disabled || !auth.VerifyPassword(u.PasswordHash, password) {
		if u.PasswordHash == "" || u.Disabled {
			auth.WasteTime(password)
		}
		a.throttle.add(clientAddr, now)
		if n == maxFailures {
			a.audit(ctx, auth.Visitor, "user.locked", u.Email, written.Text("audit.detail.locked"))
		}
		return "", nil, errBadLogin
	}
	if err := a.stores.Users.ClearLoginAttempts(ctx, key); err != nil {
		a.log.Warn("clear login attempts", "err", err)
	}
	secret, err := a.startSession(ctx, u, now)
	if err != nil {
		return "", nil, err
	}
	return secret, u, nil
}

func (a *App) startSession(ctx context.Context, u *wiki.User, now time.Time) (string, error) {
	secret := auth.NewSecret()
	s := &store.Session{TokenHash: auth.HashSecret(secret), UserID: u.ID, CSRF: auth.NewSecret(), CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(SessionAbsolute)}
	if err := a.stores.Sessions.PutSession(ctx, s); err != nil {
		return "", err
	}
	return secret, nil
}

// Logout ends the session with the given secret.
func (a *App) Logout(ctx context.Context, secret string) error {
	hash, ok := auth.ParseSecret(secret)
	if !ok {
		return nil
	}
	return a.stores.Sessions.DeleteSession(ctx, hash)
}

// LogoutEverywhere ends every session of the viewer.
func (a *App) LogoutEverywhere(ctx context.Context, v auth.Viewer) error {
	if !v.SignedIn() {
		return nil
	}
	return a.stores.Sessions.DeleteUserSessions(ctx, v.User.ID)
}

// Session returns the user and session of a session cookie's secret. Returns
// EUNAUTHORIZED for a malformed, unknown, idle, expired or disabled session.
func (a *App) Session(ctx context.Context, secret string) (*wiki.User, *store.Session, error) {
	noSession := wiki.E(wiki.EUNAUTHORIZED, "login.session_expired")
	hash, ok := auth.ParseSecret(secret)
	if !ok {
		return nil, nil, noSession
	}
	s, err := a.stores.Sessions.Session(ctx, hash)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND {
		return nil, nil, noSession
	} else if err != nil {
		return nil, nil, err
	}
	now := a.clock()
	if now.After(s.ExpiresAt) || now.Sub(s.LastSeen) > SessionIdle {
		a.stores.Sessions.DeleteSession(ctx, hash)
		return nil, nil, noSession
	}
	u, err := a.stores.Users.User(ctx, s.UserID)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND || (err == nil && u.Disabled) {
		a.stores.Sessions.DeleteSession(ctx, hash)
		return nil, nil, noSession
	} else if err != nil {
		return nil, nil, err
	}
	if now.Sub(s.LastSeen) > sessionTouch {
		s.LastSeen = now
		if err := a.stores.Sessions.PutSession(ctx, s); err != nil {
			a.log.Warn("touch session", "err", err)
		}
	}
	return u, s, nil
}

// APIUser returns the owner of an API token (sent as "Authorization: Bearer …").
// Returns EUNAUTHORIZED for anything but a valid token of an active user.
func (a *App) APIUser(ctx context.Context, secret string) (*wiki.User, error) {
	bad := wiki.E(wiki.EUNAUTHORIZED, "login.bad_token")
	hash, ok := auth.ParseSecret(secret)
	if !ok {
		return nil, bad
	}
	t, err := a.stores.Tokens.Token(ctx, hash)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND || (err == nil && t.Kind != store.TokenAPI) {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	u, err := a.stores.Users.User(ctx, t.UserID)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND || (err == nil && u.Disabled) {
		return nil, bad
	}
	return u, err
}

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

// recoverIn is deferred first in every goroutine the app starts: a panic there would end
// the whole process, which the per-request recovery of the web layer cannot prevent. It
// logs the panic with what the goroutine was doing, and the server goes on.
func (a *App) recoverIn(what string) {
	if p := recover(); p != nil {
		a.log.Error("panic in background work", "work", what, "panic", p, "stack", string(debug.Stack()))
	}
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

// CreateAPIToken makes an API token acting with the viewer's role and returns its secret,
// which is shown once and stored only as a hash.
func (a *App) CreateAPIToken(ctx context.Context, v auth.Viewer, name string) (string, error) {
	if !v.SignedIn() {
		return "", auth.Require(v, auth.EditEntry, nil)
	}
	return a.createAPIToken(ctx, v, v.User, name)
}

func (a *App) createAPIToken(ctx context.Context, actor auth.Viewer, u *wiki.User, name string) (string, error) {
	name = trimName(name)
	if name == "" {
		name = "API-Token"
	}
	secret := auth.NewAPISecret()
	t := &store.Token{Hash: auth.HashSecret(secret), Kind: store.TokenAPI, UserID: u.ID, Name: name, CreatedAt: a.clock()}
	if err := a.stores.Tokens.PutToken(ctx, t); err != nil {
		return "", err
	}
	a.audit(ctx, actor, "token.created", u.Email, name)
	return secret, nil
}

// CreateAPITokenFor makes an API token for the account with the given e-mail (admin tool).
func (a *App) CreateAPITokenFor(ctx context.Context, email, name string) (string, error) {
	u, err := a.stores.Users.UserByEmail(ctx, wiki.NormalizeEmail(email))
	if err != nil {
		return "", err
	}
	return a.createAPIToken(ctx, auth.Visitor, u, name)
}

// APITokens lists the viewer's API tokens (without secrets).
func (a *App) APITokens(ctx context.Context, v auth.Viewer) ([]store.Token, error) {
	if !v.SignedIn() {
		return nil, auth.Require(v, auth.EditEntry, nil)
	}
	return a.stores.Tokens.UserTokens(ctx, v.User.ID, store.TokenAPI)
}

// RevokeAPIToken deletes one of the viewer's API tokens by its hash.
func (a *App) RevokeAPIToken(ctx context.Context, v auth.Viewer, hash string) error {
	if !v.SignedIn() {
		return auth.Require(v, auth.EditEntry, nil)
	}
	t, err := a.stores.Tokens.Token(ctx, hash)
	if err != nil || t.UserID != v.User.ID || t.Kind != store.TokenAPI {
		return wiki.E(wiki.ENOTFOUND, "account.token_not_found")
	}
	if err := a.stores.Tokens.DeleteToken(ctx, hash); err != nil {
		return err
	}
	a.audit(ctx, v, "token.revoked", v.User.Email, t.Name)
	return nil
}

func trimName(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		r = r[:80]
	}
	out := make([]rune, 0, len(r))
	for _, c := range r {
		if c >= ' ' && c != 0x7f && !wiki.Invisible(c) {
			out = append(out, c)
		}
	}
	return string(out)
}

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
