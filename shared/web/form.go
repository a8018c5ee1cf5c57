package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// entryForm is the entry form as the user filled it in: the parsed entry plus the raw text
// of the list fields, so that a form shown again keeps exactly what was typed.
type entryForm struct {
	Entry    *wiki.Entry
	Comment  string // for the version history
	Submit   bool   // save and submit for review
	External string // one per line
	Tags     string // comma separated
	Software string // comma separated
	Links    string // one per line: "Titel | https://…" or the address alone
	Related  string // comma separated slugs
	formFiles
}

// readForm reads the form posted with r, at most maxFormBytes of it, and returns its
// fields (of a multipart form too, whose files it skips). A body too large gives a 413,
// an unreadable one EINVALID. Reading again costs nothing: the fields read first are kept
// (the form-token check reads them before any handler does).
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if mb := multipartOf(r); mb != nil {
		// A form sent as multipart/form-data: its fields, any files skipped unread.
		u, err := mb.readUpload(uploadLimits{fields: maxFormBytes})
		return u.values, err
	}
	if r.PostForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}
	if err := r.ParseForm(); err != nil {
		if errorStatus(err) != http.StatusRequestEntityTooLarge {
			err = wiki.E(wiki.EINVALID, "error.form_unreadable")
		}
		return nil, err
	}
	return r.PostForm, nil
}

// parseEntryForm reads the entry form from a POST, with its files when it comes as
// multipart/form-data. It returns no form if the request itself is unreadable (too large,
// malformed); field problems are left to validation. A refused file (over a limit, too
// many) is an error with the form: the form is to be shown again, with what was typed.
// The caller closes the form, which removes the files chosen.
func (s *Server) parseEntryForm(w http.ResponseWriter, r *http.Request) (*entryForm, error) {
	var (
		f       url.Values
		up      *upload
		refused error
	)
	if mb := multipartOf(r); mb != nil {
		perFile, perEntry := s.files.FileLimits()
		up, refused = mb.readUpload(uploadLimits{perFile: perFile, total: perEntry, files: wiki.MaxAttachments,
			fields: maxFormBytes, drain: true, dir: s.uploadDir})
		if refused != nil && !isRefusal(refused) {
			up.Close()
			return nil, refused
		}
		f = up.values
	} else {
		var err error
		if f, err = readForm(w, r); err != nil {
			return nil, err
		}
	}
	form := entryFormOf(f)
	form.readFiles(f, up)
	return form, refused
}

// entryFormOf returns the entry form with the fields posted.
func entryFormOf(f url.Values) *entryForm {
	version, _ := strconv.Atoi(f.Get("version"))
	form := &entryForm{
		External: f.Get("external_partners"),
		Tags:     f.Get("tags"),
		Software: f.Get("software"),
		Links:    f.Get("links"),
		Related:  f.Get("related"),
		Comment:  strings.TrimSpace(f.Get("comment")),
		Submit:   f.Get("submit") == "1",
	}
	form.Entry = &wiki.Entry{
		Title:            f.Get("title"),
		Kind:             wiki.Kind(f.Get("kind")),
		Municipality:     f.Get("municipality"),
		Partners:         f["partners"],
		ExternalPartners: splitLines(form.External),
		Contact:          wiki.Contact{Name: f.Get("contact_name"), Role: f.Get("contact_role"), Email: f.Get("contact_email")},
		Summary:          f.Get("summary"),
		Body:             f.Get("body"),
		Topics:           f["topics"],
		Tags:             splitComma(form.Tags),
		ProjectStatus:    wiki.ProjectStatus(f.Get("project_status")),
		PeriodStart:      f.Get("period_start"),
		PeriodEnd:        f.Get("period_end"),
		Costs:            f.Get("costs"),
		Funding:          f.Get("funding"),
		Software:         splitComma(form.Software),
		OpenSourceURL:    f.Get("open_source_url"),
		Links:            parseLinks(form.Links),
		Related:          splitComma(form.Related),
		Visibility:       wiki.Visibility(f.Get("visibility")),
		Version:          version,
	}
	return form
}

// formFromEntry fills the form with a stored entry, for editing.
func formFromEntry(e *wiki.Entry) *entryForm {
	var links []string
	for _, l := range e.Links {
		if l.Title == l.URL {
			links = append(links, l.URL)
		} else {
			links = append(links, l.Title+" | "+l.URL)
		}
	}
	return &entryForm{
		Entry:     e.Clone(),
		External:  strings.Join(e.ExternalPartners, "\n"),
		Tags:      strings.Join(e.Tags, ", "),
		Software:  strings.Join(e.Software, ", "),
		Links:     strings.Join(links, "\n"),
		Related:   strings.Join(e.Related, ", "),
		formFiles: filesOf(e),
	}
}

func splitLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
}

func splitComma(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' })
}

func parseLinks(s string) []wiki.Link {
	var links []wiki.Link
	for _, line := range splitLines(s) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if i := strings.LastIndex(line, "|"); i >= 0 {
			links = append(links, wiki.Link{Title: strings.TrimSpace(line[:i]), URL: strings.TrimSpace(line[i+1:])})
		} else {
			links = append(links, wiki.Link{URL: line})
		}
	}
	return links
}
