package dynamo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Attribute names of the keys and of the storage's own attributes. The domain's fields
// are stored under their JSON names, which never start with an underscore or "gsi" and
// are never "ttl".
const (
	attrPK     = "pk"
	attrSK     = "sk"
	attrGSI1PK = "gsi1pk"
	attrGSI1SK = "gsi1sk"
	attrGSI2PK = "gsi2pk"
	attrGSI2SK = "gsi2sk"
	attrGSI3PK = "gsi3pk"
	attrGSI3SK = "gsi3sk"
	attrEntity = "_entity" // what the item is: entry, revision, slug, user, email, session, token, audit, …
	attrWriter = "_writer" // random token of the write that stored the item
	attrBlob   = "_blob"   // key of the blob that holds the item's content
	attrTTL    = "ttl"     // expiry in Unix seconds, for DynamoDB's TTL
	attrClaim  = "_guard"  // of a user: the token of the write that claimed its e-mail guard

	attrGuardEntry   = "entry_id"   // of a slug guard: the entry that owns the slug
	attrGuardUser    = "user_id"    // of an e-mail guard: the user that owns the address
	attrGuardCreated = "created_at" // of a slug or e-mail guard: when it was claimed
	attrUserID       = "user_id"    // of a session or token: its user
	attrKind         = "kind"       // of a token: what it is for
	attrHash         = "hash"       // of a token: the hash of its secret
	attrEmail        = "email"      // of a user: the address
)

// Index names.
const (
	indexByState        = "gsi1"
	indexByMunicipality = "gsi2"
	indexAllEntries     = "gsi3"
)

// Key values.
const (
	skMeta          = "META"
	skGuard         = "GUARD"
	revPrefix       = "REV#"
	revLast         = "REV$" // sorts after every REV# key
	pkMunicipalites = "MUNIS"
	pkTopics        = "TOPICS"
	muniPrefix      = "MUNI#"
	topicPrefix     = "TOPIC#"
	allEntries      = "ENTRY"
	entryPrefix     = "ENTRY#"
	pkUsers         = "USERS"
	userPrefix      = "USER#"
	emailPrefix     = "EMAIL#"
	sessionPrefix   = "SESSION#"
	tokenPrefix     = "TOKEN#"
	pkAudit         = "AUDIT"
	auditPrefix     = "AUDIT#"
	monthPrefix     = "MONTH#"
	pkSettings      = "SETTINGS"
	skWordLists     = "WORDLISTS"
)

// sortableTime formats times in index keys: fixed width, so that text order is time order.
const sortableTime = "2006-01-02T15:04:05.000Z"

// item is one DynamoDB item.
type item = map[string]types.AttributeValue

func entryPK(id string) string   { return entryPrefix + id }
func revisionSK(v int) string    { return fmt.Sprintf("%s%010d", revPrefix, v) }
func slugPK(slug string) string  { return "SLUG#" + slug }
func muniSK(ags string) string   { return muniPrefix + ags }
func topicSK(slug string) string { return topicPrefix + slug }

// Keys of the account items.
func userSK(id string) string              { return userPrefix + id }
func userPK(id string) string              { return userPrefix + id } // a user's links
func emailPK(key string) string            { return emailPrefix + key }
func sessionPK(hash string) string         { return sessionPrefix + hash }
func sessionLinkSK(hash string) string     { return sessionPrefix + hash }
func tokenPK(hash string) string           { return tokenPrefix + hash }
func tokenLinkPrefix(kind string) string   { return tokenPrefix + kind + "#" }
func tokenLinkSK(kind, hash string) string { return tokenLinkPrefix(kind) + hash }
func auditPK(month string) string          { return auditPrefix + month }
func monthSK(month string) string          { return monthPrefix + month }

func str(s string) *types.AttributeValueMemberS { return &types.AttributeValueMemberS{Value: s} }
func num(n int) *types.AttributeValueMemberN {
	return &types.AttributeValueMemberN{Value: strconv.Itoa(n)}
}
func num64(n int64) *types.AttributeValueMemberN {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// key returns the primary key of an item.
func key(pk, sk string) item { return item{attrPK: str(pk), attrSK: str(sk)} }

// keyOf returns the primary key of it.
func keyOf(it item) item { return item{attrPK: it[attrPK], attrSK: it[attrSK]} }

// text returns the string attribute name of it, or "".
func text(it item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// number returns the number attribute name of it, or 0.
func number(it item, name string) int {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.Atoi(v.Value)
		return n
	}
	return 0
}

// The domain's types are stored under their JSON field names, so that an item reads like
// the API's JSON and new fields need no storage code.
func jsonTags(o *attributevalue.EncoderOptions)       { o.TagKey = "json" }
func jsonTagsDecode(o *attributevalue.DecoderOptions) { o.TagKey = "json" }

// marshal encodes v as the attributes of an item with the given keys and entity.
func marshal(v any, pk, sk, entity string) (item, error) {
	it, err := attributevalue.MarshalMapWithOptions(v, jsonTags)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", entity, err)
	}
	it[attrPK], it[attrSK], it[attrEntity] = str(pk), str(sk), str(entity)
	return it, nil
}

