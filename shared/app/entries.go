package app

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Note says who saves an entry and why; it becomes the revision's author and comment.
type Note struct {
	Author  string
	Comment string
}

// maxSlugTries bounds the search for a free slug: the title's slug, then that slug with
// random suffixes ("titel", "titel-k3x9qa", …).
const maxSlugTries = 8

// slugSuffixLen is the length of the suffix added to a taken slug: 32^6, about a billion
// values, so that a second clash is as good as impossible.
const slugSuffixLen = 6

// slugAlphabet holds the characters of slug suffixes (Crockford's base32, lower case).
const slugAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// randomSlugSuffix returns slugSuffixLen random characters of slugAlphabet.
func randomSlugSuffix() string {
	b := make([]byte, slugSuffixLen)
	rand.Read(b)
	for i := range b {
		b[i] = slugAlphabet[b[i]%byte(len(slugAlphabet))]
	}
	return string(b)
}

// slugCandidate returns the try-th slug to try for a title whose slug is base (try 0:
// base itself). On a clash the slug gets a random suffix, not a count: a count would tell
// how many entries of the title exist, hidden drafts of other municipalities included.
// That the title's slug is taken at all still shows, by the suffix.
func (a *App) slugCandidate(base string, try int) string {
	if try == 0 {
		return base
	}
	suffix := "-" + randomSlugSuffix()
	if a.slugSuffix != nil {
		suffix = "-" + a.slugSuffix()
	}
	if len(base)+len(suffix) > wiki.MaxSlugLen {
		base = strings.TrimRight(base[:wiki.MaxSlugLen-len(suffix)], "-")
	}
	return base + suffix
}

// CreateEntry validates a new entry of the viewer and stores it as version 1 with a slug
// made from its title (with a random suffix if that is taken). New entries start as drafts,
// or submitted for review when submit is set. Returns EINVALID with field messages, or the
// permission error (members create for their own municipality only).
func (a *App) CreateEntry(ctx context.Context, v auth.Viewer, in *wiki.Entry, comment string, submit bool) (*wiki.Entry, error) {
	return a.CreateEntryFiles(ctx, v, in, comment, submit, nil)
}

// CreateEntryFiles is CreateEntry with files saved in the first version. The files of in
// are not read. A refused file is an error naming it, and then nothing is stored.
func (a *App) CreateEntryFiles(ctx context.Context, v auth.Viewer, in *wiki.Entry, comment string, submit bool, add []FileUpload) (*wiki.Entry, error) {
	if err := auth.Require(v, auth.CreateEntry, in); err != nil {
		if v.SignedIn() && wiki.ErrorCode(err) != wiki.EUNAUTHORIZED {
			return nil, wiki.FieldError(wiki.EFORBIDDEN, "municipality", "entry.own_municipality_only")
		}
		return nil, err
	}
	if err := a.limit(&a.creates, v, "limit.creates"); err != nil {
		return nil, err
	}
	e := in.Clone()
	e.Slug = "" // made from the title
	e.State, e.StateComment, e.SubmittedBy, e.Featured, e.PatrolledVersion = wiki.StateDraft, "", "", false, 0
	if submit {
		e.State, e.SubmittedBy = wiki.StateSubmitted, v.User.ID
	}
	e.ID, e.Attachments = "", nil
	note := Note{Author: v.User.Name, Comment: comment}
	undo := func() {}
	if len(add) > 0 {
		// The fields first, so that a refused entry stores no file.
		check := e.Clone()
		check.Normalize()
		if err := validate(check, &a.cat, note); err != nil {
			return nil, err
		}
		e.ID = newID(a.clock())
		files, undoFiles, err := a.applyFiles(ctx, v, e.ID, nil, FileChanges{Add: add})
		if err != nil {
			return nil, err
		}
		e.Attachments, undo = files, undoFiles
	}
	created, err := a.createEntry(ctx, e, note)
	if err != nil {
		undo()
		return nil, err
	}
	a.readTexts(created.ID, created.Attachments)
	a.creates.add(v.User.ID, a.now())
	a.audit(ctx, v, "entry.created", created.Slug, created.State.Label())
	if submit {
		a.notifyCoordinators(ctx, created)
	}
	return created, nil
}

