package objects

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/grant"
)

// signingCredentials returns the credentials to presign with for p: p's
// scoped session, valid for ttl plus a margin, or the connection's own
// credentials, which may expire sooner (expiry then shortens the URL's
// reported lifetime).
func (s *Service) signingCredentials(ctx context.Context, op string, p grant.Principal, ttl time.Duration) (aws.Credentials, error) {
	if s.scoped != nil {
		return s.scoped.get(ctx, op, p, ttl)
	}
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		e := fromSDK(op, err)
		e.Message = "connection credentials: " + e.Message
		return aws.Credentials{}, e
	}
	return creds, nil
}

// expiry is when a URL signed now with creds for ttl stops working: at the
// end of its TTL, or earlier when the credentials expire first (connection
// credentials from assumeRole or pod identity near the end of their session).
// Signing times have whole-second precision, so now is truncated.
func expiry(now time.Time, ttl time.Duration, creds aws.Credentials) time.Time {
	at := now.Truncate(time.Second).Add(ttl)
	if creds.CanExpire && creds.Expires.Before(at) {
		return creds.Expires
	}
	return at
}

// credentialsProvider hands out fixed credentials: the ones a presign call
// already chose, so that the URL's expiry is computed from the same ones.
type credentialsProvider aws.Credentials

// Retrieve returns the fixed credentials.
func (c credentialsProvider) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials(c), nil
}

// signWith makes a presign call sign with creds for ttl. The per-call
// option keeps the shared presign client untouched: making a presign client
// per call is not safe for concurrent use in aws-sdk-go-v2 (s3.New writes to
// options shared with the base client).
func signWith(creds aws.Credentials, ttl time.Duration) func(*s3.PresignOptions) {
	return func(o *s3.PresignOptions) {
		o.Expires = ttl
		o.ClientOptions = append(o.ClientOptions, func(o *s3.Options) {
			o.Credentials = credentialsProvider(creds)
		})
	}
}

// postSignerWith makes a POST presigner sign with creds instead of the
// credentials the SDK hands it. PresignPostObject ignores
// PresignPostOptions.ClientOptions, so the credentials cannot be set the way
// signWith sets them; the policy's X-Amz-Credential and X-Amz-Security-Token
// conditions are built from the credentials the presigner receives, so they
// match the signature.
type postSignerWith struct {
	inner s3.PresignPost
	creds aws.Credentials
}

// PresignPost signs with p.creds.
func (p postSignerWith) PresignPost(_ aws.Credentials, bucket, key, region, service string, signingTime time.Time, conditions []any, expirationTime time.Time, optFns ...func(*v4.SignerOptions)) (map[string]string, error) {
	if p.inner == nil {
		return nil, fmt.Errorf("sign POST policy: the SDK provided no POST presigner")
	}
	fields, err := p.inner.PresignPost(p.creds, bucket, key, region, service, signingTime, conditions, expirationTime, optFns...)
	if err != nil {
		return nil, fmt.Errorf("sign POST policy: %w", err)
	}
	return fields, nil
}
