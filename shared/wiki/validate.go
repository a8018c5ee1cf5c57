package wiki

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ikone-ds/wissensnetz/shared/text"
)

// Limits of entry fields, in characters (runes) unless said otherwise.
const (
	MaxTitleLen    = 160
	MinTitleLen    = 5
	MaxSummaryLen  = 600
	MaxBodyBytes   = 100_000
	MaxTopics      = 5
	MaxTags        = 20
	MaxTagLen      = 40
	MaxListItems   = 20
	MaxPartners    = 30
	MaxShortText   = 200
	MaxURLLen      = 500
	MaxCommentLen  = 300
	MaxAuthorLen   = 120
	minPeriodYear  = 1990
	maxPeriodYear  = 2100
	maxContactText = 120
)

// Catalog answers which municipalities and topics exist, so that validation needs no I/O.
type Catalog interface {
	HasMunicipality(ags string) bool
	HasTopic(slug string) bool
}

// Normalize trims every text field, drops empty and duplicate list items and fills
// defaults (a link without title takes its address as title).
func (e *Entry) Normalize() {
	e.Title = strings.TrimSpace(e.Title)
	e.Summary = strings.TrimSpace(normalizeNewlines(e.Summary))
	e.Body = strings.TrimRight(normalizeNewlines(e.Body), " \n\t")
	e.Municipality = strings.TrimSpace(e.Municipality)
	e.Contact.Name = strings.TrimSpace(e.Contact.Name)
	e.Contact.Role = strings.TrimSpace(e.Contact.Role)
	e.Contact.Email = strings.TrimSpace(e.Contact.Email)
	e.PeriodStart = strings.TrimSpace(e.PeriodStart)
	e.PeriodEnd = strings.TrimSpace(e.PeriodEnd)
	e.Costs = strings.TrimSpace(e.Costs)
	e.Funding = strings.TrimSpace(e.Funding)
	e.OpenSourceURL = strings.TrimSpace(e.OpenSourceURL)
	e.Partners = cleanList(e.Partners)
	e.ExternalPartners = cleanList(e.ExternalPartners)
	e.Topics = cleanList(e.Topics)
	e.Tags = cleanList(e.Tags)
	e.Software = cleanList(e.Software)
	e.Related = cleanList(e.Related)
	links := e.Links[:0:0]
	for _, l := range e.Links {
		l.Title, l.URL = strings.TrimSpace(l.Title), strings.TrimSpace(l.URL)
		if l.URL == "" && l.Title == "" {
			continue
		}
		if l.Title == "" {
			l.Title = l.URL
		}
		links = append(links, l)
	}
	e.Links = links
	if len(e.Links) == 0 {
		e.Links = nil
	}
	for i := range e.Attachments {
		e.Attachments[i].Normalize()
	}
	if len(e.Attachments) == 0 {
		e.Attachments = nil
	}
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// cleanList trims items and drops empty ones and case-insensitive duplicates, keeping order.
func cleanList(list []string) []string {
	var out []string
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

// Validate checks e against the field rules and the catalog and returns an EINVALID Error
// whose Fields name every field at fault with a message, or nil.
func (e *Entry) Validate(c Catalog) error {
	v := make(fieldErrors)
	v.text("title", "field.title", e.Title, MinTitleLen, MaxTitleLen, false)
	if e.Title != "" && !strings.ContainsFunc(e.Title, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
		v.add("title", "validate.title.no_letters")
	}
	if !e.Kind.Valid() {
		v.add("kind", "validate.kind.missing")
	}
	switch {
	case e.Municipality == "":
		v.add("municipality", "validate.municipality.missing")
	case !c.HasMunicipality(e.Municipality):
		v.add("municipality", "validate.municipality.unknown")
	}
	if len(e.Partners) > MaxPartners {
		v.add("partners", "validate.partners.too_many", MaxPartners)
	}
	for _, p := range e.Partners {
		if p == e.Municipality {
			v.add("partners", "validate.partners.own")
		} else if !c.HasMunicipality(p) {
			v.add("partners", "validate.partners.unknown")
		}
	}
	v.list("external_partners", "field.external_partners", e.ExternalPartners, MaxListItems, maxContactText)
	v.text("contact_name", "field.contact_name", e.Contact.Name, 0, maxContactText, false)
	v.text("contact_role", "field.contact_role", e.Contact.Role, 0, maxContactText, false)
	if e.Contact.Email != "" {
		if a, err := mail.ParseAddress(e.Contact.Email); err != nil || a.Address != e.Contact.Email || len(e.Contact.Email) > 254 {
			v.add("contact_email", "validate.email")
		}
	}
	v.text("summary", "field.summary", e.Summary, 1, MaxSummaryLen, true)
	switch {
	case !utf8.ValidString(e.Body):
		v.add("body", "validate.body.invalid_chars")
	case len(e.Body) > MaxBodyBytes:
		v.add("body", "validate.body.too_long", MaxBodyBytes)
	case hasControl(e.Body, true):
		v.add("body", "validate.body.control")
	}
	switch {
	case len(e.Topics) == 0:
		v.add("topics", "validate.topics.missing")
	case len(e.Topics) > MaxTopics:
		v.add("topics", "validate.topics.too_many", MaxTopics)
	}
	for _, t := range e.Topics {
		if !c.HasTopic(t) {
			v.add("topics", "validate.topics.unknown")
		}
	}
	v.list("tags", "field.tags", e.Tags, MaxTags, MaxTagLen)
	if !e.ProjectStatus.Valid() {
		v.add("project_status", "validate.project_status.missing")
	}
	startOK := v.month("period_start", e.PeriodStart)
	endOK := v.month("period_end", e.PeriodEnd)
	if startOK && endOK && e.PeriodStart != "" && e.PeriodEnd != "" && e.PeriodEnd < e.PeriodStart {
		v.add("period_end", "validate.period.end_before_start")
	}
	v.text("costs", "field.costs", e.Costs, 0, MaxShortText, false)
	v.text("funding", "field.funding", e.Funding, 0, MaxShortText, false)
	v.list("software", "field.software", e.Software, MaxListItems, 80)
	if e.OpenSourceURL != "" && !validURL(e.OpenSourceURL) {
		v.add("open_source_url", "validate.url")
	}
	if len(e.Links) > MaxListItems {
		v.add("links", "validate.links.too_many", MaxListItems)
	}
	for _, l := range e.Links {
		if !validURL(l.URL) {
			v.add("links", "validate.links.url")
		} else if HasInvisible(l.Title) {
			v.add("links", "validate.invisible", text.M("field.a_link_title"))
		} else if utf8.RuneCountInString(l.Title) > MaxShortText || hasControl(l.Title, false) {
			v.add("links", "validate.links.title_too_long", MaxShortText)
		}
	}
	if len(e.Related) > MaxListItems {
		v.add("related", "validate.related.too_many", MaxListItems)
	}
	for _, s := range e.Related {
		if !ValidSlug(s) {
			v.add("related", "validate.related.slug")
		}
	}
	v.attachments(e.Attachments)
	if !e.Visibility.Valid() {
		v.add("visibility", "validate.visibility.missing")
	}
	if !e.State.Valid() {
		v.add("state", "validate.state.unknown")
	}
	return v.err()
}

// ValidateRevisionNote checks the author and comment of a save.
func ValidateRevisionNote(author, comment string) error {
	v := make(fieldErrors)
	v.text("author", "field.author", author, 2, MaxAuthorLen, false)
	v.text("comment", "field.comment", comment, 0, MaxCommentLen, false)
	return v.err()
}

// fieldErrors collects the first message per field.
type fieldErrors map[string]text.Message

// add sets the message of field to the text key with args, unless the field has one.
func (v fieldErrors) add(field, key string, args ...any) {
	if _, ok := v[field]; !ok {
		v[field] = text.M(key, args...)
	}
}

func (v fieldErrors) err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: text.M("validate.check_fields"), Fields: v}
}

