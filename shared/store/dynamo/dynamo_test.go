package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/store/storetest"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// dynamoClient returns a client of the dynalite that infra/standins.sh starts. Without
// WISSENSNETZ_TEST_DYNAMODB the test is skipped, or fails if WISSENSNETZ_REQUIRE_STANDINS=1.
func dynamoClient(tb testing.TB) *dynamodb.Client {
	tb.Helper()
	endpoint := os.Getenv("WISSENSNETZ_TEST_DYNAMODB")
	if endpoint == "" {
		const msg = "dynalite not running: set WISSENSNETZ_TEST_DYNAMODB (eval \"$(bash infra/standins.sh)\")"
		if os.Getenv("WISSENSNETZ_REQUIRE_STANDINS") == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return dynamodb.New(dynamodb.Options{
		Region:       "eu-central-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("wissensnetz-test", "wissensnetz-test-secret", ""),
	})
}

// newBlobs returns a blob store on a fresh in-process S3 server.
func newBlobs(tb testing.TB) *s3blob.Store {
	tb.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	tb.Cleanup(srv.Close)
	c := s3.New(s3.Options{
		Region:       "eu-central-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("wissensnetz-test", "wissensnetz-test-secret", ""),
		UsePathStyle: true,
	})
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{
		Bucket:                    aws.String("wissensnetz"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuCentral1},
	})
	if err != nil {
		tb.Fatalf("CreateBucket: %v", err)
	}
	return s3blob.New(c, "wissensnetz", "")
}

// fixture is a store on a fresh table, with the client it was built on.
type fixture struct {
	*Store
	client *dynamodb.Client
	spy    *spyAPI
	blobs  *s3blob.Store
}

// open returns a store on a fresh table, which is deleted after the test. All calls go
// through a spyAPI.
func open(tb testing.TB) *fixture {
	tb.Helper()
	client := dynamoClient(tb)
	table := fmt.Sprintf("wissensnetz-test-%d-%08x", time.Now().UnixNano(), rand.Uint32())
	spy := &spyAPI{API: client}
	blobs := newBlobs(tb)
	s := New(spy, table, blobs)
	if err := s.CreateTable(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
			tb.Logf("DeleteTable(%s): %v", table, err)
		}
	})
	return &fixture{Store: s, client: client, spy: spy, blobs: blobs}
}

// TestContract runs the contract suite three times: against dynalite as it is; with the
// stored item added to failed conditions as DynamoDB returns it (dynalite does not), so
// that both ways of the store through a failed condition are taken; and with every entry
// and revision kept in the blob store.
func TestContract(t *testing.T) {
	t.Parallel()
	dynamoClient(t) // skip early
	t.Run("dynalite", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, func(t *testing.T) store.Stores { return open(t).Stores() })
	})
	t.Run("item on failed condition", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, func(t *testing.T) store.Stores {
			f := open(t)
			f.spy.returnOnFailure = true
			return f.Stores()
		})
	})
	t.Run("items in blobs", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, func(t *testing.T) store.Stores {
			f := open(t)
			f.maxItemBytes = 0
			return f.Stores()
		})
	})
}

