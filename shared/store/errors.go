package store

import (
	"errors"
	"fmt"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Errors every backend returns, worded the same for people (German), so that the user sees
// the same message whichever store is behind the site.

// ErrAuditIDTaken returns the conflict error of every backend: "Einen Protokolleintrag mit dieser Kennung gibt es bereits."
func ErrAuditIDTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Einen Protokolleintrag mit dieser Kennung gibt es bereits.")
}

// ErrBadBlobKey returns the invalid error of every blob store for a key that CheckBlobKey
// rejects: "Ungültiger Dateischlüssel …"
func ErrBadBlobKey(key string) error {
	return wiki.Errorf(wiki.EINVALID, "Ungültiger Dateischlüssel %q.", key)
}

// ErrBlobNotFound returns the notfound error of every blob store: "Datei nicht gefunden."
func ErrBlobNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Datei nicht gefunden.")
}

// ErrEmailTaken returns the conflict error of every backend: "Diese E-Mail-Adresse gehört bereits zu einem anderen Benutzerkonto."
func ErrEmailTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Diese E-Mail-Adresse gehört bereits zu einem anderen Benutzerkonto.")
}

// MaxEntriesByID is the number of ids Entries.EntriesByID takes at most.
const MaxEntriesByID = 100

// ErrTooManyIDs is returned for a call of EntriesByID with more than MaxEntriesByID ids.
func ErrTooManyIDs() error {
	return wiki.Errorf(wiki.EINVALID, "Höchstens %d Einträge auf einmal.", MaxEntriesByID)
}

// ErrEntryNotFound returns the notfound error of every backend: "Eintrag nicht gefunden."
func ErrEntryNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Eintrag nicht gefunden.")
}

// ErrIDTaken returns the conflict error of every backend: "Einen Eintrag mit dieser Kennung gibt es bereits."
func ErrIDTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Einen Eintrag mit dieser Kennung gibt es bereits.")
}

// ErrMunicipalityNotFound returns the notfound error of every backend: "Kommune nicht gefunden."
func ErrMunicipalityNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Kommune nicht gefunden.")
}

// ErrRevisionNotFound returns the notfound error of every backend: "Diese Version des Eintrags gibt es nicht."
func ErrRevisionNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Diese Version des Eintrags gibt es nicht.")
}

// ErrSessionNotFound returns the notfound error of every backend: "Die Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
func ErrSessionNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Die Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.")
}

// ErrSlugChanged returns the invalid error of every backend: "Die Kurzadresse eines Eintrags lässt sich nicht ändern."
func ErrSlugChanged() error {
	return wiki.Errorf(wiki.EINVALID, "Die Kurzadresse eines Eintrags lässt sich nicht ändern.")
}

// ErrSlugTaken returns the conflict error of every backend: "Die Kurzadresse ist bereits vergeben."
func ErrSlugTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Die Kurzadresse ist bereits vergeben.")
}

// ErrStale returns the conflict error of every backend: "Der Eintrag wurde inzwischen von jemand anderem geändert."
func ErrStale() error {
	return wiki.Errorf(wiki.ECONFLICT, "Der Eintrag wurde inzwischen von jemand anderem geändert.")
}

// ErrTokenNotFound returns the notfound error of every backend: "Der Link oder Schlüssel ist ungültig, abgelaufen oder wurde bereits verwendet."
func ErrTokenNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Der Link oder Schlüssel ist ungültig, abgelaufen oder wurde bereits verwendet.")
}

// ErrTokenTaken returns the conflict error of every backend: "Diesen Schlüssel gibt es bereits."
func ErrTokenTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Diesen Schlüssel gibt es bereits.")
}

// ErrTopicNotFound returns the notfound error of every backend: "Thema nicht gefunden."
func ErrTopicNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Thema nicht gefunden.")
}

// ErrUserBusy returns the conflict error of every backend: "Das Benutzerkonto wird gerade von jemand anderem geändert. Bitte versuchen Sie es noch einmal."
func ErrUserBusy() error {
	return wiki.Errorf(wiki.ECONFLICT, "Das Benutzerkonto wird gerade von jemand anderem geändert. Bitte versuchen Sie es noch einmal.")
}

// ErrUserIDTaken returns the conflict error of every backend: "Ein Benutzerkonto mit dieser Kennung gibt es bereits."
func ErrUserIDTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Ein Benutzerkonto mit dieser Kennung gibt es bereits.")
}

// ErrUserNotFound returns the notfound error of every backend: "Benutzerkonto nicht gefunden."
func ErrUserNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Benutzerkonto nicht gefunden.")
}

// ErrWordListsStale returns the conflict error of every backend: "Die Suchwörter wurden inzwischen von jemand anderem geändert."
func ErrWordListsStale() error {
	return wiki.Errorf(wiki.ECONFLICT, "Die Suchwörter wurden inzwischen von jemand anderem geändert.")
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
