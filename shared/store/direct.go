package store

import (
	"context"
	"time"
)

// DirectBlobs is a blob store that browsers reach directly, with requests the server
// signs (S3): uploads too large to pass through the server, and downloads answered with
// a redirect. The store of local mode does not have it; callers type-assert
// Stores.Blobs.
type DirectBlobs interface {
	Blobs
	// PresignPost returns the address and the form fields of a browser's POST upload
	// that p allows. Returns EINVALID for a key prefix that PutBlob would reject.
	PresignPost(ctx context.Context, p PostPolicy) (*PresignedPost, error)
	// PresignGet returns an address from which the content under key can be read until
	// the expiry, answered with the given Content-Type and Content-Disposition. It
	// signs without asking the store whether key exists. Returns EINVALID for a key
	// that PutBlob would reject.
	PresignGet(ctx context.Context, key string, d Disposition, expiry time.Duration) (string, error)
	// BlobTags returns the tags of the object under key (S3 object tagging), empty for
	// none. Returns ENOTFOUND, and EINVALID for a key that PutBlob would reject.
	BlobTags(ctx context.Context, key string) (map[string]string, error)
}

// PostPolicy says what a POST upload may store.
type PostPolicy struct {
	// KeyPrefix is what the key of the upload must start with (a "starts-with"
	// condition): the browser or script chooses the rest.
	KeyPrefix string
	// Key is the key field of the form: KeyPrefix followed by what the form proposes,
	// such as "${filename}", which S3 replaces with the name of the file sent.
	Key string
	// MinSize and MaxSize bound the size of the file in bytes.
	MinSize, MaxSize int64
	// Expiry is how long the form may be sent.
	Expiry time.Duration
	// Redirect, if set, is where the store sends the browser after the upload (303,
	// with bucket, key and etag added to its query); otherwise it answers 204.
	Redirect string
}

// PresignedPost is a signed POST upload: a form with Fields as hidden fields and the file
// as the last field, sent to URL.
type PresignedPost struct {
	URL     string
	Fields  map[string]string
	Expires time.Time
}

// Disposition is how a presigned download is answered.
type Disposition struct {
	ContentType        string // e.g. "application/pdf"
	ContentDisposition string // e.g. `attachment; filename="Bericht.pdf"; filename*=UTF-8''Bericht.pdf`
}
