// Package s3blob is the blob store of Wissensnetz on Amazon S3: attachments, extracted text,
// index snapshots and items too large for DynamoDB, as objects of one bucket under a prefix.
package s3blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Compile-time checks.
var (
	_ store.Blobs = (*Store)(nil)
	_ API         = (*s3.Client)(nil)
)

// API is the part of the S3 client that Store uses; *s3.Client has it.
type API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, optFns ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(ctx context.Context, in *s3.UploadPartInput, optFns ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
}

// PartSize is the size of the parts in which content of unknown length is uploaded. Content
// up to this size is sent in one PutObject; larger content as a multipart upload, so that
// at most one part is held in memory. S3 takes parts from 5 MiB.
const PartSize = 8 << 20

// abortTimeout bounds the clean-up of a failed multipart upload, which runs even if the
// caller's context is done.
const abortTimeout = 30 * time.Second

// Store keeps blobs as the objects of one bucket whose keys start with a prefix. It is
// safe for concurrent use.
type Store struct {
	s3       API
	bucket   string
	prefix   string
	partSize int
}

// New returns a store on bucket. prefix, if not empty, is put before every key, followed by
// a slash if it does not end with one, so that several stores can share a bucket. The
// client is built by the caller, with region, credentials and addressing style.
func New(client API, bucket, prefix string) *Store {
	prefix = strings.TrimLeft(prefix, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &Store{s3: client, bucket: bucket, prefix: prefix, partSize: PartSize}
}

// condition is the precondition of a write.
type condition struct {
	ifNoneMatch string // "*": only if the key does not exist
	ifMatch     string // only if the stored object has this ETag
}

// PutBlob stores the content of r under key, replacing what was there. Returns EINVALID
// for a key that is not a clean relative path: empty, absolute, with empty, "." or ".."
// segments, backslashes or NUL.
func (s *Store) PutBlob(ctx context.Context, key string, r io.Reader, contentType string) error {
	if err := store.CheckBlobKey(key); err != nil {
		return err
	}
	_, err := s.put(ctx, key, r, contentType, condition{})
	return wrap("put blob "+key, err)
}

// PutBlobIfAbsent stores the content of r under key unless the key exists, with S3's
// conditional write (If-None-Match: *). Returns ECONFLICT if the key exists, also if
// another writer creates it at the same moment, and EINVALID for a bad key.
func (s *Store) PutBlobIfAbsent(ctx context.Context, key string, r io.Reader, contentType string) error {
	if err := store.CheckBlobKey(key); err != nil {
		return err
	}
	_, err := s.put(ctx, key, r, contentType, condition{ifNoneMatch: "*"})
	if isPreconditionFailed(err) {
		return wiki.E(wiki.ECONFLICT, "blob.exists")
	}
	return wrap("put blob if absent "+key, err)
}

// PutBlobIfMatch replaces the content under key only if the stored object still has the
// given ETag, as returned by BlobWithETag or a previous conditional write, and returns the
// new ETag. Returns ECONFLICT if the object was changed in between, ENOTFOUND if it does
// not exist, and EINVALID for a bad key.
func (s *Store) PutBlobIfMatch(ctx context.Context, key string, r io.Reader, contentType, etag string) (string, error) {
	if err := store.CheckBlobKey(key); err != nil {
		return "", err
	}
	if etag == "" {
		return "", wiki.E(wiki.EINVALID, "blob.version_missing")
	}
	newTag, err := s.put(ctx, key, r, contentType, condition{ifMatch: etag})
	switch {
	case isPreconditionFailed(err):
		return "", wiki.E(wiki.ECONFLICT, "blob.changed")
	case isNotFound(err):
		return "", store.ErrBlobNotFound()
	}
	return newTag, wrap("put blob if match "+key, err)
}

// put uploads r: in one PutObject if it fits into one part, else as a multipart upload. It
// returns the new ETag.
func (s *Store) put(ctx context.Context, key string, r io.Reader, contentType string, cond condition) (string, error) {
	first, err := io.ReadAll(io.LimitReader(r, int64(s.partSize)))
	if err != nil {
		return "", fmt.Errorf("read content: %w", err)
	}
	if len(first) == s.partSize {
		var one [1]byte
		n, err := io.ReadFull(r, one[:])
		switch {
		case n == 1:
			return s.putMultipart(ctx, key, io.MultiReader(bytes.NewReader(first), bytes.NewReader(one[:]), r), contentType, cond)
		case err != io.EOF:
			return "", fmt.Errorf("read content: %w", err)
		}
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(s.prefix + key),
		Body:          bytes.NewReader(first),
		ContentLength: aws.Int64(int64(len(first))),
		ContentType:   optional(contentType),
		IfNoneMatch:   optional(cond.ifNoneMatch),
		IfMatch:       optional(cond.ifMatch),
	}
	out, err := s.s3.PutObject(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ETag), nil
}

// putMultipart uploads r in parts of partSize, holding one part in memory at a time. A
// failed upload is aborted, so that S3 keeps no parts of it.
func (s *Store) putMultipart(ctx context.Context, key string, r io.Reader, contentType string, cond condition) (etag string, err error) {
	created, err := s.s3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:            aws.String(s.bucket),
		Key:               aws.String(s.prefix + key),
		ContentType:       optional(contentType),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
	})
	if err != nil {
		return "", fmt.Errorf("create multipart upload: %w", err)
	}
	defer func() {
		if err != nil {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
			defer cancel()
			s.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
				Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key), UploadId: created.UploadId,
			})
		}
	}()
	var parts []types.CompletedPart
	buf := make([]byte, s.partSize)
	for number := int32(1); ; number++ {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			out, err := s.s3.UploadPart(ctx, &s3.UploadPartInput{
				Bucket:            aws.String(s.bucket),
				Key:               aws.String(s.prefix + key),
				UploadId:          created.UploadId,
				PartNumber:        aws.Int32(number),
				Body:              bytes.NewReader(buf[:n]),
				ContentLength:     aws.Int64(int64(n)),
				ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
			})
			if err != nil {
				return "", fmt.Errorf("upload part %d: %w", number, err)
			}
			parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(number), ChecksumCRC32: out.ChecksumCRC32})
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return "", fmt.Errorf("read content: %w", rerr)
		}
	}
	out, err := s.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(s.bucket),
		Key:             aws.String(s.prefix + key),
		UploadId:        created.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		IfNoneMatch:     optional(cond.ifNoneMatch),
		IfMatch:         optional(cond.ifMatch),
	})
	if err != nil {
		return "", fmt.Errorf("complete multipart upload: %w", err)
	}
	return aws.ToString(out.ETag), nil
}

