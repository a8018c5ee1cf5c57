package web

import (
	"net/http"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Uploads by script on AWS, where API Gateway takes no large bodies: a script asks for a
// signed upload form, sends each file straight to the bucket with it, and confirms the
// keys it used. The confirmation checks each file as a local upload is checked. In local
// mode the server takes files itself (POST /api/v1/entries/{slug}/files).

// apiUploadForm is a signed form for uploads straight to the bucket.
type apiUploadForm struct {
	URL       string            `json:"url"`        // where to POST multipart/form-data
	Fields    map[string]string `json:"fields"`     // to send as they are, before the file (field "file")
	KeyPrefix string            `json:"key_prefix"` // the field "key" is this followed by a file name
	MaxSize   int64             `json:"max_size"`   // bytes per file
	Expires   time.Time         `json:"expires"`
}

// apiConfirmInput is the body of a confirmation.
type apiConfirmInput struct {
	Version int              `json:"version"`
	Comment string           `json:"comment"`
	Files   []apiUploadedKey `json:"files"`
}

// apiUploadedKey is one file sent to the bucket.
type apiUploadedKey struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

func (s *Server) apiUploadForm(w http.ResponseWriter, r *http.Request) {
	if err := requireToken(r); err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	up, err := s.directFiles.DirectUpload(r.Context(), viewerOf(r), r.PathValue("slug"))
	if err == nil && up == nil {
		err = wiki.E(wiki.EINVALID, "api.uploads_local")
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiUploadForm{URL: up.Script.URL, Fields: up.Script.Fields, KeyPrefix: up.KeyPrefix, MaxSize: up.MaxSize, Expires: up.Expires})
}

func (s *Server) apiUploadConfirm(w http.ResponseWriter, r *http.Request) {
	var in apiConfirmInput
	err := requireToken(r)
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	switch {
	case err != nil:
	case in.Version < 1:
		err = wiki.FieldError(wiki.EINVALID, "version", "api.version_bad")
	case len(in.Files) == 0 || len(in.Files) > wiki.MaxAttachments:
		err = wiki.FieldError(wiki.EINVALID, "files", "api.uploads_count", wiki.MaxAttachments)
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	files := make([]app.UploadedFile, len(in.Files))
	for i, f := range in.Files {
		files[i] = app.UploadedFile{Key: f.Key, Title: f.Title, Description: f.Description}
	}
	e, err := s.directFiles.ConfirmUploads(r.Context(), viewerOf(r), r.PathValue("slug"), in.Version, files, in.Comment)
	if wiki.ErrorCode(err) == wiki.ECONFLICT {
		err = staleVersion()
	}
	if err != nil {
		s.writeAPIError(w, r, apiFileError(err))
		return
	}
	s.writeFiles(w, r, http.StatusCreated, e)
}
