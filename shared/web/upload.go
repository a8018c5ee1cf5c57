package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Uploads. A multipart body is read as a stream, never as a whole: its fields go into
// memory (at most maxFormBytes together), each file into a temporary file while its bytes
// are counted. A file over the limit is refused the moment it passes it. The temporary
// files are removed when the request ends (upload.Close).
//
// Form posts carry the form token as their first part (a hidden field before every other
// input), so that the guard checks it before any file is read (openMultipart); the
// handler then reads the rest from the same reader (multipartOf).

// uploadTimeout bounds reading an upload and writing a download, in place of the server's
// shorter timeouts for ordinary requests: 100 MB take minutes on a slow line.
const uploadTimeout = 30 * time.Minute

// multipartSlack is what a multipart body may hold besides the files: the fields and the
// parts' headers and boundaries.
const multipartSlack = maxFormBytes + 64<<10

// multipartBody is the multipart body of a request, read as a stream from its start.
type multipartBody struct {
	mr         *multipart.Reader
	values     url.Values // the fields read so far
	fieldBytes int64      // their size
	done       bool       // read to its end
}

type multipartKey struct{}

// multipartOf returns the multipart body of a form post that the guard opened, or nil.
func multipartOf(r *http.Request) *multipartBody {
	mb, _ := r.Context().Value(multipartKey{}).(*multipartBody)
	return mb
}

// isMultipart reports whether r's body is multipart/form-data.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// extendDeadlines gives the request uploadTimeout to read its body and write its answer.
// Servers that cannot (tests, Lambda) keep theirs.
func extendDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(uploadTimeout)
	_ = rc.SetReadDeadline(deadline)
	_ = rc.SetWriteDeadline(deadline)
}

// openMultipart starts reading a multipart form post of at most limit bytes and reads its
// first part, which must be the form token "csrf" (a missing token is refused by the
// caller). The request carries the body on (multipartOf).
func openMultipart(w http.ResponseWriter, r *http.Request, limit int64) (*http.Request, *multipartBody, error) {
	extendDeadlines(w)
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return r, nil, wiki.E(wiki.EINVALID, "error.form_unreadable")
	}
	mb := &multipartBody{mr: mr, values: url.Values{}}
	r = r.WithContext(context.WithValue(r.Context(), multipartKey{}, mb))
	p, err := mr.NextPart()
	if err != nil {
		return r, mb, readError(err)
	}
	// Anything else than the token is not read: the caller refuses the post unread.
	if _, isFile, ferr := fileName(p); ferr == nil && p.FormName() == "csrf" && !isFile {
		if err = mb.readField(p, maxTokenBytes); err == nil {
			p.Close()
		}
	}
	return r, mb, err
}

// maxTokenBytes bounds the form token field; tokens are 43 characters.
const maxTokenBytes = 1 << 10

// readError words an error of reading a multipart body for the client.
func readError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || wiki.ErrorCode(err) != wiki.EINTERNAL {
		return err
	}
	return wiki.E(wiki.EINVALID, "error.form_unreadable")
}

// fileName returns the file name a part was sent with, and whether it is a file at all
// (a filename parameter, even an empty one, as browsers send for an empty file input).
// Unlike multipart.Part.FileName, it keeps the name whole: wiki.CleanFileName decides. A
// part whose Content-Disposition cannot be read is an error.
func fileName(p *multipart.Part) (name string, isFile bool, err error) {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false, wiki.E(wiki.EINVALID, "error.form_unreadable")
	}
	name, isFile = params["filename"]
	return name, isFile, nil
}

// readField adds the value of the field part p to the body's fields, within limit bytes
// of all fields.
func (mb *multipartBody) readField(p *multipart.Part, limit int64) error {
	rest := limit - mb.fieldBytes
	b, err := io.ReadAll(io.LimitReader(p, rest+1))
	if err != nil {
		return readError(err)
	}
	mb.fieldBytes += int64(len(b))
	if mb.fieldBytes > limit {
		return &http.MaxBytesError{Limit: limit}
	}
	mb.values.Add(p.FormName(), string(b))
	return nil
}

// uploadLimits bound what one multipart body may bring.
type uploadLimits struct {
	perFile int64 // bytes of one file
	total   int64 // bytes of all files of the body
	files   int   // number of files; 0: files are not expected and skipped unread
	fields  int64 // bytes of all other fields together
	// drain: after a refused file, read on for the fields after it, skipping the files,
	// so that a form can be shown again with everything typed (the pages). Without it,
	// reading stops at the refusal (the API).
	drain bool
	dir   string // for the temporary files; "": os.TempDir()
}

// upload is a multipart body read to its end: the fields, and the files spooled into
// temporary files. Close removes them.
type upload struct {
	values url.Values
	files  []*spooledFile
	chosen []string // the names of all files sent, refused and skipped ones too
}

// spooledFile is one file of an upload, in a temporary file.
type spooledFile struct {
	field string // the form field it came in
	name  string // the file name as sent
	size  int64
	f     *os.File
}

