package minio_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// outcome is what S3 did with one request, as far as authorization goes.
type outcome int

const (
	// allowed: the request passed authorization. It may still have failed
	// afterwards with "no such key/upload": MinIO authorizes every operation
	// here before it looks the object up, so a 404 proves the policy allowed it.
	allowed outcome = iota
	denied
)

func (o outcome) String() string {
	if o == allowed {
		return "allowed"
	}
	return "denied"
}

// classify maps an SDK error to an outcome. Anything that is neither success,
// AccessDenied nor a not-found after authorization is returned as an error:
// the matrix must not count a broken request as a decision.
func classify(err error) (outcome, error) {
	if err == nil {
		return allowed, nil
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "AccessDenied":
			return denied, nil
		case "NoSuchKey", "NoSuchUpload", "NotFound":
			return allowed, nil
		}
	}
	// HEAD responses have no body, so the SDK only sees the status code.
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		switch respErr.HTTPStatusCode() {
		case http.StatusForbidden:
			return denied, nil
		case http.StatusNotFound:
			return allowed, nil
		}
	}
	return denied, fmt.Errorf("unexpected error: %w", err)
}

// objectOp is an S3 operation on one object key, the IAM action S3 authorizes
// it with (per the S3 API reference's "Permissions" sections, which MinIO
// follows), and how to run it. run gets a fresh uploads fixture for the key.
type objectOp struct {
	name   string
	action string
	run    func(ctx context.Context, e *objectEnv) error
}

// objectEnv is what an object operation runs with: the subject's client, root's
// client for bookkeeping, the object, and root's uploads on it.
type objectEnv struct {
	subject, root *s3.Client
	bucket, key   string
	up            *uploads
}

// uploads are multipart uploads that root opened on a key, so that the
// part-level operations are tested on their own, independent of whether the
// subject may start an upload.
type uploads struct {
	// forParts receives UploadPart, ListParts and CompleteMultipartUpload.
	forParts string
	// forAbort receives AbortMultipartUpload.
	forAbort string
	// part is a part root uploaded into forParts, for CompleteMultipartUpload.
	part types.CompletedPart
}

const partBody = "part one"

var objectOps = []objectOp{
	{"PutObject", "s3:PutObject", func(ctx context.Context, e *objectEnv) error {
		_, err := e.subject.PutObject(ctx, &s3.PutObjectInput{Bucket: &e.bucket, Key: &e.key, Body: strings.NewReader("written by the matrix")})
		return err
	}},
	{"GetObject", "s3:GetObject", func(ctx context.Context, e *objectEnv) error {
		out, err := e.subject.GetObject(ctx, &s3.GetObjectInput{Bucket: &e.bucket, Key: &e.key})
		if err == nil {
			out.Body.Close()
		}
		return err
	}},
	// HeadObject has no action of its own: S3 and MinIO authorize it as GetObject.
	{"HeadObject", "s3:GetObject", func(ctx context.Context, e *objectEnv) error {
		_, err := e.subject.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &e.bucket, Key: &e.key})
		return err
	}},
	// Starting, filling and completing a multipart upload are all s3:PutObject.
	{"CreateMultipartUpload", "s3:PutObject", func(ctx context.Context, e *objectEnv) error {
		out, err := e.subject.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &e.bucket, Key: &e.key})
		if err == nil {
			// Root cleans up: the subject may lack s3:AbortMultipartUpload.
			_, err = e.root.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &e.bucket, Key: &e.key, UploadId: out.UploadId})
			if err != nil {
				err = fmt.Errorf("root abort: %w", err)
			}
		}
		return err
	}},
	{"UploadPart", "s3:PutObject", func(ctx context.Context, e *objectEnv) error {
		_, err := e.subject.UploadPart(ctx, &s3.UploadPartInput{Bucket: &e.bucket, Key: &e.key, UploadId: &e.up.forParts, PartNumber: aws.Int32(2), Body: strings.NewReader(partBody)})
		return err
	}},
	{"ListParts", "s3:ListMultipartUploadParts", func(ctx context.Context, e *objectEnv) error {
		_, err := e.subject.ListParts(ctx, &s3.ListPartsInput{Bucket: &e.bucket, Key: &e.key, UploadId: &e.up.forParts})
		return err
	}},
	{"CompleteMultipartUpload", "s3:PutObject", func(ctx context.Context, e *objectEnv) error {
		_, err := e.subject.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &e.bucket, Key: &e.key, UploadId: &e.up.forParts,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{e.up.part}}})
		return err
	}},
	{"AbortMultipartUpload", "s3:AbortMultipartUpload", func(ctx context.Context, e *objectEnv) error {
		_, err := e.subject.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &e.bucket, Key: &e.key, UploadId: &e.up.forAbort})
		return err
	}},
	// Last, so that the reads above find the object.
	{"DeleteObject", "s3:DeleteObject", func(ctx context.Context, e *objectEnv) error {
		_, err := e.subject.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &e.bucket, Key: &e.key})
		return err
	}},
}

// openUploads has root start the two multipart uploads the part-level
// operations of one case need.
func openUploads(ctx context.Context, root *s3.Client, bucket, key string) (*uploads, error) {
	var u uploads
	for _, id := range []*string{&u.forParts, &u.forAbort} {
		out, err := root.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &key})
		if err != nil {
			return nil, fmt.Errorf("root create upload %s: %w", key, err)
		}
		*id = aws.ToString(out.UploadId)
	}
	part, err := root.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: &key, UploadId: &u.forParts, PartNumber: aws.Int32(1), Body: strings.NewReader(partBody)})
	if err != nil {
		return nil, fmt.Errorf("root upload part %s: %w", key, err)
	}
	u.part = types.CompletedPart{PartNumber: aws.Int32(1), ETag: part.ETag}
	return &u, nil
}

// closeUploads aborts whatever the subject left open.
func closeUploads(ctx context.Context, root *s3.Client, bucket, key string, u *uploads) {
	for _, id := range []string{u.forParts, u.forAbort} {
		// Already completed or aborted by the subject: NoSuchUpload is fine.
		_, _ = root.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &bucket, Key: &key, UploadId: &id})
	}
}

// listObjects runs ListObjectsV2. A nil prefix or empty delimiter is left out
// of the request entirely, which is not the same as sending it empty: IAM and
// MinIO then see no s3:prefix (or s3:delimiter) key at all.
func listObjects(ctx context.Context, c *s3.Client, bucket string, prefix *string, delimiter string) error {
	in := &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: prefix}
	if delimiter != "" {
		in.Delimiter = &delimiter
	}
	_, err := c.ListObjectsV2(ctx, in)
	return err
}
