// Package demo holds the sample content that a fresh local installation loads on first
// start, so that the platform can be tried out without real data.
//
// The content is invented and labelled "Beispieldaten": the municipalities are real members
// of Rhineland-Palatinate with their official keys (AGS), but every entry, project, figure,
// company, person and e-mail address is made up. Demo entries are recorded with Author as
// their author, so they stay recognisable as sample content.
package demo

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Author is the author recorded on every demo entry and revision.
const Author = wiki.DemoAuthor

//go:embed demo.jsonl
var data string

//go:embed dateien
var dateien embed.FS

// FileWord stands in the demo's files only, in a sentence on page 2 of the final report
// (a PDF) and in its table: a search for it finds the entry by its files.
const FileWord = "Ostring"

// File is a file of a demo entry, from the folder dateien (written by
// internal/mkdemo).
type File struct {
	Entry       string // title of the demo entry
	Path        string // name in dateien
	Name        string // file name offered for download
	Title       string
	Description string
}

// Files lists the files of the demo entries.
var Files = []File{
	{Entry: "Bodenfeuchtesensoren für Stadtbäume: Gießen nach Bedarf", Path: "abschlussbericht-bodenfeuchte.pdf",
		Name: "Abschlussbericht Bodenfeuchtemessung 2024.pdf", Title: "Abschlussbericht Bodenfeuchtemessung an Stadtbäumen",
		Description: "Ergebnisse der Pilotphase 2023–2024 mit Kosten und Empfehlungen für andere Kommunen."},
	{Entry: "Bodenfeuchtesensoren für Stadtbäume: Gießen nach Bedarf", Path: "messwerte-bodenfeuchte.xlsx",
		Name: "Messwerte Bodenfeuchte 2024.xlsx", Title: "Messwerte Bodenfeuchte 2024",
		Description: "Saugspannung je Standort und Monat, Gießfahrten vorher und nachher."},
	{Entry: "Hybride Ratssitzungen: Leitfaden aus der Pandemiezeit", Path: "leitfaden-hybride-sitzungen.docx",
		Name: "Leitfaden hybride Sitzungen.docx", Title: "Leitfaden hybride Rats- und Ausschusssitzungen",
		Description: "Checkliste für vor, während und nach der Sitzung."},
}

// formats maps the extensions of the demo files to their formats (extract.Format).
var formats = map[string]string{".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx"}

// Open returns the demo content in the import/export format: a ZIP archive of the
// records (JSON Lines, one record per line, first all municipalities, then the topics,
// then the entries) and the files of the entries. Entries carry no id, slug, version,
// times or authors; the loader assigns those. The reader is a *bytes.Reader: the archive
// is a few dozen KB.
func Open() io.Reader { return bytes.NewReader(archive()) }

// Records returns the records of the demo content as they are written in demo.jsonl,
// without files.
func Records() io.Reader { return strings.NewReader(data) }

// archive builds the demo archive once.
var archive = sync.OnceValue(func() []byte {
	b, err := buildArchive()
	if err != nil {
		panic("demo: " + err.Error()) // the embedded content is broken; the tests say how
	}
	return b
})

// stamp is the time of the archive's members.
var stamp = time.Date(2024, 11, 8, 9, 0, 0, 0, time.UTC)

func buildArchive() ([]byte, error) {
	byEntry := map[string][]wiki.Attachment{}
	content := map[string][]byte{}
	for _, f := range Files {
		b, err := dateien.ReadFile("dateien/" + f.Path)
		if err != nil {
			return nil, err
		}
		ext := path.Ext(f.Path)
		format, ok := formats[ext]
		if !ok {
			return nil, fmt.Errorf("%s: unknown format", f.Path)
		}
		sum := sha256.Sum256(b)
		a := wiki.Attachment{ID: strings.TrimSuffix(f.Path, ext), Name: f.Name, Title: f.Title, Description: f.Description,
			Format: format, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
		byEntry[f.Entry] = append(byEntry[f.Entry], a)
		content[app.ArchiveFilePath("", a)] = b
	}

	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: app.ArchiveRecords, Method: zip.Deflate, Modified: stamp})
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line, err := withFiles(sc.Bytes(), byEntry)
		if err != nil {
			return nil, err
		}
		w.Write(line)
		w.Write([]byte("\n"))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for title := range byEntry {
		return nil, fmt.Errorf("files for %q, which is no demo entry", title)
	}
	for _, f := range Files {
		name := app.ArchiveFilePath("", wiki.Attachment{ID: strings.TrimSuffix(f.Path, path.Ext(f.Path)), Format: formats[path.Ext(f.Path)]})
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: stamp})
		if err != nil {
			return nil, err
		}
		fw.Write(content[name])
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// withFiles returns a line of demo.jsonl with the files of its entry added, and takes
// them from byEntry. Other lines stay as they are.
func withFiles(line []byte, byEntry map[string][]wiki.Attachment) ([]byte, error) {
	var rec struct {
		Type  string                     `json:"type"`
		Entry map[string]json.RawMessage `json:"entry,omitempty"`
	}
	if !bytes.Contains(line, []byte(`"type":"entry"`)) {
		return line, nil
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		return nil, err
	}
	var title string
	if err := json.Unmarshal(rec.Entry["title"], &title); err != nil {
		return nil, err
	}
	files, ok := byEntry[title]
	if !ok {
		return line, nil
	}
	delete(byEntry, title)
	b, err := json.Marshal(files)
	if err != nil {
		return nil, err
	}
	rec.Entry["attachments"] = b
	return json.Marshal(rec)
}

// Login is a demo account: created with the demo content, so that a local installation
// can be tried out as a member and as the coordination office at once.
type Login struct {
	Email, Name, Password string
	Role                  wiki.Role
	Municipality          string // AGS
}

// Logins returns the demo accounts. Their addresses use the reserved domain example, their
// passwords are public: they exist only in local demo mode.
func Logins() []Login {
	return []Login{
		{Email: "koordination@wissensnetz.example", Name: "Kora Koordination (Beispiel)", Password: "Gemeinsam-digital-2026", Role: wiki.RoleCoordinator},
		{Email: "mitglied@kaiserslautern.example", Name: "Max Mitglied (Beispiel)", Password: "Beispiel-Mitglied-2026", Role: wiki.RoleMember, Municipality: "07312000"},
	}
}
