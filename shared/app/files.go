package app

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Files configures the files of entries. A zero field takes its default.
type Files struct {
	MaxFile  int64 // bytes per file; 0: wiki.DefaultMaxFileSize
	MaxEntry int64 // bytes of all files of an entry's current version; 0: wiki.DefaultMaxEntryFiles

	// Scanner checks every uploaded file for malware before it is stored; nil: files
	// are not checked, which the coordination page says.
	Scanner Scanner

	// MalwareTags: files are scanned in the blob store by GuardDuty Malware Protection
	// for S3 (AWS), and downloads are given out only for files whose GuardDutyScanTag
	// says they are clean (FileURL).
	MalwareTags bool

	// Extractor reads the text of files in this process (local mode). nil: the text is
	// read elsewhere (on AWS, by the extract function on the bucket's notification).
	Extractor *extract.Extractor
}

func (f Files) maxFile() int64  { return cmp.Or(f.MaxFile, wiki.DefaultMaxFileSize) }
func (f Files) maxEntry() int64 { return cmp.Or(f.MaxEntry, wiki.DefaultMaxEntryFiles) }

// Scanner checks files for malware, for example a clamd.
type Scanner interface {
	// Scan reads r to its end and returns the name of the malware found in it, "" for a
	// clean file. An error means the file could not be checked.
	Scan(ctx context.Context, r io.Reader) (found string, err error)
	// Name names the scanner for the coordination page, e.g. "ClamAV (clamd)".
	Name() string
}

// FileUpload is a file to add to an entry: its content as the browser or script sent it,
// readable at any offset (the web layer spools it into a temporary file), with the name
// it came with and a title and description given in the form.
type FileUpload struct {
	Name        string
	Title       string
	Description string
	Content     io.ReaderAt
	Size        int64
}

// FileEdit is a new title or description for a file the entry keeps.
type FileEdit struct {
	ID          string
	Title       string
	Description string
}

// FileChanges are changes of an entry's files, saved as one new version of the entry.
type FileChanges struct {
	Add    []FileUpload
	Remove []string // ids of files to take off the entry; their content stays for the history
	Edit   []FileEdit
}

// IsZero reports whether c changes nothing.
func (c FileChanges) IsZero() bool { return len(c.Add) == 0 && len(c.Remove) == 0 && len(c.Edit) == 0 }

// filesPerHour is how many files one account may upload per hour.
const filesPerHour = 100

// fileWork is the state of the files of an App.
type fileWork struct {
	conf Files

	mu      sync.Mutex
	queue   []fileJob       // texts to read, oldest first; guarded by mu
	queued  map[string]bool // blob keys of the files in the queue or being read; guarded by mu
	running bool            // a worker reads the queue; guarded by mu
	idle    chan struct{}   // closed when the queue is empty and no worker runs; guarded by mu
}

// fileJob is one file whose text is to be read.
type fileJob struct {
	entryID string
	file    wiki.Attachment
}

// FileLimits returns the size limits of files, for forms and the API.
func (a *App) FileLimits() (perFile, perEntry int64) {
	return a.files.conf.maxFile(), a.files.conf.maxEntry()
}

// ScannerName names the malware scanner that checks uploads, "" if none is configured.
func (a *App) ScannerName() string {
	if a.files.conf.MalwareTags {
		return guardDutyName
	}
	if a.files.conf.Scanner == nil {
		return ""
	}
	return a.files.conf.Scanner.Name()
}

// ChangeFiles saves the entry with the given slug with its files changed as ch says, as a
// new version. version is the version the editor started from (ECONFLICT if someone
// saved in between). A refused file is an EINVALID (or ETOOLARGE) error naming it, and
// then nothing is stored.
func (a *App) ChangeFiles(ctx context.Context, v auth.Viewer, slug string, version int, ch FileChanges, comment string) (*wiki.Entry, error) {
	cur, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, err
	}
	e := cur.Clone()
	e.Version = version
	return a.UpdateEntryFiles(ctx, v, slug, e, comment, ch)
}

