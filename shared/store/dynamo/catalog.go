package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// PutMunicipality creates or replaces a municipality. Returns EINVALID without an AGS.
func (s *Store) PutMunicipality(ctx context.Context, m *wiki.Municipality) error {
	if err := store.CheckMunicipality(m); err != nil {
		return err
	}
	if err := s.logChange(ctx, store.ChangedCatalog, "municipality:"+m.AGS, 0); err != nil {
		return wrap("put municipality "+m.AGS, err)
	}
	if err := s.putPlain(ctx, m, pkMunicipalites, muniSK(m.AGS), "municipality"); err != nil {
		return wrap("put municipality "+m.AGS, err)
	}
	s.logWritten(ctx, store.ChangedCatalog, "municipality:"+m.AGS)
	return nil
}

// Municipality returns the municipality with the given AGS. Returns ENOTFOUND.
func (s *Store) Municipality(ctx context.Context, ags string) (*wiki.Municipality, error) {
	m := new(wiki.Municipality)
	if err := s.getPlain(ctx, m, pkMunicipalites, muniSK(ags), store.ErrMunicipalityNotFound); err != nil {
		return nil, wrap("get municipality "+ags, err)
	}
	return m, nil
}

// Municipalities returns all municipalities ordered by AGS.
func (s *Store) Municipalities(ctx context.Context) ([]wiki.Municipality, error) {
	list, err := listPlain[wiki.Municipality](ctx, s, pkMunicipalites, muniPrefix)
	return list, wrap("list municipalities", err)
}

// DeleteMunicipality removes a municipality; removing a missing one is not an error.
func (s *Store) DeleteMunicipality(ctx context.Context, ags string) error {
	if err := s.logChange(ctx, store.ChangedCatalog, "municipality:"+ags, 0); err != nil {
		return wrap("delete municipality "+ags, err)
	}
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(s.table),
		Key:       key(pkMunicipalites, muniSK(ags)),
	})
	if err != nil {
		return wrap("delete municipality "+ags, err)
	}
	s.logWritten(ctx, store.ChangedCatalog, "municipality:"+ags)
	return nil
}

// PutTopic creates or replaces a topic. Returns EINVALID without a slug.
func (s *Store) PutTopic(ctx context.Context, t *wiki.Topic) error {
	if err := store.CheckTopic(t); err != nil {
		return err
	}
	if err := s.logChange(ctx, store.ChangedCatalog, "topic:"+t.Slug, 0); err != nil {
		return wrap("put topic "+t.Slug, err)
	}
	if err := s.putPlain(ctx, t, pkTopics, topicSK(t.Slug), "topic"); err != nil {
		return wrap("put topic "+t.Slug, err)
	}
	s.logWritten(ctx, store.ChangedCatalog, "topic:"+t.Slug)
	return nil
}

// Topic returns the topic with the given slug. Returns ENOTFOUND.
func (s *Store) Topic(ctx context.Context, slug string) (*wiki.Topic, error) {
	t := new(wiki.Topic)
	if err := s.getPlain(ctx, t, pkTopics, topicSK(slug), store.ErrTopicNotFound); err != nil {
		return nil, wrap("get topic "+slug, err)
	}
	return t, nil
}

// Topics returns all topics ordered by slug.
func (s *Store) Topics(ctx context.Context) ([]wiki.Topic, error) {
	list, err := listPlain[wiki.Topic](ctx, s, pkTopics, topicPrefix)
	return list, wrap("list topics", err)
}

// DeleteTopic removes a topic; removing a missing one is not an error.
func (s *Store) DeleteTopic(ctx context.Context, slug string) error {
	if err := s.logChange(ctx, store.ChangedCatalog, "topic:"+slug, 0); err != nil {
		return wrap("delete topic "+slug, err)
	}
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(s.table),
		Key:       key(pkTopics, topicSK(slug)),
	})
	if err != nil {
		return wrap("delete topic "+slug, err)
	}
	s.logWritten(ctx, store.ChangedCatalog, "topic:"+slug)
	return nil
}

// putPlain stores v, replacing what was there.
func (s *Store) putPlain(ctx context.Context, v any, pk, sk, entity string) error {
	it, err := marshal(v, pk, sk, entity)
	if err != nil {
		return err
	}
	_, err = s.put(ctx, write{item: it})
	return err
}

// getPlain decodes the item with the given key into v, or returns the error of notFound.
func (s *Store) getPlain(ctx context.Context, v any, pk, sk string, notFound func() error) error {
	it, err := s.get(ctx, key(pk, sk))
	if err != nil {
		return err
	}
	if it == nil {
		return notFound()
	}
	return s.decode(ctx, it, v)
}

// listPlain decodes the items of partition pk whose sort keys start with prefix, in sort
// key order, read strongly consistent.
func listPlain[T any](ctx context.Context, s *Store, pk, prefix string) ([]T, error) {
	items, err := s.queryPrefix(ctx, pk, prefix)
	if err != nil {
		return nil, err
	}
	var list []T
	for _, it := range items {
		var v T
		if err := s.decode(ctx, it, &v); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", pk, text(it, attrSK), err)
		}
		list = append(list, v)
	}
	return list, nil
}
