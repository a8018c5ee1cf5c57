package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The kinds of *Error; test them with errors.Is.
var (
	ErrEmpty       = errors.New("empty file")
	ErrUnsupported = errors.New("unsupported format")
	ErrTooLarge    = errors.New("over a limit")
	ErrCorrupt     = errors.New("damaged or truncated file")
	ErrTimeout     = errors.New("took too long")
	ErrFailed      = errors.New("extraction failed")
)

// Error is the error of every failed extraction.
type Error struct {
	// Kind is one of ErrEmpty, ErrUnsupported, ErrTooLarge, ErrCorrupt, ErrTimeout,
	// ErrFailed.
	Kind error
	// Format is the sniffed format, or "" when the error came before it was known.
	Format Format
	// Detected names what an unsupported file looks like: "html", "xml", "zip",
	// "ole" (legacy or password-protected Office file), "binary".
	Detected string
	// Err is the cause, for logs.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("extract: ")
	if e.Format != "" {
		b.WriteString(string(e.Format) + ": ")
	}
	b.WriteString(e.Kind.Error())
	if e.Detected != "" {
		b.WriteString(" (looks like " + e.Detected + ")")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the kind and the cause, so errors.Is finds both.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Message returns a German sentence for the person who uploaded the file. It names the
// allowed formats where the format was refused and holds no internal detail.
func (e *Error) Message() string {
	switch e.Kind {
	case ErrEmpty:
		return "Die Datei ist leer."
	case ErrUnsupported:
		what := "Dieses Dateiformat"
		switch e.Detected {
		case "html":
			what = "Eine HTML-Seite"
		case "ole":
			what = "Ein altes Office-Format (.doc, .xls, .ppt) oder eine passwortgeschützte Office-Datei"
		case "zip":
			what = "Ein ZIP-Archiv"
		}
		return what + " wird nicht angenommen. Erlaubt sind " + AllowedFormats() + "."
	case ErrTooLarge:
		return "Die Datei überschreitet eine Grenze für das Auslesen des Textes (Größe, Entpackgröße oder Verschachtelung)."
	case ErrCorrupt:
		if e.Format != "" {
			return fmt.Sprintf("Die Datei ist beschädigt oder unvollständig; sie lässt sich nicht als %s lesen.", e.Format.Name())
		}
		return "Die Datei ist beschädigt oder unvollständig."
	case ErrTimeout:
		return "Das Auslesen des Textes hat zu lange gedauert."
	}
	return "Der Text der Datei konnte nicht ausgelesen werden."
}

// classify makes every error an *Error: deadline errors become ErrTimeout, anything
// untyped ErrFailed.
func classify(ctx context.Context, f Format, err error) error {
	var e *Error
	if errors.As(err, &e) {
		if e.Format == "" {
			e.Format = f
		}
		if e.Kind != ErrTimeout && ctx.Err() != nil {
			return &Error{Kind: ErrTimeout, Format: e.Format, Err: context.Cause(ctx)}
		}
		return e
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &Error{Kind: ErrTimeout, Format: f, Err: err}
	}
	return &Error{Kind: ErrFailed, Format: f, Err: err}
}

func corrupt(f Format, err error) error { return &Error{Kind: ErrCorrupt, Format: f, Err: err} }

func tooLarge(f Format, format string, args ...any) error {
	return &Error{Kind: ErrTooLarge, Format: f, Err: fmt.Errorf(format, args...)}
}
