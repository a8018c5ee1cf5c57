// Package wiki holds the domain of Wissensnetz: entries (Steckbriefe), their revisions,
// municipalities and topics, the rules that validate them and the one error type that every
// layer uses. It does no I/O.
package wiki

import (
	"errors"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/text"
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
	ETOOLARGE     Code = "too_large"            // an uploaded file is over a size limit
	EUNAVAILABLE  Code = "unavailable"          // a service the request needs (the malware scanner) cannot be reached
	EINTERNAL     Code = "internal"
)

// Error is the error type of the whole application. Message names the text that may be
// shown to a user, by key in the text catalogue (package text): the domain says what went
// wrong, the edge that talks to a person words it in their language. Fields carries a
// message per field for EINVALID; Err is the internal cause, which is logged and never
// shown.
type Error struct {
	Code    Code
	Message text.Message
	Fields  map[string]text.Message
	Err     error
	// RetryAfter says, for ETOOMANY, how long to wait before trying again; 0: not known.
	RetryAfter time.Duration
}

// Error returns the code and the German message, for logs.
func (e *Error) Error() string {
	msg := string(e.Code)
	if !e.Message.IsZero() {
		msg += ": " + text.German.Render(e.Message)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// E returns an Error with the message key and its arguments.
func E(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Message: text.M(key, args...)}
}

// FieldError returns an Error whose message is also the message at one field.
func FieldError(code Code, field, key string, args ...any) *Error {
	m := text.M(key, args...)
	return &Error{Code: code, Message: m, Fields: map[string]text.Message{field: m}}
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

// UserMessage returns the message of err that may be shown to a user. Internal errors
// never reveal their cause.
func UserMessage(err error) text.Message {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL && !e.Message.IsZero() {
		return e.Message
	}
	return text.M("error.internal")
}

// FieldMessages returns the per-field messages of an EINVALID error, or nil.
func FieldMessages(err error) map[string]text.Message {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ErrorText returns the UserMessage of err in the language of c.
func ErrorText(c text.Catalogue, err error) string { return c.Render(UserMessage(err)) }

// FieldTexts returns the FieldMessages of err in the language of c, or nil.
func FieldTexts(c text.Catalogue, err error) map[string]string {
	return c.RenderFields(FieldMessages(err))
}

// StorageFull returns the EFULL error for a write refused or failed for want of disk space;
// cause, if not nil, is the failure.
func StorageFull(cause error) *Error {
	return &Error{Code: EFULL, Err: cause, Message: text.M("error.storage_full")}
}
