// Package auth decides who may do what. Every permission decision of Wissensnetz — pages,
// JSON API, search hits and facet counts, lists, history, exports, feeds and downloads —
// goes through Can and CanTransition here. It also hashes passwords and makes the secrets of
// sessions, one-time links and API tokens.
package auth

import (
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Viewer is the person a request acts for: a visitor when User is nil.
type Viewer struct {
	User *wiki.User
}

// Visitor is the viewer of a request that is not signed in.
var Visitor = Viewer{}

// Role returns the viewer's role, "" for a visitor.
func (v Viewer) Role() wiki.Role {
	if v.User == nil || v.User.Disabled {
		return ""
	}
	return v.User.Role
}

// SignedIn reports whether the viewer is a member or a coordinator.
func (v Viewer) SignedIn() bool { return v.Role() != "" }

// IsCoordinator reports whether the viewer works in the coordination office.
func (v Viewer) IsCoordinator() bool { return v.Role() == wiki.RoleCoordinator }

// IsMember reports whether the viewer is staff of a member municipality.
func (v Viewer) IsMember() bool { return v.Role() == wiki.RoleMember }

// Municipality returns the AGS of the viewer's municipality, "" for visitors.
func (v Viewer) Municipality() string {
	if !v.SignedIn() {
		return ""
	}
	return v.User.Municipality
}

// Action is something a viewer may want to do.
type Action string

// Actions. Those about one entry take that entry; the others take nil.
const (
	ReadEntry      Action = "read_entry"      // see the entry's page and API record
	ReadHistory    Action = "read_history"    // see old versions and diffs
	SeeContact     Action = "see_contact"     // see the contact person (personal data)
	CreateEntry    Action = "create_entry"    // create the entry (its Municipality says for whom)
	EditEntry      Action = "edit_entry"      // change the entry's content
	RecordAdoption Action = "record_adoption" // say "Wir nutzen das nach"
	FeatureEntry   Action = "feature_entry"   // show it on the start page
	Review         Action = "review"          // review queue, recent changes, patrol
	ManageCatalog  Action = "manage_catalog"  // municipalities and topics
	ManageUsers    Action = "manage_users"    // invite, change roles, disable
	ReadAudit      Action = "read_audit"      // the audit log
	ReadOutbox     Action = "read_outbox"     // mails sent in local mode
	// ManageSearchWords is editing the search's synonyms and protected words.
	ManageSearchWords Action = "manage_search_words"
)

// Can reports whether v may do a to e (nil for actions that concern no entry).
func Can(v Viewer, a Action, e *wiki.Entry) bool {
	role := v.Role()
	if role == wiki.RoleCoordinator {
		return a != CreateEntry || e != nil
	}
	switch a {
	case ReadEntry:
		return e != nil && readable(v, e)
	case ReadHistory, SeeContact:
		return role == wiki.RoleMember && e != nil && readable(v, e)
	case CreateEntry:
		return role == wiki.RoleMember && e != nil && e.Municipality == v.Municipality()
	case EditEntry:
		return role == wiki.RoleMember && e != nil && e.Municipality == v.Municipality() && e.State != wiki.StateArchived
	case RecordAdoption:
		return role == wiki.RoleMember && e != nil && e.State == wiki.StatePublished
	}
	return false
}

// readable is ReadEntry for visitors and members.
func readable(v Viewer, e *wiki.Entry) bool {
	switch v.Role() {
	case wiki.RoleMember:
		return e.State == wiki.StatePublished || e.State == wiki.StateArchived || e.Municipality == v.Municipality()
	case "":
		return e.State == wiki.StatePublished && e.Visibility == wiki.Public
	}
	return true
}

// CanTransition reports whether v may take e to the workflow state to.
func CanTransition(v Viewer, e *wiki.Entry, to wiki.State) bool {
	if e == nil || !wiki.CanTransition(e.State, to) {
		return false
	}
	if v.IsCoordinator() {
		return true
	}
	owner := v.IsMember() && e.Municipality == v.Municipality()
	switch to {
	case wiki.StateSubmitted:
		return owner
	case wiki.StateDraft:
		return owner && (e.State == wiki.StateSubmitted || e.State == wiki.StateChangesRequested)
	}
	return false
}

// Transitions lists the workflow transitions v may make on e, for buttons.
func Transitions(v Viewer, e *wiki.Entry) []wiki.State {
	var out []wiki.State
	for _, to := range wiki.NextStates(e.State) {
		if CanTransition(v, e, to) {
			out = append(out, to)
		}
	}
	return out
}

// Scope says which entries lists, search hits and facet counts may show a viewer: only
// published ones (and archived ones when asked for, to members), and only public ones to
// visitors. Unpublished entries are reached through the entry page, the municipality's
// own list and the review queue, each of which asks Can.
type Scope struct {
	States       []string
	Visibilities []string // empty: any
}

// ListScope returns the scope of lists and search for v.
func ListScope(v Viewer, withArchived bool) Scope {
	s := Scope{States: []string{string(wiki.StatePublished)}}
	if withArchived && v.SignedIn() {
		s.States = append(s.States, string(wiki.StateArchived))
	}
	if !v.SignedIn() {
		s.Visibilities = []string{string(wiki.Public)}
	}
	return s
}

// Require returns nil if v may do a to e, and otherwise the error to show: ENOTFOUND when
// v may not even know that the entry exists, EUNAUTHORIZED when signing in could help,
// EFORBIDDEN otherwise.
func Require(v Viewer, a Action, e *wiki.Entry) error {
	if Can(v, a, e) {
		return nil
	}
	if e != nil && a != CreateEntry && !Can(v, ReadEntry, e) {
		return wiki.E(wiki.ENOTFOUND, "policy.entry_not_found")
	}
	if !v.SignedIn() {
		return wiki.E(wiki.EUNAUTHORIZED, "policy.signin")
	}
	return wiki.E(wiki.EFORBIDDEN, "policy.forbidden")
}
