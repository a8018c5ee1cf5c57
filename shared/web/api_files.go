package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// The files of an entry in the API: list, upload (multipart/form-data, one file per
// request, read as a stream like the form's), content and removal. Every file a caller
// may not have answers 404, like an entry they may not read.

// apiFile is a file of an entry in the API.
type apiFile struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	Format      string       `json:"format"`
	MediaType   string       `json:"media_type"`
	Size        int64        `json:"size"`
	SHA256      string       `json:"sha256"`
	UploadedAt  time.Time    `json:"uploaded_at"`
	UploadedBy  string       `json:"uploaded_by"`
	URL         string       `json:"url"` // the content, from the API
	Text        *apiFileText `json:"text,omitempty"`
}

// apiFileText is the state of a file's text, for those who may edit the entry.
type apiFileText struct {
	Status string `json:"status"` // a wiki.TextStatus, or "pending" while it is read
	Note   string `json:"note,omitempty"`
}

// textPending is the text status of a file whose text has not been read yet.
const textPending = "pending"

// apiFileList is the answer of the list, and of an upload or removal: the entry's files in
// its version.
type apiFileList struct {
	Version int       `json:"version"`
	Items   []apiFile `json:"items"`
}

// maxAPIUploadFields bounds the fields of an upload besides the file.
const maxAPIUploadFields = 16 << 10

// apiUploadFields are the fields an upload may have besides the file.
var apiUploadFields = []string{"version", "title", "description", "comment"}

func apiFileURL(slug, id string) string { return "/api/v1/entries/" + slug + "/files/" + id }

// writeFiles answers with the files of e and its ETag.
func (s *Server) writeFiles(w http.ResponseWriter, r *http.Request, status int, e *wiki.Entry) {
	editor := auth.Can(viewerOf(r), auth.EditEntry, e)
	out := apiFileList{Version: e.Version, Items: []apiFile{}}
	for _, f := range e.Attachments {
		af := apiFile{ID: f.ID, Name: f.Name, Title: f.Title, Description: f.Description, Format: f.Format,
			MediaType: extract.Format(f.Format).MediaType(), Size: f.Size, SHA256: f.SHA256, UploadedAt: f.UploadedAt,
			UploadedBy: f.UploadedBy, URL: apiFileURL(e.Slug, f.ID)}
		if editor {
			af.Text = &apiFileText{Status: textPending}
			t, err := s.files.FileText(r.Context(), e.ID, f.ID)
			switch {
			case err != nil:
				logFor(r).Error("text of a file", "entry", e.ID, "file", f.ID, "err", err)
				af.Text = nil
			case t != nil:
				af.Text = &apiFileText{Status: string(t.Status), Note: t.Note}
			}
		}
		out.Items = append(out.Items, af)
	}
	w.Header().Set("ETag", etag(e.Version))
	writeJSON(w, status, out)
}

func (s *Server) apiFileList(w http.ResponseWriter, r *http.Request) {
	e, err := s.entries.Entry(r.Context(), viewerOf(r), r.PathValue("slug"))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.writeFiles(w, r, http.StatusOK, e)
}

func (s *Server) apiFileContent(w http.ResponseWriter, r *http.Request) {
	version, ok := versionParam(r)
	if !ok {
		s.writeAPIError(w, r, wiki.FieldError(wiki.EINVALID, "version", "api.version_bad"))
		return
	}
	d, err := s.files.File(r.Context(), viewerOf(r), r.PathValue("slug"), r.PathValue("id"), version)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.serveFile(w, r, d, version, s.writeAPIError)
}

