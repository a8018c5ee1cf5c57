package wiki

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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
	if msg := listProblems(w.Synonyms, MaxSynonymLines, synonymLineProblem); msg != "" {
		v.add("synonyms", msg)
	}
	if msg := listProblems(w.Protected, MaxProtectedLines, protectedLineProblem); msg != "" {
		v.add("protected", msg)
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
// "" for a good line. Blank lines and comments are not checked.
func listProblems(text string, maxLines int, check func(line string) string) string {
	if n := utf8.RuneCountInString(text); n > MaxWordListChars {
		return fmt.Sprintf("Die Liste ist zu lang: höchstens %d Zeichen, jetzt %d.", MaxWordListChars, n)
	}
	if !utf8.ValidString(text) {
		return "Die Liste enthält ungültige Zeichen."
	}
	lines := strings.Split(text, "\n")
	if text == "" {
		lines = nil
	}
	if len(lines) > maxLines {
		return fmt.Sprintf("Die Liste ist zu lang: höchstens %d Zeilen, jetzt %d.", maxLines, len(lines))
	}
	var first string
	var others []string
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		msg := check(l)
		switch {
		case msg == "":
		case first == "":
			first = fmt.Sprintf("Zeile %d: %s", i+1, msg)
		default:
			others = append(others, fmt.Sprint(i+1))
		}
	}
	switch {
	case first == "":
		return ""
	case len(others) == 1:
		return first + " Auch Zeile " + others[0] + " ist fehlerhaft."
	case len(others) > 1:
		if len(others) > 10 {
			others = append(others[:10], "…")
		}
		return first + " Auch diese Zeilen sind fehlerhaft: " + strings.Join(others, ", ") + "."
	}
	return first
}

// synonymLineProblem checks one group "A = B = C".
func synonymLineProblem(line string) string {
	if strings.ContainsFunc(line, unicode.IsControl) {
		return "Die Zeile enthält Steuerzeichen (z. B. Tabulatoren)."
	}
	if HasInvisible(line) {
		return "Die Zeile" + invisibleText
	}
	if n := utf8.RuneCountInString(line); n > MaxSynonymLineLen {
		return fmt.Sprintf("Die Zeile ist zu lang (höchstens %d Zeichen, jetzt %d).", MaxSynonymLineLen, n)
	}
	members := strings.Split(line, "=")
	if len(members) < 2 {
		return "Eine Gruppe braucht mindestens zwei Begriffe, getrennt durch „=“, z. B. „ÖPNV = Nahverkehr“."
	}
	if len(members) > MaxSynonymMembers {
		return fmt.Sprintf("Höchstens %d Begriffe je Gruppe, jetzt %d.", MaxSynonymMembers, len(members))
	}
	seen := map[string]bool{}
	for _, m := range members {
		m = strings.TrimSpace(m)
		switch {
		case m == "":
			return "Vor oder nach einem „=“ fehlt ein Begriff."
		case utf8.RuneCountInString(m) > MaxSynonymTermLen:
			return fmt.Sprintf("„%s“ ist zu lang (höchstens %d Zeichen).", m, MaxSynonymTermLen)
		case len(strings.Fields(m)) > MaxSynonymTermWord:
			return fmt.Sprintf("„%s“ hat zu viele Wörter (höchstens %d).", m, MaxSynonymTermWord)
		case !strings.ContainsFunc(m, isLetterOrDigit):
			return fmt.Sprintf("„%s“ enthält keine Buchstaben oder Ziffern.", m)
		}
		key := strings.ToLower(strings.Join(strings.Fields(m), " "))
		if seen[key] {
			return fmt.Sprintf("„%s“ steht zweimal in der Gruppe.", m)
		}
		seen[key] = true
	}
	return ""
}

// protectedLineProblem checks one protected word.
func protectedLineProblem(line string) string {
	switch n := utf8.RuneCountInString(line); {
	case strings.ContainsFunc(line, unicode.IsSpace):
		return fmt.Sprintf("Bitte nur ein Wort je Zeile; „%s“ enthält ein Leerzeichen. Namen aus mehreren Wörtern schreiben Sie auf mehrere Zeilen.", line)
	case strings.ContainsFunc(line, func(r rune) bool { return !isLetterOrDigit(r) && r != '-' }):
		return fmt.Sprintf("„%s“ darf nur Buchstaben, Ziffern und Bindestriche enthalten.", line)
	case !strings.ContainsFunc(line, unicode.IsLetter):
		return fmt.Sprintf("„%s“ enthält keine Buchstaben.", line)
	case n < 2:
		return fmt.Sprintf("„%s“ ist zu kurz (mindestens 2 Zeichen).", line)
	case n > MaxProtectedLen:
		return fmt.Sprintf("„%s“ ist zu lang (höchstens %d Zeichen).", line, MaxProtectedLen)
	}
	return ""
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
