package wiki

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Attachment is a file of an entry: a report, a tender, slides, a table. Its content is a
// blob under AttachmentKey and never changes; replacing a file is a new attachment, so
// that every revision names the files it had and an old revision's files stay readable.
type Attachment struct {
	ID          string    `json:"id"`                    // unique for good; part of the blob key
	Name        string    `json:"name"`                  // file name offered for download, made safe by CleanFileName
	Title       string    `json:"title"`                 // what people see; the file name if none was given
	Description string    `json:"description,omitempty"` // optional, one paragraph
	Format      string    `json:"format"`                // the sniffed format, as extract.Format: "pdf", "docx", …
	Size        int64     `json:"size"`                  // bytes
	SHA256      string    `json:"sha256"`                // hex digest of the content
	UploadedAt  time.Time `json:"uploaded_at"`
	UploadedBy  string    `json:"uploaded_by"` // name of who uploaded it
}

// Limits of attachments.
const (
	MaxFileNameLen       = 120 // characters of a cleaned file name, extension included
	MaxFileTitleLen      = MaxTitleLen
	MaxFileDescLen       = 600
	MaxAttachments       = 20                   // files per entry
	DefaultMaxFileSize   = 100 << 20            // bytes per file
	DefaultMaxEntryFiles = 500 << 20            // bytes of all files of an entry (current version)
	fileNameFallback     = "Datei"              // the name of a file whose name had nothing usable
	fileNameReplacement  = '_'                  // stands in for separators and reserved characters
	fileNameReserved     = `/\:*?"<>|` + "\x00" // not in a file name on any common system
)

// AttachmentKey is the blob key of an attachment's content. The entry's id is part of it,
// so that the extraction on AWS knows which entry to touch.
func AttachmentKey(entryID, attachmentID string) string {
	return "attachments/" + entryID + "/" + attachmentID
}

// AttachmentTextKey is the blob key of the text extracted from an attachment.
func AttachmentTextKey(entryID, attachmentID string) string {
	return "text/" + entryID + "/" + attachmentID + ".json"
}

// ParseAttachmentKey returns the entry and attachment ids of an AttachmentKey, and false
// for any other key.
func ParseAttachmentKey(key string) (entryID, attachmentID string, ok bool) {
	rest, found := strings.CutPrefix(key, "attachments/")
	if !found {
		return "", "", false
	}
	entryID, attachmentID, found = strings.Cut(rest, "/")
	if !found || entryID == "" || attachmentID == "" || strings.Contains(attachmentID, "/") {
		return "", "", false
	}
	return entryID, attachmentID, true
}

// CleanFileName returns name as a safe file name to offer for download: only the last
// path element (browsers send C:\…\bericht.pdf as well as bericht.pdf), in NFC, control, invisible and reserved characters replaced, no leading dots or
// trailing dots and spaces, at most MaxFileNameLen characters with the extension kept. The
// extension is set to ext (the sniffed format) when the name has another one; a name with
// nothing usable becomes "Datei.<ext>".
func CleanFileName(name, ext string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, ""))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), Invisible(r), r == '\u2028', r == '\u2029':
			// dropped: nothing to see
		case strings.ContainsRune(fileNameReserved, r):
			b.WriteRune(fileNameReplacement)
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Join(strings.Fields(b.String()), " ")
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ")
	base, current := name, path.Ext(name)
	if ext != "" {
		want := "." + ext
		if strings.EqualFold(current, want) || (ext == "jpeg" && strings.EqualFold(current, ".jpg")) {
			base = strings.TrimSuffix(name, current)
			want = current
		}
		ext = want
	}
	base = strings.TrimRight(base, ". ")
	if base == "" {
		base = fileNameFallback
	}
	if max := MaxFileNameLen - utf8.RuneCountInString(ext); utf8.RuneCountInString(base) > max {
		base = strings.TrimRight(string([]rune(base)[:max]), ". ")
	}
	return base + ext
}

// Normalize trims the title and description and gives a file without title its name.
func (a *Attachment) Normalize() {
	a.Title = strings.TrimSpace(a.Title)
	a.Description = strings.TrimSpace(normalizeNewlines(a.Description))
	if a.Title == "" {
		a.Title = a.Name
	}
}

// attachments checks the files of an entry: their number, titles and
// descriptions, and that each id is there once. Field messages go to "files".
func (v fieldErrors) attachments(files []Attachment) {
	if len(files) > MaxAttachments {
		v.add("files", "validate.files.too_many", MaxAttachments)
	}
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if f.ID == "" || seen[f.ID] {
			v.add("files", "validate.files.id")
		}
		seen[f.ID] = true
		v.text("files", "field.file_title", f.Title, 1, MaxFileTitleLen, false)
		v.text("files", "field.file_description", f.Description, 0, MaxFileDescLen, true)
	}
}

// filesLine lists the files of an entry for the comparison of versions.
func filesLine(files []Attachment) string {
	parts := make([]string, len(files))
	for i, f := range files {
		parts[i] = fmt.Sprintf("%s (%s)", f.Title, f.Name)
	}
	return strings.Join(parts, "; ")
}

// FileText is the text read from an attachment, stored as JSON under AttachmentTextKey
// beside the file and indexed with its entry.
type FileText struct {
	Status    TextStatus `json:"status"`
	Note      string     `json:"note,omitempty"` // German note for a file whose text could not be read
	Parts     []TextPart `json:"parts,omitempty"`
	Truncated bool       `json:"truncated,omitempty"` // the text was longer than the limit kept
}

// TextPart is the text found at one place of a file.
type TextPart struct {
	Label string `json:"label,omitempty"` // "Seite 12", "Folie 3", a sheet's name; "" for formats without pages
	Text  string `json:"text"`
}

// TextStatus says whether an attachment's text could be read.
type TextStatus string

// The states of an attachment's text.
const (
	TextSearchable    TextStatus = "searchable"     // text was found
	TextNone          TextStatus = "no_text"        // the format holds no text (images)
	TextNotSearchable TextStatus = "not_searchable" // encrypted, scanned or blank: nothing could be read
	TextFailed        TextStatus = "failed"         // the file could not be read: damaged, too large or too slow
)
