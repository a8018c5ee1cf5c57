package store

import (
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// The checks of what every backend refuses to store, with the same message whichever store
// is behind the site. A backend calls them before it writes; each returns EINVALID.

// CheckKeys rejects entries that cannot be stored under their id and slug (EINVALID).
func CheckKeys(e *wiki.Entry) error {
	return invalidUnless(e.ID != "" && e.Slug != "", "store.check.keys")
}

// CheckCreateEntry checks the arguments of Entries.CreateEntry and returns rev completed
// from e (see CompleteRevision). Returns EINVALID if e.Version is not 1, for an empty id or
// slug, and for a revision that belongs to another entry or version.
func CheckCreateEntry(e *wiki.Entry, rev *wiki.Revision) (*wiki.Revision, error) {
	if err := invalidUnless(e.Version == 1, "store.check.first_version", e.Version); err != nil {
		return nil, err
	}
	if err := CheckKeys(e); err != nil {
		return nil, err
	}
	return CompleteRevision(e, rev)
}

// CheckRestoreEntry checks the arguments of Entries.RestoreEntry and returns the history
// sorted by version (see CompleteHistory). Returns EINVALID for an empty id or slug and for
// a history that does not run from 1 to e.Version.
func CheckRestoreEntry(e *wiki.Entry, revs []wiki.Revision) ([]wiki.Revision, error) {
	if err := CheckKeys(e); err != nil {
		return nil, err
	}
	return CompleteHistory(e, revs)
}

// CheckMunicipality rejects a municipality without an AGS.
func CheckMunicipality(m *wiki.Municipality) error {
	return invalidUnless(m.AGS != "", "store.check.ags")
}

// CheckTopic rejects a topic without a slug.
func CheckTopic(t *wiki.Topic) error {
	return invalidUnless(t.Slug != "", "store.check.topic_slug")
}

// CheckWordLists rejects word lists whose version is below 1.
func CheckWordLists(w *wiki.WordLists) error {
	return invalidUnless(w.Version >= 1, "store.check.wordlists_version")
}

// CheckUser rejects a user that cannot be stored under its id and e-mail: an empty id, or
// an address that is empty once normalised (wiki.NormalizeEmail).
func CheckUser(u *wiki.User) error {
	return invalidUnless(u.ID != "" && wiki.NormalizeEmail(u.Email) != "",
		"store.check.user")
}

// CheckSession rejects a session without a token hash or user.
func CheckSession(s *Session) error {
	return invalidUnless(s.TokenHash != "" && s.UserID != "",
		"store.check.session")
}

// CheckToken rejects a token without a hash, kind or user.
func CheckToken(t *Token) error {
	return invalidUnless(t.Hash != "" && t.Kind != "" && t.UserID != "",
		"store.check.token")
}

// CheckLoginKey rejects an empty key of sign-in attempts.
func CheckLoginKey(key string) error {
	return invalidUnless(key != "", "store.check.login_key")
}

// CheckLoginAttempt checks the arguments of Users.CountLoginAttempt: a key (CheckLoginKey)
// and a window of at least a second.
func CheckLoginAttempt(key string, window time.Duration) error {
	if err := CheckLoginKey(key); err != nil {
		return err
	}
	return invalidUnless(window >= time.Second, "store.check.login_window")
}

// CheckAuditEvent rejects an audit event without an id. (A backend may ask more of the id:
// the DynamoDB one needs a ULID, whose time picks the month partition.)
func CheckAuditEvent(ev *wiki.AuditEvent) error {
	return invalidUnless(ev.ID != "", "store.check.audit_id")
}

// CheckBlobKey accepts the keys of Blobs: slash-separated relative paths whose segments
// are neither empty nor "." or "..", without backslashes and NUL. Returns ErrBadBlobKey
// otherwise.
func CheckBlobKey(key string) error {
	bad := key == "" || strings.ContainsAny(key, "\\\x00")
	for seg := range strings.SplitSeq(key, "/") {
		bad = bad || seg == "" || seg == "." || seg == ".."
	}
	if bad {
		return ErrBadBlobKey(key)
	}
	return nil
}

// invalidUnless returns nil if ok holds, else EINVALID with the text key and its args.
func invalidUnless(ok bool, key string, args ...any) error {
	if ok {
		return nil
	}
	return wiki.E(wiki.EINVALID, key, args...)
}