// Blob opens the content stored under key. Returns ENOTFOUND, and EINVALID for a key that
// PutBlob would reject.
func (s *Store) Blob(ctx context.Context, key string) (io.ReadCloser, error) {
	r, _, err := s.BlobWithETag(ctx, key)
	return r, err
}

// BlobWithETag opens the content stored under key together with its ETag, for a later
// PutBlobIfMatch. Returns ENOTFOUND, and EINVALID for a key that PutBlob would reject.
func (s *Store) BlobWithETag(ctx context.Context, key string) (io.ReadCloser, string, error) {
	if err := store.CheckBlobKey(key); err != nil {
		return nil, "", err
	}
	out, err := s.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if isNotFound(err) {
		return nil, "", store.ErrBlobNotFound()
	}
	if err != nil {
		return nil, "", wrap("get blob "+key, err)
	}
	return out.Body, aws.ToString(out.ETag), nil
}

// DeleteBlob removes key; removing a missing key is not an error. Returns EINVALID for a
// key that PutBlob would reject.
func (s *Store) DeleteBlob(ctx context.Context, key string) error {
	if err := store.CheckBlobKey(key); err != nil {
		return err
	}
	_, err := s.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if isNotFound(err) {
		return nil
	}
	return wrap("delete blob "+key, err)
}

// ListBlobs returns the keys that start with prefix, in lexical order.
func (s *Store) ListBlobs(ctx context.Context, prefix string) ([]string, error) {
	p := s3.NewListObjectsV2Paginator(s.s3, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.prefix + prefix),
	})
	var keys []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap(fmt.Sprintf("list blobs %q", prefix), err)
		}
		for _, o := range page.Contents {
			key, ok := strings.CutPrefix(aws.ToString(o.Key), s.prefix)
			// Folder markers ("a/") that other tools create are no blobs.
			if ok && store.CheckBlobKey(key) == nil {
				keys = append(keys, key)
			}
		}
	}
	// S3 lists in byte order already; gateways over a file system may not.
	slices.Sort(keys)
	return keys, nil
}

// isNotFound reports whether S3 answered that the object does not exist.
func isNotFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	return errors.As(err, &nsk) || errors.As(err, &nf) || apiCode(err) == "NoSuchKey"
}

// isPreconditionFailed reports whether a conditional write was refused: 412 Precondition
// Failed, or 409 ConditionalRequestConflict when another conditional write of the same key
// was in progress.
func isPreconditionFailed(err error) bool {
	switch apiCode(err) {
	case "PreconditionFailed", "ConditionalRequestConflict":
		return true
	}
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// wrap adds the operation to internal errors and passes errors of the domain as they are
// (store.Wrap).
func wrap(op string, err error) error { return store.Wrap("s3blob", op, err) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
