package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// The files of the entry form. Without JavaScript the form has newFileSlots rows for new
// files (a file input, a title, a description: new_file_N, new_title_N,
// new_description_N) and, when editing, one row per file of the entry (file_id, and
// file_title_<id>, file_description_<id>, file_remove=<id>). The rows for new files are
// the partial "file_upload" (templates/_file_upload.html), so that another way of
// uploading can stand beside it. Saving adds, edits and removes files in the one new
// version of the entry.

// newFileSlots is the number of rows for new files in the form.
const newFileSlots = 3

// fileAccept lists the allowed formats for the file inputs' accept attribute: file pickers
// show these first. The server judges files by their content, not by these names.
const fileAccept = ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.csv,.txt,.png,.jpg,.jpeg"

// fileEdit is what the form says about one file of the entry.
type fileEdit struct {
	Title, Description string
	Remove             bool
}

// newFileRow is one row for a new file, with what was typed into it.
type newFileRow struct {
	N                  int
	Title, Description string
}

// formFile is a file of the entry as the form shows it.
type formFile struct {
	wiki.Attachment // Title and Description as typed
	Remove          bool
}

// formFiles is the files part of the entry form as filled in.
type formFiles struct {
	edits   map[string]fileEdit // by file id: the entry's files as the form showed them
	order   []string            // their ids in the form's order
	new     map[int]newFileRow  // by row number
	upload  *upload             // the files chosen, in temporary files; nil for a form without files
	current []wiki.Attachment   // the entry's files as stored, once known
	known   bool                // current is set
}

// readFiles reads the files part of the form from its fields and upload.
func (f *formFiles) readFiles(values url.Values, up *upload) {
	f.upload = up
	f.edits, f.new = map[string]fileEdit{}, map[int]newFileRow{}
	removed := values["file_remove"]
	for _, id := range values["file_id"] {
		if _, dup := f.edits[id]; dup || id == "" {
			continue
		}
		f.order = append(f.order, id)
		f.edits[id] = fileEdit{Title: values.Get("file_title_" + id), Description: values.Get("file_description_" + id), Remove: slices.Contains(removed, id)}
	}
	for n := 1; n <= newFileSlots; n++ {
		key := strconv.Itoa(n)
		f.new[n] = newFileRow{N: n, Title: values.Get("new_title_" + key), Description: values.Get("new_description_" + key)}
	}
}

// filesOf fills the files part from the entry's stored files, for editing.
func filesOf(e *wiki.Entry) formFiles {
	f := formFiles{edits: map[string]fileEdit{}, new: map[int]newFileRow{}, current: e.Attachments, known: true}
	for _, a := range e.Attachments {
		f.order = append(f.order, a.ID)
		f.edits[a.ID] = fileEdit{Title: a.Title, Description: a.Description}
	}
	return f
}

// close removes the files chosen. It may be called on a nil form.
func (f *entryForm) close() {
	if f != nil {
		f.upload.Close()
	}
}

// added returns the files chosen, with the titles and descriptions of their rows.
func (f *formFiles) added() []app.FileUpload {
	if f.upload == nil {
		return nil
	}
	var out []app.FileUpload
	for _, sf := range f.upload.files {
		n, ok := strings.CutPrefix(sf.field, "new_file_")
		i, err := strconv.Atoi(n)
		row := f.new[i]
		if !ok || err != nil || f.sameRow(sf.field) > 1 {
			row = newFileRow{} // a title names one file: a file of several in one input gets its name
		}
		out = append(out, sf.fileUpload(row.Title, row.Description))
	}
	return out
}

// sameRow counts the files chosen in the input with the given name.
func (f *formFiles) sameRow(field string) int {
	n := 0
	for _, sf := range f.upload.files {
		if sf.field == field {
			n++
		}
	}
	return n
}

// changes returns the changes of the entry's files: the files chosen, the files marked for
// removal and the titles and descriptions of the others.
func (f *formFiles) changes() app.FileChanges {
	ch := app.FileChanges{Add: f.added()}
	for _, id := range f.order {
		ed := f.edits[id]
		if ed.Remove {
			ch.Remove = append(ch.Remove, id)
		} else {
			ch.Edit = append(ch.Edit, app.FileEdit{ID: id, Title: ed.Title, Description: ed.Description})
		}
	}
	return ch
}

// chosen returns the names of the files chosen in this post.
func (f *formFiles) chosen() []string {
	if f.upload == nil {
		return nil
	}
	return f.upload.chosen
}

// rows returns the entry's files as stored, with what the form says about them: a file
// the form did not show (someone added it meanwhile) as stored, a file the form showed
// that the entry no longer has not at all.
func (f *formFiles) rows() []formFile {
	var out []formFile
	for _, a := range f.current {
		ff := formFile{Attachment: a}
		if ed, ok := f.edits[a.ID]; ok {
			ff.Title, ff.Description, ff.Remove = ed.Title, ed.Description, ed.Remove
		}
		out = append(out, ff)
	}
	return out
}

// filesPage is the files part of the form page.
type filesPage struct {
	Files    []formFile   // the entry's files (editing)
	NewFiles []newFileRow // the rows for new files
	Hint     string       // allowed formats and limits
	Accept   string       // for the file inputs
	Rechoose string       // after an error: the files chosen must be chosen again
	Direct   bool         // files go straight to the bucket (AWS): the upload page takes them, not this form
}

// filesPage returns the files part of the form page. When editing, it reads the entry's
// files if the form does not know them yet.
func (s *Server) filesPage(r *http.Request, form *entryForm, isNew bool, slug string) filesPage {
	if !isNew && !form.known {
		if cur, err := s.entries.Entry(r.Context(), viewerOf(r), slug); err == nil {
			form.current, form.known = cur.Attachments, true
		}
	}
	perFile, perEntry := s.files.FileLimits()
	p := filesPage{Files: form.rows(), Accept: fileAccept,
		Hint: catalogue.Text("form.files.hint", extract.AllowedFormats(), app.FormatBytes(perFile), app.FormatBytes(perEntry))}
	if s.directFiles.DirectUploads() {
		// API Gateway and Lambda take no large bodies: files go through the upload page.
		p.Direct = true
		return p
	}
	slots := min(newFileSlots, wiki.MaxAttachments-len(p.Files))
	for n := 1; n <= slots; n++ {
		row := form.new[n]
		row.N = n
		p.NewFiles = append(p.NewFiles, row)
	}
	return p
}

// rechoose says which files chosen were not saved, for a form shown again.
func rechoose(form *entryForm) string {
	if names := form.chosen(); len(names) > 0 {
		return catalogue.Text("form.files.rechoose", strings.Join(names, ", "))
	}
	return ""
}
