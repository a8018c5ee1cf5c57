package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// statusOf maps every error code to its HTTP status, in one place.
var statusOf = map[wiki.Code]int{
	wiki.ENOTFOUND:     http.StatusNotFound,
	wiki.ECONFLICT:     http.StatusConflict,
	wiki.EINVALID:      http.StatusBadRequest,
	wiki.EFORBIDDEN:    http.StatusForbidden,
	wiki.EUNAUTHORIZED: http.StatusUnauthorized,
	wiki.EINTERNAL:     http.StatusInternalServerError,
}

// errorStatus returns the HTTP status for err.
func errorStatus(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if st, ok := statusOf[wiki.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// userMessage returns the German message to show for err.
func userMessage(err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "Die Eingabe ist zu groß."
	}
	return wiki.ErrorMessage(err)
}

var (
	errInternal     = &wiki.Error{Code: wiki.EINTERNAL}
	errPageNotFound = wiki.Errorf(wiki.ENOTFOUND, "Diese Seite gibt es nicht.")
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
	if errorStatus(err) >= 500 {
		logFor(r).Error("internal error", "err", err)
	}
}
