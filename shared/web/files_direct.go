package web

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Files that browsers send straight to the blob store and fetch from there (AWS, where
// API Gateway and Lambda cannot carry large bodies). The upload page's form posts the file
// to S3 with a signed policy; S3 sends the browser on to the confirmation page, where the
// title and description are given and the file is added to the entry. With JavaScript
// (static/files_direct.js) several files go at once, each with a progress bar. In local
// mode the upload page leads to the entry's form, which takes files itself.

// directFilesApp is the part of the app for files sent to and fetched from the blob store
// directly. Each method's errors are those documented on app.App.
type directFilesApp interface {
	DirectUpload(ctx context.Context, v auth.Viewer, slug string) (*app.DirectUpload, error)
	UploadsToConfirm(ctx context.Context, v auth.Viewer, slug string, keys []string) (*wiki.Entry, []app.UploadedFile, error)
	ConfirmUploads(ctx context.Context, v auth.Viewer, slug string, version int, files []app.UploadedFile, comment string) (*wiki.Entry, error)
	FileURL(ctx context.Context, d *app.FileDownload) (string, error)
	DirectUploads() bool
}

// formField is a hidden field of a form.
type formField struct{ Name, Value string }

// directUploadPage is the data of the upload page.
type directUploadPage struct {
	Entry        *wiki.Entry
	Action       string      // the blob store's address
	Fields       []formField // the signed policy's fields, before the file
	ScriptFields string      // the fields for the page's script, as JSON
	KeyPrefix    string
	MaxSize      int64
	MaxSizeText  string // "100 MB"
	Accept       string // the allowed formats' extensions, for the file input
	Formats      string // "PDF, DOCX, …", for the hint
}

// directUploadForm shows the form that sends a file straight to the blob store; in local
// mode it leads to the entry's form, which takes files itself.
func (s *Server) directUploadForm(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	up, err := s.directFiles.DirectUpload(r.Context(), viewerOf(r), slug)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if up == nil {
		http.Redirect(w, r, "/eintraege/"+url.PathEscape(slug)+"/bearbeiten", http.StatusSeeOther)
		return
	}
	script, err := json.Marshal(up.Script.Fields)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := &directUploadPage{Entry: up.Entry, Action: up.Form.URL, ScriptFields: string(script), KeyPrefix: up.KeyPrefix,
		MaxSize: up.MaxSize, MaxSizeText: app.FormatBytes(up.MaxSize)}
	for _, k := range slices.Sorted(maps.Keys(up.Form.Fields)) {
		p.Fields = append(p.Fields, formField{k, up.Form.Fields[k]})
	}
	var accept, names []string
	for _, f := range extract.Formats {
		accept = append(accept, "."+string(f))
		names = append(names, f.Name())
	}
	p.Accept, p.Formats = strings.Join(append(accept, ".jpg"), ","), strings.Join(names, ", ")
	allowBlobStore(w, up.Form.URL)
	s.render(w, r, http.StatusOK, "files_direct", view{Title: T("upload.title") + ": " + up.Entry.Title, Data: p})
}

// allowBlobStore lets the page post forms and send requests to the blob store at the
// address u, besides its own origin.
func allowBlobStore(w http.ResponseWriter, u string) {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" {
		return
	}
	origin := parsed.Scheme + "://" + parsed.Host
	csp := w.Header().Get("Content-Security-Policy")
	csp = strings.Replace(csp, "form-action 'self'", "form-action 'self' "+origin, 1)
	w.Header().Set("Content-Security-Policy", csp+"; connect-src 'self' "+origin)
}

// confirmPage is the data of the confirmation page.
type confirmPage struct {
	Entry   *wiki.Entry
	Version int
	Files   []app.UploadedFile
	Comment string
	Message string            // what went wrong, if the confirmation was refused
	Errors  map[string]string // by field
}

// directUploadConfirmForm shows the files the blob store took (S3 sends the browser here
// with key=…; the page's script with one key per file) with a title and description each.
func (s *Server) directUploadConfirmForm(w http.ResponseWriter, r *http.Request) {
	e, files, err := s.directFiles.UploadsToConfirm(r.Context(), viewerOf(r), r.PathValue("slug"), r.URL.Query()["key"])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderConfirm(w, r, http.StatusOK, &confirmPage{Entry: e, Version: e.Version, Files: files})
}

// directUploadConfirm adds the confirmed files to the entry as a new version.
func (s *Server) directUploadConfirm(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := parseConfirmForm(form)
	v, slug := viewerOf(r), r.PathValue("slug")
	saved, err := s.directFiles.ConfirmUploads(r.Context(), v, slug, p.Version, p.Files, p.Comment)
	if err != nil {
		switch wiki.ErrorCode(err) {
		case wiki.EINVALID, wiki.ECONFLICT, wiki.ETOOLARGE, wiki.ETOOMANY:
			// The form again with the input, on the entry as it is now. After a conflict
			// it carries the new version: files are only added, so confirming again adds
			// them to what the other person saved.
			e, rerr := s.entries.Entry(r.Context(), v, slug)
			if rerr != nil {
				s.renderError(w, r, rerr)
				return
			}
			p.Entry = e
			if wiki.ErrorCode(err) == wiki.ECONFLICT {
				p.Version = e.Version
			}
			p.Message, p.Errors = userMessage(err), fieldMessages(err)
			setRetryAfter(w, err)
			s.renderConfirm(w, r, errorStatus(err), p)
		default:
			s.renderError(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/eintraege/"+url.PathEscape(saved.Slug)+"?gespeichert=1", http.StatusSeeOther)
}

// parseConfirmForm reads the confirmation form: per file its key, shown name, title and
// description, in the same order.
func parseConfirmForm(form url.Values) *confirmPage {
	p := &confirmPage{Comment: strings.TrimSpace(form.Get("comment"))}
	p.Version, _ = strconv.Atoi(form.Get("version"))
	at := func(list []string, i int) string {
		if i < len(list) {
			return list[i]
		}
		return ""
	}
	names, titles, descs := form["name"], form["title"], form["description"]
	for i, k := range form["key"] {
		p.Files = append(p.Files, app.UploadedFile{Key: k, Name: at(names, i), Title: at(titles, i), Description: at(descs, i)})
	}
	return p
}

func (s *Server) renderConfirm(w http.ResponseWriter, r *http.Request, status int, p *confirmPage) {
	title := T("upload.confirm.title") + ": " + p.Entry.Title
	if p.Message != "" {
		title = T("error.title") + ": " + title
	}
	s.render(w, r, status, "files_confirm", view{Title: title, Data: p})
}

// redirectToFile answers a download from the blob store on AWS: a redirect (302) to a
// short-lived address with the file's name and type set, or the reason it is not given
// out (the malware scan), answered by fail. It reports whether it answered; in local mode it does not,
// and the caller sends the file itself (app.OpenFile). The download handler calls it
// first.
func (s *Server) redirectToFile(w http.ResponseWriter, r *http.Request, d *app.FileDownload, fail func(http.ResponseWriter, *http.Request, error)) bool {
	u, err := s.directFiles.FileURL(r.Context(), d)
	if err != nil {
		fail(w, r, err)
		return true
	}
	if u == "" {
		return false
	}
	// The address is valid for minutes and tied to one file: no cache may keep it.
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u, http.StatusFound)
	return true
}