// createEntry stores a new entry as it is (state included) with the note as its first
// revision. Its slug is in.Slug if that is set and free (an import reserves slugs before
// writing), otherwise one made from the title.
func (a *App) createEntry(ctx context.Context, in *wiki.Entry, note Note) (*wiki.Entry, error) {
	e := in.Clone()
	e.Normalize()
	if e.State == "" {
		e.State = wiki.StateDraft
	}
	if err := validate(e, &a.cat, note); err != nil {
		return nil, err
	}
	if err := a.writable(); err != nil {
		return nil, err
	}
	now := a.clock()
	if e.ID == "" { // CreateEntryFiles made it already, for the keys of the files
		e.ID = newID(now)
	}
	e.Version, e.PatrolledVersion = 1, 1 // new entries go through review, not the patrol
	e.CreatedAt, e.CreatedBy = now, note.Author
	e.UpdatedAt, e.UpdatedBy = now, note.Author
	base := wiki.EntrySlug(e.Title, e.ID)
	reserved := in.Slug
	for i := 0; i < maxSlugTries; i++ {
		e.Slug = a.slugCandidate(base, i)
		if i == 0 && reserved != "" {
			e.Slug = reserved
		}
		err := a.stores.Entries.CreateEntry(ctx, e, revisionOf(e, note))
		if wiki.ErrorCode(err) == wiki.ECONFLICT {
			if _, taken := a.stores.Entries.EntryBySlug(ctx, e.Slug); taken == nil {
				continue
			}
		}
		if err != nil {
			return nil, err
		}
		a.written(ctx, e)
		return e, nil
	}
	return nil, wiki.FieldError(wiki.ECONFLICT, "title", "entry.slug_exhausted")
}

// UpdateEntry saves a new version of the entry with the given slug. in.Version is the
// version the editor started from; if someone saved in between, it returns ECONFLICT and
// stores nothing. The id, slug, creation data and control fields are kept; members keep
// the owning municipality. Edits of published entries go live at once and wait in
// "Letzte Änderungen" until a coordinator marks them checked.
func (a *App) UpdateEntry(ctx context.Context, v auth.Viewer, slug string, in *wiki.Entry, comment string) (*wiki.Entry, error) {
	return a.UpdateEntryFiles(ctx, v, slug, in, comment, FileChanges{})
}

// UpdateEntryFiles is UpdateEntry with the entry's files changed as ch says, in the same
// new version. The files of in are not read: the stored entry's files, changed by ch,
// are saved. A refused file is an error naming it, and then nothing is stored.
func (a *App) UpdateEntryFiles(ctx context.Context, v auth.Viewer, slug string, in *wiki.Entry, comment string, ch FileChanges) (*wiki.Entry, error) {
	cur, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, err
	}
	if err := auth.Require(v, auth.EditEntry, cur); err != nil {
		return nil, err
	}
	if in.Version != cur.Version {
		return nil, conflict()
	}
	if err := a.limit(&a.edits, v, "limit.edits"); err != nil {
		return nil, err
	}
	e := in.Clone()
	e.Normalize()
	if !v.IsCoordinator() {
		e.Municipality = cur.Municipality
	}
	keepControl(e, cur)
	if err := validate(e, &a.cat, Note{Author: v.User.Name, Comment: comment}); err != nil {
		return nil, err
	}
	files, undo, err := a.applyFiles(ctx, v, cur.ID, cur.Attachments, ch)
	if err != nil {
		return nil, err
	}
	e.Attachments = files
	e.Normalize()
	if err := validate(e, &a.cat, Note{Author: v.User.Name, Comment: comment}); err != nil {
		undo()
		return nil, err
	}
	saved, err := a.saveVersion(ctx, v, cur, e, comment)
	if err != nil {
		undo()
		return nil, err
	}
	a.edits.add(v.User.ID, a.now())
	a.readTexts(saved.ID, newFiles(cur, saved))
	return saved, nil
}

// What one account may write per hour: enough for any person's work, too little for a
// script (or a leaked token) to fill the disk. Each Lambda instance counts for itself.
const (
	createsPerHour = 30
	editsPerHour   = 300
)

