package app

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// reviewPerPage is the page size of the review queue and of the recent changes.
const reviewPerPage = 20

// ReviewFilter narrows the review queue.
type ReviewFilter struct {
	Topic        string // slug
	Municipality string // AGS
	Page         int
}

// ReviewQueue is one page of the review queue.
type ReviewQueue struct {
	Items []ReviewItem
	Total uint64 // submitted entries that match the filter, as the index counts them
}

// ReviewItem is a submitted entry with the names the queue shows beside it.
type ReviewItem struct {
	Entry            *wiki.Entry
	MunicipalityName string
	SubmittedBy      string   // the submitter's name; who saved it last if the account is gone
	Topics           []string // topic names, in the entry's order
}

// ReviewQueue returns a page of the submitted entries, oldest first, as the table holds
// them now: entries decided or deleted since the index counted them are left out. Only
// coordinators (EFORBIDDEN, or EUNAUTHORIZED for visitors).
func (a *App) ReviewQueue(ctx context.Context, v auth.Viewer, f ReviewFilter) (*ReviewQueue, error) {
	if err := auth.Require(v, auth.Review, nil); err != nil {
		return nil, err
	}
	if err := a.fresh(ctx); err != nil {
		return nil, err
	}
	res, err := a.index.Search(ctx, search.Query{States: []string{string(wiki.StateSubmitted)}, Topic: f.Topic, Municipality: f.Municipality, Sort: "oldest", Page: f.Page, PerPage: reviewPerPage})
	if err != nil {
		return nil, err
	}
	entries, err := a.entriesByID(ctx, hitIDs(res))
	if err != nil {
		return nil, err
	}
	q := &ReviewQueue{Total: res.Total}
	var names map[string]string // user id → name, read once if anyone submitted
	for _, e := range entries {
		if e.State != wiki.StateSubmitted {
			continue // decided since it was indexed
		}
		if e.SubmittedBy != "" && names == nil {
			names = a.userNames(ctx)
		}
		item := ReviewItem{Entry: e, MunicipalityName: a.cat.MunicipalityName(e.Municipality), SubmittedBy: e.UpdatedBy}
		if n := names[e.SubmittedBy]; n != "" {
			item.SubmittedBy = n
		}
		for _, t := range e.Topics {
			item.Topics = append(item.Topics, a.cat.TopicName(t))
		}
		q.Items = append(q.Items, item)
	}
	return q, nil
}

// userNames returns the names of all accounts by id, in one read. A failure is logged and
// gives no names: pages then show who saved an entry last.
func (a *App) userNames(ctx context.Context) map[string]string {
	users, err := a.stores.Users.Users(ctx)
	if err != nil {
		a.log.ErrorContext(ctx, "read account names", "err", err)
		return map[string]string{}
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	return names
}

// Dashboard is what the coordination start page counts.
type Dashboard struct {
	Review  uint64 // entries waiting for a decision
	Changes uint64 // published entries edited since they were last checked
	// Municipalities, Topics and People are the sizes of the catalog and of the accounts.
	Municipalities, Topics, People int
	Outbox                         bool // mail goes into the local outbox, which v may read
}

// Dashboard returns the counts of the coordination start page. Only coordinators
// (EFORBIDDEN, or EUNAUTHORIZED for visitors).
func (a *App) Dashboard(ctx context.Context, v auth.Viewer) (*Dashboard, error) {
	if err := auth.Require(v, auth.Review, nil); err != nil {
		return nil, err
	}
	if err := a.fresh(ctx); err != nil {
		return nil, err
	}
	review, err := a.index.Search(ctx, search.Query{States: []string{string(wiki.StateSubmitted)}, Page: 1, PerPage: 1})
	if err != nil {
		return nil, err
	}
	changes, err := a.index.Search(ctx, search.Query{NeedsCheck: true, Page: 1, PerPage: 1})
	if err != nil {
		return nil, err
	}
	users, err := a.Users(ctx, v)
	if err != nil {
		return nil, err
	}
	return &Dashboard{Review: review.Total, Changes: changes.Total, Municipalities: len(a.cat.municipalities()),
		Topics: len(a.cat.topicList()), People: len(users), Outbox: a.outbox != nil && auth.Can(v, auth.ReadOutbox, nil)}, nil
}

// RecentChange is an entry edited since a coordinator last checked it, with what changed.
type RecentChange struct {
	*Comparison
}

// RecentChanges returns published entries edited since they were last checked, newest
// first, each with its changes since then. Only coordinators.
func (a *App) RecentChanges(ctx context.Context, v auth.Viewer, page int) ([]RecentChange, uint64, error) {
	if err := auth.Require(v, auth.Review, nil); err != nil {
		return nil, 0, err
	}
	if err := a.fresh(ctx); err != nil {
		return nil, 0, err
	}
	res, err := a.index.Search(ctx, search.Query{NeedsCheck: true, Sort: "newest", Page: page, PerPage: reviewPerPage})
	if err != nil {
		return nil, 0, err
	}
	var out []RecentChange
	for _, h := range res.Hits {
		e, err := a.stores.Entries.Entry(ctx, h.ID)
		if err != nil {
			return nil, 0, err
		}
		if e.PatrolledVersion >= e.Version {
			continue // checked in the meantime
		}
		c, err := a.compare(ctx, e, max(e.PatrolledVersion, 1), e.Version)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, RecentChange{c})
	}
	return out, res.Total, nil
}
