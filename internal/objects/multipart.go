package objects

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// maxUploadIDLen bounds an upload ID taken from a client; S3's are far
// shorter.
const maxUploadIDLen = 1024

// MultipartRequest starts a multipart upload.
type MultipartRequest struct {
	Bucket, Key string
	// ContentType the object will have.
	ContentType string
	// Size, if positive, is the total the client announces; it is checked
	// against MaxObjectSize now, and Complete checks the real total anyway.
	Size int64
	// MaxObjectSize is the grant's upload limit; 0 means S3's own.
	MaxObjectSize int64
}

// MultipartUpload identifies a started multipart upload.
type MultipartUpload struct {
	Bucket   string `json:"bucket"`
	Key      string `json:"key"`
	UploadID string `json:"uploadId"`
}

// CreateMultipartUpload starts a multipart upload with the connection's
// credentials, with the content type and, when the connection names a KMS
// key, SSE-KMS (parts then need no encryption headers).
func (s *Service) CreateMultipartUpload(ctx context.Context, in MultipartRequest) (MultipartUpload, error) {
	const op = "CreateMultipartUpload"
	if err := validateWrite(op, in.Bucket, in.Key, in.ContentType, true, in.Size, in.MaxObjectSize); err != nil {
		return MultipartUpload{}, err
	}
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	input := &s3.CreateMultipartUploadInput{
		Bucket:      aws.String(in.Bucket),
		Key:         aws.String(in.Key),
		ContentType: aws.String(in.ContentType),
	}
	input.ServerSideEncryption, input.SSEKMSKeyId = s.sseKMS()
	out, err := s.client.CreateMultipartUpload(ctx, input)
	if err != nil {
		return MultipartUpload{}, fromSDK(op, err)
	}
	id := aws.ToString(out.UploadId)
	if id == "" {
		return MultipartUpload{}, &Error{Kind: KindInternal, Op: op, Message: "S3 returned no upload ID"}
	}
	return MultipartUpload{Bucket: in.Bucket, Key: in.Key, UploadID: id}, nil
}

// PartToSign is one part a client wants to upload.
type PartToSign struct {
	// Number is the part number, 1 to MaxParts.
	Number int32 `json:"partNumber"`
	// Size is signed as the part's Content-Length: the part must be exactly
	// this many bytes, 1 to MaxPartSize. It is required: a URL without a
	// signed length would take a part of any size.
	Size int64 `json:"size"`
}

// PartURLsRequest asks for presigned UploadPart URLs.
type PartURLsRequest struct {
	Bucket, Key, UploadID string
	// Parts to sign, at most MaxPartURLsPerCall, without duplicates.
	Parts []PartToSign
	// TTL is how long the URLs stay valid; 0 means the default. It is
	// capped at the maximum.
	TTL time.Duration
	// NotAfter, if set, is when the deciding grant stops authorizing; the
	// URLs expire by then.
	NotAfter time.Time
	// MaxObjectSize is the grant's upload limit; 0 means S3's own. A part
	// whose upload alone would make the object exceed it is refused: part n
	// of size b needs at least (n-1)*MinPartSize + b bytes in all.
	MaxObjectSize int64
}

// PresignedPart is the URL that uploads one part. The part's ETag comes back
// in the response's ETag header; the client passes it to Complete.
type PresignedPart struct {
	Number int32 `json:"partNumber"`
	PresignedRequest
}

// PresignUploadParts signs one UploadPart URL per requested part. The upload
// itself is not looked up (S3 refuses parts of an unknown upload). With
// credential scoping they are signed with p's scoped session.
func (s *Service) PresignUploadParts(ctx context.Context, p grant.Principal, in PartURLsRequest) ([]PresignedPart, error) {
	const op = "PresignUploadParts"
	if err := validateUpload(op, in.Bucket, in.Key, in.UploadID); err != nil {
		return nil, err
	}
	if err := validatePartsToSign(op, in.Parts, in.MaxObjectSize); err != nil {
		return nil, err
	}
	plan, err := s.planPresign(ctx, op, p, in.TTL, in.NotAfter)
	if err != nil {
		return nil, err
	}
	sign := plan.sign()
	out := make([]PresignedPart, 0, len(in.Parts))
	for _, part := range in.Parts {
		req, err := s.presign.PresignUploadPart(ctx, &s3.UploadPartInput{
			Bucket:        aws.String(in.Bucket),
			Key:           aws.String(in.Key),
			UploadId:      aws.String(in.UploadID),
			PartNumber:    aws.Int32(part.Number),
			ContentLength: aws.Int64(part.Size),
		}, sign)
		if err != nil {
			return nil, fromSDK(op, err)
		}
		out = append(out, PresignedPart{Number: part.Number, PresignedRequest: plan.request(req)})
	}
	return out, nil
}

// Part is an uploaded part, as ListParts reports it.
type Part struct {
	Number int32 `json:"partNumber"`
	Size   int64 `json:"size"`
	// ETag without quotes.
	ETag         string    `json:"etag"`
	LastModified time.Time `json:"lastModified"`
}