// applyFiles stores the files of ch.Add under entryID and returns e's files changed by
// ch, and a function that removes the stored content again should the entry not be
// saved. The caller checks the permission to edit e.
func (a *App) applyFiles(ctx context.Context, v auth.Viewer, entryID string, files []wiki.Attachment, ch FileChanges) (out []wiki.Attachment, undo func(), err error) {
	out = slices.Clone(files)
	for _, id := range ch.Remove {
		i := slices.IndexFunc(out, func(f wiki.Attachment) bool { return f.ID == id })
		if i < 0 {
			return nil, nil, wiki.FieldError(wiki.EINVALID, "files", "files.unknown")
		}
		out = slices.Delete(out, i, i+1)
	}
	for _, ed := range ch.Edit {
		i := slices.IndexFunc(out, func(f wiki.Attachment) bool { return f.ID == ed.ID })
		if i < 0 {
			return nil, nil, wiki.FieldError(wiki.EINVALID, "files", "files.unknown")
		}
		out[i].Title, out[i].Description = ed.Title, ed.Description
	}
	if len(ch.Add) == 0 {
		return out, func() {}, nil
	}
	if len(out)+len(ch.Add) > wiki.MaxAttachments {
		return nil, nil, wiki.FieldError(wiki.EINVALID, "files", "validate.files.too_many", wiki.MaxAttachments)
	}
	if err := a.limitFiles(v, len(ch.Add)); err != nil {
		return nil, nil, err
	}
	total := int64(0)
	for _, f := range out {
		total += f.Size
	}
	for _, up := range ch.Add {
		total += up.Size
	}
	if limit := a.files.conf.maxEntry(); total > limit {
		return nil, nil, &wiki.Error{Code: wiki.ETOOLARGE, Message: text.M("files.entry_total", FormatBytes(limit)),
			Fields: map[string]text.Message{"files": text.M("files.entry_total", FormatBytes(limit))}}
	}
	var stored []string
	undo = func() {
		for _, key := range stored {
			if err := a.stores.Blobs.DeleteBlob(context.WithoutCancel(ctx), key); err != nil {
				a.log.Error("remove file of an entry not saved", "key", key, "err", err)
			}
		}
	}
	for _, up := range ch.Add {
		f, err := a.storeFile(ctx, v, entryID, up)
		if err != nil {
			undo()
			return nil, nil, err
		}
		stored = append(stored, wiki.AttachmentKey(entryID, f.ID))
		out = append(out, *f)
	}
	return out, undo, nil
}

// storeFile checks one upload (size, format by content, malware) and stores its content.
func (a *App) storeFile(ctx context.Context, v auth.Viewer, entryID string, up FileUpload) (*wiki.Attachment, error) {
	name := wiki.CleanFileName(up.Name, "")
	refused := func(code wiki.Code, key string, args ...any) error {
		m := text.M(key, args...)
		return &wiki.Error{Code: code, Message: m, Fields: map[string]text.Message{"files": m}}
	}
	if max := a.files.conf.maxFile(); up.Size > max {
		return nil, refused(wiki.ETOOLARGE, "files.too_large", name, FormatBytes(max))
	}
	format, err := extract.Sniff(up.Content, up.Size)
	if err != nil {
		var xe *extract.Error
		if errors.As(err, &xe) {
			return nil, refused(wiki.EINVALID, "files.refused", name, xe.Message())
		}
		return nil, err
	}
	name = wiki.CleanFileName(up.Name, string(format))
	if s := a.files.conf.Scanner; s != nil {
		found, err := s.Scan(ctx, io.NewSectionReader(up.Content, 0, up.Size))
		if err != nil {
			a.log.Error("malware scan", "file", name, "err", err)
			return nil, refused(wiki.EUNAVAILABLE, "files.scanner_down", name)
		}
		if found != "" {
			a.log.Warn("malware refused", "file", name, "found", found, "user", v.User.ID)
			a.audit(ctx, v, "file.malware", entryID, name+": "+found)
			return nil, refused(wiki.EINVALID, "files.malware", name, found)
		}
	}
	if err := a.writable(); err != nil {
		return nil, err
	}
	now := a.clock()
	f := &wiki.Attachment{ID: newID(now), Name: name, Title: up.Title, Description: up.Description,
		Format: string(format), Size: up.Size, UploadedAt: now, UploadedBy: v.User.Name}
	f.Normalize()
	h := sha256.New()
	content := io.TeeReader(io.NewSectionReader(up.Content, 0, up.Size), h)
	if err := a.stores.Blobs.PutBlob(ctx, wiki.AttachmentKey(entryID, f.ID), content, format.MediaType()); err != nil {
		return nil, err
	}
	f.SHA256 = hex.EncodeToString(h.Sum(nil))
	return f, nil
}

// limitFiles returns ETOOMANY if the viewer's account may not upload n more files this
// hour, and counts them otherwise.
func (a *App) limitFiles(v auth.Viewer, n int) error {
	for range n {
		if err := a.limit(&a.uploads, v, "limit.files"); err != nil {
			return err
		}
		a.uploads.add(v.User.ID, a.now())
	}
	return nil
}

