package embedded

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// PutMunicipality creates or replaces a municipality. Returns EINVALID without an AGS.
func (s *Store) PutMunicipality(ctx context.Context, m *wiki.Municipality) error {
	if err := store.CheckMunicipality(m); err != nil {
		return err
	}
	return wrap("put municipality "+m.AGS, s.put(ctx, bucketMunicipalities, m.AGS, m))
}

// Municipality returns the municipality with the given AGS. Returns ENOTFOUND.
func (s *Store) Municipality(ctx context.Context, ags string) (*wiki.Municipality, error) {
	m := new(wiki.Municipality)
	if err := s.get(ctx, bucketMunicipalities, ags, m, store.ErrMunicipalityNotFound); err != nil {
		return nil, wrap("get municipality "+ags, err)
	}
	return m, nil
}

// Municipalities returns all municipalities ordered by AGS.
func (s *Store) Municipalities(ctx context.Context) ([]wiki.Municipality, error) {
	list, err := all[wiki.Municipality](ctx, s, bucketMunicipalities)
	return list, wrap("list municipalities", err)
}

// DeleteMunicipality removes a municipality; removing a missing one is not an error.
func (s *Store) DeleteMunicipality(ctx context.Context, ags string) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMunicipalities).Delete([]byte(ags))
	})
	return wrap("delete municipality "+ags, err)
}

// PutTopic creates or replaces a topic. Returns EINVALID without a slug.
func (s *Store) PutTopic(ctx context.Context, t *wiki.Topic) error {
	if err := store.CheckTopic(t); err != nil {
		return err
	}
	return wrap("put topic "+t.Slug, s.put(ctx, bucketTopics, t.Slug, t))
}

// Topic returns the topic with the given slug. Returns ENOTFOUND.
func (s *Store) Topic(ctx context.Context, slug string) (*wiki.Topic, error) {
	t := new(wiki.Topic)
	if err := s.get(ctx, bucketTopics, slug, t, store.ErrTopicNotFound); err != nil {
		return nil, wrap("get topic "+slug, err)
	}
	return t, nil
}

// Topics returns all topics ordered by slug.
func (s *Store) Topics(ctx context.Context) ([]wiki.Topic, error) {
	list, err := all[wiki.Topic](ctx, s, bucketTopics)
	return list, wrap("list topics", err)
}

// DeleteTopic removes a topic; removing a missing one is not an error.
func (s *Store) DeleteTopic(ctx context.Context, slug string) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTopics).Delete([]byte(slug))
	})
	return wrap("delete topic "+slug, err)
}

// put stores v as JSON under key.
func (s *Store) put(ctx context.Context, bucket []byte, key string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Put([]byte(key), data)
	})
}

// get decodes the JSON under key into v, or returns the error of notFound.
func (s *Store) get(ctx context.Context, bucket []byte, key string, v any, notFound func() error) error {
	return s.view(ctx, func(tx *bolt.Tx) error {
		data := tx.Bucket(bucket).Get([]byte(key))
		if data == nil {
			return notFound()
		}
		return json.Unmarshal(data, v)
	})
}

// all decodes every value of a bucket, in key order.
func all[T any](ctx context.Context, s *Store, bucket []byte) ([]T, error) {
	var list []T
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, data []byte) error {
			var v T
			if err := json.Unmarshal(data, &v); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			list = append(list, v)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}
