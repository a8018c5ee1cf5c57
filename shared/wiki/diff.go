package wiki

import (
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/ikone-ds/wissensnetz/shared/text"
)

// Names turns stored keys into names for people. A nil Names shows the keys.
type Names interface {
	MunicipalityName(ags string) string
	TopicName(slug string) string
}

// FieldChange is one field that differs between two versions of an entry. Short fields
// carry Old and New; long texts (summary, body) carry Hunks of changed lines with context.
type FieldChange struct {
	Label string
	Old   string
	New   string
	Hunks []Hunk
}

// Hunk is a run of changed lines with a little context around them.
type Hunk struct {
	OldLine int // first line in the old text, counted from 1
	Lines   []DiffLine
}

// DiffLine is one line of a Hunk. Op is '-' (removed), '+' (added) or ' ' (unchanged).
type DiffLine struct {
	Op   byte
	Text string
}

// Compare lists the fields that differ from a to b, in the order of the entry form.
func Compare(a, b *Entry, n Names) []FieldChange {
	var out []FieldChange
	short := func(label, old, new string) {
		if old != new {
			out = append(out, FieldChange{Label: text.German.Text(label), Old: old, New: new})
		}
	}
	long := func(label, old, new string) {
		if old != new {
			out = append(out, FieldChange{Label: text.German.Text(label), Old: old, New: new, Hunks: LineDiff(old, new)})
		}
	}
	muni := func(ags string) string {
		if n == nil {
			return ags
		}
		return n.MunicipalityName(ags)
	}
	topic := func(slug string) string {
		if n == nil {
			return slug
		}
		return n.TopicName(slug)
	}
	short("field.title", a.Title, b.Title)
	short("field.kind", a.Kind.Label(), b.Kind.Label())
	short("field.municipality", muni(a.Municipality), muni(b.Municipality))
	short("field.partners", join(a.Partners, muni), join(b.Partners, muni))
	short("field.external_partners", join(a.ExternalPartners, nil), join(b.ExternalPartners, nil))
	short("field.contact", contactLine(a.Contact), contactLine(b.Contact))
	long("field.summary", a.Summary, b.Summary)
	long("field.body", a.Body, b.Body)
	short("field.topics", join(a.Topics, topic), join(b.Topics, topic))
	short("field.tags", join(a.Tags, nil), join(b.Tags, nil))
	short("field.project_status", a.ProjectStatus.Label(), b.ProjectStatus.Label())
	short("field.period", period(a), period(b))
	short("field.costs", a.Costs, b.Costs)
	short("field.funding", a.Funding, b.Funding)
	short("field.software", join(a.Software, nil), join(b.Software, nil))
	short("field.open_source_url", a.OpenSourceURL, b.OpenSourceURL)
	short("field.links", linksLine(a.Links), linksLine(b.Links))
	short("field.related", join(a.Related, nil), join(b.Related, nil))
	short("field.files", filesLine(a.Attachments), filesLine(b.Attachments))
	short("field.visibility", a.Visibility.Label(), b.Visibility.Label())
	short("field.state", a.State.Label(), b.State.Label())
	return out
}

// LineDiff returns the changed lines between two texts, with three lines of context.
func LineDiff(old, new string) []Hunk {
	if !strings.HasSuffix(old, "\n") {
		old += "\n"
	}
	if !strings.HasSuffix(new, "\n") {
		new += "\n"
	}
	u, err := udiff.ToUnifiedDiff("", "", old, udiff.Lines(old, new), 3)
	if err != nil { // cannot happen for edits computed from old itself
		return []Hunk{{OldLine: 1, Lines: []DiffLine{{'-', old}, {'+', new}}}}
	}
	hunks := make([]Hunk, 0, len(u.Hunks))
	for _, h := range u.Hunks {
		hk := Hunk{OldLine: h.FromLine}
		for _, l := range h.Lines {
			op := byte(' ')
			switch l.Kind {
			case udiff.Delete:
				op = '-'
			case udiff.Insert:
				op = '+'
			}
			hk.Lines = append(hk.Lines, DiffLine{Op: op, Text: strings.TrimSuffix(l.Content, "\n")})
		}
		hunks = append(hunks, hk)
	}
	return hunks
}

func join(list []string, name func(string) string) string {
	if name == nil {
		return strings.Join(list, ", ")
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = name(s)
	}
	return strings.Join(names, ", ")
}

func contactLine(c Contact) string {
	var parts []string
	for _, s := range []string{c.Name, c.Role, c.Email} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func period(e *Entry) string {
	if e.PeriodStart == "" && e.PeriodEnd == "" {
		return ""
	}
	return e.PeriodStart + " – " + e.PeriodEnd
}

func linksLine(links []Link) string {
	var parts []string
	for _, l := range links {
		parts = append(parts, l.Title+" <"+l.URL+">")
	}
	return strings.Join(parts, ", ")
}
