package objects

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
	"github.com/s3am/s3-access-manager/internal/redact"
)

// FilenameVariable in a POST form's key field is replaced by S3 with the
// name of the uploaded file.
const FilenameVariable = "${filename}"

// PostRequest asks for a browser form upload (HTTP POST) into a folder.
type PostRequest struct {
	Bucket string
	// Folder is the prefix every key must start with, ending in "/"; empty
	// means the whole bucket. The policy checks only that the key starts
	// with it, so keys that keys.ValidateKey refuses (with ".." or "//"
	// segments) can be posted: the server must validate the key when the
	// client confirms the upload, and scoped credentials still confine it to
	// the caller's grants.
	Folder string
	// ContentType, if set, is the only Content-Type the form may carry;
	// otherwise the form may carry any.
	ContentType string
	// MaxObjectSize, if positive, is signed in as content-length-range
	// 1..MaxObjectSize (at most MaxSinglePutSize).
	MaxObjectSize int64
	// TTL is how long the form stays valid; 0 means the default. It is
	// capped at the maximum.
	TTL time.Duration
}

// PresignedPost is an HTML form upload: POST a multipart/form-data body to
// URL with every field of Fields, then the file last, in a field named
// "file". The key field holds Folder + "${filename}"; the client may replace
// it with any key under Folder. Fields holds the signature, credential and
// session token: String and LogValue print only the field names.
type PresignedPost struct {
	// URL is the bucket's URL.
	URL string `json:"url"`
	// Fields are the form fields to send before the file.
	Fields map[string]string `json:"fields"`
	// ExpiresAt is when the policy stops being accepted.
	ExpiresAt time.Time `json:"expiresAt"`
}

// String describes the form without its secret fields.
func (p PresignedPost) String() string {
	names := slices.Sorted(maps.Keys(p.Fields))
	s := "POST " + redact.String(p.URL) + " fields ["
	for i, n := range names {
		if i > 0 {
			s += " "
		}
		s += n
	}
	return s + "] (expires " + p.ExpiresAt.UTC().Format(time.RFC3339) + ")"
}

// LogValue makes slog print the redacted form.
func (p PresignedPost) LogValue() slog.Value { return slog.StringValue(p.String()) }

// PresignPost returns a form that uploads one file under in.Folder. The
// policy's conditions are ["starts-with", "$key", Folder], the Content-Type
// (exact when in.ContentType is set, anything otherwise), the SSE-KMS fields
// when the connection names a KMS key, and content-length-range when
// in.MaxObjectSize is set. With credential scoping it is signed with p's
// scoped session, so S3 refuses keys outside p's grants even inside Folder.
func (s *Service) PresignPost(ctx context.Context, p grant.Principal, in PostRequest) (PresignedPost, error) {
	const op = "PresignPost"
	if err := keys.ValidateBucket(in.Bucket); err != nil {
		return PresignedPost{}, invalidErr(op, err)
	}
	if err := keys.ValidateListPrefix(in.Folder); err != nil {
		return PresignedPost{}, invalidErr(op, err)
	}
	if err := validateContentType(op, in.ContentType, false); err != nil {
		return PresignedPost{}, err
	}
	if in.MaxObjectSize < 0 {
		return PresignedPost{}, invalid(op, "maximum object size %d is negative", in.MaxObjectSize)
	}
	ttl, err := s.ttl(op, in.TTL)
	if err != nil {
		return PresignedPost{}, err
	}

	// Every form field but the file, the policy and the signature fields
	// needs a condition, or S3 refuses the form.
	fields := map[string]string{}
	conditions := []any{[]any{"starts-with", "$key", in.Folder}}
	if in.ContentType != "" {
		conditions = append(conditions, map[string]string{"Content-Type": in.ContentType})
		fields["Content-Type"] = in.ContentType
	} else {
		conditions = append(conditions, []any{"starts-with", "$Content-Type", ""})
	}
	if s.kmsKey != "" {
		conditions = append(conditions,
			map[string]string{"x-amz-server-side-encryption": "aws:kms"},
			map[string]string{"x-amz-server-side-encryption-aws-kms-key-id": s.kmsKey})
		fields["x-amz-server-side-encryption"] = "aws:kms"
		fields["x-amz-server-side-encryption-aws-kms-key-id"] = s.kmsKey
	}
	if in.MaxObjectSize > 0 {
		conditions = append(conditions, []any{"content-length-range", 1, min(in.MaxObjectSize, MaxSinglePutSize)})
	}

	now := time.Now()
	creds, err := s.signingCredentials(ctx, op, p, ttl)
	if err != nil {
		return PresignedPost{}, err
	}
	req, err := s.presign.PresignPostObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(in.Bucket),
		Key:    aws.String(in.Folder + FilenameVariable),
	}, func(o *s3.PresignPostOptions) {
		o.Expires = ttl
		o.Conditions = conditions
		o.PostPresigner = postSignerWith{inner: o.PostPresigner, creds: creds}
	})
	if err != nil {
		return PresignedPost{}, fromSDK(op, err)
	}
	maps.Copy(fields, req.Values)
	return PresignedPost{URL: req.URL, Fields: fields, ExpiresAt: expiry(now, ttl, creds)}, nil
}
