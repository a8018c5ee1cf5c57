package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// catalog is an in-memory copy of the municipalities and topics, which are few and change
// rarely. It answers validation (wiki.Catalog) and display (wiki.Names) without I/O.
type catalog struct {
	mu       sync.RWMutex
	munis    []wiki.Municipality // ordered by name
	topics   []wiki.Topic        // ordered by name
	byAGS    map[string]*wiki.Municipality
	bySlug   map[string]*wiki.Municipality
	topicMap map[string]*wiki.Topic
}

var (
	_ wiki.Catalog = (*catalog)(nil)
	_ wiki.Names   = (*catalog)(nil)
)

// load replaces the catalog with the stored municipalities and topics.
func (c *catalog) load(ctx context.Context, m store.Municipalities, t store.Topics) error {
	munis, err := m.Municipalities(ctx)
	if err != nil {
		return fmt.Errorf("load municipalities: %w", err)
	}
	topics, err := t.Topics(ctx)
	if err != nil {
		return fmt.Errorf("load topics: %w", err)
	}
	c.set(munis, topics)
	return nil
}

func (c *catalog) set(munis []wiki.Municipality, topics []wiki.Topic) {
	collate := func(a, b string) int { return strings.Compare(foldForSort(a), foldForSort(b)) }
	slices.SortFunc(munis, func(a, b wiki.Municipality) int { return collate(a.Name, b.Name) })
	slices.SortFunc(topics, func(a, b wiki.Topic) int { return collate(a.Name, b.Name) })
	byAGS := make(map[string]*wiki.Municipality, len(munis))
	bySlug := make(map[string]*wiki.Municipality, len(munis))
	for i := range munis {
		byAGS[munis[i].AGS] = &munis[i]
		bySlug[munis[i].Slug] = &munis[i]
	}
	topicMap := make(map[string]*wiki.Topic, len(topics))
	for i := range topics {
		topicMap[topics[i].Slug] = &topics[i]
	}
	c.mu.Lock()
	c.munis, c.topics, c.byAGS, c.bySlug, c.topicMap = munis, topics, byAGS, bySlug, topicMap
	c.mu.Unlock()
}

var sortFold = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "Ä", "A", "Ö", "O", "Ü", "U", "ß", "ss")

// foldForSort makes German names sort the way a phone book does (Ö with O).
func foldForSort(s string) string { return strings.ToLower(sortFold.Replace(s)) }

func (c *catalog) HasMunicipality(ags string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byAGS[ags] != nil
}

func (c *catalog) HasTopic(slug string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.topicMap[slug] != nil
}

func (c *catalog) MunicipalityName(ags string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if m := c.byAGS[ags]; m != nil {
		return m.Name
	}
	return ags
}

func (c *catalog) TopicName(slug string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if t := c.topicMap[slug]; t != nil {
		return t.Name
	}
	return slug
}

// names returns the name of every municipality and topic by key: "municipality:<ags>",
// "topic:<slug>".
func (c *catalog) names() map[string]string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	m := make(map[string]string, len(c.munis)+len(c.topics))
	for _, x := range c.munis {
		m["municipality:"+x.AGS] = x.Name
	}
	for _, t := range c.topics {
		m["topic:"+t.Slug] = t.Name
	}
	return m
}

func (c *catalog) municipalities() []wiki.Municipality {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.munis)
}

func (c *catalog) topicList() []wiki.Topic {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.topics)
}

func (c *catalog) municipalityBySlug(slug string) (wiki.Municipality, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if m := c.bySlug[slug]; m != nil {
		return *m, true
	}
	return wiki.Municipality{}, false
}

func (c *catalog) municipality(ags string) (wiki.Municipality, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if m := c.byAGS[ags]; m != nil {
		return *m, true
	}
	return wiki.Municipality{}, false
}

func (c *catalog) topic(slug string) (wiki.Topic, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if t := c.topicMap[slug]; t != nil {
		return *t, true
	}
	return wiki.Topic{}, false
}

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

// Municipalities returns the member municipalities ordered by name.
func (a *App) Municipalities() []wiki.Municipality { return a.cat.municipalities() }

// MunicipalityBySlug returns a municipality by its slug. Returns ENOTFOUND.
func (a *App) MunicipalityBySlug(slug string) (wiki.Municipality, error) {
	if m, ok := a.cat.municipalityBySlug(slug); ok {
		return m, nil
	}
	return wiki.Municipality{}, wiki.E(wiki.ENOTFOUND, "municipality.not_found")
}

// Municipality returns a municipality by its AGS. Returns ENOTFOUND.
func (a *App) Municipality(ags string) (wiki.Municipality, error) {
	if m, ok := a.cat.municipality(ags); ok {
		return m, nil
	}
	return wiki.Municipality{}, wiki.E(wiki.ENOTFOUND, "municipality.not_found")
}

// Topics returns the topics ordered by name.
func (a *App) Topics() []wiki.Topic { return a.cat.topicList() }

// Topic returns a topic by its slug. Returns ENOTFOUND.
func (a *App) Topic(slug string) (wiki.Topic, error) {
	if t, ok := a.cat.topic(slug); ok {
		return t, nil
	}
	return wiki.Topic{}, wiki.E(wiki.ENOTFOUND, "topic.not_found")
}

// Names turns municipality keys and topic slugs into names.
func (a *App) Names() wiki.Names { return &a.cat }
