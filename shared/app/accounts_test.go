package app

import (
	"regexp"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// openNow opens a local app with the fixture and the wall clock, which the stores use to
// expire links and sessions.
func openNow(t *testing.T) *App {
	t.Helper()
	a, err := OpenLocal(t.Context(), LocalConfig{DataDir: t.TempDir(), Demo: fixture(t), DemoAuthor: wiki.DemoAuthor})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

var linkSecret = regexp.MustCompile(`/passwort/([A-Za-z0-9_-]{43})`)

// mailedLinks returns the secrets of the password links mailed so far, oldest first.
func mailedLinks(t *testing.T, a *App) []string {
	t.Helper()
	msgs, err := a.outbox.Messages(100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := linkSecret.FindStringSubmatch(msgs[i].Body); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// Setting or changing a password voids every reset and invitation link of the account.
func TestPasswordChangeVoidsLinks(t *testing.T) {
	const addr = "192.0.2.7"
	t.Run("reset link used", func(t *testing.T) {
		a := openNow(t)
		ctx := t.Context()
		member, _ := users(t, a)
		for range 2 {
			if err := a.RequestPasswordReset(ctx, member.User.Email, addr); err != nil {
				t.Fatal(err)
			}
		}
		links := mailedLinks(t, a)
		if len(links) != 2 {
			t.Fatalf("%d links mailed, want 2", len(links))
		}
		if _, _, err := a.SetPassword(ctx, links[0], "Neues-Passwort-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.PasswordLink(ctx, links[1]); wiki.ErrorCode(err) != wiki.ENOTFOUND {
			t.Errorf("second reset link after the first was used: %v, want ENOTFOUND", err)
		}
		if _, _, err := a.SetPassword(ctx, links[1], "Noch-ein-Passwort"); wiki.ErrorCode(err) != wiki.ENOTFOUND {
			t.Errorf("setting a password through the second link: %v, want ENOTFOUND", err)
		}
	})
	t.Run("password changed in the profile", func(t *testing.T) {
		a := openNow(t)
		ctx := t.Context()
		member, _ := users(t, a)
		for range 2 {
			if err := a.RequestPasswordReset(ctx, member.User.Email, addr); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.ChangePassword(ctx, member, "Pegelstand-2024!", "Neues-Passwort-2", addr); err != nil {
			t.Fatal(err)
		}
		for i, link := range mailedLinks(t, a) {
			if _, err := a.PasswordLink(ctx, link); wiki.ErrorCode(err) != wiki.ENOTFOUND {
				t.Errorf("reset link %d after a profile change: %v, want ENOTFOUND", i+1, err)
			}
		}
	})
	t.Run("invitation accepted", func(t *testing.T) {
		a := openNow(t)
		ctx := t.Context()
		_, coord := users(t, a)
		u, err := a.Invite(ctx, coord, NewUser{Email: "neu@beispiel.de", Name: "Nora Neu", Role: wiki.RoleMember, Municipality: "07312000"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.RequestPasswordReset(ctx, u.Email, addr); err != nil {
			t.Fatal(err)
		}
		links := mailedLinks(t, a)
		if len(links) != 2 {
			t.Fatalf("%d links mailed, want 2", len(links))
		}
		apiToken, err := a.CreateAPIToken(ctx, auth.Viewer{User: u}, "Skript")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.SetPassword(ctx, links[0], "Neues-Passwort-3"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.PasswordLink(ctx, links[1]); wiki.ErrorCode(err) != wiki.ENOTFOUND {
			t.Errorf("reset link after the invitation was accepted: %v, want ENOTFOUND", err)
		}
		if _, err := a.APIUser(ctx, apiToken); err != nil {
			t.Errorf("API token after setting the password: %v, want it kept", err)
		}
	})
}
