package s3blob

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ikone-ds/wissensnetz/shared/store"
)

// Compile-time checks.
var (
	_ store.DirectBlobs = (*Direct)(nil)
	_ DirectAPI         = (*s3.Client)(nil)
	_ Presign           = (*s3.PresignClient)(nil)
)

// DirectAPI is the part of the S3 client that Direct uses; *s3.Client has it.
type DirectAPI interface {
	API
	GetObjectTagging(ctx context.Context, in *s3.GetObjectTaggingInput, optFns ...func(*s3.Options)) (*s3.GetObjectTaggingOutput, error)
}

// Presign signs requests that browsers send to S3; *s3.PresignClient has it. Signing
// calls nothing: the signed request is allowed if the signer's role may make it.
type Presign interface {
	PresignPostObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.PresignPostOptions)) (*s3.PresignedPostRequest, error)
	PresignGetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)
}

// Direct is a Store that browsers reach directly: presigned POST uploads and GET
// downloads, and object tags (the malware scan's result). It is safe for concurrent use.
type Direct struct {
	*Store
	api     DirectAPI
	presign Presign
}

// NewDirect returns a store on bucket like New, which also signs requests for browsers
// with presign (s3.NewPresignClient of the same client).
func NewDirect(client DirectAPI, presign Presign, bucket, prefix string) *Direct {
	return &Direct{Store: New(client, bucket, prefix), api: client, presign: presign}
}

// PresignPost returns a POST upload that p allows: the key starts with p.KeyPrefix,
// the size is within p.MinSize and p.MaxSize, and the form expires after p.Expiry.
// Returns EINVALID for a key prefix that PutBlob would reject.
func (d *Direct) PresignPost(ctx context.Context, p store.PostPolicy) (*store.PresignedPost, error) {
	if err := store.CheckBlobKey(p.Key); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(p.Key, p.KeyPrefix) || store.CheckBlobKey(p.KeyPrefix+"x") != nil {
		return nil, store.ErrBadBlobKey(p.KeyPrefix)
	}
	conditions := []any{
		[]any{"starts-with", "$key", d.prefix + p.KeyPrefix},
		[]any{"content-length-range", p.MinSize, p.MaxSize},
	}
	if p.Redirect != "" {
		conditions = append(conditions, map[string]string{"success_action_redirect": p.Redirect})
	}
	signed := time.Now()
	out, err := d.presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String(d.bucket), Key: aws.String(d.prefix + p.Key)},
		func(o *s3.PresignPostOptions) {
			o.Expires = p.Expiry
			o.Conditions = conditions
		})
	if err != nil {
		return nil, wrap("presign post "+p.KeyPrefix, err)
	}
	fields := make(map[string]string, len(out.Values)+1)
	for k, v := range out.Values {
		fields[k] = v
	}
	if p.Redirect != "" {
		fields["success_action_redirect"] = p.Redirect
	}
	return &store.PresignedPost{URL: out.URL, Fields: fields, Expires: signed.Add(p.Expiry)}, nil
}

// PresignGet returns an address from which the content under key can be read until the
// expiry, answered with the Content-Type and Content-Disposition of disp. Returns
// EINVALID for a key that PutBlob would reject.
func (d *Direct) PresignGet(ctx context.Context, key string, disp store.Disposition, expiry time.Duration) (string, error) {
	if err := store.CheckBlobKey(key); err != nil {
		return "", err
	}
	out, err := d.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket:                     aws.String(d.bucket),
		Key:                        aws.String(d.prefix + key),
		ResponseContentType:        optional(disp.ContentType),
		ResponseContentDisposition: optional(disp.ContentDisposition),
	}, s3.WithPresignExpires(expiry))
	if err != nil {
		return "", wrap("presign get "+key, err)
	}
	return out.URL, nil
}

// BlobTags returns the tags of the object under key. Returns ENOTFOUND, and EINVALID for a
// key that PutBlob would reject.
func (d *Direct) BlobTags(ctx context.Context, key string) (map[string]string, error) {
	if err := store.CheckBlobKey(key); err != nil {
		return nil, err
	}
	out, err := d.api.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(d.bucket), Key: aws.String(d.prefix + key)})
	if isNotFound(err) {
		return nil, store.ErrBlobNotFound()
	}
	if err != nil {
		return nil, wrap(fmt.Sprintf("tags of %s", key), err)
	}
	tags := make(map[string]string, len(out.TagSet))
	for _, t := range out.TagSet {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}
