package app

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

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

// twoResetLinks opens an App with a member who asked twice for a reset link, and returns
// the two links mailed.
func twoResetLinks(t *testing.T, addr string) (*App, auth.Viewer, []string) {
	t.Helper()
	a := openNow(t)
	member, _ := users(t, a)
	for range 2 {
		if err := a.RequestPasswordReset(t.Context(), member.User.Email, addr); err != nil {
			t.Fatal(err)
		}
	}
	links := mailedLinks(t, a)
	if len(links) != 2 {
		t.Fatalf("%d links mailed, want 2", len(links))
	}
	return a, member, links
}

// Setting or changing a password voids every reset and invitation link of the account.
func TestPasswordChangeVoidsLinks(t *testing.T) {
	const addr = "192.0.2.7"
	t.Run("reset link used", func(t *testing.T) {
		a, _, links := twoResetLinks(t, addr)
		ctx := t.Context()
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
		a, member, _ := twoResetLinks(t, addr)
		ctx := t.Context()
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

// "Passwort vergessen" answers alike, in the same time, for an existing and an unknown
// address; the mail is sent all the same.
func TestPasswordResetAnswersAlike(t *testing.T) {
	a := openNow(t)
	ctx := t.Context()
	member, _ := users(t, a)
	a.resetAnswer = 300 * time.Millisecond
	took := func(email string) time.Duration {
		start := time.Now()
		if err := a.RequestPasswordReset(ctx, email, "192.0.2.11"); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		return time.Since(start)
	}
	known, unknown := took(member.User.Email), took("niemand@beispiel-kommune.de")
	for _, d := range []time.Duration{known, unknown} {
		if d < a.resetAnswer {
			t.Errorf("answered after %v, want no sooner than %v for either address (known %v, unknown %v)", d, a.resetAnswer, known, unknown)
		}
	}
	if len(mailedLinks(t, a)) != 1 {
		t.Errorf("%d links mailed, want 1", len(mailedLinks(t, a)))
	}
}

// usersPort names the port, so that a struct can embed it (a field named Users would hide
// its method Users).
type usersPort = store.Users

// panickyUsers panics when an account is looked up by e-mail.
type panickyUsers struct{ usersPort }

func (*panickyUsers) UserByEmail(context.Context, string) (*wiki.User, error) { panic("kaputt") }

// A panic in the background work of a reset request is logged, and the app goes on.
func TestBackgroundPanicRecovered(t *testing.T) {
	a := openNow(t)
	var logged syncBuffer
	a.log = slog.New(slog.NewTextHandler(&logged, nil))
	a.stores.Users = &panickyUsers{a.stores.Users}
	a.resetAnswer = time.Millisecond
	if err := a.RequestPasswordReset(t.Context(), "max@beispiel-kommune.de", "192.0.2.12"); err != nil {
		t.Fatal(err)
	}
	var out string
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out, "panic in background work") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		out += logged.take()
	}
	if !strings.Contains(out, "work=\"password reset\"") || !strings.Contains(out, "kaputt") {
		t.Errorf("log = %q, want the panic with its context", out)
	}
}
