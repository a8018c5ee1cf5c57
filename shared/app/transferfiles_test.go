package app

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// openEmpty opens a local app on an empty store that reads the texts of files.
func openEmpty(t *testing.T) *App {
	t.Helper()
	a, err := openLocal(t.Context(), Local{DataDir: t.TempDir()}, Options{Files: Files{Extractor: testExtractor()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// fileBackends open an App on an empty store of each kind, with a blob store: local, and
// the AWS shape on the stand-ins (DynamoDB and S3, skipped without them unless required).
// texts says whether the App reads the texts of files.
var fileBackends = []struct {
	name  string
	texts bool
	open  func(t *testing.T) *App
}{
	{"embedded", true, openEmpty},
	{"dynalite+versitygw", false, func(t *testing.T) *App {
		ddb, s3end := os.Getenv("WISSENSNETZ_TEST_DYNAMODB"), os.Getenv("WISSENSNETZ_TEST_S3")
		access, secret := os.Getenv("WISSENSNETZ_TEST_S3_ACCESS"), os.Getenv("WISSENSNETZ_TEST_S3_SECRET")
		if ddb == "" || s3end == "" {
			msg := `stand-ins not running: eval "$(bash infra/standins.sh)"`
			if os.Getenv("WISSENSNETZ_REQUIRE_STANDINS") == "1" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		ctx := t.Context()
		db := dynamodb.New(dynamodb.Options{Region: "eu-central-1", BaseEndpoint: aws.String(ddb),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
		s3c := s3.New(s3.Options{Region: "eu-central-1", BaseEndpoint: aws.String(s3end), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(access, secret, "")})
		name := fmt.Sprintf("wissensnetz-files-%d", time.Now().UnixNano())
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuCentral1}}); err != nil {
			t.Fatal(err)
		}
		blobs := s3blob.New(s3c, name, "")
		ds := dynamo.New(db, name, blobs)
		if err := ds.CreateTable(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
			if keys, err := blobs.ListBlobs(ctx, ""); err == nil {
				for _, k := range keys {
					blobs.DeleteBlob(ctx, k)
				}
			}
			s3c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)})
		})
		return New(ds.Stores(), newMemoryIndex(t), Options{IndexOnWrite: true})
	}},
}

// exportWithFiles returns an export of the fixture and an entry whose version 1 has a
// PDF, version 2 the PDF and a DOCX, and version 3 (the current one) the DOCX alone.
func exportWithFiles(t *testing.T) (archive []byte, e *wiki.Entry) {
	t.Helper()
	a := openFiles(t, Files{})
	member, _ := users(t, a)
	ctx := t.Context()
	e, err := a.CreateEntryFiles(ctx, member, newEntry(), "", false, []FileUpload{upload(t, "bericht.pdf", "Abschlussbericht")})
	if err != nil {
		t.Fatal(err)
	}
	e, err = a.ChangeFiles(ctx, member, e.Slug, e.Version, FileChanges{Add: []FileUpload{upload(t, "leitfaden.docx", "Leitfaden")}}, "Leitfaden dazu")
	if err != nil {
		t.Fatal(err)
	}
	e, err = a.ChangeFiles(ctx, member, e.Slug, e.Version, FileChanges{Remove: []string{e.Attachments[0].ID}}, "Bericht ersetzt")
	if err != nil {
		t.Fatal(err)
	}
	waitTexts(t, a)
	var b bytes.Buffer
	if err := a.Export(ctx, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), e
}

// zipMembers returns the members of a ZIP archive by name, in their order.
func zipMembers(t *testing.T, archive []byte) (names []string, content map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	content = map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
		content[f.Name] = b
	}
	return names, content
}

