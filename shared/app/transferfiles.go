package app

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// An export of a knowledge base with files is a ZIP archive: the records as JSON Lines in
// ArchiveRecords, then the content of every file that any version of an entry names, once,
// under ArchiveFilePath. ZIP streams both ways here (written front to back, each file read
// on its own), and every office computer opens it. The texts read from the files are not
// exported: the import has them read again.
const (
	ArchiveRecords = "wissensnetz.jsonl" // the records in an export archive
	archiveFiles   = "dateien/"          // the folder of the files in an export archive
)

// ArchiveFilePath is the name of a file's content in an export archive:
// dateien/<entry id>/<file id>.<format>. The files of an entry without id (new entries
// in a hand-made archive, the demo content) lie directly in dateien/.
func ArchiveFilePath(entryID string, f wiki.Attachment) string {
	name := f.ID
	if f.Format != "" {
		name += "." + f.Format
	}
	if entryID == "" {
		return archiveFiles + name
	}
	return archiveFiles + entryID + "/" + name
}

// zipMagic starts every ZIP archive (an empty one with the second).
var zipMagic = [][]byte{[]byte("PK\x03\x04"), []byte("PK\x05\x06")}

func isZip(head []byte) bool {
	return slices.ContainsFunc(zipMagic, func(m []byte) bool { return bytes.HasPrefix(head, m) })
}

// Export writes the whole knowledge base: as JSON Lines (see exportRecords) while no file
// is stored (or the stores have no blob store), otherwise as a ZIP archive with the files
// (ExportArchive). The same content always gives the same bytes.
func (a *App) Export(ctx context.Context, w io.Writer) error {
	var keys []string
	if a.stores.Blobs != nil {
		var err error
		if keys, err = a.stores.Blobs.ListBlobs(ctx, "attachments/"); err != nil {
			return err
		}
	}
	if len(keys) == 0 {
		bw := bufio.NewWriter(w)
		if err := a.exportRecords(ctx, bw, nil); err != nil {
			return err
		}
		return bw.Flush()
	}
	return a.ExportArchive(ctx, w)
}

// exportedFile is a file an export archive carries.
type exportedFile struct {
	entry *wiki.Entry // the current version, for messages
	file  wiki.Attachment
}

// ExportArchive writes the whole knowledge base as a ZIP archive: ArchiveRecords, then the
// content of every file that a version of an entry names, checked against its SHA-256 on
// the way. A file missing from the store or changed there stops the export with an error
// naming it. The same content always gives the same bytes.
func (a *App) ExportArchive(ctx context.Context, w io.Writer) error {
	zw := zip.NewWriter(w)
	rw, err := zw.CreateHeader(&zip.FileHeader{Name: ArchiveRecords, Method: zip.Deflate})
	if err != nil {
		return err
	}
	var files []exportedFile
	err = a.exportRecords(ctx, rw, func(e *wiki.Entry, revs []wiki.Revision) {
		seen := map[string]bool{}
		add := func(list []wiki.Attachment) {
			for _, f := range list {
				if !seen[f.ID] {
					seen[f.ID] = true
					files = append(files, exportedFile{entry: e, file: f})
				}
			}
		}
		for _, r := range revs {
			add(r.Entry.Attachments)
		}
		add(e.Attachments)
	})
	if err != nil {
		return err
	}
	for _, x := range files {
		if err := a.exportFile(ctx, zw, x); err != nil {
			return err
		}
	}
	return zw.Close()
}

// exportFile copies one file's content from the store into the archive.
func (a *App) exportFile(ctx context.Context, zw *zip.Writer, x exportedFile) error {
	key := wiki.AttachmentKey(x.entry.ID, x.file.ID)
	rc, err := a.stores.Blobs.Blob(ctx, key)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND {
		return wiki.E(wiki.EINTERNAL, "export.file.missing", x.file.Name, x.entry.Title, key)
	}
	if err != nil {
		return fmt.Errorf("export: open %s: %w", key, err)
	}
	defer rc.Close()
	// Files are compressed already, mostly: stored as they are, the archive is written at
	// the speed of the disk.
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: ArchiveFilePath(x.entry.ID, x.file), Method: zip.Store,
		Modified: x.file.UploadedAt.UTC()})
	if err != nil {
		return err
	}
	sum := newContentSum()
	if _, err := io.Copy(fw, io.TeeReader(io.LimitReader(rc, x.file.Size+1), sum)); err != nil {
		return fmt.Errorf("export: copy %s: %w", key, err)
	}
	if !sum.matches(x.file) {
		return wiki.E(wiki.EINTERNAL, "export.file.damaged", x.file.Name, x.entry.Title, key)
	}
	return nil
}

