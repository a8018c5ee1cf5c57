package wiki

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ikone-ds/wissensnetz/shared/text"
)

// WordLists are the search words the coordination office maintains besides the bundled
// lists: synonym groups ("ÖPNV = Nahverkehr = öffentlicher Verkehr", one group a line),
// used when searching, and protected words (one a line), which search never splits into
// parts ("Kaiserslautern" is not "Kaiser" + "Lautern"). Lines starting with # are comments.
// There is one record; every save is conditional on the version read.
type WordLists struct {
	Synonyms  string    `json:"synonyms"`
	Protected string    `json:"protected"`
	Version   int       `json:"version"` // 0: never saved
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	UpdatedBy string    `json:"updated_by,omitempty"` // name of the coordinator
}

// Limits of the word lists.
const (
	MaxWordListChars   = 20_000 // characters of each list
	MaxSynonymLines    = 500
	MaxProtectedLines  = 1_000
	MaxSynonymLineLen  = 200 // characters of a group
	MaxSynonymMembers  = 10  // members of a group
	MaxSynonymTermLen  = 60  // characters of a member
	MaxSynonymTermWord = 5   // words of a member
	MaxProtectedLen    = 40  // characters of a protected word
)

// Normalize makes the line ends of both lists "\n", trims the spaces at the end of every
// line and drops blank lines at the end.
func (w *WordLists) Normalize() {
	w.Synonyms, w.Protected = normalizeLines(w.Synonyms), normalizeLines(w.Protected)
}

func normalizeLines(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// Validate checks both lists after Normalize. It returns EINVALID with a message per field
// ("synonyms", "protected") that names the first faulty line and lists the other ones.
func (w *WordLists) Validate() error {
	w.Normalize()
	v := make(fieldErrors)
	if msg := listProblems(w.Synonyms, MaxSynonymLines, synonymLineProblem); !msg.IsZero() {
		v["synonyms"] = msg
	}
	if msg := listProblems(w.Protected, MaxProtectedLines, protectedLineProblem); !msg.IsZero() {
		v["protected"] = msg
	}
	return v.err()
}

// ProtectedWords returns the words of the protected list, without comments and blank lines.
func (w *WordLists) ProtectedWords() []string {
	var out []string
	for _, l := range strings.Split(w.Protected, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// SameContent reports whether w and o hold the same lists, ignoring what Normalize changes.
func (w *WordLists) SameContent(o *WordLists) bool {
	return normalizeLines(w.Synonyms) == normalizeLines(o.Synonyms) && normalizeLines(w.Protected) == normalizeLines(o.Protected)
}

// listProblems checks the size of a list and each of its lines with check, which returns
// the zero Message for a good line. Blank lines and comments are not checked.
func listProblems(list string, maxLines int, check func(line string) text.Message) text.Message {
	if n := utf8.RuneCountInString(list); n > MaxWordListChars {
		return text.M("validate.wordlist.too_long", MaxWordListChars, n)
	}
	if !utf8.ValidString(list) {
		return text.M("validate.wordlist.invalid_chars")
	}
	lines := strings.Split(list, "\n")
	if list == "" {
		lines = nil
	}
	if len(lines) > maxLines {
		return text.M("validate.wordlist.too_many_lines", maxLines, len(lines))
	}
	var first text.Message
	firstLine := 0
	var others []string
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		msg := check(l)
		switch {
		case msg.IsZero():
		case first.IsZero():
			first, firstLine = msg, i+1
		default:
			others = append(others, fmt.Sprint(i+1))
		}
	}
	switch {
	case first.IsZero():
		return first
	case len(others) == 1:
		return text.M("validate.wordlist.line_and_one", firstLine, first, others[0])
	case len(others) > 1:
		if len(others) > 10 {
			others = append(others[:10], "…")
		}
		return text.M("validate.wordlist.line_and_more", firstLine, first, strings.Join(others, ", "))
	}
	return text.M("validate.wordlist.line", firstLine, first)
}

// synonymLineProblem checks one group "A = B = C".
func synonymLineProblem(line string) text.Message {
	if strings.ContainsFunc(line, unicode.IsControl) {
		return text.M("validate.wordlist.line_control")
	}
	if HasInvisible(line) {
		return text.M("validate.invisible", text.M("validate.wordlist.the_line"))
	}
	if n := utf8.RuneCountInString(line); n > MaxSynonymLineLen {
		return text.M("validate.wordlist.line_too_long", MaxSynonymLineLen, n)
	}
	members := strings.Split(line, "=")
	if len(members) < 2 {
		return text.M("validate.synonyms.too_few")
	}
	if len(members) > MaxSynonymMembers {
		return text.M("validate.synonyms.too_many", MaxSynonymMembers, len(members))
	}
	seen := map[string]bool{}
	for _, m := range members {
		m = strings.TrimSpace(m)
		switch {
		case m == "":
			return text.M("validate.synonyms.empty_term")
		case utf8.RuneCountInString(m) > MaxSynonymTermLen:
			return text.M("validate.synonyms.term_too_long", m, MaxSynonymTermLen)
		case len(strings.Fields(m)) > MaxSynonymTermWord:
			return text.M("validate.synonyms.term_too_many_words", m, MaxSynonymTermWord)
		case !strings.ContainsFunc(m, isLetterOrDigit):
			return text.M("validate.synonyms.term_no_letters", m)
		}
		key := strings.ToLower(strings.Join(strings.Fields(m), " "))
		if seen[key] {
			return text.M("validate.synonyms.term_twice", m)
		}
		seen[key] = true
	}
	return text.Message{}
}

// protectedLineProblem checks one protected word.
func protectedLineProblem(line string) text.Message {
	switch n := utf8.RuneCountInString(line); {
	case strings.ContainsFunc(line, unicode.IsSpace):
		return text.M("validate.protected.space", line)
	case strings.ContainsFunc(line, func(r rune) bool { return !isLetterOrDigit(r) && r != '-' }):
		return text.M("validate.protected.chars", line)
	case !strings.ContainsFunc(line, unicode.IsLetter):
		return text.M("validate.protected.no_letters", line)
	case n < 2:
		return text.M("validate.protected.too_short", line)
	case n > MaxProtectedLen:
		return text.M("validate.protected.too_long", line, MaxProtectedLen)
	}
	return text.Message{}
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