// FormatBytes writes a size the German way: "100 MB", "1,5 GB", "800 KB".
func FormatBytes(n int64) string {
	const k = 1 << 10
	switch {
	case n >= k*k*k:
		return germanDecimal(float64(n)/(k*k*k)) + " GB"
	case n >= k*k:
		return germanDecimal(float64(n)/(k*k)) + " MB"
	case n >= k:
		return germanDecimal(float64(n)/k) + " KB"
	}
	return fmt.Sprintf("%d Byte", n)
}

func germanDecimal(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s[:len(s)-2] + "," + s[len(s)-1:]
}

// newFiles returns the files of e that old does not have.
func newFiles(old, e *wiki.Entry) []wiki.Attachment {
	var out []wiki.Attachment
	for _, f := range e.Attachments {
		if old == nil || !slices.ContainsFunc(old.Attachments, func(o wiki.Attachment) bool { return o.ID == f.ID }) {
			out = append(out, f)
		}
	}
	return out
}

// FileDownload is a file of an entry that a viewer may download.
type FileDownload struct {
	Entry *wiki.Entry
	File  wiki.Attachment
}

// File returns the file with the given id of the entry with the given slug, if v may read
// it: a file of the current version, or with version > 0 of that version (for those who
// may read the history). Every file v may not read, or that does not exist, is the same
// ENOTFOUND.
func (a *App) File(ctx context.Context, v auth.Viewer, slug, id string, version int) (*FileDownload, error) {
	e, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, fileNotFound()
	}
	files := e.Attachments
	if version > 0 && version != e.Version {
		if auth.Require(v, auth.ReadHistory, e) != nil {
			return nil, fileNotFound()
		}
		rev, err := a.stores.Entries.Revision(ctx, e.ID, version)
		if wiki.ErrorCode(err) == wiki.ENOTFOUND {
			return nil, fileNotFound()
		}
		if err != nil {
			return nil, err
		}
		files = rev.Entry.Attachments
	}
	i := slices.IndexFunc(files, func(f wiki.Attachment) bool { return f.ID == id })
	if i < 0 {
		return nil, fileNotFound()
	}
	return &FileDownload{Entry: e, File: files[i]}, nil
}

func fileNotFound() error { return wiki.E(wiki.ENOTFOUND, "files.not_found") }

// OpenFile opens the content of a file that File returned.
func (a *App) OpenFile(ctx context.Context, d *FileDownload) (io.ReadCloser, error) {
	return a.stores.Blobs.Blob(ctx, wiki.AttachmentKey(d.Entry.ID, d.File.ID))
}

// FileText returns the stored text of a file, or nil while it has not been read yet.
func (a *App) FileText(ctx context.Context, entryID, fileID string) (*wiki.FileText, error) {
	rc, err := a.stores.Blobs.Blob(ctx, wiki.AttachmentTextKey(entryID, fileID))
	if wiki.ErrorCode(err) == wiki.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var t wiki.FileText
	if err := json.NewDecoder(rc).Decode(&t); err != nil {
		return nil, fmt.Errorf("text of file %s/%s: %w", entryID, fileID, err)
	}
	return &t, nil
}

// document returns the search document of e with the text of its files. A file whose
// text cannot be read is indexed without it (logged): the entry stays findable.
func (a *App) document(ctx context.Context, e *wiki.Entry) search.Document {
	d := search.NewDocument(e, &a.cat)
	for i, f := range e.Attachments {
		t, err := a.FileText(ctx, e.ID, f.ID)
		if err != nil {
			a.log.Error("index: read text of file", "entry", e.ID, "file", f.ID, "err", err)
			continue
		}
		if t != nil {
			d.Files[i].Parts = t.Parts
		}
	}
	return d
}

// SaveFileText stores the text read from a file beside it, for the index.
func SaveFileText(ctx context.Context, blobs store.Blobs, entryID, fileID string, t *wiki.FileText) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return blobs.PutBlob(ctx, wiki.AttachmentTextKey(entryID, fileID), bytes.NewReader(b), "application/json")
}

