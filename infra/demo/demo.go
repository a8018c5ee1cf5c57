// Package demo holds the sample content that a fresh local installation loads on first
// start, so that the platform can be tried out without real data.
//
// The content is invented and labelled "Beispieldaten": the municipalities are real members
// of Rhineland-Palatinate with their official keys (AGS), but every entry, project, figure,
// company, person and e-mail address is made up. Demo entries are recorded with Author as
// their author, so they stay recognisable as sample content.
package demo

import (
	_ "embed"
	"io"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Author is the author recorded on every demo entry and revision.
const Author = wiki.DemoAuthor

//go:embed demo.jsonl
var data string

// Open returns the demo content in the import/export format: JSON Lines, one record per
// line, first all municipalities, then the topics, then the entries. Entries carry no id,
// slug, version, times or authors; the loader assigns those.
func Open() io.Reader { return strings.NewReader(data) }

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
