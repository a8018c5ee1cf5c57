package dynamo

import (
	"errors"
	"fmt"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Errors a user may see, in German, as the embedded store words them.
func errEntryNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Eintrag nicht gefunden.")
}

func errRevisionNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Diese Version des Eintrags gibt es nicht.")
}

func errIDTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Einen Eintrag mit dieser Kennung gibt es bereits.")
}

func errSlugTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Die Kurzadresse ist bereits vergeben.")
}

func errStale() error {
	return wiki.Errorf(wiki.ECONFLICT, "Der Eintrag wurde inzwischen von jemand anderem geändert.")
}

func errSlugChanged() error {
	return wiki.Errorf(wiki.EINVALID, "Die Kurzadresse eines Eintrags lässt sich nicht ändern.")
}

func errUserNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Benutzerkonto nicht gefunden.")
}

func errUserIDTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Ein Benutzerkonto mit dieser Kennung gibt es bereits.")
}

func errEmailTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Diese E-Mail-Adresse gehört bereits zu einem anderen Benutzerkonto.")
}

func errUserBusy() error {
	return wiki.Errorf(wiki.ECONFLICT, "Das Benutzerkonto wird gerade von jemand anderem geändert. Bitte versuchen Sie es noch einmal.")
}

func errSessionNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Die Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.")
}

func errTokenNotFound() error {
	return wiki.Errorf(wiki.ENOTFOUND, "Der Link oder Schlüssel ist ungültig, abgelaufen oder wurde bereits verwendet.")
}

func errTokenTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Diesen Schlüssel gibt es bereits.")
}

func errAuditIDTaken() error {
	return wiki.Errorf(wiki.ECONFLICT, "Einen Protokolleintrag mit dieser Kennung gibt es bereits.")
}

// wrap adds the operation to internal errors and passes errors of the domain as they are.
func wrap(op string, err error) error {
	var we *wiki.Error
	if err == nil || errors.As(err, &we) {
		return err
	}
	return fmt.Errorf("dynamo: %s: %w", op, err)
}
