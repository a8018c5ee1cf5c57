package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// statusOf maps every error code to its HTTP status, in one place.
var statusOf = map[wiki.Code]int{
	wiki.ENOTFOUND:     http.StatusNotFound,
	wiki.ECONFLICT:     http.StatusConflict,
	wiki.EINVALID:      http.StatusBadRequest,
	wiki.EFORBIDDEN:    http.StatusForbidden,
	wiki.EUNAUTHORIZED: http.StatusUnauthorized,
	wiki.ETOOMANY:      http.StatusTooManyRequests,
	wiki.EFULL:         http.StatusInsufficientStorage,
	wiki.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	wiki.EUNAVAILABLE:  http.StatusServiceUnavailable,
	wiki.EINTERNAL:     http.StatusInternalServerError,
}

// statusError is a domain error that HTTP answers with a status other than its code's:
// the API's precondition (412, 428) and media-type (415) failures, which the domain does
// not know about.
type statusError struct {
	status int
	err    *wiki.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// withStatus returns err answered with the given status instead of its code's.
func withStatus(status int, err *wiki.Error) error { return &statusError{status: status, err: err} }

// errorStatus returns the HTTP status for err.
func errorStatus(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	if st, ok := statusOf[wiki.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// setRetryAfter sends Retry-After (in whole seconds, at least 1) when err says how long to
// wait, as ETOOMANY errors do.
func setRetryAfter(w http.ResponseWriter, err error) {
	if d := wiki.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int((d+time.Second-1)/time.Second))))
	}
}

// userMessage returns the message to show for err.
func userMessage(err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return T("error.too_large")
	}
	return wiki.ErrorText(catalogue, err)
}

// fieldMessages returns the messages to show beside the fields that err names, or nil.
func fieldMessages(err error) map[string]string { return wiki.FieldTexts(catalogue, err) }

var (
	errInternal     = &wiki.Error{Code: wiki.EINTERNAL}
	errPageNotFound = wiki.E(wiki.ENOTFOUND, "error.page_not_found")
)

type loggerKey struct{}

func withLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// logFor returns the request's logger, which carries the request id.
func logFor(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// logIfInternal logs errors that are not the user's doing.
func logIfInternal(r *http.Request, err error) {
	switch st := errorStatus(err); {
	case st == http.StatusInsufficientStorage:
		logFor(r).Warn("disk full", "err", err)
	case st >= 500:
		logFor(r).Error("internal error", "err", err)
	}
}

// diskFull returns err as EFULL if it is a write that failed for want of disk space (or
// quota): a full disk is said as such, not as an internal error.
func diskFull(err error) error {
	if wiki.ErrorCode(err) == wiki.EINTERNAL && (errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)) {
		return wiki.StorageFull(err)
	}
	return err
}
