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
	"github.com/s3am/s3-access-manager/internal/redact"
)

// PostRequest asks for a browser form upload (HTTP POST) of one object.
type PostRequest struct {
	// Bucket and Key name the object; the policy fixes the key exactly, so
	// the form can write no other key (with ".." segments or elsewhere in
	// the folder) than the one the server validated and authorized.
	Bucket, Key string
	// ContentType, if set, is the only Content-Type the form may carry;
	// otherwise the form may carry any.
	ContentType string
	// MaxObjectSize, if positive, is signed in as content-length-range
	// 1..MaxObjectSize (at most MaxSinglePutSize).
	MaxObjectSize int64
	// TTL is how long the form stays valid; 0 means the default. It is
	// capped at the maximum.
	TTL time.Duration
	// NotAfter, if set, is when the deciding grant stops authorizing; the
	// form expires by then.
	NotAfter time.Time
	// NoReplace refuses to sign (KindAlreadyExists) when the key already
	// holds an object. POST policies have no If-None-Match condition, so
	// this is checked when signing: an object written at the key between
	// signing and posting is replaced.
	NoReplace bool
}

// PresignedPost is an HTML form upload: POST a multipart/form-data body to
// URL with every field of Fields, then the file last, in a field named
// "file". Fields holds the signature, credential and
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

// PresignPost returns a form that uploads in.Key. The policy's conditions
// are the exact key, the Content-Type (exact when in.ContentType is set,
// anything otherwise), the SSE-KMS fields when the connection names a KMS
// key, and content-length-range when in.MaxObjectSize is set. With
// credential scoping it is signed with p's scoped session.
func (s *Service) PresignPost(ctx context.Context, p grant.Principal, in PostRequest) (PresignedPost, error) {
	const op = "PresignPost"
	if err := validateWrite(op, in.Bucket, in.Key, in.ContentType, false, 0, in.MaxObjectSize); err != nil {
		return PresignedPost{}, err
	}
	if in.NoReplace {
		if err := s.absent(ctx, op, in.Bucket, in.Key); err != nil {
			return PresignedPost{}, err
		}
	}
	plan, err := s.planPresign(ctx, op, p, in.TTL, in.NotAfter)
	if err != nil {
		return PresignedPost{}, err
	}

	// Every form field but the file, the policy and the signature fields
	// needs a condition, or S3 refuses the form.
	fields := map[string]string{}
	conditions := []any{map[string]string{"key": in.Key}}
	if in.ContentType != "" {
		conditions = append(conditions, map[string]string{"Content-Type": in.ContentType})
		fields["Content-Type"] = in.ContentType
	} else {
		conditions = append(conditions, []any{"starts-with", "$Content-Type", ""})
	}
	if sse, keyID := s.sseKMS(); keyID != nil {
		conditions = append(conditions,
			map[string]string{"x-amz-server-side-encryption": string(sse)},
			map[string]string{"x-amz-server-side-encryption-aws-kms-key-id": *keyID})
		fields["x-amz-server-side-encryption"] = string(sse)
		fields["x-amz-server-side-encryption-aws-kms-key-id"] = *keyID
	}
	if in.MaxObjectSize > 0 {
		conditions = append(conditions, []any{"content-length-range", 1, min(in.MaxObjectSize, MaxSinglePutSize)})
	}
	req, err := s.presign.PresignPostObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(in.Bucket),
		Key:    aws.String(in.Key),
	}, func(o *s3.PresignPostOptions) {
		o.Expires = plan.ttl
		o.Conditions = conditions
		o.PostPresigner = postSignerWith{inner: o.PostPresigner, creds: plan.creds}
	})
	if err != nil {
		return PresignedPost{}, fromSDK(op, err)
	}
	maps.Copy(fields, req.Values)
	return PresignedPost{URL: req.URL, Fields: fields, ExpiresAt: plan.expires}, nil
}

// absent fails with KindAlreadyExists when key holds an object.
func (s *Service) absent(ctx context.Context, op, bucket, key string) error {
	_, err := s.HeadObject(ctx, bucket, key)
	switch KindOf(err) {
	case KindNotFound:
		return nil
	case "":
		return &Error{Kind: KindAlreadyExists, Op: op, Message: kindMessages[KindAlreadyExists]}
	}
	e := fromSDK(op, err)
	e.Op = op
	return e
}
