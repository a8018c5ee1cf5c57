package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Record is one line of an export: a municipality, a topic, or an entry with its revisions.
type Record struct {
	Type         string             `json:"type"`
	Municipality *wiki.Municipality `json:"municipality,omitempty"`
	Topic        *wiki.Topic        `json:"topic,omitempty"`
	Entry        *wiki.Entry        `json:"entry,omitempty"`
	Revisions    []wiki.Revision    `json:"revisions,omitempty"`
}

// Record types.
const (
	RecordMunicipality = "municipality"
	RecordTopic        = "topic"
	RecordEntry        = "entry"
)

// maxRecordBytes bounds one line of an import: an entry with a long history.
const maxRecordBytes = 256 << 20

// jsonEncoder writes records as the export has them: one a line, HTML left as it is.
func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// ImportResult counts what an import stored, or lists the problems that stopped it.
type ImportResult struct {
	Municipalities, Topics, Entries int
	Problems                        []LineProblem

	// After a failure while writing: Undone says that everything the import had written
	// was taken back; otherwise Left describes (in German) what of it is still stored.
	Undone bool
	Left   []string
}

// LineProblem is a problem with one line of an import file.
type LineProblem struct {
	Line    int
	Message string
}

func (p LineProblem) String() string {
	if p.Line == 0 { // the file as a whole
		return p.Message
	}
	return written.Text("import.line", p.Line, p.Message)
}

// Import reads what Export writes: JSON Lines, or a ZIP archive of them with the files.
// Entries with revisions are restored as they are, their files under their keys;
// entries without (hand-written files, demo content) are created as new entries with
// author as the author of their first revision, their files with new ids. Every file
// must have the size and SHA-256 that the records give: a file changed or missing is a
// problem of the entry's line. The texts of the files are read afresh, in the
// background where the App reads them (local mode).
//
// An import is all or nothing. Everything is checked first, slugs of new entries included:
// if any line has a problem, nothing is written and the result lists every problem with
// its line number (error EINVALID). The files are stored first. Should a write then fail (an entry written in between,
// a store error), what the import wrote is taken back: entries and files it stored are removed, and
// municipalities and topics it created or replaced are removed or put back as they were.
// The result's Undone says whether that succeeded and Left what is still stored if not;
// the error is ECONFLICT for a conflict that was taken back and EINTERNAL otherwise.
func (a *App) Import(ctx context.Context, r io.Reader, author string) (*ImportResult, error) {
	if err := a.writable(); err != nil {
		return &ImportResult{}, err
	}
	src, problem := openImport(r)
	defer src.close()
	if problem != "" {
		res := &ImportResult{Problems: []LineProblem{{0, problem}}}
		return res, wiki.E(wiki.EINVALID, "import.problems", len(res.Problems))
	}
	recs, files, res := a.readImport(ctx, src)
	if len(res.Problems) > 0 {
		return res, wiki.E(wiki.EINVALID, "import.problems", len(res.Problems))
	}
	j := &importJournal{}
	// The files first: an entry is never stored without them. An entry new here gets its
	// id now, for the keys of its files.
	now := a.clock()
	for _, rec := range recs {
		if rec.Entry == nil || len(files[rec.Entry]) == 0 {
			continue
		}
		if a.stores.Blobs == nil {
			return res, &wiki.Error{Code: wiki.EINTERNAL, Err: errors.New("import: files to store, but no blob store")}
		}
		e, ids := rec.Entry, sameIDs(files[rec.Entry])
		if len(rec.Revisions) == 0 {
			e.ID = newID(now)
			ids = freshFiles(e, now, author)
		}
		if err := a.storeImportFiles(ctx, j, e.ID, e.Title, files[e], ids); err != nil {
			return res, a.importFailed(ctx, j, res, text.M("import.failed.files", e.Title), err)
		}
	}
	// The versions that the file's municipalities and topics replace, to put them back.
	munis, err := a.stores.Municipalities.Municipalities(ctx)
	if err != nil {
		return res, a.importFailed(ctx, j, res, text.M("import.failed.read_municipalities"), err)
	}
	topics, err := a.stores.Topics.Topics(ctx)
	if err != nil {
		return res, a.importFailed(ctx, j, res, text.M("import.failed.read_topics"), err)
	}
	prevMunis := make(map[string]*wiki.Municipality, len(munis))
	for i := range munis {
		prevMunis[munis[i].AGS] = &munis[i]
	}
	prevTopics := make(map[string]*wiki.Topic, len(topics))
	for i := range topics {
		prevTopics[topics[i].Slug] = &topics[i]
	}

	for _, rec := range recs {
		switch {
		case rec.Municipality != nil:
			m := rec.Municipality
			// Journaled before the write: a failed put may have been stored all the same.
			j.steps = append(j.steps, importStep{muni: m, prevMuni: prevMunis[m.AGS]})
			prevMunis[m.AGS] = m // a second line of the same AGS replaces the first
			if err := a.stores.Municipalities.PutMunicipality(ctx, m); err != nil {
				return res, a.importFailed(ctx, j, res, text.M("import.failed.municipality", m.Name), err)
			}
		case rec.Topic != nil:
			t := rec.Topic
			j.steps = append(j.steps, importStep{topic: t, prevTop: prevTopics[t.Slug]})
			prevTopics[t.Slug] = t
			if err := a.stores.Topics.PutTopic(ctx, t); err != nil {
				return res, a.importFailed(ctx, j, res, text.M("import.failed.topic", t.Name), err)
			}
		}
	}
	if err := a.cat.load(ctx, a.stores.Municipalities, a.stores.Topics); err != nil {
		return res, a.importFailed(ctx, j, res, text.M("import.failed.reload_catalog"), err)
	}
	// New municipality names are never split into parts: the index learns them by a
	// rebuild, before the entries come, which are then indexed with them.
	if err := a.applyProtected(ctx); err != nil {
		return res, a.importFailed(ctx, j, res, text.M("import.failed.index"), err)
	}
	// The flush runs after a failure too, after the undo, and also when ctx is done: the
	// index then drops what was taken back.
	flush := a.deferIndexing(context.WithoutCancel(ctx))
	defer flush()
	var texts []*wiki.Entry // whose files' texts are to be read
	for _, rec := range recs {
		if rec.Entry == nil {
			continue
		}
		var err error
		if len(rec.Revisions) > 0 {
			if err = a.stores.Entries.RestoreEntry(ctx, rec.Entry, rec.Revisions); err == nil {
				a.written(ctx, rec.Entry)
				j.steps = append(j.steps, importStep{entryID: rec.Entry.ID, version: rec.Entry.Version, title: rec.Entry.Title})
			}
		} else {
			var e *wiki.Entry
			// An entry without history is new here: the id it got for its files above,
			// or one of createEntry.
			if e, err = a.createEntry(ctx, rec.Entry, Note{Author: author, Comment: "Import"}); err == nil {
				j.steps = append(j.steps, importStep{entryID: e.ID, version: e.Version, title: e.Title})
				texts = append(texts, e)
			}
		}
		if err != nil {
			return res, a.importFailed(ctx, j, res, text.M("import.failed.entry", rec.Entry.Title), fmt.Errorf("import entry %q: %w", rec.Entry.Title, err))
		}
		if len(rec.Revisions) > 0 {
			texts = append(texts, rec.Entry)
		}
		res.Entries++
	}
	for _, e := range texts {
		a.readTexts(e.ID, e.Attachments)
	}
	return res, nil
}

