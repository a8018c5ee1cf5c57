package store

import "github.com/ikone-ds/wissensnetz/shared/wiki"

// Backends store times in UTC, so that they come back the same from every store. These
// return shallow copies of the domain's values with their times in UTC; Session.InUTC and
// Token.InUTC do the same for the store's own types.

// EntryInUTC returns a shallow copy of e with its times in UTC.
func EntryInUTC(e *wiki.Entry) *wiki.Entry {
	c := *e
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c
}

// RevisionInUTC returns a shallow copy of r, and of the entry it holds, with their times
// in UTC.
func RevisionInUTC(r *wiki.Revision) *wiki.Revision {
	c := *r
	c.At = c.At.UTC()
	c.Entry = *EntryInUTC(&r.Entry)
	return &c
}

// UserInUTC returns a shallow copy of u with its times in UTC.
func UserInUTC(u *wiki.User) *wiki.User {
	c := *u
	c.LockedUntil, c.CreatedAt, c.UpdatedAt = c.LockedUntil.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c
}

// AuditEventInUTC returns a shallow copy of ev with its time in UTC.
func AuditEventInUTC(ev *wiki.AuditEvent) *wiki.AuditEvent {
	c := *ev
	c.At = c.At.UTC()
	return &c
}
