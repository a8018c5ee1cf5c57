package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func TestCheckBlobKey(t *testing.T) {
	for _, key := range []string{"a", "a/b.txt", "attachments/01H/bericht.pdf", "a..b/.c"} {
		if err := CheckBlobKey(key); err != nil {
			t.Errorf("CheckBlobKey(%q): got %v, want nil", key, err)
		}
	}
	for _, key := range []string{"", "/a", "a/", "a//b", ".", "a/./b", "..", "a/../b", `a\b`, "a\x00b"} {
		err := CheckBlobKey(key)
		if got := wiki.ErrorCode(err); got != wiki.EINVALID {
			t.Errorf("CheckBlobKey(%q): got %v (code %q), want code %q", key, err, got, wiki.EINVALID)
		}
	}
}

func TestChecksOfEmptyValues(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"entry keys", CheckKeys(&wiki.Entry{ID: "01H"}), "Ein Eintrag braucht eine Kennung und eine Kurzadresse."},
		{"municipality", CheckMunicipality(&wiki.Municipality{}), "Der Amtliche Gemeindeschlüssel fehlt."},
		{"topic", CheckTopic(&wiki.Topic{}), "Das Thema braucht eine Kurzadresse."},
		{"word lists", CheckWordLists(&wiki.WordLists{}), "Die Versionsnummer der Suchwörter fehlt."},
		{"user", CheckUser(&wiki.User{ID: "u1", Email: "  "}), "Ein Benutzerkonto braucht eine Kennung und eine E-Mail-Adresse."},
		{"session", CheckSession(&Session{TokenHash: "h"}), "Eine Sitzung braucht einen Token-Hash und ein Benutzerkonto."},
		{"token", CheckToken(&Token{Hash: "h", UserID: "u1"}), "Ein Schlüssel braucht einen Hash, eine Art und ein Benutzerkonto."},
		{"login key", CheckLoginAttempt("", time.Minute), "Anmeldeversuche brauchen einen Schlüssel."},
		{"login window", CheckLoginAttempt("k", time.Millisecond), "Das Zeitfenster für Anmeldeversuche fehlt."},
		{"audit event", CheckAuditEvent(&wiki.AuditEvent{}), "Ein Protokolleintrag braucht eine Kennung."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var we *wiki.Error
			if !errors.As(tt.err, &we) || we.Code != wiki.EINVALID || wiki.ErrorText(text.German, we) != tt.want {
				t.Errorf("got %v, want EINVALID %q", tt.err, tt.want)
			}
		})
	}
}

func TestCheckCreateEntry(t *testing.T) {
	e := &wiki.Entry{ID: "01H", Slug: "sensornetz", Version: 2}
	if _, err := CheckCreateEntry(e, &wiki.Revision{}); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("version 2: got %v, want EINVALID", err)
	}
	e.Version = 1
	r, err := CheckCreateEntry(e, &wiki.Revision{Author: "Jürgen Weiß"})
	if err != nil || r.EntryID != "01H" || r.Version != 1 || r.Author != "Jürgen Weiß" {
		t.Errorf("got %+v, %v, want the revision completed from the entry", r, err)
	}
}

func TestExpired(t *testing.T) {
	now := time.Date(2025, time.April, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"never", time.Time{}, false},
		{"later", now.Add(time.Nanosecond), false},
		{"now", now, true},
		{"earlier", now.Add(-time.Second), true},
	}
	for _, tt := range tests {
		s, tok := Session{ExpiresAt: tt.at}, Token{ExpiresAt: tt.at}
		if got := s.Expired(now); got != tt.want {
			t.Errorf("%s: Session.Expired got %v, want %v", tt.name, got, tt.want)
		}
		if got := tok.Expired(now); got != tt.want {
			t.Errorf("%s: Token.Expired got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	if err := Wrap("embedded", "get entry 01H", nil); err != nil {
		t.Errorf("nil: got %v, want nil", err)
	}
	domain := ErrEntryNotFound()
	if err := Wrap("embedded", "get entry 01H", domain); err != domain {
		t.Errorf("domain error: got %v, want it unchanged", err)
	}
	err := Wrap("dynamo", "get entry 01H", context.Canceled)
	if got, want := err.Error(), "dynamo: get entry 01H: context canceled"; got != want || !errors.Is(err, context.Canceled) {
		t.Errorf("internal error: got %q, want %q wrapping context.Canceled", got, want)
	}
}
