package objects

import (
	"context"
	"time"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// PutRequest asks for a presigned PUT of one object.
type PutRequest struct {
	Bucket, Key string
	// ContentType is signed: the client must send exactly this Content-Type.
	ContentType string
	// ContentLength is signed: the body must be exactly this many bytes, 1
	// to MaxSinglePutSize. Empty objects are written with PutEmptyObject,
	// because SigV4 cannot sign a zero Content-Length into a URL.
	ContentLength int64
	// MaxObjectSize is the grant's upload limit; 0 means S3's own.
	MaxObjectSize int64
	// TTL is how long the URL stays valid; 0 means the default. It is capped
	// at the maximum.
	TTL time.Duration
	// NotAfter, if set, is when the deciding grant stops authorizing; the
	// URL expires by then.
	NotAfter time.Time
	// NoReplace signs If-None-Match: * in: S3 refuses the upload (412) when
	// the key already exists. Set it for callers without delete permission.
	NoReplace bool
}

// PresignPut returns a URL that uploads in.Key with exactly in.ContentType
// and in.ContentLength. When the connection names a KMS key, the SSE-KMS
// headers are signed in too and listed in Headers: S3 refuses the upload
// without them. With credential scoping the URL is signed with p's scoped
// session, so S3 refuses it unless p's grants allow the upload.
func (s *Service) PresignPut(ctx context.Context, p grant.Principal, in PutRequest) (PresignedRequest, error) {
	const op = "PresignPut"
	if err := validateWrite(op, in.Bucket, in.Key, in.ContentType, true, in.ContentLength, in.MaxObjectSize); err != nil {
		return PresignedRequest{}, err
	}
	if in.ContentLength < 1 {
		return PresignedRequest{}, invalid(op, "content length %d: a presigned PUT uploads 1 byte or more; use PutEmptyObject for an empty object", in.ContentLength)
	}
	if in.ContentLength > MaxSinglePutSize {
		return PresignedRequest{}, tooLarge(op, "%d bytes exceed the %d bytes of a single PUT; use a multipart upload", in.ContentLength, MaxSinglePutSize)
	}
	plan, err := s.planPresign(ctx, op, p, in.TTL, in.NotAfter)
	if err != nil {
		return PresignedRequest{}, err
	}
	input := s.putInput(in.Bucket, in.Key, in.ContentType, in.ContentLength, in.NoReplace)
	req, direct, err := s.direct.presignPut(ctx, input, plan)
	if !direct {
		req, err = s.presign.PresignPutObject(ctx, input, plan.sign())
	}
	if err != nil {
		return PresignedRequest{}, fromSDK(op, err)
	}
	return plan.request(req), nil
}