// limit returns ETOOMANY if the viewer's account has used up t; did is the text key of what
// the account did, with the limit as its argument.
func (a *App) limit(t *throttle, v auth.Viewer, did string) error {
	now := a.now()
	wait := t.wait(v.User.ID, now)
	if wait <= 0 {
		return nil
	}
	return &wiki.Error{Code: wiki.ETOOMANY, RetryAfter: wait, Message: text.M("limit.account", text.M(did, t.limit),
		now.Add(wait+time.Minute-time.Nanosecond).In(berlin).Format("15:04"))} // rounded up to the minute
}

// keepControl copies what the entry form does not edit from the stored entry.
func keepControl(e, cur *wiki.Entry) {
	e.ID, e.Slug = cur.ID, cur.Slug
	e.CreatedAt, e.CreatedBy = cur.CreatedAt, cur.CreatedBy
	e.State, e.StateComment, e.SubmittedBy = cur.State, cur.StateComment, cur.SubmittedBy
	e.Featured, e.PatrolledVersion = cur.Featured, cur.PatrolledVersion
	e.Attachments = cur.Attachments // changed through FileChanges only
}

// saveVersion stores e as the version after cur. A coordinator's save counts as checked.
func (a *App) saveVersion(ctx context.Context, v auth.Viewer, cur, e *wiki.Entry, comment string) (*wiki.Entry, error) {
	if err := a.writable(); err != nil {
		return nil, err
	}
	e.Version = cur.Version + 1
	e.UpdatedAt, e.UpdatedBy = a.clock(), v.User.Name
	if v.IsCoordinator() || e.State != wiki.StatePublished {
		e.PatrolledVersion = e.Version
	}
	if err := a.stores.Entries.UpdateEntry(ctx, e, revisionOf(e, Note{Author: v.User.Name, Comment: comment})); err != nil {
		return nil, err
	}
	a.written(ctx, e)
	return e, nil
}

func conflict() error {
	return wiki.E(wiki.ECONFLICT, "entry.changed")
}

func validate(e *wiki.Entry, c wiki.Catalog, note Note) error {
	err := e.Validate(c)
	if noteErr := wiki.ValidateRevisionNote(note.Author, note.Comment); noteErr != nil {
		if err == nil {
			return noteErr
		}
		for k, v := range wiki.FieldMessages(noteErr) {
			wiki.FieldMessages(err)[k] = v
		}
	}
	return err
}

func revisionOf(e *wiki.Entry, note Note) *wiki.Revision {
	return &wiki.Revision{EntryID: e.ID, Version: e.Version, Author: note.Author, At: e.UpdatedAt, Comment: note.Comment, Entry: *e.Clone()}
}

// Entry returns the entry with the given slug if v may read it. Returns ENOTFOUND also
// when v may not know that it exists.
func (a *App) Entry(ctx context.Context, v auth.Viewer, slug string) (*wiki.Entry, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := auth.Require(v, auth.ReadEntry, e); err != nil {
		return nil, err
	}
	return e, nil
}

// EntryPage is an entry as its page (or the API) shows it to a viewer.
type EntryPage struct {
	Entry   *wiki.Entry   // as stored, for the page's permission checks
	Shown   *wiki.Entry   // what the viewer may see of it; see Shown
	Related []*wiki.Entry // the related entries the viewer may read, in the entry's order
	Similar []search.Hit  // up to the n asked for; none if the search failed (logged)
}

// EntryPage returns the entry with the given slug as v may see it, with the related
// entries v may read and up to similar entries that look like it.
func (a *App) EntryPage(ctx context.Context, v auth.Viewer, slug string, similar int) (*EntryPage, error) {
	e, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, err
	}
	p := &EntryPage{Entry: e, Related: a.readableRelated(ctx, v, e)}
	p.Shown = shown(v, e, p.Related)
	if similar > 0 {
		if sim, err := a.Related(ctx, v, e, similar); err != nil {
			a.log.Error("similar entries", "entry", e.ID, "err", err) // the page works without them
		} else {
			p.Similar = sim
		}
	}
	return p, nil
}