// raw returns the item with the given key as stored, or nil.
func (f *fixture) raw(t *testing.T, pk, sk string) item {
	t.Helper()
	out, err := f.client.GetItem(t.Context(), &dynamodb.GetItemInput{
		TableName: aws.String(f.table), Key: key(pk, sk), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("GetItem(%s, %s): %v", pk, sk, err)
	}
	if len(out.Item) == 0 {
		return nil
	}
	return out.Item
}

// partition returns the sort keys of the items of partition pk.
func (f *fixture) partition(t *testing.T, pk string) []string {
	t.Helper()
	out, err := f.client.Query(t.Context(), &dynamodb.QueryInput{
		TableName:                 aws.String(f.table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: item{":pk": str(pk)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("Query(%s): %v", pk, err)
	}
	var sks []string
	for _, it := range out.Items {
		sks = append(sks, text(it, attrSK))
	}
	return sks
}

func (f *fixture) blobKeys(t *testing.T) []string {
	t.Helper()
	keys, err := f.blobs.ListBlobs(t.Context(), "items/")
	if err != nil {
		t.Fatalf("ListBlobs: %v", err)
	}
	return keys
}

func newEntry(n int, slug string) (*wiki.Entry, *wiki.Revision) {
	e := storetest.NewEntry(fmt.Sprintf("01HRZ8Q3K9V1X4M2N7P5T6%04d", n), slug)
	return e, &wiki.Revision{EntryID: e.ID, Version: 1, Author: e.CreatedBy, At: e.CreatedAt, Comment: "Erste Fassung", Entry: *e.Clone()}
}

func nextVersion(e *wiki.Entry, title string) (*wiki.Entry, *wiki.Revision) {
	next := e.Clone()
	next.Version++
	next.Title = title
	next.UpdatedAt = e.UpdatedAt.Add(time.Hour)
	next.UpdatedBy = "Anna Schäfer"
	return next, &wiki.Revision{EntryID: next.ID, Version: next.Version, Author: next.UpdatedBy, At: next.UpdatedAt, Entry: *next.Clone()}
}

func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantCode(t *testing.T, what string, err error, code wiki.Code) {
	t.Helper()
	if got := wiki.ErrorCode(err); got != code {
		t.Errorf("%s: got %v (code %q), want code %q", what, err, got, code)
	}
}

func wantVersions(t *testing.T, s *Store, id string, want ...int) {
	t.Helper()
	revs, err := s.Revisions(t.Context(), id)
	mustOK(t, "Revisions", err)
	var got []int
	for _, r := range revs {
		got = append(got, r.Version)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Revisions(%s): got versions %v, want %v", id, got, want)
	}
}

// isPut reports whether in puts the item with a partition key starting with pkPrefix and
// the sort key sk.
func isPut(in *dynamodb.PutItemInput, pkPrefix, sk string) bool {
	return strings.HasPrefix(text(in.Item, attrPK), pkPrefix) && text(in.Item, attrSK) == sk
}

var errInjected = errors.New("injected failure")

func TestCreateTakesBackGuardWhenEntryPutFails(t *testing.T) {
	t.Parallel()
	f := open(t)
	e, rev := newEntry(1, "lorawan-sensornetz")
	f.spy.beforePut = func(in *dynamodb.PutItemInput) error {
		if isPut(in, "ENTRY#", skMeta) {
			return errInjected
		}
		return nil
	}
	err := f.CreateEntry(t.Context(), e, rev)
	if !errors.Is(err, errInjected) {
		t.Fatalf("CreateEntry with a failing entry put: got %v, want the injected error", err)
	}
	if g := f.raw(t, slugPK(e.Slug), skGuard); g != nil {
		t.Errorf("slug guard after the failed create: got %v, want it deleted", g)
	}
	if sks := f.partition(t, entryPK(e.ID)); len(sks) != 0 {
		t.Errorf("entry partition after the failed create: got %v, want it empty", sks)
	}
	_, err = f.EntryBySlug(t.Context(), e.Slug)
	wantCode(t, "EntryBySlug after the failed create", err, wiki.ENOTFOUND)

	// The slug is free again.
	f.spy.beforePut = nil
	other, otherRev := newEntry(2, e.Slug)
	mustOK(t, "CreateEntry with the slug again", f.CreateEntry(t.Context(), other, otherRev))
	got, err := f.EntryBySlug(t.Context(), e.Slug)
	if err != nil || got.ID != other.ID {
		t.Errorf("EntryBySlug: got %v, %v; want entry %s", got, err, other.ID)
	}
}

func TestRestoreTakesBackWhenARevisionFails(t *testing.T) {
	t.Parallel()
	f := open(t)
	e, rev1 := newEntry(1, "lorawan-sensornetz")
	e2, rev2 := nextVersion(e, "Zweite Fassung")
	e3, rev3 := nextVersion(e2, "Dritte Fassung")
	f.spy.beforePut = func(in *dynamodb.PutItemInput) error {
		if isPut(in, "ENTRY#", revisionSK(3)) {
			return errInjected
		}
		return nil
	}
	err := f.RestoreEntry(t.Context(), e3, []wiki.Revision{*rev3, *rev1, *rev2})
	if !errors.Is(err, errInjected) {
		t.Fatalf("RestoreEntry with a failing revision: got %v, want the injected error", err)
	}
	if sks := f.partition(t, entryPK(e.ID)); len(sks) != 0 {
		t.Errorf("entry partition after the failed restore: got %v, want it empty", sks)
	}
	if g := f.raw(t, slugPK(e.Slug), skGuard); g != nil {
		t.Errorf("slug guard after the failed restore: got %v, want it deleted", g)
	}
	f.spy.beforePut = nil
	mustOK(t, "RestoreEntry again", f.RestoreEntry(t.Context(), e3, []wiki.Revision{*rev1, *rev2, *rev3}))
	wantVersions(t, f.Store, e.ID, 3, 2, 1)
}

// TestUpdateRace lets a second editor save between the first editor's start and the first
// editor's conditional put.
func TestUpdateRace(t *testing.T) {
	t.Parallel()
	f := open(t)
	e, rev := newEntry(1, "lorawan-sensornetz")
	mustOK(t, "CreateEntry", f.CreateEntry(t.Context(), e, rev))
	mine, myRev := nextVersion(e, "Fassung von Anna")
	theirs, theirRev := nextVersion(e, "Fassung von Bernd")
	var once sync.Once
	f.spy.beforePut = func(in *dynamodb.PutItemInput) error {
		if isPut(in, "ENTRY#", skMeta) && text(in.Item, "title") == mine.Title {
			once.Do(func() { mustOK(t, "the other editor's UpdateEntry", f.UpdateEntry(t.Context(), theirs, theirRev)) })
		}
		return nil
	}
	err := f.UpdateEntry(t.Context(), mine, myRev)
	wantCode(t, "UpdateEntry after the other editor saved", err, wiki.ECONFLICT)
	got, err := f.Entry(t.Context(), e.ID)
	mustOK(t, "Entry", err)
	if got.Title != theirs.Title || got.Version != 2 {
		t.Errorf("Entry: got %q in version %d, want %q in version 2", got.Title, got.Version, theirs.Title)
	}
	r, err := f.Revision(t.Context(), e.ID, 2)
	mustOK(t, "Revision(2)", err)
	if r.Author != theirRev.Author || r.Entry.Title != theirs.Title {
		t.Errorf("Revision(2): got %q by %s, want the other editor's", r.Entry.Title, r.Author)
	}
	wantVersions(t, f.Store, e.ID, 2, 1)
}

func TestUpdatePutsEntryBackWhenRevisionFails(t *testing.T) {
	t.Parallel()
	f := open(t)
	e, rev := newEntry(1, "lorawan-sensornetz")
	mustOK(t, "CreateEntry", f.CreateEntry(t.Context(), e, rev))
	e2, rev2 := nextVersion(e, "Zweite Fassung")
	f.spy.beforePut = func(in *dynamodb.PutItemInput) error {
		if isPut(in, "ENTRY#", revisionSK(2)) {
			return errInjected
		}
		return nil
	}
	err := f.UpdateEntry(t.Context(), e2, rev2)
	if !errors.Is(err, errInjected) {
		t.Fatalf("UpdateEntry with a failing revision put: got %v, want the injected error", err)
	}
	got, err := f.Entry(t.Context(), e.ID)
	mustOK(t, "Entry", err)
	if got.Version != 1 || got.Title != e.Title {
		t.Errorf("Entry after the failed update: got %q in version %d, want version 1 back", got.Title, got.Version)
	}
	wantVersions(t, f.Store, e.ID, 1)

	f.spy.beforePut = nil
	mustOK(t, "UpdateEntry again", f.UpdateEntry(t.Context(), e2, rev2))
	wantVersions(t, f.Store, e.ID, 2, 1)
}

func TestUpdateReplacesLeftoverRevision(t *testing.T) {
	t.Parallel()
	f := open(t)
	e, rev := newEntry(1, "lorawan-sensornetz")
	mustOK(t, "CreateEntry", f.CreateEntry(t.Context(), e, rev))
	// An interrupted write left a revision 2 behind that no entry version points to.
	_, leftover := nextVersion(e, "Liegen gebliebene Fassung")
	it, err := revisionItem(leftover, "ABGEBROCHEN")
	mustOK(t, "revisionItem", err)
	if _, err := f.client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(f.table), Item: it}); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, f.Store, e.ID, 1) // not listed while the entry is at version 1
	e2, rev2 := nextVersion(e, "Richtige zweite Fassung")
	mustOK(t, "UpdateEntry over the leftover revision", f.UpdateEntry(t.Context(), e2, rev2))
	wantVersions(t, f.Store, e.ID, 2, 1)
	r, err := f.Revision(t.Context(), e.ID, 2)
	mustOK(t, "Revision(2)", err)
	if r.Entry.Title != e2.Title {
		t.Errorf("Revision(2): got %q, want %q", r.Entry.Title, e2.Title)
	}
}

// TestRetriedPutCountsAsSuccess repeats puts as the SDK does when a response is lost: the
// second attempt finds the item the first one wrote.
func TestRetriedPutCountsAsSuccess(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name            string
		maxBytes        int
		returnOnFailure bool
	}{
		{"items in the table", MaxItemBytes, false},
		{"items in blobs", 1 << 10, false},
		{"items in the table, item on failed condition", MaxItemBytes, true},
		{"items in blobs, item on failed condition", 1 << 10, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := open(t)
			f.maxItemBytes = tt.maxBytes
			f.spy.returnOnFailure = tt.returnOnFailure
			f.spy.repeatPut = func(*dynamodb.PutItemInput) bool { return true }
			e, rev := newEntry(1, "lorawan-sensornetz")
			mustOK(t, "CreateEntry with every put repeated", f.CreateEntry(t.Context(), e, rev))
			e2, rev2 := nextVersion(e, "Zweite Fassung")
			mustOK(t, "UpdateEntry with every put repeated", f.UpdateEntry(t.Context(), e2, rev2))
			got, err := f.EntryBySlug(t.Context(), e.Slug)
			mustOK(t, "EntryBySlug", err)
			if got.Version != 2 || got.Title != e2.Title || got.Body != e2.Body {
				t.Errorf("EntryBySlug: got %q in version %d, want %q in version 2", got.Title, got.Version, e2.Title)
			}
			wantVersions(t, f.Store, e.ID, 2, 1)
			// Real conflicts are still conflicts.
			f.spy.repeatPut = nil
			wantCode(t, "stale UpdateEntry", f.UpdateEntry(t.Context(), e2, rev2), wiki.ECONFLICT)
			wantCode(t, "CreateEntry again", f.CreateEntry(t.Context(), e, rev), wiki.ECONFLICT)
		})
	}
}

