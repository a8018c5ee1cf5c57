//go:build !unix && !windows

package app

import "errors"

// freeSpace cannot tell the free space on this system; writes are not checked beforehand.
func freeSpace(string) (uint64, error) { return 0, errors.New("free space unknown on this system") }
