package demo

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// record is one line of the import/export format.
type record struct {
	Type         string             `json:"type"`
	Municipality *wiki.Municipality `json:"municipality,omitempty"`
	Topic        *wiki.Topic        `json:"topic,omitempty"`
	Entry        *wiki.Entry        `json:"entry,omitempty"`
}

// catalog is the wiki.Catalog of the demo file itself.
type catalog struct {
	municipalities map[string]bool
	topics         map[string]bool
}

func (c catalog) HasMunicipality(ags string) bool { return c.municipalities[ags] }
func (c catalog) HasTopic(slug string) bool       { return c.topics[slug] }

type entryLine struct {
	line  int
	entry *wiki.Entry
}

type demoData struct {
	municipalities []*wiki.Municipality
	topics         []*wiki.Topic
	entries        []entryLine
}

// load parses Records() line by line and fails with the line number on any format problem.
func load(t *testing.T) demoData {
	t.Helper()
	raw, err := io.ReadAll(Records())
	if err != nil {
		t.Fatalf("reading demo data: %v", err)
	}
	if len(raw) == 0 {
		t.Fatal("demo data is empty")
	}
	if !bytes.HasSuffix(raw, []byte("\n")) {
		t.Error("demo.jsonl must end with a newline")
	}
	var d demoData
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	phase := 0 // 0 municipalities, 1 topics, 2 entries
	order := map[string]int{"municipality": 0, "topic": 1, "entry": 2}
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if !utf8.Valid(line) {
			t.Fatalf("line %d: not valid UTF-8", n)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			t.Fatalf("line %d: empty line", n)
		}
		var r record
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			t.Fatalf("line %d: more than one JSON value on the line", n)
		}
		p, ok := order[r.Type]
		if !ok {
			t.Fatalf("line %d: unknown record type %q", n, r.Type)
		}
		if p < phase {
			t.Fatalf("line %d: %s record after later record types (order: municipalities, topics, entries)", n, r.Type)
		}
		phase = p
		payloads := 0
		for _, set := range []bool{r.Municipality != nil, r.Topic != nil, r.Entry != nil} {
			if set {
				payloads++
			}
		}
		if payloads != 1 {
			t.Fatalf("line %d: want exactly one payload, got %d", n, payloads)
		}
		switch {
		case r.Type == "municipality" && r.Municipality != nil:
			d.municipalities = append(d.municipalities, r.Municipality)
		case r.Type == "topic" && r.Topic != nil:
			d.topics = append(d.topics, r.Topic)
		case r.Type == "entry" && r.Entry != nil:
			d.entries = append(d.entries, entryLine{n, r.Entry})
		default:
			t.Fatalf("line %d: payload does not match type %q", n, r.Type)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("scanning demo data: %v", err)
	}
	return d
}

func (d demoData) catalog() catalog {
	c := catalog{municipalities: map[string]bool{}, topics: map[string]bool{}}
	for _, m := range d.municipalities {
		c.municipalities[m.AGS] = true
	}
	for _, tp := range d.topics {
		c.topics[tp.Slug] = true
	}
	return c
}

func TestAuthor(t *testing.T) {
	if Author != "Beispieldaten" {
		t.Errorf("Author = %q", Author)
	}
}

func TestOpenReturnsFreshReaders(t *testing.T) {
	a, _ := io.ReadAll(Open())
	b, _ := io.ReadAll(Open())
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatal("Open must return the full content on every call")
	}
}

// TestArchive: Open is an import archive of the records, with the files added to their
// entries and their content under the names the import looks for.
func TestArchive(t *testing.T) {
	raw, _ := io.ReadAll(Open())
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) > 100<<10 {
		t.Errorf("archive has %d bytes, want a few dozen KB", len(raw))
	}
	members := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		members[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	records := members[app.ArchiveRecords]
	if n, want := bytes.Count(records, []byte("\n")), strings.Count(data, "\n"); n != want {
		t.Fatalf("archive has %d records, demo.jsonl %d", n, want)
	}
	withFiles := 0
	for _, line := range bytes.Split(bytes.TrimSpace(records), []byte("\n")) {
		var r record
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if r.Entry == nil || len(r.Entry.Attachments) == 0 {
			continue
		}
		withFiles++
		for _, f := range r.Entry.Attachments {
			b, ok := members[app.ArchiveFilePath("", f)]
			sum := sha256.Sum256(b)
			if !ok || int64(len(b)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
				t.Errorf("%s: file %s not in the archive as its record says", r.Entry.Title, f.Name)
			}
			if wiki.CleanFileName(f.Name, f.Format) != f.Name {
				t.Errorf("%s: file name %q is not clean", r.Entry.Title, f.Name)
			}
		}
	}
	if withFiles != 2 || len(members) != 1+len(Files) {
		t.Errorf("%d entries with files, %d members; want 2 and the records with %d files", withFiles, len(members), len(Files))
	}
	if strings.Contains(data, FileWord) {
		t.Errorf("%q is in demo.jsonl: a search for it would not show that files are searched", FileWord)
	}
}