// exportRecords writes the records as JSON Lines: municipalities by AGS, topics by slug,
// then entries by id, each with its revisions oldest first. each, if set, sees every
// entry with its revisions as they are written.
func (a *App) exportRecords(ctx context.Context, w io.Writer, each func(*wiki.Entry, []wiki.Revision)) error {
	enc := jsonEncoder(w)
	munis, err := a.stores.Municipalities.Municipalities(ctx)
	if err != nil {
		return err
	}
	for i := range munis {
		if err := enc.Encode(Record{Type: RecordMunicipality, Municipality: &munis[i]}); err != nil {
			return err
		}
	}
	topics, err := a.stores.Topics.Topics(ctx)
	if err != nil {
		return err
	}
	for i := range topics {
		if err := enc.Encode(Record{Type: RecordTopic, Topic: &topics[i]}); err != nil {
			return err
		}
	}
	return a.stores.Entries.ScanEntries(ctx, func(e *wiki.Entry) error {
		revs, err := a.stores.Entries.Revisions(ctx, e.ID)
		if err != nil {
			return err
		}
		slices.Reverse(revs)
		if each != nil {
			each(e, revs)
		}
		return enc.Encode(Record{Type: RecordEntry, Entry: e, Revisions: revs})
	})
}

// contentSum counts and hashes a file's content as it passes.
type contentSum struct {
	h hash.Hash
	n int64
}

func newContentSum() *contentSum { return &contentSum{h: sha256.New()} }

func (s *contentSum) Write(p []byte) (int, error) {
	s.n += int64(len(p))
	return s.h.Write(p)
}

// matches reports whether the content seen has f's size and SHA-256.
func (s *contentSum) matches(f wiki.Attachment) bool {
	return s.n == f.Size && hex.EncodeToString(s.h.Sum(nil)) == f.SHA256
}

// importSource is what an import reads: the records, and the files of an archive.
type importSource struct {
	records io.Reader
	files   map[string]*zip.File // an archive's members under archiveFiles by name; nil for JSON Lines
	used    map[string]bool      // members that a record names
	close   func()
}

// openImport looks at the start of r: a ZIP archive is opened (from r itself when it can
// be read at any offset, a file or bytes in memory; otherwise from a temporary copy),
// anything else is read as JSON Lines. The problem is in the language of written.
func openImport(r io.Reader) (src *importSource, problem string) {
	src = &importSource{close: func() {}}
	ra, size, ok := sizedReaderAt(r)
	if ok {
		head := make([]byte, 4)
		n, _ := ra.ReadAt(head, 0)
		if !isZip(head[:n]) {
			src.records = r
			return src, ""
		}
	} else {
		br := bufio.NewReader(r)
		head, _ := br.Peek(4)
		if !isZip(head) {
			src.records = br
			return src, ""
		}
		tmp, err := os.CreateTemp("", "wissensnetz-import-*.zip")
		if err != nil {
			return src, written.Text("import.unreadable", err)
		}
		src.close = func() { tmp.Close(); os.Remove(tmp.Name()) }
		if size, err = io.Copy(tmp, br); err != nil {
			return src, written.Text("import.unreadable", err)
		}
		ra = tmp
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return src, written.Text("import.archive.damaged", err)
	}
	src.files, src.used = map[string]*zip.File{}, map[string]bool{}
	for _, f := range zr.File {
		switch {
		case f.Name == ArchiveRecords:
			if src.records != nil {
				return src, written.Text("import.archive.twice", f.Name)
			}
			rc, err := f.Open()
			if err != nil {
				return src, written.Text("import.archive.damaged", err)
			}
			prev := src.close
			src.close = func() { rc.Close(); prev() }
			src.records = rc
		case strings.HasPrefix(f.Name, archiveFiles) && !strings.HasSuffix(f.Name, "/"):
			if src.files[f.Name] != nil {
				return src, written.Text("import.archive.twice", f.Name)
			}
			src.files[f.Name] = f
		}
	}
	if src.records == nil {
		return src, written.Text("import.archive.no_records", ArchiveRecords)
	}
	return src, ""
}

// sizedReaderAt returns r as an io.ReaderAt with its size, if it is one: a regular file,
// a bytes.Reader or strings.Reader, an io.SectionReader.
func sizedReaderAt(r io.Reader) (io.ReaderAt, int64, bool) {
	switch v := r.(type) {
	case *os.File:
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			return v, st.Size(), true
		}
	case interface {
		io.ReaderAt
		Size() int64
	}:
		return v, v.Size(), true
	}
	return nil, 0, false
}