// ListParts returns every uploaded part of an upload, all pages, in part
// number order, with the connection's credentials. A client resumes an
// interrupted upload by uploading the parts missing from it.
func (s *Service) ListParts(ctx context.Context, bucket, key, uploadID string) ([]Part, error) {
	const op = "ListParts"
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	if err := validateUpload(op, bucket, key, uploadID); err != nil {
		return nil, err
	}
	pages := s3.NewListPartsPaginator(s.client, &s3.ListPartsInput{
		Bucket:   aws.String(bucket),
		Key:      aws.String(key),
		UploadId: aws.String(uploadID),
		MaxParts: aws.Int32(MaxListPage),
	}, func(o *s3.ListPartsPaginatorOptions) { o.StopOnDuplicateToken = true })
	var parts []Part
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fromSDK(op, err)
		}
		for _, p := range page.Parts {
			parts = append(parts, Part{
				Number:       aws.ToInt32(p.PartNumber),
				Size:         aws.ToInt64(p.Size),
				ETag:         unquote(aws.ToString(p.ETag)),
				LastModified: aws.ToTime(p.LastModified),
			})
		}
		if len(parts) > MaxParts {
			return nil, &Error{Kind: KindInternal, Op: op, Message: "S3 listed more parts than an upload can have"}
		}
	}
	return parts, nil
}

// CompletedPart is a part the client uploaded, with the ETag S3 returned.
type CompletedPart struct {
	Number int32  `json:"partNumber"`
	ETag   string `json:"etag"`
}

// CompleteRequest finishes a multipart upload.
type CompleteRequest struct {
	Bucket, Key, UploadID string
	// Parts in ascending part number order, each with the ETag its upload
	// returned (quoted or not).
	Parts []CompletedPart
	// MaxObjectSize is the grant's upload limit; 0 means S3's own.
	MaxObjectSize int64
	// NoReplace sends If-None-Match: *: S3 refuses to complete (412,
	// KindAlreadyExists) when the key already holds an object.
	NoReplace bool
}

// CompletedUpload is the object a completed multipart upload made.
type CompletedUpload struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// ETag without quotes, "<md5 of part md5s>-<parts>".
	ETag  string `json:"etag"`
	Size  int64  `json:"size"`
	Parts int    `json:"parts"`
}

// CompleteMultipartUpload checks the client's parts against ListParts and,
// if every one is right, completes the upload with the connection's
// credentials. Each part must have been uploaded with that ETag; numbers
// must ascend without duplicates; every part but the last must be at least
// MinPartSize, none more than MaxPartSize, and the total within
// MaxObjectSize and the grant's limit. A refusal is KindInvalidPart,
// KindEntityTooSmall or KindEntityTooLarge, naming the part; the upload is
// left as it was, so the client can fix and retry, or abort.
func (s *Service) CompleteMultipartUpload(ctx context.Context, in CompleteRequest) (CompletedUpload, error) {
	const op = "CompleteMultipartUpload"
	if err := validateUpload(op, in.Bucket, in.Key, in.UploadID); err != nil {
		return CompletedUpload{}, err
	}
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	listed, err := s.ListParts(ctx, in.Bucket, in.Key, in.UploadID)
	if err != nil {
		e := fromSDK(op, err)
		e.Op = op
		return CompletedUpload{}, e
	}
	total, cerr := checkCompletion(op, listed, in.Parts, in.MaxObjectSize)
	if cerr != nil {
		return CompletedUpload{}, cerr
	}
	parts := make([]types.CompletedPart, len(in.Parts))
	for i, p := range in.Parts {
		parts[i] = types.CompletedPart{PartNumber: aws.Int32(p.Number), ETag: aws.String(`"` + unquote(p.ETag) + `"`)}
	}
	out, err := s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(in.Bucket),
		Key:             aws.String(in.Key),
		UploadId:        aws.String(in.UploadID),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		IfNoneMatch:     ifNoneMatch(in.NoReplace),
	})
	if err != nil {
		return CompletedUpload{}, fromSDK(op, err)
	}
	return CompletedUpload{
		Bucket: in.Bucket, Key: in.Key,
		ETag: unquote(aws.ToString(out.ETag)), Size: total, Parts: len(parts),
	}, nil
}

// AbortMultipartUpload discards an upload and its parts with the
// connection's credentials. Like DeleteObject it is idempotent: an upload
// that no longer exists (AWS answers NoSuchUpload, MinIO success) is not an
// error, so a retried abort succeeds. S3 may keep a part whose upload was
// still running during the abort; aborting again once clients have stopped
// removes it.
func (s *Service) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	const op = "AbortMultipartUpload"
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	if err := validateUpload(op, bucket, key, uploadID); err != nil {
		return err
	}
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
	})
	if err != nil {
		if e := fromSDK(op, err); e.Kind != KindNoSuchUpload {
			return e
		}
	}
	return nil
}

func validateUpload(op, bucket, key, uploadID string) *Error {
	if err := validateObject(op, bucket, key); err != nil {
		return err
	}
	if uploadID == "" || len(uploadID) > maxUploadIDLen {
		return invalid(op, "upload ID must be 1 to %d bytes long", maxUploadIDLen)
	}
	return nil
}
