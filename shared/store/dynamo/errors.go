package dynamo

import "github.com/ikone-ds/wissensnetz/shared/store"

// wrap adds the operation to internal errors and passes errors of the domain as they are
// (store.Wrap).
func wrap(op string, err error) error { return store.Wrap("dynamo", op, err) }
