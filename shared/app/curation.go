package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// SaveMunicipality creates (isNew) or changes a municipality. Only coordinators. A renamed
// municipality's entries are indexed again, so that search finds the new name.
func (a *App) SaveMunicipality(ctx context.Context, v auth.Viewer, m wiki.Municipality, isNew bool) (*wiki.Municipality, error) {
	if err := auth.Require(v, auth.ManageCatalog, nil); err != nil {
		return nil, err
	}
	if err := a.writable(); err != nil {
		return nil, err
	}
	old, exists := a.cat.municipality(m.AGS)
	if isNew && exists {
		return nil, wiki.FieldError(wiki.ECONFLICT, "ags", "municipality.ags_taken")
	}
	if !isNew && !exists {
		return nil, wiki.E(wiki.ENOTFOUND, "municipality.not_found")
	}
	if !isNew {
		m.Slug = old.Slug // addresses stay stable
	} else {
		m.Slug = ""
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if other, taken := a.cat.municipalityBySlug(m.Slug); taken && other.AGS != m.AGS {
		return nil, wiki.FieldError(wiki.ECONFLICT, "name", "municipality.name_taken")
	}
	if err := a.stores.Municipalities.PutMunicipality(ctx, &m); err != nil {
		return nil, err
	}
	if err := a.cat.load(ctx, a.stores.Municipalities, a.stores.Topics); err != nil {
		return nil, err
	}
	if isNew || old.Name != m.Name {
		// A new name is never split into parts; the index learns it by a rebuild.
		if err := a.applyProtected(ctx); err != nil {
			return nil, err
		}
	}
	action := "municipality.created"
	if !isNew {
		action = "municipality.changed"
		if old.Name != m.Name {
			if err := a.reindexWhere(ctx, func(e *wiki.Entry) bool { return e.Municipality == m.AGS || slices.Contains(e.Partners, m.AGS) }); err != nil {
				return nil, err
			}
		}
	}
	a.audit(ctx, v, action, m.AGS, m.Name)
	return &m, nil
}

// SaveTopic creates (isNew) or renames a topic. Only coordinators. The slug stays when a
// topic is renamed, and its entries are indexed again.
func (a *App) SaveTopic(ctx context.Context, v auth.Viewer, t wiki.Topic, isNew bool) (*wiki.Topic, error) {
	if err := auth.Require(v, auth.ManageCatalog, nil); err != nil {
		return nil, err
	}
	if err := a.writable(); err != nil {
		return nil, err
	}
	if isNew {
		t.Slug = ""
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	old, exists := a.cat.topic(t.Slug)
	if isNew && exists {
		return nil, wiki.FieldError(wiki.ECONFLICT, "name", "topic.name_taken")
	}
	if !isNew && !exists {
		return nil, wiki.E(wiki.ENOTFOUND, "topic.not_found")
	}
	if err := a.stores.Topics.PutTopic(ctx, &t); err != nil {
		return nil, err
	}
	if err := a.cat.load(ctx, a.stores.Municipalities, a.stores.Topics); err != nil {
		return nil, err
	}
	if !isNew && old.Name != t.Name {
		if err := a.reindexWhere(ctx, func(e *wiki.Entry) bool { return slices.Contains(e.Topics, t.Slug) }); err != nil {
			return nil, err
		}
	}
	a.audit(ctx, v, map[bool]string{true: "topic.created", false: "topic.changed"}[isNew], t.Slug, t.Name)
	return &t, nil
}

// MergeTopics moves every entry of topic from to topic into (a new revision each) and
// deletes from. Only coordinators.
func (a *App) MergeTopics(ctx context.Context, v auth.Viewer, from, into string) (int, error) {
	if err := auth.Require(v, auth.ManageCatalog, nil); err != nil {
		return 0, err
	}
	if err := a.writable(); err != nil {
		return 0, err
	}
	src, ok1 := a.cat.topic(from)
	dst, ok2 := a.cat.topic(into)
	if !ok1 || !ok2 {
		return 0, wiki.E(wiki.ENOTFOUND, "topic.not_found")
	}
	if from == into {
		return 0, wiki.E(wiki.EINVALID, "topic.merge_itself")
	}
	var affected []*wiki.Entry
	err := a.stores.Entries.ScanEntries(ctx, func(e *wiki.Entry) error {
		if slices.Contains(e.Topics, from) {
			affected = append(affected, e)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	comment := written.Text("note.topics_merged", src.Name, dst.Name)
	for _, cur := range affected {
		e := cur.Clone()
		var topics []string
		for _, t := range e.Topics {
			if t == from {
				t = into
			}
			if !slices.Contains(topics, t) {
				topics = append(topics, t)
			}
		}
		e.Topics = topics
		if _, err := a.saveVersion(ctx, v, cur, e, comment); err != nil {
			return 0, fmt.Errorf("merge topics: entry %s: %w", cur.Slug, err)
		}
	}
	if err := a.stores.Topics.DeleteTopic(ctx, from); err != nil {
		return 0, err
	}
	if err := a.cat.load(ctx, a.stores.Municipalities, a.stores.Topics); err != nil {
		return 0, err
	}
	a.audit(ctx, v, "topic.merged", into, comment)
	return len(affected), nil
}

// reindexWhere indexes again the entries for which match holds (after a rename).
func (a *App) reindexWhere(ctx context.Context, match func(*wiki.Entry) bool) error {
	var ids []string
	err := a.stores.Entries.ScanEntries(ctx, func(e *wiki.Entry) error {
		if match(e) {
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return err
	}
	var seq uint64
	if a.feed != nil {
		seq = a.feed.Seq()
	}
	a.indexMu.Lock()
	defer a.indexMu.Unlock()
	a.indexEntries(ctx, seq, ids...)
	return nil
}

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
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	entries, err := a.entriesByID(ctx, ids)
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