// rezip writes an archive of the given members; change may alter each one's content.
func rezip(t *testing.T, names []string, content map[string][]byte, change func(name string, b []byte) []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range names {
		b := content[name]
		if change != nil {
			if b = change(name, b); b == nil {
				continue
			}
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func blobKeys(t *testing.T, a *App, prefix string) []string {
	t.Helper()
	keys, err := a.stores.Blobs.ListBlobs(t.Context(), prefix)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestExportImportFiles: an export carries every file that any version names; imported
// elsewhere, the files are there under the same keys with the same bytes, the export of
// the copy is the same archive byte for byte, and the texts are read again.
func TestExportImportFiles(t *testing.T) {
	archive, e := exportWithFiles(t)
	if !bytes.HasPrefix(archive, []byte("PK\x03\x04")) {
		t.Fatalf("export with files starts %q, want a ZIP archive", archive[:min(len(archive), 8)])
	}
	names, content := zipMembers(t, archive)
	if len(names) != 3 || names[0] != ArchiveRecords {
		t.Fatalf("archive holds %q, want the records and two files", names)
	}
	revs := 0
	for _, line := range strings.Split(string(content[ArchiveRecords]), "\n") {
		if strings.Contains(line, e.ID) {
			var rec Record
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			revs = len(rec.Revisions)
		}
	}
	if revs != 3 {
		t.Errorf("the entry has %d versions in the export, want 3", revs)
	}

	type source struct {
		name string
		r    func() io.Reader
	}
	inMemory := source{"from a file in memory", func() io.Reader { return bytes.NewReader(archive) }}
	stream := source{"from a stream", func() io.Reader { return struct{ io.Reader }{bytes.NewReader(archive)} }}
	for _, be := range fileBackends {
		sources := []source{inMemory}
		if be.name == "embedded" {
			sources = append(sources, stream)
		}
		for _, src := range sources {
			t.Run(be.name+"/"+src.name, func(t *testing.T) {
				b := be.open(t)
				ctx := t.Context()
				res, err := b.Import(ctx, src.r(), "Import")
				if err != nil {
					t.Fatalf("Import: %v %+v", err, res)
				}
				var again bytes.Buffer
				if err := b.Export(ctx, &again); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(again.Bytes(), archive) {
					t.Errorf("export → import → export differs: %d bytes, then %d", len(archive), again.Len())
				}
				rev1, err := b.stores.Entries.Revision(ctx, e.ID, 1)
				if err != nil {
					t.Fatal(err)
				}
				want := map[string][]byte{rev1.Entry.Attachments[0].ID: corpus(t, "bericht.pdf"), e.Attachments[0].ID: corpus(t, "leitfaden.docx")}
				for id, orig := range want {
					rc, err := b.stores.Blobs.Blob(ctx, wiki.AttachmentKey(e.ID, id))
					if err != nil {
						t.Fatalf("file %s: %v", id, err)
					}
					got, _ := io.ReadAll(rc)
					rc.Close()
					if !bytes.Equal(got, orig) {
						t.Errorf("file %s: %d bytes, not the %d uploaded", id, len(got), len(orig))
					}
				}
				if !be.texts {
					return
				}
				waitTexts(t, b)
				txt, err := b.FileText(ctx, e.ID, e.Attachments[0].ID)
				if err != nil || txt == nil || txt.Status != wiki.TextSearchable {
					t.Errorf("text of the imported DOCX: %+v, %v", txt, err)
				}
			})
		}
	}
}

// importProblems imports archive into a fresh app and returns the problems, checking
// that the import is refused and stores nothing.
func importProblems(t *testing.T, archive []byte) string {
	t.Helper()
	b := openEmpty(t)
	res, err := b.Import(t.Context(), bytes.NewReader(archive), "Import")
	if wiki.ErrorCode(err) != wiki.EINVALID {
		t.Fatalf("Import: %v, want EINVALID", err)
	}
	if keys := blobKeys(t, b, ""); len(keys) != 0 {
		t.Errorf("refused import stored %q", keys)
	}
	if n := indexed(t, b); n != 0 {
		t.Errorf("refused import indexed %d entries", n)
	}
	var lines []string
	for _, p := range res.Problems {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

// TestImportRefusesBadFiles: a file changed in the archive, one missing, one too many and
// records that name files without them are refused, in German, naming entry and file;
// nothing is stored.
func TestImportRefusesBadFiles(t *testing.T) {
	archive, _ := exportWithFiles(t)
	names, content := zipMembers(t, archive)
	pdf := ""
	for _, n := range names {
		if strings.HasSuffix(n, ".pdf") {
			pdf = n
		}
	}
	for _, tc := range []struct {
		name    string
		archive []byte
		want    []string
	}{
		{"tampered", rezip(t, names, content, func(name string, b []byte) []byte {
			if name == pdf {
				b = bytes.Clone(b)
				b[len(b)/2] ^= 1
			}
			return b
		}), []string{"Zeile 10: Eintrag \"Digitaler Mängelmelder\": Datei \"bericht.pdf\" stimmt nicht mit ihrer Prüfsumme überein", pdf}},
		{"longer", rezip(t, names, content, func(name string, b []byte) []byte {
			if name == pdf {
				b = append(bytes.Clone(b), '\n')
			}
			return b
		}), []string{"Datei \"bericht.pdf\" stimmt nicht mit ihrer Prüfsumme überein"}},
		{"missing", rezip(t, names, content, func(name string, b []byte) []byte {
			if name == pdf {
				return nil
			}
			return b
		}), []string{"Datei \"bericht.pdf\" fehlt im Archiv (" + pdf + ")"}},
		{"one too many", rezip(t, append(names, "dateien/beiwerk.txt"), content, func(name string, b []byte) []byte {
			if b == nil {
				return []byte("Notiz")
			}
			return b
		}), []string{"dateien/beiwerk.txt im Archiv gehört zu keinem Eintrag"}},
		{"records without the archive", content[ArchiveRecords], []string{"Zeile 10: Eintrag \"Digitaler Mängelmelder\": hat Dateien, die nur ein ZIP-Archiv mitbringen kann"}},
		{"archive without records", rezip(t, names[1:], content, nil), []string{"Im ZIP-Archiv fehlt wissensnetz.jsonl"}},
		{"cut short", archive[:len(archive)/2], []string{"Das ZIP-Archiv ist beschädigt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := importProblems(t, tc.archive)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems\n%s\nlack %q", got, w)
				}
			}
		})
	}
}

// faultyBlobs makes the k-th PutBlob of attachments fail (0: none), after storing it,
// and with failDelete every DeleteBlob.
type faultyBlobs struct {
	store.Blobs
	mu         sync.Mutex
	n, k       int
	failDelete bool
}

func (b *faultyBlobs) DeleteBlob(ctx context.Context, key string) error {
	if b.failDelete {
		return errInjected
	}
	return b.Blobs.DeleteBlob(ctx, key)
}

func (b *faultyBlobs) PutBlob(ctx context.Context, key string, r io.Reader, contentType string) error {
	b.mu.Lock()
	b.n++
	fail := b.n == b.k
	b.mu.Unlock()
	if err := b.Blobs.PutBlob(ctx, key, r, contentType); err != nil {
		return err
	}
	if fail {
		return errInjected
	}
	return nil
}

// TestFailedImportLeavesNoFiles: an import that fails while storing its files or its
// entries takes the stored files back, too; the store is as before.
func TestFailedImportLeavesNoFiles(t *testing.T) {
	archive, _ := exportWithFiles(t)
	for _, be := range fileBackends {
		for _, tc := range []struct {
			name      string
			blob, rec int // the failing write of a file, of a record
		}{
			{"first file", 1, 0},
			{"second file, stored before the failure", 2, 0},
			{"first municipality", 0, 1},
			{"last entry", 0, 10},
		} {
			t.Run(be.name+"/"+tc.name, func(t *testing.T) {
				b := be.open(t)
				blobs := &faultyBlobs{Blobs: b.stores.Blobs, k: tc.blob}
				b.stores.Blobs = blobs
				f := injectFaults(b)
				f.arm(tc.rec, false, false)
				res, err := b.Import(t.Context(), bytes.NewReader(archive), "Import")
				if !errors.Is(err, errInjected) {
					t.Fatalf("Import: %v, want the injected fault", err)
				}
				if !res.Undone {
					t.Errorf("Undone = false, Left = %q", res.Left)
				}
				var we *wiki.Error
				if !errors.As(err, &we) || !strings.HasPrefix(text.German.Render(we.Message), "Import abgebrochen, nichts übernommen") {
					t.Errorf("message of %v, want one that says nothing was kept", err)
				}
				if keys := blobKeys(t, b, ""); len(keys) != 0 {
					t.Errorf("failed import left %q", keys)
				}
				if n := indexed(t, b); n != 0 {
					t.Errorf("failed import indexed %d entries", n)
				}
			})
		}
	}
}

// TestImportUndoNamesFilesLeft: files that cannot be taken back are named, with their
// entry, among what is left.
func TestImportUndoNamesFilesLeft(t *testing.T) {
	archive, _ := exportWithFiles(t)
	b := openEmpty(t)
	b.stores.Blobs = &faultyBlobs{Blobs: b.stores.Blobs, k: 2, failDelete: true}
	res, err := b.Import(t.Context(), bytes.NewReader(archive), "Import")
	if !errors.Is(err, errInjected) || res.Undone {
		t.Fatalf("Import: %v, Undone %v; want the fault and an undo that failed", err, res.Undone)
	}
	left := strings.Join(res.Left, "\n")
	for _, name := range []string{"bericht.pdf", "leitfaden.docx"} {
		if !strings.Contains(left, "Datei „"+name+"“ von Eintrag „Digitaler Mängelmelder“") {
			t.Errorf("Left = %q, want %s named", res.Left, name)
		}
	}
}

// newEntryArchive returns a hand-made archive with one new entry whose file has the
// given content and, in its record, the given format.
func newEntryArchive(t *testing.T, content []byte, format string) []byte {
	t.Helper()
	sum := sha256.Sum256(content)
	e := newEntry()
	e.State = wiki.StatePublished
	e.Attachments = []wiki.Attachment{{ID: "bericht", Name: "Abschlussbericht." + format, Title: "Abschlussbericht",
		Format: format, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:])}}
	var records bytes.Buffer
	enc := jsonEncoder(&records)
	enc.Encode(Record{Type: RecordMunicipality, Municipality: &wiki.Municipality{AGS: "07312000", Name: "Kaiserslautern"}})
	enc.Encode(Record{Type: RecordTopic, Topic: &wiki.Topic{Slug: "buergerbeteiligung", Name: "Bürgerbeteiligung"}})
	enc.Encode(Record{Type: RecordEntry, Entry: e})
	path := ArchiveFilePath("", e.Attachments[0])
	return rezip(t, []string{ArchiveRecords, path}, map[string][]byte{ArchiveRecords: records.Bytes(), path: content}, nil)
}

// TestImportNewEntryWithFiles: an entry without id in a hand-made archive is created with
// its files from dateien/<file id>.<format>, under new ids, and their text is read.
func TestImportNewEntryWithFiles(t *testing.T) {
	pdf := corpus(t, "bericht.pdf")
	archive := newEntryArchive(t, pdf, "pdf")
	b := openEmpty(t)
	ctx := t.Context()
	if res, err := b.Import(ctx, bytes.NewReader(archive), "Beispieldaten"); err != nil {
		t.Fatalf("Import: %v %+v", err, res)
	}
	got, err := b.stores.Entries.EntryBySlug(ctx, wiki.Slugify(newEntry().Title))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Attachments) != 1 {
		t.Fatalf("files = %+v", got.Attachments)
	}
	f := got.Attachments[0]
	sum := sha256.Sum256(pdf)
	if f.ID == "bericht" || f.UploadedBy != "Beispieldaten" || f.UploadedAt.IsZero() || f.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("file = %+v, want a new id and the import's author and time", f)
	}
	if keys := blobKeys(t, b, "attachments/"); len(keys) != 1 || keys[0] != wiki.AttachmentKey(got.ID, f.ID) {
		t.Errorf("stored %q, want the file under the new entry's id", keys)
	}
	waitTexts(t, b)
	txt, err := b.FileText(ctx, got.ID, f.ID)
	if err != nil || txt == nil || txt.Status != wiki.TextSearchable || len(txt.Parts) < 2 || txt.Parts[1].Label != "Seite 2" {
		t.Errorf("text = %+v, %v", txt, err)
	}
}

