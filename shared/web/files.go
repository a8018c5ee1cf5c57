package web

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// fileApp is the part of the app that saves and serves the files of entries, for the
// pages and the API.
// Each method's errors are those documented on app.App.
type fileApp interface {
	CreateEntryFiles(ctx context.Context, v auth.Viewer, in *wiki.Entry, comment string, submit bool, add []app.FileUpload) (*wiki.Entry, error)
	UpdateEntryFiles(ctx context.Context, v auth.Viewer, slug string, in *wiki.Entry, comment string, ch app.FileChanges) (*wiki.Entry, error)
	ChangeFiles(ctx context.Context, v auth.Viewer, slug string, version int, ch app.FileChanges, comment string) (*wiki.Entry, error)
	File(ctx context.Context, v auth.Viewer, slug, id string, version int) (*app.FileDownload, error)
	OpenFile(ctx context.Context, d *app.FileDownload) (io.ReadCloser, error)
	FileText(ctx context.Context, entryID, fileID string) (*wiki.FileText, error)
	FileLimits() (perFile, perEntry int64)
}

// errFileNotFound is the answer for every file a viewer may not have: one that does not
// exist, one of an entry they may not read, one of a version they may not see.
var errFileNotFound = wiki.E(wiki.ENOTFOUND, "files.not_found")

// fileURL is the address of a file's download; version 0 for the current version.
func fileURL(slug, id string, version int) string {
	u := "/eintraege/" + slug + "/dateien/" + id
	if version > 0 {
		u += "?version=" + strconv.Itoa(version)
	}
	return u
}

// versionParam reads the version of a file's address: 0 when there is none.
func versionParam(r *http.Request) (int, bool) {
	s := r.URL.Query().Get("version")
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// entryFile serves the download of a file: GET /eintraege/{slug}/dateien/{id}, with
// ?version=N for a file of an older version. Every file the viewer may not have gets the
// same not-found page.
func (s *Server) entryFile(w http.ResponseWriter, r *http.Request) {
	version, ok := versionParam(r)
	if !ok {
		s.renderError(w, r, errFileNotFound)
		return
	}
	d, err := s.files.File(r.Context(), viewerOf(r), r.PathValue("slug"), r.PathValue("id"), version)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.serveFile(w, r, d, version, s.renderError)
}

// serveFile streams the content of a file with the headers of a download: its media type
// and length, a file name for saving (RFC 6266), no sniffing, no script, no framing, and
// no caching unless visitors may read it. fail answers errors before the first byte.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, d *app.FileDownload, version int, fail func(http.ResponseWriter, *http.Request, error)) {
	if s.redirectToFile(w, r, d, fail) { // on AWS the bucket sends it
		return
	}
	rc, err := s.files.OpenFile(r.Context(), d)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND {
		logFor(r).Error("file of an entry without content", "entry", d.Entry.ID, "file", d.File.ID)
		err = errFileNotFound
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	defer rc.Close()
	f := d.File
	h := w.Header()
	h.Set("Content-Type", extract.Format(f.Format).MediaType())
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("Content-Disposition", app.ContentDisposition(f.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	current := version == 0 || version == d.Entry.Version
	if current && auth.Can(auth.Visitor, auth.ReadEntry, d.Entry) {
		h.Set("Cache-Control", "public, max-age=300")
	} else {
		h.Set("Cache-Control", "private, no-store")
	}
	if r.Method == http.MethodHead {
		return
	}
	extendDeadlines(w)
	if _, err := io.Copy(w, rc); err != nil {
		// The client went away, or the store failed after the first byte; the length
		// tells the client that the file is incomplete.
		logFor(r).Warn("download cut short", "entry", d.Entry.ID, "file", f.ID, "err", err)
	}
}

// pageFile is a file as the entry page lists it.
type pageFile struct {
	wiki.Attachment
	URL string
	// Note tells those who may edit the entry that its text cannot be searched, or is not
	// read yet; empty for a searchable file and for everyone else.
	Note string
}

// pageFiles returns the files of e for its page. For editors it reads the state of each
// file's text.
func (s *Server) pageFiles(r *http.Request, e *wiki.Entry, editor bool) []pageFile {
	var out []pageFile
	for _, f := range e.Attachments {
		pf := pageFile{Attachment: f, URL: fileURL(e.Slug, f.ID, 0)}
		if editor {
			t, err := s.files.FileText(r.Context(), e.ID, f.ID)
			switch {
			case err != nil:
				logFor(r).Error("text of a file", "entry", e.ID, "file", f.ID, "err", err)
			case t == nil:
				pf.Note = T("entry.files.pending")
			case t.Status != wiki.TextSearchable:
				pf.Note = t.Note
			}
		}
		out = append(out, pf)
	}
	return out
}