// entryItem returns the item of e with its index keys.
func entryItem(e *wiki.Entry, token string) (item, error) {
	it, err := marshal(store.EntryInUTC(e), entryPK(e.ID), skMeta, "entry")
	if err != nil {
		return nil, err
	}
	updated := e.UpdatedAt.UTC().Format(sortableTime) + "#" + e.ID
	it[attrGSI1PK], it[attrGSI1SK] = str("STATE#"+string(e.State)), str(updated)
	it[attrGSI2PK], it[attrGSI2SK] = str("MUNI#"+e.Municipality), str(updated)
	it[attrGSI3PK], it[attrGSI3SK] = str(allEntries), str(e.ID)
	it[attrWriter] = str(token)
	return it, nil
}

// revisionItem returns the item of r.
func revisionItem(r *wiki.Revision, token string) (item, error) {
	it, err := marshal(store.RevisionInUTC(r), entryPK(r.EntryID), revisionSK(r.Version), "revision")
	if err != nil {
		return nil, err
	}
	it[attrWriter] = str(token)
	return it, nil
}

// guardItem returns the item that reserves slug for the entry id.
func guardItem(slug, id, token string, now time.Time) item {
	return item{
		attrPK:           str(slugPK(slug)),
		attrSK:           str(skGuard),
		attrEntity:       str("slug"),
		attrGuardEntry:   str(id),
		attrGuardCreated: str(now.UTC().Format(time.RFC3339Nano)),
		attrWriter:       str(token),
	}
}

// listAttributes are the attributes of an entry that lists show. gsi1 and gsi2 project
// them, and an entry item whose content is in the blob store keeps them.
func listAttributes() []string {
	return []string{
		"id", "slug", "title", "kind", "municipality", "summary", "topics", "project_status",
		"visibility", "state", "featured", "version", "created_at", "updated_at", "updated_by",
	}
}

// revisionHead are the attributes a revision item keeps when its content is in the blob
// store.
func revisionHead() []string { return []string{"entry_id", "version", "author", "at", "comment"} }

// structural reports whether an attribute belongs to the storage rather than the content:
// keys, index keys and the storage's own attributes.
func structural(name string) bool {
	return name == attrPK || name == attrSK || strings.HasPrefix(name, "gsi") || strings.HasPrefix(name, "_")
}

// fit returns it if it is small enough for DynamoDB. Otherwise it stores content as JSON
// in the blob store, records the blob in u, and returns a copy of it with only the
// structural attributes, those named in keep and a pointer to the blob.
func (s *Store) fit(ctx context.Context, u *undo, it item, content any, id string, version int, keep []string) (item, error) {
	size := itemSize(it)
	if size <= s.maxItemBytes {
		return it, nil
	}
	if s.blobs == nil {
		return nil, fmt.Errorf("item %s/%s has %d bytes, more than DynamoDB takes, and there is no blob store", text(it, attrPK), text(it, attrSK), size)
	}
	data, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encode %s/%s as JSON: %w", text(it, attrPK), text(it, attrSK), err)
	}
	blobKey := fmt.Sprintf("items/%s/%d.%s.%s.json", id, version, text(it, attrEntity), u.token)
	if err := s.blobs.PutBlob(ctx, blobKey, bytes.NewReader(data), "application/json"); err != nil {
		return nil, fmt.Errorf("put %s: %w", blobKey, err)
	}
	u.blobs = append(u.blobs, blobKey)
	small := item{attrBlob: str(blobKey)}
	for name, v := range it {
		if structural(name) {
			small[name] = v
		}
	}
	for _, name := range keep {
		if v, ok := it[name]; ok {
			small[name] = v
		}
	}
	return small, nil
}

// decode decodes an item into v, from the blob store if its content is kept there.
func (s *Store) decode(ctx context.Context, it item, v any) error {
	blobKey := text(it, attrBlob)
	if blobKey == "" {
		if err := attributevalue.UnmarshalMapWithOptions(it, v, jsonTagsDecode); err != nil {
			return fmt.Errorf("decode %s/%s: %w", text(it, attrPK), text(it, attrSK), err)
		}
		return nil
	}
	if s.blobs == nil {
		return fmt.Errorf("item %s/%s is kept in blob %s, but there is no blob store", text(it, attrPK), text(it, attrSK), blobKey)
	}
	r, err := s.blobs.Blob(ctx, blobKey)
	if err != nil {
		return fmt.Errorf("item %s/%s: get %s: %w", text(it, attrPK), text(it, attrSK), blobKey, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("item %s/%s: read %s: %w", text(it, attrPK), text(it, attrSK), blobKey, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("item %s/%s: decode %s: %w", text(it, attrPK), text(it, attrSK), blobKey, err)
	}
	return nil
}

func (s *Store) decodeEntry(ctx context.Context, it item) (*wiki.Entry, error) {
	e := new(wiki.Entry)
	if err := s.decode(ctx, it, e); err != nil {
		return nil, err
	}
	return e, nil
}

// itemSize estimates the size DynamoDB counts for an item, from above: the UTF-8 bytes of
// the attribute names and values, with the documented overhead of numbers, lists and maps.
func itemSize(it item) int {
	n := 0
	for name, v := range it {
		n += len(name) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return len(v.Value) + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += len(s) + 1
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for name, e := range v.Value {
			n += 1 + len(name) + valueSize(e)
		}
		return n
	}
	return 0
}