func TestAbandonedSlugGuard(t *testing.T) {
	t.Parallel()
	f := open(t)
	now := time.Date(2025, time.June, 2, 10, 0, 0, 0, time.UTC)
	f.now = func() time.Time { return now }
	putGuard := func(slug, id string, created time.Time) {
		t.Helper()
		if _, err := f.client.PutItem(t.Context(), &dynamodb.PutItemInput{
			TableName: aws.String(f.table), Item: guardItem(slug, id, "ABGEBROCHEN", created),
		}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		age     time.Duration
		entry   bool // the guard's entry exists
		wantErr wiki.Code
	}{
		{"older than the timeout, without entry", GuardTimeout + time.Minute, false, ""},
		{"younger than the timeout, without entry", GuardTimeout - time.Minute, false, wiki.ECONFLICT},
		{"older than the timeout, with entry", GuardTimeout + time.Minute, true, wiki.ECONFLICT},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slug := fmt.Sprintf("kurzadresse-%d", i)
			owner, ownerRev := newEntry(100+i, "anderer-eintrag-"+slug)
			if tt.entry {
				mustOK(t, "CreateEntry of the owner", f.CreateEntry(t.Context(), owner, ownerRev))
			}
			putGuard(slug, owner.ID, now.Add(-tt.age))
			e, rev := newEntry(i+1, slug)
			err := f.CreateEntry(t.Context(), e, rev)
			wantCode(t, "CreateEntry", err, tt.wantErr)
			g := f.raw(t, slugPK(slug), skGuard)
			wantOwner := owner.ID
			if tt.wantErr == "" {
				wantOwner = e.ID
			}
			if got := text(g, attrGuardEntry); got != wantOwner {
				t.Errorf("slug guard: got owner %q, want %q", got, wantOwner)
			}
		})
	}
}

