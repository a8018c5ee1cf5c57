package wiki

import (
	"net/mail"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/text"
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

// Label returns the German name of r from the text catalogue; a visitor has no role.
func (r Role) Label() string { return text.German.Text(r.LabelKey()) }

// LabelKey returns the key of the name of r in the text catalogue.
func (r Role) LabelKey() string {
	if !r.Valid() {
		return "role.visitor"
	}
	return "role." + string(r)
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
	v.text("name", "field.name", u.Name, 2, MaxAuthorLen, false)
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		v.add("email", "validate.email")
	}
	if !u.Role.Valid() {
		v.add("role", "validate.role.missing")
	}
	switch {
	case u.Municipality == "" && u.Role == RoleMember:
		v.add("municipality", "validate.user.municipality_missing")
	case u.Municipality != "" && !c.HasMunicipality(u.Municipality):
		v.add("municipality", "validate.municipality.unknown")
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
