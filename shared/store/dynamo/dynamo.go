package dynamo

import (
	"context"
	"crypto/rand"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// Compile-time checks that Store provides the ports it implements.
var (
	_ store.Entries        = (*Store)(nil)
	_ store.Municipalities = (*Store)(nil)
	_ store.Topics         = (*Store)(nil)
	_ store.Users          = (*Store)(nil)
	_ store.Sessions       = (*Store)(nil)
	_ store.Tokens         = (*Store)(nil)
	_ store.Audit          = (*Store)(nil)
	_ store.WordLists      = (*Store)(nil)
	_ API                  = (*dynamodb.Client)(nil)
)

// API is the part of the DynamoDB client that Store uses; *dynamodb.Client has it.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// Defaults of a new Store.
const (
	// MaxItemBytes is the size above which an item is kept in the blob store. DynamoDB's
	// limit is 400 KB; the estimate of an item's size leaves room below it.
	MaxItemBytes = 350 << 10

	// GuardTimeout is the age after which a slug or e-mail guard whose entry or user was
	// never written counts as abandoned by a crashed write. It is longer than a Lambda
	// invocation may run.
	GuardTimeout = 20 * time.Minute

	// undoTimeout bounds the clean-up after a failed write, which runs even if the
	// caller's context is done.
	undoTimeout = 10 * time.Second

	// scanPage is how many entries ScanEntries reads per index page and BatchGetItem call
	// (at most 100).
	scanPage = 100
)

// Store keeps entries, revisions, municipalities, topics, users, sessions, tokens, the
// audit log and the search word lists in one DynamoDB table. It is safe for concurrent use, also by several
// processes.
type Store struct {
	db    API
	table string
	blobs store.Blobs

	maxItemBytes int              // items larger than this go to blobs
	guardTimeout time.Duration    // see GuardTimeout
	now          func() time.Time // clock of the guards and of expiry

	auditMonths sync.Map // months ("2025-04") whose marker this store has put or seen
}

// New returns a store on the given table. blobs keeps the items too large for DynamoDB;
// it may be nil if no item will ever be that large. The client is built by the caller,
// with its region, credentials and timeouts; every call of the store passes its context on.
func New(client API, table string, blobs store.Blobs) *Store {
	return &Store{
		db:           client,
		table:        table,
		blobs:        blobs,
		maxItemBytes: MaxItemBytes,
		guardTimeout: GuardTimeout,
		now:          time.Now,
	}
}

// Stores returns the ports this store provides, with blobs (as passed to New) as the blob
// store.
func (s *Store) Stores() store.Stores {
	return store.Stores{
		Entries:        s,
		Municipalities: s,
		Topics:         s,
		Blobs:          s.blobs,
		Users:          s,
		Sessions:       s,
		Tokens:         s,
		Audit:          s,
		WordLists:      s,
	}
}

// Table returns the name of the table.
func (s *Store) Table() string { return s.table }

// newToken returns a random token that marks the items of one write.
func newToken() string { return rand.Text() }