func TestLargeItemsGoToBlobs(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.maxItemBytes = 8 << 10
	ctx := t.Context()
	big, bigRev := newEntry(1, "grosser-eintrag")
	big.Body = strings.Repeat("Übertragbarkeit für Gemeinden und Landkreise. ", 500) // 23 KB
	bigRev.Entry = *big.Clone()
	small, smallRev := newEntry(2, "kleiner-eintrag")
	mustOK(t, "CreateEntry(big)", f.CreateEntry(ctx, big, bigRev))
	mustOK(t, "CreateEntry(small)", f.CreateEntry(ctx, small, smallRev))

	meta := f.raw(t, entryPK(big.ID), skMeta)
	if text(meta, attrBlob) == "" || meta["body"] != nil {
		t.Errorf("item of the big entry: got blob %q and body %v, want a blob and no body", text(meta, attrBlob), meta["body"] != nil)
	}
	for _, name := range []string{"title", "state", "version", attrGSI1PK, attrGSI3SK} {
		if meta[name] == nil {
			t.Errorf("item of the big entry lacks %s", name)
		}
	}
	if text(f.raw(t, entryPK(big.ID), revisionSK(1)), attrBlob) == "" {
		t.Error("revision item of the big entry: got no blob pointer")
	}
	if it := f.raw(t, entryPK(small.ID), skMeta); text(it, attrBlob) != "" || it["body"] == nil {
		t.Error("item of the small entry: got a blob pointer, want the body in the item")
	}
	if keys := f.blobKeys(t); len(keys) != 2 {
		t.Errorf("blobs: got %q, want one for the entry and one for its revision", keys)
	}

	big2, bigRev2 := nextVersion(big, "Großer Eintrag, zweite Fassung")
	mustOK(t, "UpdateEntry(big)", f.UpdateEntry(ctx, big2, bigRev2))
	keys := f.blobKeys(t)
	if len(keys) != 3 || !strings.Contains(text(f.raw(t, entryPK(big.ID), skMeta), attrBlob), "/2.entry.") {
		t.Errorf("blobs after the update: got %q, want the two revisions' and version 2's entry", keys)
	}

	reads := []struct {
		name string
		get  func() (*wiki.Entry, error)
	}{
		{"Entry", func() (*wiki.Entry, error) { return f.Entry(ctx, big.ID) }},
		{"EntryBySlug", func() (*wiki.Entry, error) { return f.EntryBySlug(ctx, big.Slug) }},
		{"Revision(2)", func() (*wiki.Entry, error) {
			r, err := f.Revision(ctx, big.ID, 2)
			if err != nil {
				return nil, err
			}
			return &r.Entry, nil
		}},
		{"Revisions[0]", func() (*wiki.Entry, error) {
			revs, err := f.Revisions(ctx, big.ID)
			if err != nil || len(revs) != 2 {
				return nil, fmt.Errorf("got %d revisions, %v", len(revs), err)
			}
			return &revs[0].Entry, nil
		}},
		{"ScanEntries", func() (*wiki.Entry, error) {
			var got *wiki.Entry
			err := f.ScanEntries(ctx, func(e *wiki.Entry) error {
				if e.ID == big.ID {
					got = e
				}
				return nil
			})
			return got, err
		}},
	}
	for _, r := range reads {
		got, err := r.get()
		if err != nil {
			t.Errorf("%s: %v", r.name, err)
			continue
		}
		if got.Body != big2.Body || got.Title != big2.Title || got.Version != 2 {
			t.Errorf("%s: got %q in version %d with %d bytes of body, want version 2 with %d bytes", r.name, got.Title, got.Version, len(got.Body), len(big2.Body))
		}
	}

	// A stale update of a big entry writes no blob.
	stale, staleRev := nextVersion(big, "Veraltet")
	wantCode(t, "stale UpdateEntry", f.UpdateEntry(ctx, stale, staleRev), wiki.ECONFLICT)
	if after := f.blobKeys(t); len(after) != 3 {
		t.Errorf("blobs after a stale update: got %q, want the 3 from before", after)
	}
}