// text checks a text field; label is the key of the field's name in the text catalogue.
func (v fieldErrors) text(field, label, s string, min, max int, multiline bool) {
	name := text.M(label)
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		v.add(field, "validate.invalid_chars", name)
	case n == 0 && min > 0:
		v.add(field, "validate.missing", name)
	case n < min:
		v.add(field, "validate.too_short", name, min)
	case n > max:
		v.add(field, "validate.too_long", name, max, n)
	case hasControl(s, multiline):
		v.add(field, "validate.control", name)
	case !multiline && HasInvisible(s):
		v.add(field, "validate.invisible", name)
	}
}

// list checks a list field; label is the key of the field's name in the text catalogue.
func (v fieldErrors) list(field, label string, items []string, maxItems, maxLen int) {
	name := text.M(label)
	if len(items) > maxItems {
		v.add(field, "validate.list.too_many", name, maxItems)
	}
	for _, s := range items {
		if HasInvisible(s) {
			v.add(field, "validate.invisible", text.M("validate.list.an_item", name))
		}
		if utf8.RuneCountInString(s) > maxLen || !utf8.ValidString(s) || hasControl(s, false) {
			v.add(field, "validate.list.item_too_long", name, maxLen)
		}
	}
}

// month checks an optional YYYY-MM value and reports whether it is usable.
func (v fieldErrors) month(field, s string) bool {
	if s == "" {
		return true
	}
	var y, m int
	if len(s) != 7 || s[4] != '-' || !digits(s[:4]) || !digits(s[5:]) {
		v.add(field, "validate.month.format")
		return false
	}
	fmt.Sscanf(s, "%d-%d", &y, &m)
	if y < minPeriodYear || y > maxPeriodYear || m < 1 || m > 12 {
		v.add(field, "validate.month.range", minPeriodYear, maxPeriodYear)
		return false
	}
	return true
}

func digits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

func hasControl(s string, multiline bool) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		if multiline && (r == '\n' || r == '\t') {
			return false
		}
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	})
}

// Invisible reports whether r is an invisible formatting character (Unicode category Cf):
// the bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C),
// zero-width characters (U+200B–U+200D, U+2060), the byte order mark U+FEFF, the soft
// hyphen U+00AD and the like. Single-line fields refuse them: they can make a title read
// differently from what it is, or look equal to another without being equal. The soft
// hyphen is refused too: in a one-line field it only hides words from search and slugs.
// Multi-line texts keep them (emoji sequences and right-to-left text need some).
func Invisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

// HasInvisible reports whether s holds an Invisible character.
func HasInvisible(s string) bool { return strings.ContainsFunc(s, Invisible) }

// VisibleText returns s without control and invisible formatting characters, for one-line
// texts built from stored data, such as mail subjects.
func VisibleText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || Invisible(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, s)
}

func validURL(s string) bool {
	if len(s) > MaxURLLen || hasControl(s, false) || strings.ContainsAny(s, " <>\"") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && slices.Contains([]string{"http", "https"}, u.Scheme) && u.Host != ""
}
