package embedded

import (
	"errors"
	"fmt"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Errors a user may see, in German.
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

// wrap adds the operation to internal errors and passes errors of the domain as they are.
func wrap(op string, err error) error {
	var we *wiki.Error
	if err == nil || errors.As(err, &we) {
		return err
	}
	return fmt.Errorf("embedded: %s: %w", op, err)
}
