// Package wiki holds the domain of Wissensnetz: entries (Steckbriefe), their revisions,
// municipalities and topics, the rules that validate them and the one error type that every
// layer uses. It does no I/O.
package wiki

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an Error. The web layer maps each code to one HTTP status.
type Code string

// Error codes.
const (
	ENOTFOUND     Code = "not_found"
	ECONFLICT     Code = "conflict"
	EINVALID      Code = "invalid"
	EFORBIDDEN    Code = "forbidden"
	EUNAUTHORIZED Code = "unauthorized"
	ETOOMANY      Code = "too_many_requests"
	EFULL         Code = "insufficient_storage" // the disk of a local installation is full
	EINTERNAL     Code = "internal"
)

// Error is the error type of the whole application. Message is German and safe to show to
// a user; Fields carries per-field messages for EINVALID; Err is the internal cause, which
// is logged and never shown.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	Err     error
	// RetryAfter says, for ETOOMANY, how long to wait before trying again; 0: not known.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	msg := string(e.Code) + ": " + e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with a formatted German message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: "" for nil, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// RetryAfter returns how long err says to wait before trying again, 0 if it does not say.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// ErrorMessage returns the German message of err that may be shown to a user. Internal
// errors never reveal their cause.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL && e.Message != "" {
		return e.Message
	}
	return "Interner Fehler. Bitte versuchen Sie es später noch einmal."
}

// StorageFull returns the EFULL error for a write refused or failed for want of disk space;
// cause, if not nil, is the failure.
func StorageFull(cause error) *Error {
	return &Error{Code: EFULL, Err: cause, Message: "Der Speicher ist voll: Wissensnetz kann im Moment nichts Neues speichern. " +
		"Lesen und Suchen gehen weiter. Bitte versuchen Sie es später noch einmal; die Koordination sieht einen Hinweis."}
}

// FieldErrors returns the per-field messages of an EINVALID error, or nil.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