// TestDeleteEntryRemovesEverything: DeleteEntry leaves no item of the entry, no slug guard
// and no blob behind, and logs the change before it deletes.
func TestDeleteEntryRemovesEverything(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.maxItemBytes = 8 << 10
	ctx := t.Context()
	big, bigRev := newEntry(1, "grosser-eintrag")
	big.Body = strings.Repeat("Übertragbarkeit für Gemeinden und Landkreise. ", 500) // 23 KB
	bigRev.Entry = *big.Clone()
	mustOK(t, "CreateEntry", f.CreateEntry(ctx, big, bigRev))
	big2, bigRev2 := nextVersion(big, "Großer Eintrag, zweite Fassung")
	mustOK(t, "UpdateEntry", f.UpdateEntry(ctx, big2, bigRev2))
	page, err := f.Changes(ctx, 0, 100)
	mustOK(t, "Changes", err)
	seq := page.Counter

	wantCode(t, "DeleteEntry of version 1", f.DeleteEntry(ctx, big.ID, 1), wiki.ECONFLICT)
	mustOK(t, "DeleteEntry", f.DeleteEntry(ctx, big.ID, 2))
	if sks := f.partition(t, entryPK(big.ID)); len(sks) != 0 {
		t.Errorf("items of the entry after delete: %q, want none", sks)
	}
	if sks := f.partition(t, slugPK(big.Slug)); len(sks) != 0 {
		t.Errorf("slug guard after delete: %q, want none", sks)
	}
	if keys := f.blobKeys(t); len(keys) != 0 {
		t.Errorf("blobs after delete: %q, want none", keys)
	}
	page, err = f.Changes(ctx, seq, 100)
	mustOK(t, "Changes", err)
	var logged []string
	for _, c := range page.Changes {
		logged = append(logged, fmt.Sprintf("%s %s %d", c.Kind, c.Key, c.Version))
	}
	want := fmt.Sprintf("%s %s 0", store.ChangedEntry, big.ID)
	if !slices.Contains(logged, want) {
		t.Errorf("changes logged by DeleteEntry: %q, want %q", logged, want)
	}
}

