package app

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Search runs a search restricted to what v may see: published entries (and archived ones
// when asked for) and, for visitors, only public ones — in hits and in facet counts.
func (a *App) Search(ctx context.Context, v auth.Viewer, q search.Query, withArchived bool) (*search.Result, error) {
	if err := a.fresh(ctx); err != nil {
		return nil, err
	}
	scope := auth.ListScope(v, withArchived)
	q.States, q.Visibilities, q.NeedsCheck = scope.States, scope.Visibilities, false
	return a.index.Search(ctx, q)
}

// MunicipalityEntries is a page of a municipality's entries.
type MunicipalityEntries struct {
	*search.Result
	// States holds the workflow state of the hits that are not published, by slug, for the
	// municipality's own members and coordinators, whose list holds drafts and entries in
	// review too (the index does not return states); nil for everyone else.
	States map[string]wiki.State
}

// MunicipalityEntries lists a municipality's entries, newest first: what v may see in
// lists, and for its own members and coordinators also drafts and entries in review.
func (a *App) MunicipalityEntries(ctx context.Context, v auth.Viewer, ags string, page, perPage int) (*MunicipalityEntries, error) {
	q := search.Query{Municipality: ags, Sort: "newest", Page: page, PerPage: perPage}
	if !v.IsCoordinator() && !(v.IsMember() && v.Municipality() == ags) {
		res, err := a.Search(ctx, v, q, false)
		if err != nil {
			return nil, err
		}
		return &MunicipalityEntries{Result: res}, nil
	}
	if err := a.fresh(ctx); err != nil {
		return nil, err
	}
	res, err := a.index.Search(ctx, q) // every state: Can(ReadEntry) holds for all of them
	if err != nil {
		return nil, err
	}
	// The states as the table holds them; a failure costs the badges, not the page.
	entries, err := a.entriesByID(ctx, hitIDs(res))
	if err != nil {
		a.log.ErrorContext(ctx, "read entry states", "err", err)
	}
	out := &MunicipalityEntries{Result: res, States: map[string]wiki.State{}}
	for _, e := range entries {
		if e.State != wiki.StatePublished && auth.Can(v, auth.ReadEntry, e) {
			out.States[e.Slug] = e.State
		}
	}
	return out, nil
}

// Related returns up to n published entries that look like e (the same significant words
// in title, summary, tags and body), as far as v may see them in lists; e itself is never
// among them. e may be a draft that is not published yet: the entries found are then the
// ones its author should read before writing the same thing twice.
func (a *App) Related(ctx context.Context, v auth.Viewer, e *wiki.Entry, n int) ([]search.Hit, error) {
	if err := a.fresh(ctx); err != nil {
		return nil, err
	}
	scope := auth.ListScope(v, false)
	q := search.Query{States: scope.States, Visibilities: scope.Visibilities}
	return a.index.Similar(ctx, search.NewDocument(e, &a.cat), q, n)
}

// FrontPage is what the start page shows a viewer.
type FrontPage struct {
	Newest   *search.Result // the newest entries, with the count of all and the topic facet
	Featured []search.Hit   // the newest featured entries
}

// FrontPage returns the newest entries and the newest featured ones that v may see in
// lists.
func (a *App) FrontPage(ctx context.Context, v auth.Viewer, newest, featured int) (*FrontPage, error) {
	res, err := a.Search(ctx, v, search.Query{Sort: "newest", PerPage: newest}, false)
	if err != nil {
		return nil, err
	}
	feat, err := a.Search(ctx, v, search.Query{Featured: true, Sort: "newest", PerPage: featured}, false)
	if err != nil {
		return nil, err
	}
	return &FrontPage{Newest: res, Featured: feat.Hits}, nil
}

// hitIDs returns the entry ids of the hits of res, in their order.
func hitIDs(res *search.Result) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}
