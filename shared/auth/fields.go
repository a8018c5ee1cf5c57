package auth

import "github.com/ikone-ds/wissensnetz/shared/wiki"

// EntryFor returns a copy of e with only the fields v may see; it is the one place that
// decides this for pages, the API, feeds and exports made for a viewer. Whether v may read
// e at all is Can(v, ReadEntry, e), asked before. Beyond the content, which is everyone's
// who may read the entry:
//
//   - the contact person (personal data): members and coordinators (SeeContact);
//   - the coordinator's comment on the last workflow decision, a note to the submitter:
//     members of the owning municipality and coordinators;
//   - who submitted it (an internal user id) and the last version a coordinator checked:
//     coordinators, for the review queue and the patrol.
//
// The related entries are filtered by the caller, which needs the store to know which of
// them v may read.
func EntryFor(v Viewer, e *wiki.Entry) *wiki.Entry {
	c := e.Clone()
	if !Can(v, SeeContact, e) {
		c.Contact = wiki.Contact{}
	}
	if !v.IsCoordinator() && !(v.IsMember() && e.Municipality == v.Municipality()) {
		c.StateComment = ""
	}
	if !v.IsCoordinator() {
		c.SubmittedBy, c.PatrolledVersion = "", 0
	}
	return c
}
