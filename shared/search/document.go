package search

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Document is what the index knows of one entry.
type Document struct {
	ID, Slug, Title, Summary string
	Body                     string // plain text; NewDocument strips the Markdown
	Tags                     []string

	Municipality, MunicipalityName string   // AGS and name
	Topics, TopicNames             []string // slugs and names

	Kind, ProjectStatus, State, Visibility string // API identifiers, e.g. "solution", "running", "published", "public"

	Year    int // project start year, 0 if unknown
	Updated time.Time

	Featured   bool // shown on the start page
	NeedsCheck bool // published and edited since a coordinator last checked it

	Files []File // the entry's files, in its order
}

// File is one file of an entry as the index knows it: NewDocument fills in what the entry
// says of it, the caller adds the text read from it (Parts).
type File struct {
	ID, Name, Title, Format string
	Parts                   []wiki.TextPart
}

// NewDocument returns the document of e. Names turn the municipality and topic keys into the
// names people search for; with a nil n the keys stand in for the names. The Markdown body
// becomes plain text: formatting, link targets and raw HTML are not searchable.
func NewDocument(e *wiki.Entry, n wiki.Names) Document {
	d := Document{
		ID:               e.ID,
		Slug:             e.Slug,
		Title:            e.Title,
		Summary:          e.Summary,
		Body:             PlainText(e.Body),
		Tags:             append([]string(nil), e.Tags...),
		Municipality:     e.Municipality,
		MunicipalityName: e.Municipality,
		Topics:           append([]string(nil), e.Topics...),
		Kind:             string(e.Kind),
		ProjectStatus:    string(e.ProjectStatus),
		State:            string(e.State),
		Visibility:       string(e.Visibility),
		Year:             e.Year(),
		Updated:          e.UpdatedAt,
		Featured:         e.Featured,
		NeedsCheck:       e.State == wiki.StatePublished && e.PatrolledVersion < e.Version,
	}
	if n != nil {
		d.MunicipalityName = n.MunicipalityName(e.Municipality)
	}
	for _, f := range e.Attachments {
		d.Files = append(d.Files, File{ID: f.ID, Name: f.Name, Title: f.Title, Format: f.Format})
	}
	for _, t := range e.Topics {
		if n != nil {
			t = n.TopicName(t)
		}
		d.TopicNames = append(d.TopicNames, t)
	}
	return d
}

// fields returns the document as bleve maps it: only fields with a value, so that no empty
// term shows up in facets.
func (d *Document) fields() map[string]any {
	m := make(map[string]any, 16)
	set := func(name, v string) {
		if v != "" {
			m[name] = v
		}
	}
	list := func(name string, v []string) {
		if len(v) > 0 {
			m[name] = v
		}
	}
	set(fieldSlug, d.Slug)
	set(fieldTitle, d.Title)
	set(fieldSummary, d.Summary)
	set(fieldBody, d.Body)
	list(fieldTags, d.Tags)
	set(fieldMunicipality, d.Municipality)
	set(fieldMunicipalityName, d.MunicipalityName)
	list(fieldTopics, d.Topics)
	list(fieldTopicNames, d.TopicNames)
	set(fieldKind, d.Kind)
	set(fieldProjectStatus, d.ProjectStatus)
	if facets := d.facetValues(); len(facets) > 0 {
		m[fieldFacets] = facets
	}
	if !d.Updated.IsZero() {
		m[fieldUpdated] = strconv.FormatInt(d.Updated.UnixNano(), 16)
	}
	m[fieldLengths] = strconv.FormatInt(int64(d.lengths()), 16)
	return m
}

// lengths returns the number of words of the files' text (at most 2³¹-1), of the body and
// of the summary (each at most 65,535), as files<<32 | body<<16 | summary.
func (d *Document) lengths() int {
	// Words as runs of anything but white space: near enough for weighing, and a
	// fraction of the cost of cutting the words again.
	count := func(s string) int {
		n, in := 0, false
		for i := 0; i < len(s); i++ {
			space := s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'
			if !space && !in {
				n++
			}
			in = !space
		}
		return n
	}
	files := 0
	for _, f := range d.Files {
		for _, p := range f.Parts {
			files += count(p.Text)
		}
	}
	return min(files, 1<<31-1)<<32 | min(count(d.Body), 1<<16-1)<<16 | min(count(d.Summary), 1<<16-1)
}

// facetValues returns the values of d for fieldFacets.
func (d *Document) facetValues() []string {
	out := make([]string, 0, 8+len(d.Topics))
	add := func(facet, v string) {
		if v != "" {
			out = append(out, facet+":"+v)
		}
	}
	for _, t := range d.Topics {
		add(facetTopic, t)
	}
	add(facetMunicipality, d.Municipality)
	add(facetKind, d.Kind)
	add(facetProjectStatus, d.ProjectStatus)
	if d.Year > 0 {
		add(facetYear, strconv.Itoa(d.Year))
	}
	for i, f := range d.Files {
		if !slices.ContainsFunc(d.Files[:i], func(g File) bool { return g.Format == f.Format }) {
			add(facetFileFormat, f.Format)
		}
	}
	add(facetState, d.State)
	add(facetVisibility, d.Visibility)
	if d.Featured {
		add(facetFlag, flagFeatured)
	}
	if d.NeedsCheck {
		add(facetFlag, flagNeedsCheck)
	}
	if len(d.Files) > 0 {
		add(facetFlag, flagFiles)
	}
	return out
}

// PlainText returns the text of a Markdown document as a reader sees it: paragraphs, headings
// and list items on lines of their own, link texts without their targets, code as written,
// entities and escapes resolved, raw HTML left out.
func PlainText(markdown string) string {
	src := []byte(markdown)
	root := goldmark.New().Parser().Parse(text.NewReader(src))
	var b bytes.Buffer
	newline := func() {
		if b.Len() > 0 && b.Bytes()[b.Len()-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			if entering {
				newline()
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(src))
				}
				newline()
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				v := n.Value(src)
				if !n.IsRaw() {
					v = util.ResolveNumericReferences(util.ResolveEntityNames(util.UnescapePunctuations(v)))
				}
				b.Write(v)
				switch {
				case n.HardLineBreak():
					b.WriteByte('\n')
				case n.SoftLineBreak():
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.AutoLink:
			if entering {
				b.Write(n.Label(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.ThematicBreak:
			newline()
		default:
			if n.Type() == ast.TypeBlock && !entering {
				newline()
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}