var agsPattern = regexp.MustCompile(`^07[0-9]{6}$`)

func TestMunicipalities(t *testing.T) {
	d := load(t)
	if n := len(d.municipalities); n < 25 {
		t.Errorf("got %d municipalities, want at least 25", n)
	}
	seenAGS, seenSlug := map[string]bool{}, map[string]bool{}
	for _, m := range d.municipalities {
		if !agsPattern.MatchString(m.AGS) {
			t.Errorf("%s: AGS %q is not an 8-digit key of Rhineland-Palatinate (07…)", m.Name, m.AGS)
		}
		if seenAGS[m.AGS] {
			t.Errorf("AGS %s listed twice", m.AGS)
		}
		seenAGS[m.AGS] = true
		if want := wiki.Slugify(m.Name); m.Slug != want {
			t.Errorf("%s: slug %q, want %q", m.Name, m.Slug, want)
		}
		if seenSlug[m.Slug] {
			t.Errorf("municipality slug %q listed twice", m.Slug)
		}
		seenSlug[m.Slug] = true
		if m.Type == "" {
			t.Errorf("%s: type missing", m.Name)
		}
		c := *m
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
		if c != *m {
			t.Errorf("%s: not normalized: %+v", m.Name, c)
		}
	}
	for _, key := range []string{"07312000", "07315000", "07211000", "07111000", "07314000", "07335000"} {
		if !seenAGS[key] {
			t.Errorf("municipality %s missing", key)
		}
	}
}

var wantTopics = []string{
	"Sensornetzwerke & IoT",
	"Krisenmanagement & Bevölkerungsschutz",
	"Digitale Lösungen in der Pandemie",
	"Smart-City-Strategie & Förderung",
	"Verwaltungsdigitalisierung & OZG",
	"Arbeitsorganisation & Personal",
	"Open Data & urbane Datenplattformen",
	"Bürgerbeteiligung",
	"Mobilität",
	"Klima & Umwelt",
	"Bildung & Schule",
	"Infrastruktur & Breitband",
	"Hemmnisse der Digitalisierung",
}

func TestTopics(t *testing.T) {
	d := load(t)
	var names []string
	for _, tp := range d.topics {
		names = append(names, tp.Name)
		if want := wiki.Slugify(tp.Name); tp.Slug != want {
			t.Errorf("%s: slug %q, want %q", tp.Name, tp.Slug, want)
		}
		if strings.TrimSpace(tp.Description) == "" {
			t.Errorf("%s: description missing", tp.Name)
		}
		c := *tp
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", tp.Name, err)
		}
	}
	if !reflect.DeepEqual(names, wantTopics) {
		t.Errorf("topics = %q,\nwant %q", names, wantTopics)
	}
	if wiki.Slugify("Sensornetzwerke & IoT") != "sensornetzwerke-iot" {
		t.Error("unexpected slug for Sensornetzwerke & IoT")
	}
}

var (
	wikiLink = regexp.MustCompile(`\[\[([^\[\]]+)\]\]`)
	sections = []string{"## Ausgangslage", "## Lösung", "## Ergebnisse", "## Lessons Learned", "## Übertragbarkeit"}
)

// words counts the whitespace-separated tokens of s that contain a letter or digit.
func words(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.ContainsFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			n++
		}
	}
	return n
}