// scannerFunc is a Scanner answering with a function.
type scannerFunc func(content []byte) (string, error)

func (s scannerFunc) Scan(_ context.Context, r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	return s(b)
}

func (s scannerFunc) Name() string { return "Testprüfung" }

// TestImportChecksNewFiles: the files of entries new here are checked as uploads are:
// size, format by content, malware. A refused file refuses the import, nothing stored.
func TestImportChecksNewFiles(t *testing.T) {
	pdf, docx := corpus(t, "bericht.pdf"), corpus(t, "leitfaden.docx")
	clean := scannerFunc(func([]byte) (string, error) { return "", nil })
	for _, tc := range []struct {
		name    string
		files   Files
		archive []byte
		want    string
	}{
		{"format other than its record says", Files{}, newEntryArchive(t, docx, "pdf"), "Datei \"Abschlussbericht.pdf\" ist laut Datensatz PDF, ihr Inhalt aber DOCX"},
		{"not a document", Files{}, newEntryArchive(t, corpus(t, "archiv.docx"), "docx"), "wurde nicht angenommen: "},
		{"too large", Files{MaxFile: 1 << 10}, newEntryArchive(t, pdf, "pdf"), "ist größer als 1 KB"},
		{"malware", Files{Scanner: scannerFunc(func(b []byte) (string, error) {
			if bytes.Equal(b, pdf) {
				return "Win.Test.EICAR_HDB-1", nil
			}
			return "", nil
		})}, newEntryArchive(t, pdf, "pdf"), "Schadsoftware hat „Win.Test.EICAR_HDB-1“ gefunden"},
		{"scanner down", Files{Scanner: scannerFunc(func([]byte) (string, error) { return "", errInjected })}, newEntryArchive(t, pdf, "pdf"), "nicht auf Schadsoftware geprüft werden"},
		{"clean", Files{Scanner: clean}, newEntryArchive(t, pdf, "pdf"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := openLocal(t.Context(), Local{DataDir: t.TempDir()}, Options{Files: tc.files})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			res, err := b.Import(t.Context(), bytes.NewReader(tc.archive), "Import")
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Import: %v %+v", err, res)
				}
				return
			}
			if wiki.ErrorCode(err) != wiki.EINVALID || len(res.Problems) != 1 {
				t.Fatalf("Import: %v, problems %v; want EINVALID with one problem", err, res.Problems)
			}
			if got := res.Problems[0].String(); !strings.Contains(got, tc.want) || !strings.Contains(got, "Digitaler Mängelmelder") {
				t.Errorf("problem %q, want the entry and %q", got, tc.want)
			}
			if keys := blobKeys(t, b, ""); len(keys) != 0 {
				t.Errorf("refused import stored %q", keys)
			}
		})
	}
}

