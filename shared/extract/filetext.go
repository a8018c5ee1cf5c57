package extract

import (
	"errors"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// FileText returns the result as it is stored beside the file and indexed.
func (r *Result) FileText() *wiki.FileText {
	t := &wiki.FileText{Note: r.Note(), Truncated: r.Truncated}
	switch r.Status {
	case Searchable:
		t.Status = wiki.TextSearchable
	case NoText:
		t.Status = wiki.TextNone
	default:
		t.Status = wiki.TextNotSearchable
	}
	t.Parts = make([]wiki.TextPart, len(r.Parts))
	for i, p := range r.Parts {
		t.Parts[i] = wiki.TextPart{Label: p.Label, Text: p.Text}
	}
	return t
}

// FailedText returns what is stored for a file whose text could not be read because of
// err: no text, and the German reason.
func FailedText(err error) *wiki.FileText {
	note := "nicht durchsuchbar: der Text der Datei ließ sich nicht lesen"
	var e *Error
	if errors.As(err, &e) {
		note = "nicht durchsuchbar: " + e.Message()
	}
	return &wiki.FileText{Status: wiki.TextFailed, Note: note}
}