func TestEntries(t *testing.T) {
	d := load(t)
	cat := d.catalog()

	slugs := map[string]int{} // slug → line
	for _, el := range d.entries {
		s := wiki.Slugify(el.entry.Title)
		if s == "" {
			t.Errorf("line %d: title %q has no slug", el.line, el.entry.Title)
			continue
		}
		if prev, ok := slugs[s]; ok {
			t.Errorf("line %d: slug %q already used on line %d", el.line, s, prev)
		}
		slugs[s] = el.line
	}

	for _, el := range d.entries {
		e, n := el.entry, el.line
		if e.ID != "" || e.Slug != "" || e.Version != 0 || !e.CreatedAt.IsZero() || !e.UpdatedAt.IsZero() ||
			e.CreatedBy != "" || e.UpdatedBy != "" {
			t.Errorf("line %d: id, slug, version, times and authors are assigned by the loader", n)
		}
		if e.State != wiki.StatePublished {
			t.Errorf("line %d: state %q, want published", n, e.State)
		}
		norm := e.Clone()
		norm.Normalize()
		if !reflect.DeepEqual(norm, e) {
			t.Errorf("line %d: entry changes on Normalize (untrimmed text or duplicate list items)", n)
		}
		if err := norm.Validate(cat); err != nil {
			var we *wiki.Error
			if errors.As(err, &we) {
				t.Errorf("line %d: %v %v", n, err, we.Fields)
			} else {
				t.Errorf("line %d: %v", n, err)
			}
		}
		if k := len(e.Topics); k < 1 || k > 3 {
			t.Errorf("line %d: %d topics, want 1–3", n, k)
		}
		if k := len(e.Tags); k < 3 || k > 6 {
			t.Errorf("line %d: %d tags, want 3–6", n, k)
		}
		if w := words(e.Body); w < 150 || w > 450 {
			t.Errorf("line %d: body has %d words, want 150–450", n, w)
		}
		for _, s := range sections {
			if !strings.Contains(e.Body, "\n"+s+"\n") && !strings.HasPrefix(e.Body, s+"\n") {
				t.Errorf("line %d: body lacks section %q", n, s)
			}
		}
		if e.Contact.Name == "" || e.Contact.Role == "" || !strings.Contains(e.Contact.Email, "@beispiel-") {
			t.Errorf("line %d: contact needs name, role and an e-mail at a fictitious beispiel-… domain", n)
		}
		self := wiki.Slugify(e.Title)
		for _, m := range wikiLink.FindAllStringSubmatch(e.Body, -1) {
			target := strings.TrimSpace(m[1])
			if _, ok := slugs[target]; !ok || target == self {
				t.Errorf("line %d: wiki link [[%s]] names no other demo entry", n, target)
			}
		}
		for _, r := range e.Related {
			if _, ok := slugs[r]; !ok || r == self {
				t.Errorf("line %d: related %q names no other demo entry", n, r)
			}
		}
	}
}

func TestCoverage(t *testing.T) {
	d := load(t)
	if n := len(d.entries); n < 36 {
		t.Errorf("got %d entries, want at least 36", n)
	}
	perTopic := map[string]int{}
	kinds := map[wiki.Kind]int{}
	statuses := map[wiki.ProjectStatus]int{}
	owners := map[string]bool{}
	internal := 0
	for _, el := range d.entries {
		e := el.entry
		for _, tp := range e.Topics {
			perTopic[tp]++
		}
		kinds[e.Kind]++
		statuses[e.ProjectStatus]++
		owners[e.Municipality] = true
		if e.Visibility == wiki.Internal {
			internal++
		}
	}
	for _, tp := range d.topics {
		if perTopic[tp.Slug] < 2 {
			t.Errorf("topic %q has %d entries, want at least 2", tp.Name, perTopic[tp.Slug])
		}
	}
	for _, k := range wiki.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no entry of kind %s", k)
		}
	}
	for _, s := range wiki.ProjectStatuses {
		if statuses[s] == 0 {
			t.Errorf("no entry with project status %s", s)
		}
	}
	if len(owners) < 15 {
		t.Errorf("entries belong to %d municipalities, want at least 15", len(owners))
	}
	if share := float64(internal) / float64(len(d.entries)); share < 0.15 || share > 0.35 {
		t.Errorf("%d of %d entries internal (%.0f %%), want about a quarter", internal, len(d.entries), share*100)
	}
	t.Logf("%d municipalities, %d topics, %d entries (%d internal) from %d municipalities",
		len(d.municipalities), len(d.topics), len(d.entries), internal, len(owners))
	t.Logf("per topic: %v", perTopic)
	t.Logf("per kind: %v", kinds)
	t.Logf("per status: %v", statuses)
}