// textContent is a large text file made up on the fly: the same line again and again.
type textContent int64

func (c textContent) ReadAt(p []byte, off int64) (int, error) {
	const line = "Messwerte der Bodenfeuchte am Ostring, Stunde für Stunde.\n"
	if off >= int64(c) {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off+int64(n) < int64(c) {
		i := (off + int64(n)) % int64(len(line))
		n += copy(p[n:min(len(p), n+int(int64(c)-off-int64(n)))], line[i:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// largeFileApp returns an app whose one entry has a text file of size bytes, stored
// without its content passing through memory at once.
func largeFileApp(tb testing.TB, size int64) *App {
	tb.Helper()
	ctx := tb.Context()
	a, err := openLocal(ctx, Local{DataDir: tb.TempDir()}, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	catalog := `{"type":"municipality","municipality":{"ags":"07312000","name":"Kaiserslautern"}}
{"type":"topic","topic":{"slug":"buergerbeteiligung","name":"Bürgerbeteiligung"}}
`
	if _, err := a.Import(ctx, strings.NewReader(catalog), "Import"); err != nil {
		tb.Fatal(err)
	}
	u, err := a.CreateUser(ctx, auth.Visitor, NewUser{Email: "max@beispiel-kommune.de", Name: "Max Muster", Role: wiki.RoleMember, Municipality: "07312000", Password: "Pegelstand-2024!"})
	if err != nil {
		tb.Fatal(err)
	}
	up := FileUpload{Name: "messwerte.txt", Content: textContent(size), Size: size}
	if _, err := a.CreateEntryFiles(ctx, auth.Viewer{User: u}, newEntry(), "", false, []FileUpload{up}); err != nil {
		tb.Fatal(err)
	}
	return a
}

// emptyApp opens a local app on an empty store, without text reading.
func emptyApp(tb testing.TB) *App {
	tb.Helper()
	b, err := openLocal(tb.Context(), Local{DataDir: tb.TempDir()}, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// exportImport exports a into the file f and imports that into b.
func exportImport(tb testing.TB, a, b *App, f *os.File) {
	tb.Helper()
	if err := f.Truncate(0); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		tb.Fatal(err)
	}
	if err := a.Export(tb.Context(), f); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		tb.Fatal(err)
	}
	if res, err := b.Import(tb.Context(), f, "Import"); err != nil {
		tb.Fatalf("Import: %v %+v", err, res)
	}
}

// TestTransferStreamsFiles: a large file goes into the export and back into a store
// without being held in memory: export and import of an entry with a 48 MB file
// allocate hardly more than with a 1 MB file (the import's other work, such as the
// search index learning the municipalities, is the same for both).
func TestTransferStreamsFiles(t *testing.T) {
	const small, large = 1 << 20, 48 << 20
	allocated := func(size int64) uint64 {
		a, b := largeFileApp(t, size), emptyApp(t)
		defer b.Close()
		f, err := os.CreateTemp(t.TempDir(), "export-*.zip")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		exportImport(t, a, b, f)
		runtime.ReadMemStats(&after)
		if st, err := f.Stat(); err != nil || st.Size() < size {
			t.Errorf("export file: %v, %v; want the file in it", st, err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	s, l := allocated(small), allocated(large)
	t.Logf("allocated %.1f MB with a %d MB file, %.1f MB with a %d MB file", float64(s)/(1<<20), small>>20, float64(l)/(1<<20), large>>20)
	if l > s+4<<20 {
		t.Errorf("the larger file allocated %d MB more; want the file streamed, not held", (l-s)>>20)
	}
}

// BenchmarkTransferLargeFile exports an entry with a file of the largest size allowed
// and imports it elsewhere.
func BenchmarkTransferLargeFile(b *testing.B) {
	const size = wiki.DefaultMaxFileSize
	a := largeFileApp(b, size)
	f, err := os.CreateTemp(b.TempDir(), "export-*.zip")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(size)
	for b.Loop() {
		b.StopTimer()
		to := emptyApp(b)
		b.StartTimer()
		exportImport(b, a, to, f)
		b.StopTimer()
		to.Close()
		b.StartTimer()
	}
}

// gatedBlobs counts the reads of attachments and holds the first until open is closed.
type gatedBlobs struct {
	store.Blobs
	open  chan struct{}
	mu    sync.Mutex
	reads map[string]int
}

func (b *gatedBlobs) Blob(ctx context.Context, key string) (io.ReadCloser, error) {
	if strings.HasPrefix(key, "attachments/") {
		b.mu.Lock()
		b.reads[key]++
		b.mu.Unlock()
		<-b.open
	}
	return b.Blobs.Blob(ctx, key)
}

// TestTextsReadOnce: a file whose text is being read when the start looks for texts
// missing (right after the demo's import) is not queued a second time.
func TestTextsReadOnce(t *testing.T) {
	b := openEmpty(t)
	gate := &gatedBlobs{Blobs: b.stores.Blobs, open: make(chan struct{}), reads: map[string]int{}}
	b.stores.Blobs = gate
	ctx := t.Context()
	if res, err := b.Import(ctx, bytes.NewReader(newEntryArchive(t, corpus(t, "bericht.pdf"), "pdf")), "Import"); err != nil {
		t.Fatalf("Import: %v %+v", err, res)
	}
	if err := b.readMissingTexts(ctx); err != nil { // as the start does, while the text is read
		t.Fatal(err)
	}
	close(gate.open)
	waitTexts(t, b)
	gate.mu.Lock()
	defer gate.mu.Unlock()
	if len(gate.reads) != 1 {
		t.Fatalf("read %v, want one file", gate.reads)
	}
	for key, n := range gate.reads {
		if n != 1 {
			t.Errorf("%s read %d times, want once", key, n)
		}
	}
}
