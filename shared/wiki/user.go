package wiki

import (
	"net/mail"
	"strings"
	"time"
)

// Role is what a signed-in person may do. A visitor (not signed in) has no role.
type Role string

// Roles.
const (
	RoleMember      Role = "member"
	RoleCoordinator Role = "coordinator"
)

// Roles lists the roles in display order.
var Roles = []Role{RoleMember, RoleCoordinator}

// Label returns the German name of r.
func (r Role) Label() string {
	switch r {
	case RoleMember:
		return "Mitglied"
	case RoleCoordinator:
		return "Koordination"
	}
	return "Besucher:in"
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return oneOf(r, Roles) }

// User is a person with an account: staff of a member municipality or of the coordination
// office. Members belong to exactly one municipality.
type User struct {
	ID           string `json:"id"`
	Email        string `json:"email"` // lower case, unique
	Name         string `json:"name"`
	Role         Role   `json:"role"`
	Municipality string `json:"municipality,omitempty"` // AGS; required for members
	Disabled     bool   `json:"disabled,omitempty"`
	PasswordHash string `json:"password_hash,omitempty"` // argon2id, PHC string format
	// FailedLogins and LockedUntil were the per-account lock, which anyone knowing the
	// address could trigger. Sign-in attempts are now counted by the store per e-mail and
	// client address (store.Users.CountLoginAttempt); setting a password still clears them.
	FailedLogins int       `json:"failed_logins,omitempty"`
	LockedUntil  time.Time `json:"locked_until,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// NormalizeEmail returns an e-mail address the way it is stored: trimmed, lower case.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a user's name, e-mail, role and municipality against the catalog.
func (u *User) Validate(c Catalog) error {
	u.Email, u.Name = NormalizeEmail(u.Email), strings.TrimSpace(u.Name)
	v := make(fieldErrors)
	v.text("name", "Name", u.Name, 2, MaxAuthorLen, false)
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		v.add("email", "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@kommune.de.")
	}
	if !u.Role.Valid() {
		v.add("role", "Bitte wählen Sie eine Rolle.")
	}
	switch {
	case u.Municipality == "" && u.Role == RoleMember:
		v.add("municipality", "Mitglieder gehören zu einer Kommune.")
	case u.Municipality != "" && !c.HasMunicipality(u.Municipality):
		v.add("municipality", "Diese Kommune ist im Netzwerk nicht bekannt.")
	}
	return v.err()
}

// AuditEvent records a curation, account or role action: who did what, when, to what.
type AuditEvent struct {
	ID     string    `json:"id"` // ULID, sorts by time
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`  // user id, or "" for the system
	Name   string    `json:"name"`   // the actor's name at the time
	Action string    `json:"action"` // e.g. entry.published, user.invited
	Target string    `json:"target"` // entry slug, user e-mail, municipality AGS …
	Detail string    `json:"detail,omitempty"`
}
