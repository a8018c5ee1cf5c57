package embedded

import (
	"errors"
	"fmt"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// wrap adds the operation to internal errors and passes errors of the domain as they are.
func wrap(op string, err error) error {
	var we *wiki.Error
	if err == nil || errors.As(err, &we) {
		return err
	}
	return fmt.Errorf("embedded: %s: %w", op, err)
}
