package objects

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ObjectInfo is what HeadObject tells about an object.
type ObjectInfo struct {
	Bucket, Key string
	Size        int64
	// ETag without quotes; "<md5>-<parts>" for multipart uploads.
	ETag         string
	ContentType  string
	LastModified time.Time
	// ServerSideEncryption is "aws:kms", "AES256" or empty; KMSKeyID names
	// the key of SSE-KMS objects.
	ServerSideEncryption string
	KMSKeyID             string
}

// HeadObject returns the size, ETag and content type of an object, which the
// server checks when a client confirms an upload. It uses the connection's
// credentials.
func (s *Service) HeadObject(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	const op = "HeadObject"
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	if err := validateObject(op, bucket, key); err != nil {
		return ObjectInfo{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return ObjectInfo{}, fromSDK(op, err)
	}
	return ObjectInfo{
		Bucket:               bucket,
		Key:                  key,
		Size:                 aws.ToInt64(out.ContentLength),
		ETag:                 unquote(aws.ToString(out.ETag)),
		ContentType:          aws.ToString(out.ContentType),
		LastModified:         aws.ToTime(out.LastModified),
		ServerSideEncryption: string(out.ServerSideEncryption),
		KMSKeyID:             aws.ToString(out.SSEKMSKeyId),
	}, nil
}

// DeleteObject deletes one object with the connection's credentials. Like
// S3, it succeeds when the object does not exist; in a versioned bucket it
// adds a delete marker.
func (s *Service) DeleteObject(ctx context.Context, bucket, key string) error {
	const op = "DeleteObject"
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	if err := validateObject(op, bucket, key); err != nil {
		return err
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		return fromSDK(op, err)
	}
	return nil
}

// PutEmptyObject writes a zero-byte object with the connection's
// credentials (and SSE-KMS when configured): a presigned PUT cannot sign a
// zero Content-Length, so empty files are created by the server itself.
// With noReplace it sends If-None-Match: *, and an existing object makes it
// fail with KindAlreadyExists.
func (s *Service) PutEmptyObject(ctx context.Context, bucket, key, contentType string, noReplace bool) (ObjectInfo, error) {
	const op = "PutEmptyObject"
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	if err := validateWrite(op, bucket, key, contentType, true, 0, 0); err != nil {
		return ObjectInfo{}, err
	}
	in := s.putInput(bucket, key, contentType, 0, noReplace)
	in.Body = strings.NewReader("")
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		return ObjectInfo{}, fromSDK(op, err)
	}
	return ObjectInfo{
		Bucket:               bucket,
		Key:                  key,
		ETag:                 unquote(aws.ToString(out.ETag)),
		ContentType:          contentType,
		ServerSideEncryption: string(out.ServerSideEncryption),
		KMSKeyID:             aws.ToString(out.SSEKMSKeyId),
	}, nil
}

// unquote strips the quotes S3 puts around ETags.
func unquote(etag string) string {
	return strings.Trim(etag, `"`)
}
