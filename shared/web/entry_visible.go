package web

import (
	"net/http"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// entryForViewer returns e as the request's viewer may see it: with the fields the policy
// lets them see (auth.EntryFor), and, unless they may edit the entry, without the related
// entries they may not read — a slug is made from the title, so it would name an internal
// or unpublished entry.
func (s *Server) entryForViewer(r *http.Request, e *wiki.Entry) *wiki.Entry {
	v := viewerOf(r)
	c := auth.EntryFor(v, e)
	if !auth.Can(v, auth.EditEntry, e) {
		c.Related = nil
		for _, re := range s.readableRelated(r, e) {
			c.Related = append(c.Related, re.Slug)
		}
	}
	return c
}

// readableRelated returns the related entries of e that the request's viewer may read,
// in the entry's order. Entries that do not exist and entries the viewer may not read
// are left out alike.
func (s *Server) readableRelated(r *http.Request, e *wiki.Entry) []*wiki.Entry {
	var out []*wiki.Entry
	for _, slug := range e.Related {
		re, err := s.entries.Entry(r.Context(), viewerOf(r), slug)
		if err != nil {
			logIfInternal(r, err)
			continue
		}
		out = append(out, re)
	}
	return out
}