func (s *Server) apiFileUpload(w http.ResponseWriter, r *http.Request) {
	version := 0
	err := requireToken(r)
	if err == nil {
		version, err = ifMatchVersion(r, false)
	}
	if err == nil && !isMultipart(r) {
		err = withStatus(http.StatusUnsupportedMediaType, wiki.E(wiki.EINVALID, "api.multipart_content_type"))
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	slug := r.PathValue("slug")
	v := viewerOf(r)
	if _, err := s.entries.Entry(r.Context(), v, slug); err != nil {
		s.writeAPIError(w, r, err) // before the body is read: nothing to read it for
		return
	}
	up, err := s.readAPIUpload(w, r)
	defer up.Close()
	if err == nil {
		version, err = uploadVersion(version, up)
	}
	if err != nil {
		s.writeAPIError(w, r, apiFileError(err))
		return
	}
	add := up.files[0].fileUpload(up.values.Get("title"), up.values.Get("description"))
	e, err := s.files.ChangeFiles(r.Context(), v, slug, version, app.FileChanges{Add: []app.FileUpload{add}}, up.values.Get("comment"))
	if wiki.ErrorCode(err) == wiki.ECONFLICT {
		err = staleVersion()
	}
	if err != nil {
		s.writeAPIError(w, r, apiFileError(err))
		return
	}
	if n := len(e.Attachments); n > 0 {
		w.Header().Set("Location", apiFileURL(e.Slug, e.Attachments[n-1].ID)) // ChangeFiles adds at the end
	}
	s.writeFiles(w, r, http.StatusCreated, e)
}

// readAPIUpload reads the body of an upload: one file in the field "file" and the fields
// of apiUploadFields. Reading stops at the first byte over the limit of a file.
func (s *Server) readAPIUpload(w http.ResponseWriter, r *http.Request) (*upload, error) {
	perFile, _ := s.files.FileLimits()
	extendDeadlines(w)
	r.Body = http.MaxBytesReader(w, r.Body, perFile+maxAPIUploadFields+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, wiki.E(wiki.EINVALID, "error.form_unreadable")
	}
	mb := &multipartBody{mr: mr, values: map[string][]string{}}
	up, err := mb.readUpload(uploadLimits{perFile: perFile, total: perFile, files: 1, fields: maxAPIUploadFields, dir: s.uploadDir})
	if wiki.ErrorCode(err) == wiki.EINVALID && len(wiki.FieldMessages(err)) > 0 {
		err = wiki.FieldError(wiki.EINVALID, "file", "api.file_one") // a second file
	}
	if err != nil {
		return up, err
	}
	for name := range up.values {
		if !slices.Contains(apiUploadFields, name) {
			field := clipField(name)
			return up, &wiki.Error{Code: wiki.EINVALID, Message: text.M("api.json_unknown_field", field),
				Fields: map[string]text.Message{field: text.M("api.json_no_such_field")}}
		}
	}
	switch {
	case len(up.files) == 0:
		return up, wiki.FieldError(wiki.EINVALID, "file", "api.file_missing")
	case up.files[0].field != "file":
		return up, wiki.FieldError(wiki.EINVALID, "file", "api.file_field")
	}
	return up, nil
}

// uploadVersion returns the version an upload is based on: If-Match's (ifMatch, 0 if
// none) or the field "version"'s. Without either, the answer is 428.
func uploadVersion(ifMatch int, up *upload) (int, error) {
	field := strings.TrimSpace(up.values.Get("version"))
	if field == "" {
		if ifMatch == 0 {
			return 0, withStatus(http.StatusPreconditionRequired, wiki.E(wiki.EINVALID, "api.file_version_required"))
		}
		return ifMatch, nil
	}
	n, err := strconv.Atoi(field)
	switch {
	case err != nil || n < 1:
		return 0, wiki.FieldError(wiki.EINVALID, "version", "api.version_bad")
	case ifMatch != 0 && n != ifMatch:
		return 0, wiki.FieldError(wiki.EINVALID, "version", "api.versions_differ")
	}
	return n, nil
}

// apiFileError names the field of a refused file as the API does: "file".
func apiFileError(err error) error {
	var e *wiki.Error
	if !errors.As(err, &e) || e.Fields["files"].IsZero() {
		return err
	}
	c := *e
	c.Fields = map[string]text.Message{"file": e.Fields["files"]}
	return &c
}

func (s *Server) apiFileDelete(w http.ResponseWriter, r *http.Request) {
	version := 0
	err := requireToken(r)
	if err == nil {
		version, err = ifMatchVersion(r, true)
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	slug, id := r.PathValue("slug"), r.PathValue("id")
	v := viewerOf(r)
	e, err := s.entries.Entry(r.Context(), v, slug)
	switch {
	case err != nil:
	case e.Version != version:
		err = staleVersion()
	case !slices.ContainsFunc(e.Attachments, func(f wiki.Attachment) bool { return f.ID == id }):
		err = errFileNotFound
	default:
		e, err = s.files.ChangeFiles(r.Context(), v, slug, version, app.FileChanges{Remove: []string{id}}, "")
		if wiki.ErrorCode(err) == wiki.ECONFLICT {
			err = staleVersion()
		}
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.writeFiles(w, r, http.StatusOK, e)
}
