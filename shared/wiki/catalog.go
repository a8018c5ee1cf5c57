package wiki

import (
	"regexp"
	"strings"
)

var agsPattern = regexp.MustCompile(`^[0-9]{8}$`)

// Validate checks a municipality: an eight-digit AGS, a name and a type.
func (m *Municipality) Validate() error {
	m.AGS, m.Name, m.Type = strings.TrimSpace(m.AGS), strings.TrimSpace(m.Name), strings.TrimSpace(m.Type)
	if m.Slug == "" {
		m.Slug = Slugify(m.Name)
	}
	v := make(fieldErrors)
	if !agsPattern.MatchString(m.AGS) {
		v.add("ags", "validate.ags")
	}
	v.text("name", "field.name", m.Name, 2, 120, false)
	v.text("type", "field.municipality_type", m.Type, 0, 60, false)
	if !ValidSlug(m.Slug) {
		v.add("name", "validate.name.no_letters")
	}
	return v.err()
}

// Validate checks a topic: a slug and a name.
func (t *Topic) Validate() error {
	t.Name, t.Description = strings.TrimSpace(t.Name), strings.TrimSpace(t.Description)
	if t.Slug == "" {
		t.Slug = Slugify(t.Name)
	}
	v := make(fieldErrors)
	v.text("name", "field.name", t.Name, 2, 120, false)
	v.text("description", "field.description", t.Description, 0, 600, true)
	if !ValidSlug(t.Slug) {
		v.add("slug", "validate.topic.slug")
	}
	return v.err()
}