// readImport parses and checks every line against the store and the file itself, and the
// files that the entries name against the archive. It returns the files to store by
// entry.
func (a *App) readImport(ctx context.Context, src *importSource) ([]Record, map[*wiki.Entry][]archivedFile, *ImportResult) {
	r := src.records
	res := &ImportResult{}
	problem := func(line int, key string, args ...any) {
		res.Problems = append(res.Problems, LineProblem{line, written.Text(key, args...)})
	}
	var recs []Record
	var entryLines []int
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxRecordBytes)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(text, &struct{ Type *string }{&rec.Type}); err != nil {
			problem(line, "import.bad_json", err)
			continue
		}
		if rec.Type != RecordMunicipality && rec.Type != RecordTopic && rec.Type != RecordEntry {
			problem(line, "import.unknown_type", rec.Type)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			problem(line, "import.bad_record", err)
			continue
		}
		switch rec.Type {
		case RecordMunicipality:
			if rec.Municipality == nil {
				problem(line, "import.no_municipality")
				continue
			}
			if err := rec.Municipality.Validate(); err != nil {
				problem(line, "import.municipality", rec.Municipality.Name, fieldText(err))
				continue
			}
			res.Municipalities++
		case RecordTopic:
			if rec.Topic == nil {
				problem(line, "import.no_topic")
				continue
			}
			if err := rec.Topic.Validate(); err != nil {
				problem(line, "import.topic", rec.Topic.Name, fieldText(err))
				continue
			}
			res.Topics++
		case RecordEntry:
			if rec.Entry == nil {
				problem(line, "import.no_entry")
				continue
			}
			entryLines = append(entryLines, line)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		problem(0, "import.unreadable", err)
		return nil, nil, res
	}

	// Entries are checked against the stored catalog plus what the file brings.
	cat := &catalog{}
	var munis []wiki.Municipality
	var topics []wiki.Topic
	for _, rec := range recs {
		if rec.Municipality != nil {
			munis = append(munis, *rec.Municipality)
		}
		if rec.Topic != nil {
			topics = append(topics, *rec.Topic)
		}
	}
	munis = append(munis, a.cat.municipalities()...)
	topics = append(topics, a.cat.topicList()...)
	cat.set(munis, topics)

	ids, slugs := map[string]int{}, map[string]int{}
	type newEntry struct {
		line  int
		entry *wiki.Entry
	}
	var news []newEntry // entries without history, given slugs once the file's are known
	files := map[*wiki.Entry][]archivedFile{}
	checker := &fileChecker{src: src, checked: map[string]string{}}
	i := 0
	for _, rec := range recs {
		if rec.Entry == nil {
			continue
		}
		line := entryLines[i]
		i++
		e := rec.Entry
		checker.mark(e, rec.Revisions)
		if len(rec.Revisions) == 0 {
			if e.ID != "" || e.Version != 0 {
				problem(line, "import.entry.needs_revisions", e.Title)
				continue
			}
			if e.State == "" {
				e.State = wiki.StatePublished
			}
			e.Normalize()
			if err := e.Validate(cat); err != nil {
				problem(line, "import.entry", e.Title, fieldText(err))
				continue
			}
			files[e] = checker.check(line, e, nil, problem)
			if len(files[e]) > 0 && !a.checkNew(ctx, line, e, files[e], problem) {
				files[e] = nil
			}
			news = append(news, newEntry{line, e})
			continue
		}
		if _, err := ulid.ParseStrict(e.ID); err != nil {
			problem(line, "import.entry.bad_id", e.Title, e.ID)
			continue
		}
		if err := e.Validate(cat); err != nil {
			problem(line, "import.entry", e.Title, fieldText(err))
			continue
		}
		if !wiki.ValidSlug(e.Slug) {
			problem(line, "import.entry.bad_slug", e.Title, e.Slug)
			continue
		}
		if msg := checkHistory(e, rec.Revisions); !msg.IsZero() {
			problem(line, "import.entry", e.Title, msg)
			continue
		}
		files[e] = checker.check(line, e, rec.Revisions, problem)
		if prev, dup := ids[e.ID]; dup {
			problem(line, "import.entry.id_twice", e.Title, prev)
		} else if prev, dup := slugs[e.Slug]; dup {
			problem(line, "import.entry.slug_twice", e.Title, e.Slug, prev)
		} else if _, err := a.stores.Entries.Entry(ctx, e.ID); err == nil {
			problem(line, "import.entry.exists", e.Title)
		} else if _, err := a.stores.Entries.EntryBySlug(ctx, e.Slug); err == nil {
			problem(line, "import.entry.slug_taken", e.Title, e.Slug)
		}
		ids[e.ID], slugs[e.Slug] = line, line
	}
	// A new entry gets its slug here, free in the store and the file, so that the import
	// cannot stop half-way for want of one (createEntry uses it). A title without Latin
	// letters gets a slug from its id when it is created, which is free.
	for _, n := range news {
		n.entry.Slug = ""
		base := wiki.Slugify(n.entry.Title)
		if base == "" {
			continue
		}
		for try := 0; try < maxSlugTries && n.entry.Slug == ""; try++ {
			slug := a.slugCandidate(base, try)
			if _, inFile := slugs[slug]; inFile {
				continue
			}
			if _, err := a.stores.Entries.EntryBySlug(ctx, slug); wiki.ErrorCode(err) != wiki.ENOTFOUND {
				continue
			}
			n.entry.Slug, slugs[slug] = slug, n.line
		}
		if n.entry.Slug == "" {
			problem(n.line, "import.entry.no_slug", n.entry.Title)
		}
	}
	if src.files != nil {
		checker.unused(problem)
	}
	slices.SortStableFunc(res.Problems, func(a, b LineProblem) int { return a.Line - b.Line })
	return recs, files, res
}

// checkHistory returns what is wrong with the versions of e, or the zero Message.
func checkHistory(e *wiki.Entry, revs []wiki.Revision) text.Message {
	if e.Version != len(revs) {
		return text.M("import.history.count", e.Version, len(revs))
	}
	for i, r := range revs {
		if r.Version != i+1 || r.EntryID != e.ID {
			return text.M("import.history.gap", i+1)
		}
	}
	return text.Message{}
}

// fieldText joins the field messages of a validation error in a stable order.
func fieldText(err error) string {
	fields := wiki.FieldTexts(written, err)
	if len(fields) == 0 {
		return wiki.ErrorText(written, err)
	}
	msgs := make([]string, 0, len(fields))
	for _, m := range fields {
		msgs = append(msgs, m)
	}
	slices.Sort(msgs)
	return strings.Join(msgs, " ")
}
