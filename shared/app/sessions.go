package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Session lifetimes.
const (
	SessionIdle     = 12 * time.Hour      // a session unused this long ends
	SessionAbsolute = 14 * 24 * time.Hour // and every session ends after this long
	sessionTouch    = 5 * time.Minute     // LastSeen is written at most this often
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