// fileIDPattern is what a file's id may be in an import: it becomes part of a blob key.
var fileIDPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$`)

// sha256Pattern is a hex SHA-256 as an Attachment holds it.
var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// archivedFile is a file that an import stores: an archive member, checked.
type archivedFile struct {
	member *zip.File
	file   wiki.Attachment
}

// fileChecker checks the files named by the entries of an import against the archive.
type fileChecker struct {
	src     *importSource
	checked map[string]string // archive member → "" if its content matched, else the problem's key
}

// check checks the files of entry e (and of its versions revs) that the record on line
// names, reports problems through problem and returns the files to store, each once.
func (c *fileChecker) check(line int, e *wiki.Entry, revs []wiki.Revision, problem func(line int, key string, args ...any)) []archivedFile {
	lists := [][]wiki.Attachment{e.Attachments}
	for _, r := range revs {
		lists = append(lists, r.Entry.Attachments)
	}
	var out []archivedFile
	byID := map[string]wiki.Attachment{}
	bad := false
	for _, list := range lists {
		for _, f := range list {
			if prev, seen := byID[f.ID]; seen {
				if prev.Size != f.Size || prev.SHA256 != f.SHA256 || prev.Format != f.Format {
					problem(line, "import.files.differ", e.Title, f.Name)
					bad = true
				}
				continue
			}
			byID[f.ID] = f
			switch {
			case c.src.files == nil:
				problem(line, "import.files.no_archive", e.Title)
				return nil
			case !fileIDPattern.MatchString(f.ID):
				problem(line, "import.files.bad_id", e.Title, f.Name, f.ID)
			case !slices.Contains(extract.Formats, extract.Format(f.Format)):
				problem(line, "import.files.bad_format", e.Title, f.Name, f.Format)
			case f.Size < 0 || !sha256Pattern.MatchString(f.SHA256):
				problem(line, "import.files.bad_sum", e.Title, f.Name)
			default:
				path := ArchiveFilePath(e.ID, f)
				m := c.src.files[path]
				if m == nil {
					problem(line, "import.files.missing", e.Title, f.Name, path)
					bad = true
					continue
				}
				if key := c.verify(m, f); key != "" {
					problem(line, key, e.Title, f.Name, path)
					bad = true
					continue
				}
				out = append(out, archivedFile{member: m, file: f})
				continue
			}
			bad = true
		}
	}
	if bad {
		return nil
	}
	return out
}

// verify reads an archive member and returns "" if it has f's size and SHA-256, else
// the key of the problem. A member is read once, however many entries name it.
func (c *fileChecker) verify(m *zip.File, f wiki.Attachment) string {
	key := m.Name + "\x00" + f.SHA256 + "\x00" + fmt.Sprint(f.Size)
	if p, done := c.checked[key]; done {
		return p
	}
	p := ""
	if m.UncompressedSize64 != uint64(f.Size) {
		p = "import.files.tampered"
	} else if rc, err := m.Open(); err != nil {
		p = "import.files.unreadable"
	} else {
		sum := newContentSum()
		_, err := io.Copy(sum, io.LimitReader(rc, f.Size+1))
		rc.Close()
		switch {
		case err != nil: // the archive's own checksum (CRC-32) differs too, or it is cut short
			p = "import.files.unreadable"
		case !sum.matches(f):
			p = "import.files.tampered"
		}
	}
	c.checked[key] = p
	return p
}

// checkNew checks the files of an entry new here as an upload is checked: its size, its
// format by content against the one its record gives, and with a scanner configured,
// malware. Files of restored entries had those checks when they were uploaded.
func (a *App) checkNew(ctx context.Context, line int, e *wiki.Entry, files []archivedFile, problem func(line int, key string, args ...any)) bool {
	ok := true
	total := int64(0)
	for _, x := range files {
		f := x.file
		total += f.Size
		if max := a.files.conf.maxFile(); f.Size > max {
			problem(line, "import.files.too_large", e.Title, f.Name, FormatBytes(max))
			ok = false
			continue
		}
		if key, args := a.checkContent(ctx, x); key != "" {
			problem(line, key, append([]any{e.Title, f.Name}, args...)...)
			ok = false
		}
	}
	if max := a.files.conf.maxEntry(); total > max {
		problem(line, "import.files.entry_total", e.Title, FormatBytes(max))
		ok = false
	}
	return ok
}

// checkContent sniffs and scans one file of an entry new here, from a temporary copy
// (the format of Office files is told by their zip directory, at the end). It returns the
// problem's key and the arguments after the entry's title and the file's name.
func (a *App) checkContent(ctx context.Context, x archivedFile) (key string, args []any) {
	tmp, err := os.CreateTemp("", "wissensnetz-import-file-*")
	if err != nil {
		a.log.Error("import: temporary file", "err", err)
		return "import.files.unreadable", []any{x.member.Name}
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	rc, err := x.member.Open()
	if err != nil {
		return "import.files.unreadable", []any{x.member.Name}
	}
	_, err = io.Copy(tmp, io.LimitReader(rc, x.file.Size))
	rc.Close()
	if err != nil {
		return "import.files.unreadable", []any{x.member.Name}
	}
	format, err := extract.Sniff(tmp, x.file.Size)
	if err != nil {
		var xe *extract.Error
		if errors.As(err, &xe) {
			return "import.files.refused", []any{xe.Message()}
		}
		return "import.files.unreadable", []any{x.member.Name}
	}
	if string(format) != x.file.Format {
		return "import.files.wrong_format", []any{extract.Format(x.file.Format).Name(), format.Name()}
	}
	if s := a.files.conf.Scanner; s != nil {
		found, err := s.Scan(ctx, io.NewSectionReader(tmp, 0, x.file.Size))
		if err != nil {
			a.log.Error("import: malware scan", "file", x.member.Name, "err", err)
			return "import.files.scanner_down", nil
		}
		if found != "" {
			a.log.Warn("import: malware refused", "file", x.member.Name, "found", found)
			return "import.files.malware", []any{found}
		}
	}
	return "", nil
}

// mark notes the archive members that entry e and its versions name, valid or not.
func (c *fileChecker) mark(e *wiki.Entry, revs []wiki.Revision) {
	if c.src.files == nil {
		return
	}
	for _, f := range e.Attachments {
		c.src.used[ArchiveFilePath(e.ID, f)] = true
	}
	for _, r := range revs {
		for _, f := range r.Entry.Attachments {
			c.src.used[ArchiveFilePath(e.ID, f)] = true
		}
	}
}

// unused reports the files of the archive that no record names.
func (c *fileChecker) unused(problem func(line int, key string, args ...any)) {
	var names []string
	for name := range c.src.files {
		if !c.src.used[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		problem(0, "import.files.unused", name)
	}
}

// storeImportFiles stores the checked files of an entry under entryID, each with the id
// that ids gives (for an entry new here, the files get new ids too), journaled in j.
// The content is checked again on the way: it could have changed since.
func (a *App) storeImportFiles(ctx context.Context, j *importJournal, entryID, title string, files []archivedFile, ids map[string]string) error {
	for _, x := range files {
		f := x.file
		f.ID = ids[f.ID]
		key := wiki.AttachmentKey(entryID, f.ID)
		j.blobs = append(j.blobs, importBlob{entryID: entryID, key: key, name: f.Name, title: title})
		rc, err := x.member.Open()
		if err != nil {
			return fmt.Errorf("open %s in the archive: %w", x.member.Name, err)
		}
		sum := newContentSum()
		err = a.stores.Blobs.PutBlob(ctx, key, io.TeeReader(io.LimitReader(rc, f.Size+1), sum), extract.Format(f.Format).MediaType())
		rc.Close()
		if err != nil {
			return fmt.Errorf("store file %s: %w", key, err)
		}
		if !sum.matches(f) {
			return &wiki.Error{Code: wiki.EINVALID, Message: text.M("import.failed.file_changed", f.Name, title)}
		}
	}
	return nil
}

// freshFiles gives the files of an entry new here new ids, and the time and author of
// the import, as its first version records them. It returns the ids by the file's id.
func freshFiles(e *wiki.Entry, now time.Time, author string) map[string]string {
	ids := make(map[string]string, len(e.Attachments))
	for i := range e.Attachments {
		f := &e.Attachments[i]
		ids[f.ID] = newID(now)
		f.ID, f.UploadedAt, f.UploadedBy = ids[f.ID], now, author
	}
	return ids
}

// sameIDs maps the ids of files to themselves: restored entries keep their files' ids.
func sameIDs(files []archivedFile) map[string]string {
	ids := make(map[string]string, len(files))
	for _, x := range files {
		ids[x.file.ID] = x.file.ID
	}
	return ids
}
