package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// importJournal records what an import has written, in order, so that a failed import can
// be taken back.
type importJournal struct {
	steps []importStep
	blobs []importBlob // files stored, before the entries that name them
}

// importBlob is a file's content that an import stored for an entry.
type importBlob struct {
	entryID, key string
	name, title  string // of the file and its entry, for messages
}

// importStep is one write of an import. Exactly one of muni, topic and entryID is set.
type importStep struct {
	muni     *wiki.Municipality // written; prevMuni is the version it replaced, nil if new
	prevMuni *wiki.Municipality
	topic    *wiki.Topic // written; prevTopic is the version it replaced, nil if new
	prevTop  *wiki.Topic
	entryID  string // created or restored, at version
	version  int
	title    string
}

// describe names what the step wrote, in the language of written.
func (s importStep) describe() string {
	switch {
	case s.muni != nil && s.prevMuni != nil:
		return written.Text("import.left.municipality_replaced", s.muni.Name, s.muni.AGS)
	case s.muni != nil:
		return written.Text("import.left.municipality_new", s.muni.Name, s.muni.AGS)
	case s.topic != nil && s.prevTop != nil:
		return written.Text("import.left.topic_replaced", s.topic.Name, s.topic.Slug)
	case s.topic != nil:
		return written.Text("import.left.topic_new", s.topic.Name, s.topic.Slug)
	}
	return written.Text("import.left.entry", s.title, s.entryID)
}

// undo takes back the journal's writes in reverse order and returns what it could not take
// back, described in the language of written, and the first error. The entries go first,
// then the files stored for them, except those of an entry that stays; if anything
// stays, the municipalities and topics stay too, so that it keeps what it refers to. An
// entry changed by someone since the import stays (ECONFLICT from DeleteEntry); one that
// is gone already counts as taken back.
func (a *App) undo(ctx context.Context, j *importJournal) (left []string, first error) {
	fail := func(s importStep, err error) {
		left = append(left, s.describe())
		if first == nil {
			first = err
		}
	}
	stays := map[string]bool{} // entries that could not be removed keep their files
	for _, s := range slices.Backward(j.steps) {
		if s.entryID == "" {
			continue
		}
		err := a.stores.Entries.DeleteEntry(ctx, s.entryID, s.version)
		if err != nil && wiki.ErrorCode(err) != wiki.ENOTFOUND {
			fail(s, fmt.Errorf("remove entry %s: %w", s.entryID, err))
			stays[s.entryID] = true
		}
	}
	for _, b := range slices.Backward(j.blobs) {
		if stays[b.entryID] {
			continue
		}
		if err := a.stores.Blobs.DeleteBlob(ctx, b.key); err != nil {
			left = append(left, written.Text("import.left.file", b.name, b.title, b.key))
			if first == nil {
				first = fmt.Errorf("remove file %s: %w", b.key, err)
			}
		}
	}
	if len(left) > 0 {
		for _, s := range slices.Backward(j.steps) {
			if s.entryID == "" {
				left = append(left, s.describe())
			}
		}
		return left, first
	}
	for _, s := range slices.Backward(j.steps) {
		var err error
		switch {
		case s.muni != nil && s.prevMuni != nil:
			err = a.stores.Municipalities.PutMunicipality(ctx, s.prevMuni)
		case s.muni != nil:
			err = a.stores.Municipalities.DeleteMunicipality(ctx, s.muni.AGS)
		case s.topic != nil && s.prevTop != nil:
			err = a.stores.Topics.PutTopic(ctx, s.prevTop)
		case s.topic != nil:
			err = a.stores.Topics.DeleteTopic(ctx, s.topic.Slug)
		default:
			continue
		}
		if err != nil {
			fail(s, fmt.Errorf("take back %s: %w", s.describe(), err))
		}
	}
	return left, first
}

// importFailed takes back what the import wrote after cause stopped it, brings the
// catalog and the index back in line with the store and returns the error to report;
// failure says what failed ("import.failed.entry"). The result
// records whether everything was taken back, and otherwise what is left. The undo runs
// also when ctx is done.
func (a *App) importFailed(ctx context.Context, j *importJournal, res *ImportResult, failure text.Message, cause error) error {
	ctx = context.WithoutCancel(ctx)
	left, uerr := a.undo(ctx, j)
	res.Left = left
	res.Undone = len(left) == 0
	// The catalog and the protected words follow the store again; a failure here leaves
	// the store as it is and only the in-memory view behind, which the next start loads.
	if len(j.steps) > 0 {
		if err := a.cat.load(ctx, a.stores.Municipalities, a.stores.Topics); err != nil {
			a.log.Error("import: reload catalog after undo", "err", err)
		} else if err := a.applyProtected(ctx); err != nil {
			a.log.Error("import: protected words after undo", "err", err)
		}
	}
	if wiki.ErrorCode(cause) != wiki.EINTERNAL {
		failure = text.M("import.failure_cause", failure, wiki.UserMessage(cause))
	}
	if res.Undone {
		res.Municipalities, res.Topics, res.Entries = 0, 0, 0
		return &wiki.Error{
			Code:    importCode(cause),
			Message: text.M("import.aborted", failure),
			Err:     cause,
		}
	}
	a.log.Error("import: undo failed", "err", uerr, "left", len(left))
	return &wiki.Error{
		Code:    wiki.EINTERNAL,
		Message: text.M("import.aborted_left", failure, len(left), strings.Join(left, "\n  ")),
		Err:     fmt.Errorf("%w; undo: %w", cause, uerr),
	}
}

// importCode is the code of a failed import that was taken back: a conflict with a write
// in between stays a conflict, everything else is internal.
func importCode(cause error) wiki.Code {
	if c := wiki.ErrorCode(cause); c == wiki.ECONFLICT {
		return c
	}
	return wiki.EINTERNAL
}