// Shown returns e as v may see it: with the fields the policy lets them see
// (auth.EntryFor), and, unless they may edit the entry, without the related entries they
// may not read — a slug is made from the title, so it would name an internal or
// unpublished entry.
func (a *App) Shown(ctx context.Context, v auth.Viewer, e *wiki.Entry) *wiki.Entry {
	if auth.Can(v, auth.EditEntry, e) {
		return auth.EntryFor(v, e)
	}
	return shown(v, e, a.readableRelated(ctx, v, e))
}

// shown is Shown with the related entries v may read.
func shown(v auth.Viewer, e *wiki.Entry, readable []*wiki.Entry) *wiki.Entry {
	c := auth.EntryFor(v, e)
	if !auth.Can(v, auth.EditEntry, e) {
		c.Related = nil
		for _, re := range readable {
			c.Related = append(c.Related, re.Slug)
		}
	}
	return c
}

// readableRelated returns the related entries of e that v may read, in the entry's order.
// Entries that do not exist and entries v may not read are left out alike.
func (a *App) readableRelated(ctx context.Context, v auth.Viewer, e *wiki.Entry) []*wiki.Entry {
	var out []*wiki.Entry
	for _, slug := range e.Related {
		re, err := a.Entry(ctx, v, slug)
		if err != nil {
			if wiki.ErrorCode(err) == wiki.EINTERNAL {
				a.log.Error("related entry", "entry", e.ID, "related", slug, "err", err)
			}
			continue
		}
		out = append(out, re)
	}
	return out
}

func (a *App) entry(ctx context.Context, slug string) (*wiki.Entry, error) {
	if !wiki.ValidSlug(slug) {
		return nil, notFound()
	}
	e, err := a.stores.Entries.EntryBySlug(ctx, slug)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND {
		return nil, notFound()
	}
	return e, err
}

// entriesByID reads the entries with the given ids that exist, in the order of ids, in as
// few store calls as the store allows.
func (a *App) entriesByID(ctx context.Context, ids []string) ([]*wiki.Entry, error) {
	var out []*wiki.Entry
	for start := 0; start < len(ids); start += store.MaxEntriesByID {
		found, err := a.stores.Entries.EntriesByID(ctx, ids[start:min(start+store.MaxEntriesByID, len(ids))])
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

func notFound() error { return wiki.E(wiki.ENOTFOUND, "entry.not_found") }

// History returns an entry and its revisions, newest first, if v may read its history.
func (a *App) History(ctx context.Context, v auth.Viewer, slug string) (*wiki.Entry, []wiki.Revision, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	if err := auth.Require(v, auth.ReadHistory, e); err != nil {
		return nil, nil, err
	}
	revs, err := a.stores.Entries.Revisions(ctx, e.ID)
	if err != nil {
		return nil, nil, err
	}
	return e, revs, nil
}

// Comparison is the difference between two revisions of an entry.
type Comparison struct {
	Entry    *wiki.Entry
	From, To *wiki.Revision
	Changes  []wiki.FieldChange
}

// Compare returns what changed between two versions of an entry. Returns ENOTFOUND for an
// unknown entry or version.
func (a *App) Compare(ctx context.Context, v auth.Viewer, slug string, from, to int) (*Comparison, error) {
	e, err := a.entry(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := auth.Require(v, auth.ReadHistory, e); err != nil {
		return nil, err
	}
	return a.compare(ctx, e, from, to)
}

func (a *App) compare(ctx context.Context, e *wiki.Entry, from, to int) (*Comparison, error) {
	if from > to {
		from, to = to, from
	}
	revs := make([]*wiki.Revision, 2)
	for i, n := range []int{from, to} {
		if n < 1 || n > e.Version {
			return nil, wiki.E(wiki.ENOTFOUND, "entry.version_not_found", n)
		}
		var err error
		if revs[i], err = a.stores.Entries.Revision(ctx, e.ID, n); err != nil {
			return nil, err
		}
	}
	return &Comparison{Entry: e, From: revs[0], To: revs[1], Changes: wiki.Compare(&revs[0].Entry, &revs[1].Entry, &a.cat)}, nil
}
