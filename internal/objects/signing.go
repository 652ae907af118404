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

// presignPlan is what one presign call signs with: the TTL (the request's or
// the default, capped at the maximum and at the grant's end), the
// credentials chosen for it, and when the URL stops working. Every presign
// method goes through planPresign, so no URL escapes the caps.
type presignPlan struct {
	creds   aws.Credentials
	ttl     time.Duration
	expires time.Time
}

// planPresign resolves requested (0: the default) into a plan. notAfter,
// when set, is when the deciding grant stops authorizing: the URL expires by
// then, and a grant with less than a second left signs nothing.
func (s *Service) planPresign(ctx context.Context, op string, p grant.Principal, requested time.Duration, notAfter time.Time) (presignPlan, error) {
	ttl, err := s.ttl(op, requested)
	if err != nil {
		return presignPlan{}, err
	}
	now := time.Now()
	if !notAfter.IsZero() {
		left := notAfter.Sub(now.Truncate(time.Second)).Truncate(time.Second)
		if left < time.Second {
			return presignPlan{}, &Error{Kind: KindAccessDenied, Op: op, Message: "the grant expires at " + notAfter.UTC().Format(time.RFC3339) + "; nothing is signed after it"}
		}
		ttl = min(ttl, left)
	}
	ctx, cancel := s.deadline(ctx)
	defer cancel()
	creds, err := s.signingCredentials(ctx, op, p, ttl)
	if err != nil {
		return presignPlan{}, err
	}
	return presignPlan{creds: creds, ttl: ttl, expires: expiry(now, ttl, creds)}, nil
}

// sign is the per-call option of a presign call following the plan.
func (pl presignPlan) sign() func(*s3.PresignOptions) { return signWith(pl.creds, pl.ttl) }

// request is the PresignedRequest of a URL signed under the plan.
func (pl presignPlan) request(req *v4.PresignedHTTPRequest) PresignedRequest {
	return PresignedRequest{URL: req.URL, Method: req.Method, Headers: headersToSend(req.SignedHeader), ExpiresAt: pl.expires}
}