// readTexts queues the files of entryID for reading their text in this process, if the
// App has an Extractor. A file queued already or being read is not queued again (the
// start looks for texts missing while an import's are still being read).
func (a *App) readTexts(entryID string, files []wiki.Attachment) {
	if a.files.conf.Extractor == nil || len(files) == 0 {
		return
	}
	w := &a.files
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.queued == nil {
		w.queued = map[string]bool{}
	}
	for _, f := range files {
		key := wiki.AttachmentKey(entryID, f.ID)
		if w.queued[key] {
			continue
		}
		w.queued[key] = true
		w.queue = append(w.queue, fileJob{entryID: entryID, file: f})
	}
	if !w.running {
		w.running = true
		w.idle = make(chan struct{})
		go a.readQueue()
	}
}

// readQueue reads the texts of the queued files one at a time until the queue is empty.
func (a *App) readQueue() {
	defer a.recoverIn("read texts of files")
	w := &a.files
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.running = false
			close(w.idle)
			w.mu.Unlock()
			return
		}
		job := w.queue[0]
		w.queue = w.queue[1:]
		w.mu.Unlock()
		a.readText(context.Background(), job)
		w.mu.Lock()
		delete(w.queued, wiki.AttachmentKey(job.entryID, job.file.ID))
		w.mu.Unlock()
	}
}

// readText reads the text of one file, stores it beside the file and puts the entry into
// the index again.
func (a *App) readText(ctx context.Context, job fileJob) {
	key := wiki.AttachmentKey(job.entryID, job.file.ID)
	t, err := ReadFileText(ctx, a.files.conf.Extractor, a.stores.Blobs, key, job.file.Size)
	if err != nil {
		a.log.Error("read text of file", "key", key, "err", err)
		return
	}
	if err := SaveFileText(ctx, a.stores.Blobs, job.entryID, job.file.ID, t); err != nil {
		a.log.Error("store text of file", "key", key, "err", err)
		return
	}
	a.log.Info("text of file read", "key", key, "status", t.Status, "parts", len(t.Parts), "note", t.Note)
	a.indexAgain(ctx, job.entryID)
}

// ReadFileText reads the text of the file of size bytes stored under key. The extractors
// need random access: a blob that is a file (local mode) is read where it is, any other
// is copied into a temporary file first, so that a large file never sits in memory. A file
// that cannot be read gives a FileText with status TextFailed, not an error; errors are
// the store's or the temporary file's.
func ReadFileText(ctx context.Context, x *extract.Extractor, blobs store.Blobs, key string, size int64) (*wiki.FileText, error) {
	rc, err := blobs.Blob(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	content, ok := rc.(io.ReaderAt)
	if !ok {
		tmp, err := os.CreateTemp("", "wissensnetz-text-*")
		if err != nil {
			return nil, err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		n, err := io.Copy(tmp, io.LimitReader(rc, size+1))
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", key, err)
		}
		content, size = tmp, n
	}
	res, err := x.Extract(ctx, content, size)
	if err != nil {
		return extract.FailedText(err), nil
	}
	return res.FileText(), nil
}

// indexAgain puts the entry with the given id into this App's index again as the store
// holds it, for a change that is not a write of the entry (its files' text was read).
func (a *App) indexAgain(ctx context.Context, id string) {
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	if a.pending != nil {
		a.pending[id] = true
		return
	}
	seq, err := a.index.Seq()
	if err != nil {
		a.log.Error("index again: read sequence", "err", err)
		return
	}
	a.indexEntries(ctx, seq, id)
}

// WaitForTexts waits until the texts of all files queued so far are read, or ctx ends.
// For tests and the admin tool's import.
func (a *App) WaitForTexts(ctx context.Context) error {
	w := &a.files
	w.mu.Lock()
	idle := w.idle
	running := w.running
	w.mu.Unlock()
	if !running {
		return nil
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readMissingTexts queues the files whose text was never stored, for example because
// the process ended while reading it. Runs at the start of local mode.
func (a *App) readMissingTexts(ctx context.Context) error {
	if a.files.conf.Extractor == nil {
		return nil
	}
	have, err := a.stores.Blobs.ListBlobs(ctx, "text/")
	if err != nil {
		return err
	}
	stored := make(map[string]bool, len(have))
	for _, k := range have {
		stored[k] = true
	}
	return a.stores.Entries.ScanEntries(ctx, func(e *wiki.Entry) error {
		var missing []wiki.Attachment
		for _, f := range e.Attachments {
			if !stored[wiki.AttachmentTextKey(e.ID, f.ID)] {
				missing = append(missing, f)
			}
		}
		a.readTexts(e.ID, missing)
		return nil
	})
}

// fileWaitTimeout bounds how long Close waits for the text being read.
const fileWaitTimeout = 10 * time.Second
