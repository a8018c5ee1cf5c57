package store

import (
	"errors"
	"fmt"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Errors every backend returns, with the same text key, so that the user sees the same
// message whichever store is behind the site.

// ErrAuditIDTaken returns the conflict error of every backend: "Einen Protokolleintrag mit dieser Kennung gibt es bereits."
func ErrAuditIDTaken() error {
	return wiki.E(wiki.ECONFLICT, "store.audit_id_taken")
}

// ErrBadBlobKey returns the invalid error of every blob store for a key that CheckBlobKey
// rejects: "Ungültiger Dateischlüssel …"
func ErrBadBlobKey(key string) error {
	return wiki.E(wiki.EINVALID, "store.bad_blob_key", key)
}

// ErrBlobNotFound returns the notfound error of every blob store: "Datei nicht gefunden."
func ErrBlobNotFound() error {
	return wiki.E(wiki.ENOTFOUND, "store.blob_not_found")
}

// ErrEmailTaken returns the conflict error of every backend: "Diese E-Mail-Adresse gehört bereits zu einem anderen Benutzerkonto."
func ErrEmailTaken() error {
	return wiki.E(wiki.ECONFLICT, "store.email_taken")
}

// MaxEntriesByID is the number of ids Entries.EntriesByID takes at most.
const MaxEntriesByID = 100

// ErrTooManyIDs is returned for a call of EntriesByID with more than MaxEntriesByID ids.
func ErrTooManyIDs() error {
	return wiki.E(wiki.EINVALID, "store.too_many_ids", MaxEntriesByID)
}

// ErrEntryNotFound returns the notfound error of every backend: "Eintrag nicht gefunden."
func ErrEntryNotFound() error {
	return wiki.E(wiki.ENOTFOUND, "store.entry_not_found")
}

// ErrIDTaken returns the conflict error of every backend: "Einen Eintrag mit dieser Kennung gibt es bereits."
func ErrIDTaken() error {
	return wiki.E(wiki.ECONFLICT, "store.id_taken")
}

// ErrMunicipalityNotFound returns the notfound error of every backend: "Kommune nicht gefunden."
func ErrMunicipalityNotFound() error {
	return wiki.E(wiki.ENOTFOUND, "store.municipality_not_found")
}

// ErrRevisionNotFound returns the notfound error of every backend: "Diese Version des Eintrags gibt es nicht."
func ErrRevisionNotFound() error {
	return wiki.E(wiki.ENOTFOUND, "store.revision_not_found")
}

// ErrSessionNotFound returns the notfound error of every backend: "Die Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
func ErrSessionNotFound() error {
	return wiki.E(wiki.ENOTFOUND, "store.session_not_found")
}

// ErrSlugChanged returns the invalid error of every backend: "Die Kurzadresse eines Eintrags lässt sich nicht ändern."
func ErrSlugChanged() error {
	return wiki.E(wiki.EINVALID, "store.slug_changed")
}

// ErrSlugTaken returns the conflict error of every backend: "Die Kurzadresse ist bereits vergeben."
func ErrSlugTaken() error {
	return wiki.E(wiki.ECONFLICT, "store.slug_taken")
}

// ErrStale returns the conflict error of every backend: "Der Eintrag wurde inzwischen von jemand anderem geändert."
func ErrStale() error {
	return wiki.E(wiki.ECONFLICT, "store.stale")
}

// ErrTokenNotFound returns the notfound error of every backend: "Der Link oder Schlüssel ist ungültig, abgelaufen oder wurde bereits verwendet."
func ErrTokenNotFound() error {
	return wiki.E(wiki.ENOTFOUND, "store.token_not_found")
}

// ErrTokenTaken returns the conflict error of every backend: "Diesen Schlüssel gibt es bereits."
func ErrTokenTaken() error {
	return wiki.E(wiki.ECONFLICT, "store.token_taken")
}

// ErrTopicNotFound returns the notfound error of every backend: "Thema nicht gefunden."
func ErrTopicNotFound() error {
	return wiki.E(wiki.ENOTFOUND, "store.topic_not_found")
}

// ErrUserBusy returns the conflict error of every backend: "Das Benutzerkonto wird gerade von jemand anderem geändert. Bitte versuchen Sie es noch einmal."
func ErrUserBusy() error {
	return wiki.E(wiki.ECONFLICT, "store.user_busy")
}

// ErrUserIDTaken returns the conflict error of every backend: "Ein Benutzerkonto mit dieser Kennung gibt es bereits."
func ErrUserIDTaken() error {
	return wiki.E(wiki.ECONFLICT, "store.user_id_taken")
}

// ErrUserNotFound returns the notfound error of every backend: "Benutzerkonto nicht gefunden."
func ErrUserNotFound() error {
	return wiki.E(wiki.ENOTFOUND, "store.user_not_found")
}

// ErrWordListsStale returns the conflict error of every backend: "Die Suchwörter wurden inzwischen von jemand anderem geändert."
func ErrWordListsStale() error {
	return wiki.E(wiki.ECONFLICT, "store.wordlists_stale")
}

// Wrap adds the backend and the operation to an internal error, "backend: op: err", and
// passes errors of the domain (*wiki.Error) as they are, so that their code and message
// reach the user unchanged. It returns nil for nil.
func Wrap(backend, op string, err error) error {
	var we *wiki.Error
	if err == nil || errors.As(err, &we) {
		return err
	}
	return fmt.Errorf("%s: %s: %w", backend, op, err)
}