func TestListIndexesProjectListAttributes(t *testing.T) {
	t.Parallel()
	f := open(t)
	e, rev := newEntry(1, "lorawan-sensornetz")
	mustOK(t, "CreateEntry", f.CreateEntry(t.Context(), e, rev))
	for _, q := range []struct{ index, pkName, pk string }{
		{indexByState, attrGSI1PK, "STATE#" + string(e.State)},
		{indexByMunicipality, attrGSI2PK, "MUNI#" + e.Municipality},
	} {
		out, err := f.client.Query(t.Context(), &dynamodb.QueryInput{
			TableName:                 aws.String(f.table),
			IndexName:                 aws.String(q.index),
			KeyConditionExpression:    aws.String("#pk = :pk"),
			ExpressionAttributeNames:  map[string]string{"#pk": q.pkName},
			ExpressionAttributeValues: item{":pk": str(q.pk)},
		})
		mustOK(t, "Query "+q.index, err)
		if len(out.Items) != 1 {
			t.Fatalf("Query %s: got %d items, want 1", q.index, len(out.Items))
		}
		it := out.Items[0]
		if text(it, "title") != e.Title || it["body"] != nil {
			t.Errorf("Query %s: got title %q and body %v, want the title and no body", q.index, text(it, "title"), it["body"] != nil)
		}
		if want := e.UpdatedAt.UTC().Format(sortableTime) + "#" + e.ID; text(it, strings.Replace(q.pkName, "pk", "sk", 1)) != want {
			t.Errorf("Query %s: got sort key %q, want %q", q.index, text(it, strings.Replace(q.pkName, "pk", "sk", 1)), want)
		}
	}
}

func TestCreateTableAgain(t *testing.T) {
	t.Parallel()
	f := open(t)
	mustOK(t, "CreateTable of an existing table", f.CreateTable(t.Context()))
}

