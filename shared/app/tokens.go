package app

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

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
