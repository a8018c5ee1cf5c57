package wiki

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxSlugLen is the longest slug Slugify produces and ValidSlug accepts.
const MaxSlugLen = 80

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a well-formed slug: lower-case ASCII letters and digits in
// groups joined by single hyphens, at most MaxSlugLen bytes.
func ValidSlug(s string) bool {
	return len(s) > 0 && len(s) <= MaxSlugLen && slugPattern.MatchString(s)
}

var germanFold = strings.NewReplacer(
	"ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss", "ẞ", "SS",
)

// Slugify turns a title into a slug the German way (ä→ae, ß→ss), drops other diacritics,
// and joins the words with hyphens, cut at a word boundary to MaxSlugLen. It returns ""
// when the title has no letters or digits.
func Slugify(title string) string {
	s := norm.NFD.String(germanFold.Replace(norm.NFC.String(title)))
	var b strings.Builder
	hyphen := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case unicode.Is(unicode.Mn, r):
			continue // combining accent of a letter already written
		default:
			hyphen = b.Len() > 0
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) > MaxSlugLen {
		out = out[:MaxSlugLen]
		if i := strings.LastIndexByte(out, '-'); i > MaxSlugLen/2 {
			out = out[:i]
		}
		out = strings.TrimRight(out, "-")
	}
	return out
}

// EntrySlug returns the slug of a new entry before any clash: Slugify(title), or, when the
// title has no Latin letters or digits (a title in another script), "eintrag-" followed
// by the entry's id in lower case.
func EntrySlug(title, id string) string {
	if s := Slugify(title); s != "" {
		return s
	}
	return "eintrag-" + strings.ToLower(id)
}