// TestCallsPerOperation keeps the number of DynamoDB calls of each operation in view.
func TestCallsPerOperation(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.spy.returnOnFailure = true // count as on DynamoDB
	ctx := t.Context()
	e, rev := newEntry(1, "lorawan-sensornetz")
	e2, rev2 := nextVersion(e, "Zweite Fassung")
	other, otherRev := newEntry(2, "offene-datenplattform")
	mustOK(t, "CreateEntry", f.CreateEntry(ctx, other, otherRev))
	u := &wiki.User{ID: "01HS3V7W2K8D5M9QZ4T1B00001", Email: "anna.schaefer@kaiserslautern.example", Name: "Anna Schäfer", Role: wiki.RoleMember, Municipality: "07312000"}
	renamed, moved := *u, *u
	renamed.Name = "Anna Schäfer-Weiß"
	moved.Name, moved.Email = renamed.Name, "anna.schaefer@koblenz.example"
	expires := time.Now().Add(time.Hour)
	sess := &store.Session{TokenHash: "sitzung", UserID: u.ID, ExpiresAt: expires}
	tok := &store.Token{Hash: "link", Kind: store.TokenReset, UserID: u.ID, ExpiresAt: expires}
	march := time.Date(2025, time.March, 14, 9, 0, 0, 0, time.UTC)
	ev1 := &wiki.AuditEvent{ID: auditID(march, 1), At: march, Action: "user.invited"}
	ev2 := &wiki.AuditEvent{ID: auditID(march, 2), At: march, Action: "user.role_changed"}
	ops := []struct {
		name string
		run  func() error
		want map[string]int
	}{
		// Every write of an entry is logged first: 1 UpdateItem (the counter) and 1
		// PutItem (the change) more.
		{"CreateEntry", func() error { return f.CreateEntry(ctx, e, rev) }, map[string]int{"PutItem": 4, "UpdateItem": 1}},
		{"UpdateEntry", func() error { return f.UpdateEntry(ctx, e2, rev2) }, map[string]int{"PutItem": 3, "UpdateItem": 1}},
		// On dynalite, which does not return the stored item with a failed condition, the
		// store reads it: 1 GetItem more.
		{"UpdateEntry, stale", func() error { return ignoreConflict(f.UpdateEntry(ctx, e2, rev2)) }, map[string]int{"PutItem": 2, "UpdateItem": 1}},
		{"EntriesByID", func() error { _, err := f.EntriesByID(ctx, []string{e.ID, other.ID}); return err }, map[string]int{"BatchGetItem": 1}},
		{"Changes", func() error { _, err := f.Changes(ctx, 0, 100); return err }, map[string]int{"Query": 1}},
		{"Entry", func() error { _, err := f.Entry(ctx, e.ID); return err }, map[string]int{"GetItem": 1}},
		{"EntryBySlug", func() error { _, err := f.EntryBySlug(ctx, e.Slug); return err }, map[string]int{"GetItem": 2}},
		{"Revisions", func() error { _, err := f.Revisions(ctx, e.ID); return err }, map[string]int{"Query": 1}},
		{"Revision", func() error { _, err := f.Revision(ctx, e.ID, 1); return err }, map[string]int{"GetItem": 1}},
		{"ScanEntries", func() error { return f.ScanEntries(ctx, func(*wiki.Entry) error { return nil }) }, map[string]int{"Query": 1, "BatchGetItem": 1}},
		{"Municipalities", func() error { _, err := f.Municipalities(ctx); return err }, map[string]int{"Query": 1}},
		{"CreateUser", func() error { return f.CreateUser(ctx, u) }, map[string]int{"PutItem": 2}},
		{"UpdateUser", func() error { return f.UpdateUser(ctx, &renamed) }, map[string]int{"GetItem": 1, "PutItem": 1}},
		{"UpdateUser, new e-mail", func() error { return f.UpdateUser(ctx, &moved) }, map[string]int{"DeleteItem": 1, "GetItem": 1, "PutItem": 2}},
		{"User", func() error { _, err := f.User(ctx, u.ID); return err }, map[string]int{"GetItem": 1}},
		{"UserByEmail", func() error { _, err := f.UserByEmail(ctx, moved.Email); return err }, map[string]int{"GetItem": 2}},
		{"Users", func() error { _, err := f.Users(ctx); return err }, map[string]int{"Query": 1}},
		{"PutSession", func() error { return f.PutSession(ctx, sess) }, map[string]int{"PutItem": 2}},
		{"Session", func() error { _, err := f.Session(ctx, sess.TokenHash); return err }, map[string]int{"GetItem": 1}},
		{"DeleteSession", func() error { return f.DeleteSession(ctx, sess.TokenHash) }, map[string]int{"DeleteItem": 2}},
		{"DeleteUserSessions, one session", func() error {
			if err := f.PutSession(ctx, sess); err != nil {
				return err
			}
			f.spy.reset()
			return f.DeleteUserSessions(ctx, u.ID)
		}, map[string]int{"DeleteItem": 2, "Query": 1}},
		{"PutToken", func() error { return f.PutToken(ctx, tok) }, map[string]int{"PutItem": 2}},
		{"Token", func() error { _, err := f.Token(ctx, tok.Hash); return err }, map[string]int{"GetItem": 1}},
		{"UserTokens", func() error { _, err := f.UserTokens(ctx, u.ID, tok.Kind); return err }, map[string]int{"BatchGetItem": 1, "Query": 1}},
		{"ConsumeToken", func() error { _, err := f.ConsumeToken(ctx, tok.Hash); return err }, map[string]int{"DeleteItem": 2}},
		{"AppendAudit, first of the month", func() error { return f.AppendAudit(ctx, ev1) }, map[string]int{"PutItem": 2}},
		{"AppendAudit", func() error { return f.AppendAudit(ctx, ev2) }, map[string]int{"PutItem": 1}},
		{"AuditLog", func() error { _, err := f.AuditLog(ctx, "", 50); return err }, map[string]int{"Query": 2}},
	}
	for _, op := range ops {
		f.spy.reset()
		mustOK(t, op.name, op.run())
		if got := f.spy.counts(); fmt.Sprint(got) != fmt.Sprint(op.want) {
			t.Errorf("%s: got calls %v, want %v", op.name, got, op.want)
		}
	}
}