// fileUpload returns the file for the app, with the title and description given for it.
func (f *spooledFile) fileUpload(title, description string) app.FileUpload {
	return app.FileUpload{Name: f.name, Title: title, Description: description, Content: f.f, Size: f.size}
}

// Close removes the temporary files. It may be called on a nil upload.
func (u *upload) Close() error {
	if u == nil {
		return nil
	}
	var errs []error
	for _, f := range u.files {
		errs = append(errs, f.f.Close(), os.Remove(f.f.Name()))
	}
	u.files = nil
	return errors.Join(errs...)
}

// readUpload reads the rest of the body within l. It always returns an upload with the
// fields read (its files removed again when an error came), and an error if the body could
// not be read to its end or a file was refused: ETOOLARGE for a file over the limits, with
// the file named in the message.
func (mb *multipartBody) readUpload(l uploadLimits) (u *upload, err error) {
	u = &upload{values: mb.values}
	defer func() {
		if err != nil {
			u.Close()
		}
	}()
	if mb.done {
		return u, nil
	}
	var refused error // the first refused file; in drain mode, reading goes on
	var total int64
	for {
		p, err := mb.mr.NextPart()
		if err == io.EOF {
			mb.done = true
			return u, refused
		}
		if err != nil {
			if refused != nil {
				return u, refused // the rest of a refused upload over the body's limit
			}
			return u, readError(err)
		}
		name, isFile, err := fileName(p)
		if err != nil {
			if refused != nil {
				return u, refused
			}
			return u, err
		}
		if isFile && name != "" {
			u.chosen = append(u.chosen, wiki.CleanFileName(name, ""))
		}
		switch {
		case !isFile:
			err = mb.readField(p, l.fields)
		case refused != nil || l.files == 0:
			if _, err = io.Copy(io.Discard, p); err != nil {
				err = readError(err)
			}
		case len(u.files) == l.files:
			if name != "" {
				err = wiki.FieldError(wiki.EINVALID, "files", "validate.files.too_many", l.files)
			} else if _, err = io.Copy(io.Discard, p); err != nil { // an empty file input
				err = readError(err)
			}
		default:
			var f *spooledFile
			f, err = spool(p, name, l, total)
			switch {
			case f == nil:
			case f.size == 0 && name == "":
				f.remove() // an empty file input
			default:
				u.files = append(u.files, f)
				total += f.size
			}
		}
		// A part is closed (read to its end) only when reading goes on: a refusal of the
		// API stops at once, not at the end of the file.
		switch {
		case err == nil:
			p.Close()
		case refused == nil && isFile && isRefusal(err):
			refused = err
			if !l.drain {
				return u, refused
			}
			p.Close()
			u.Close() // the files are to be chosen again; none of them is kept
		case refused != nil:
			return u, refused
		default:
			return u, err
		}
	}
}

// isRefusal reports whether err refuses a file rather than the request.
func isRefusal(err error) bool {
	switch wiki.ErrorCode(err) {
	case wiki.ETOOLARGE, wiki.EINVALID:
		return len(wiki.FieldMessages(err)) > 0
	}
	return false
}

// spool copies the file part p into a temporary file. It returns a refusal naming the
// file as soon as the file passes l.perFile, or the files of the body together pass
// l.total (before counts the bytes of the files before this one).
func spool(p *multipart.Part, name string, l uploadLimits, before int64) (*spooledFile, error) {
	dir := l.dir
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "wissensnetz-upload-*")
	if err != nil {
		return nil, fmt.Errorf("spool an upload: %w", err)
	}
	sf := &spooledFile{field: p.FormName(), name: name, f: f}
	limit := min(l.perFile, max(0, l.total-before))
	in := &readErrors{r: p}
	sf.size, err = io.Copy(f, io.LimitReader(in, limit+1))
	switch {
	case in.err != nil:
		err = readError(in.err)
	case err != nil:
		err = fmt.Errorf("spool an upload: %w", err) // the temporary folder's disk
	case sf.size > l.perFile:
		err = fileTooLarge(name, l.perFile)
	case sf.size > limit:
		err = filesTooLarge(l.total)
	}
	if err != nil {
		sf.remove()
		return nil, err
	}
	return sf, nil
}

// readErrors keeps the error of reading r, apart from errors of writing what was read.
type readErrors struct {
	r   io.Reader
	err error
}

func (e *readErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

func (f *spooledFile) remove() {
	f.f.Close()
	os.Remove(f.f.Name())
}

// fileTooLarge is the refusal of a file over the size limit of one file, as the app words it.
func fileTooLarge(name string, limit int64) error {
	m := text.M("files.too_large", wiki.CleanFileName(name, ""), app.FormatBytes(limit))
	return &wiki.Error{Code: wiki.ETOOLARGE, Message: m, Fields: map[string]text.Message{"files": m}}
}

// filesTooLarge is the refusal of files over the size limit of all files of an entry.
func filesTooLarge(limit int64) error {
	m := text.M("files.entry_total", app.FormatBytes(limit))
	return &wiki.Error{Code: wiki.ETOOLARGE, Message: m, Fields: map[string]text.Message{"files": m}}
}
