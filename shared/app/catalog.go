package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

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