func ignoreConflict(err error) error {
	if wiki.ErrorCode(err) == wiki.ECONFLICT {
		return nil
	}
	return err
}

func TestItemSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		it   item
		want int
	}{
		{"strings", item{"pk": str("ENTRY#1"), "sk": str("META")}, 2 + 7 + 2 + 4},
		{"number", item{"version": num(12)}, 7 + 3},
		{"map and list", item{"m": &types.AttributeValueMemberM{Value: item{"a": str("xy")}}, "l": &types.AttributeValueMemberL{Value: []types.AttributeValue{str("z")}}}, (1 + 3 + 1 + 1 + 2) + (1 + 3 + 1 + 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := itemSize(tt.it); got != tt.want {
				t.Errorf("itemSize: got %d, want %d", got, tt.want)
			}
		})
	}
	e := storetest.NewEntry("01HRZ8Q3K9V1X4M2N7P5T60001", "lorawan-sensornetz")
	e.Body = strings.Repeat("ä", 50_000) // 100,000 bytes
	it, err := entryItem(e, "TOKEN")
	mustOK(t, "entryItem", err)
	if got := itemSize(it); got < 100_000 || got > 102_000 {
		t.Errorf("itemSize of an entry with 100,000 bytes of body: got %d", got)
	}
}

// spyAPI passes calls on to API and counts them. beforePut may fail a put or run
// something before it; repeatPut makes a put run twice, as a retry after a lost response;
// returnOnFailure adds the stored item to a failed condition of a put or delete, as
// DynamoDB does when asked and dynalite does not.
type spyAPI struct {
	API
	mu              sync.Mutex
	calls           map[string]int
	beforePut       func(in *dynamodb.PutItemInput) error
	repeatPut       func(in *dynamodb.PutItemInput) bool
	returnOnFailure bool
}

func (s *spyAPI) count(op string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[op]++
}

func (s *spyAPI) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

func (s *spyAPI) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		c[k] = v
	}
	return c
}

func (s *spyAPI) total() int {
	n := 0
	for _, v := range s.counts() {
		n += v
	}
	return n
}

func (s *spyAPI) GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	s.count("GetItem")
	return s.API.GetItem(ctx, in, optFns...)
}

func (s *spyAPI) PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	s.count("PutItem")
	if s.beforePut != nil {
		if err := s.beforePut(in); err != nil {
			return nil, err
		}
	}
	out, err := s.API.PutItem(ctx, in, optFns...)
	if err == nil && s.repeatPut != nil && s.repeatPut(in) {
		out, err = s.API.PutItem(ctx, in, optFns...)
	}
	var failed *types.ConditionalCheckFailedException
	if s.returnOnFailure && errors.As(err, &failed) && failed.Item == nil &&
		in.ReturnValuesOnConditionCheckFailure == types.ReturnValuesOnConditionCheckFailureAllOld {
		got, gerr := s.API.GetItem(ctx, &dynamodb.GetItemInput{TableName: in.TableName, Key: keyOf(in.Item), ConsistentRead: aws.Bool(true)})
		if gerr != nil {
			return nil, gerr
		}
		failed.Item = got.Item
	}
	return out, err
}

func (s *spyAPI) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	s.count("DeleteItem")
	out, err := s.API.DeleteItem(ctx, in, optFns...)
	var failed *types.ConditionalCheckFailedException
	if s.returnOnFailure && errors.As(err, &failed) && failed.Item == nil &&
		in.ReturnValuesOnConditionCheckFailure == types.ReturnValuesOnConditionCheckFailureAllOld {
		got, gerr := s.API.GetItem(ctx, &dynamodb.GetItemInput{TableName: in.TableName, Key: in.Key, ConsistentRead: aws.Bool(true)})
		if gerr != nil {
			return nil, gerr
		}
		if len(got.Item) > 0 { // DynamoDB returns nothing for a missing item
			failed.Item = got.Item
		}
	}
	return out, err
}

func (s *spyAPI) Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	s.count("Query")
	return s.API.Query(ctx, in, optFns...)
}

func (s *spyAPI) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	s.count("UpdateItem")
	return s.API.UpdateItem(ctx, in, optFns...)
}

func (s *spyAPI) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	s.count("BatchGetItem")
	return s.API.BatchGetItem(ctx, in, optFns...)
}
