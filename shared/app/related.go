package app

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

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
