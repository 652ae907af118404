package objects

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/s3conn"
)

// GrantSource returns the Ready grants the server currently authorizes with
// that apply to p (its user or one of its groups), e.g. authz.Index.GrantsOf.
// It may return grants of every connection; a Service keeps those of its own.
// It is called only when scoped credentials are minted, so it may copy; it
// must not block for long.
type GrantSource func(p grant.Principal) []grant.Grant

// Options tune a Service. The zero value is valid for connections without
// credential scoping.
type Options struct {
	// DefaultTTL is the validity of a presigned URL whose request gives no
	// TTL; DefaultTTL if zero (capped by MaxTTL).
	DefaultTTL time.Duration
	// MaxTTL caps every requested TTL; DefaultMaxTTL if zero, but never more
	// than scoped credentials can outlive.
	MaxTTL time.Duration

	// Grants is required when the connection's iam.credentialScoping is
	// SessionPolicy: the session policy of a principal is generated from
	// these grants. Call Service.Invalidate whenever what it returns changes.
	Grants GrantSource
	// SessionDuration is how long scoped credentials last;
	// DefaultSessionDuration if zero. It must be at least MaxTTL plus a
	// minute, and between 15 minutes and 12 hours.
	SessionDuration time.Duration
	// MaxCachedSessions bounds the scoped-credential cache;
	// DefaultMaxCachedSessions if zero.
	MaxCachedSessions int

	// CallTimeout bounds every call to S3 or STS (all attempts together),
	// and each HTTP exchange; s3conn.DefaultCallTimeout if zero. A call that
	// runs out fails with KindTimeout.
	CallTimeout time.Duration

	// ClientOptions run last on the S3 client, e.g. to lower retries.
	ClientOptions []func(*s3.Options)
}

// Service performs the S3 operations of one connection for the server:
// presigned uploads and downloads, and the server-side calls around them. It
// never decides whether a caller may do something: the server asks the
// authorization index first. It is safe for concurrent use.
type Service struct {
	name    string
	kmsKey  string
	client  *s3.Client
	presign *s3.PresignClient
	// direct presigns PUTs as presign does, without its per-call stack
	// (see presign_direct.go).
	direct *directPresigner
	creds  aws.CredentialsProvider

	defaultTTL, maxTTL time.Duration
	callTimeout        time.Duration
	// scoped is nil unless the connection's credentialScoping is SessionPolicy.
	scoped *sessionCache
}

// New builds the Service of connection name from cfg, made by s3conn.Config
// from the same spec.
func New(cfg aws.Config, spec v1alpha1.S3ConnectionSpec, name string, opts Options) (*Service, error) {
	if name == "" {
		return nil, errors.New("objects: connection name is empty")
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("objects: connection %q: configuration has no credentials", name)
	}
	scoping := spec.IAM != nil && spec.IAM.CredentialScoping == v1alpha1.CredentialScopingSessionPolicy
	defaultTTL, maxTTL, session, err := resolveDurations(opts, scoping)
	if err != nil {
		return nil, fmt.Errorf("objects: connection %q: %w", name, err)
	}
	if opts.CallTimeout < 0 {
		return nil, fmt.Errorf("objects: connection %q: negative call timeout %v", name, opts.CallTimeout)
	}
	callTimeout := orDefault(opts.CallTimeout, s3conn.DefaultCallTimeout)
	cfg = s3conn.WithCallTimeout(cfg, callTimeout)
	// Presigned and client-driven uploads carry no checksum, and an upload
	// created with a checksum algorithm would demand one on every part, so
	// checksums are sent only where S3 requires them, on every provider.
	clientOpts := append([]func(*s3.Options){func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	}}, opts.ClientOptions...)
	client := s3conn.NewS3Client(cfg, spec, clientOpts...)
	s := &Service{
		name:        name,
		client:      client,
		presign:     s3.NewPresignClient(client),
		direct:      newDirectPresigner(client),
		creds:       cfg.Credentials,
		defaultTTL:  defaultTTL,
		maxTTL:      maxTTL,
		callTimeout: callTimeout,
	}
	if spec.KMS != nil {
		s.kmsKey = spec.KMS.KeyARN
	}
	if scoping {
		if opts.Grants == nil {
			return nil, fmt.Errorf("objects: connection %q: credentialScoping SessionPolicy needs Options.Grants", name)
		}
		conn := convert.Connection(&v1alpha1.S3Connection{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec})
		s.scoped = newSessionCache(cfg, spec, conn, opts.Grants, session, orDefault(opts.MaxCachedSessions, DefaultMaxCachedSessions))
		s.scoped.timeout = callTimeout
		s.scoped.shortest = max(s3conn.MinSessionDuration, maxTTL+2*credentialMargin)
	}
	return s, nil
}

// Connection returns the name of the connection s serves.
func (s *Service) Connection() string { return s.name }

// Scoped reports whether presigned URLs are signed with credentials scoped
// to the caller's grants.
func (s *Service) Scoped() bool { return s.scoped != nil }

// resolveDurations applies the defaults and checks that they fit together.
// Defaults give way to each other (a short session lowers the default TTLs);
// explicit values that contradict each other are an error.
func resolveDurations(o Options, scoping bool) (defaultTTL, maxTTL, session time.Duration, err error) {
	for _, d := range []time.Duration{o.DefaultTTL, o.MaxTTL, o.SessionDuration} {
		if d < 0 {
			return 0, 0, 0, fmt.Errorf("negative duration %v", d)
		}
	}
	session = orDefault(o.SessionDuration, DefaultSessionDuration)
	if scoping && (session < s3conn.MinSessionDuration || session > 12*time.Hour) {
		return 0, 0, 0, fmt.Errorf("session duration %v must be between %v and 12h", session, s3conn.MinSessionDuration)
	}
	maxTTL = o.MaxTTL
	if maxTTL == 0 {
		maxTTL = DefaultMaxTTL
		if scoping {
			maxTTL = min(maxTTL, session/2)
		}
	}
	if maxTTL > MaxPresignTTL {
		return 0, 0, 0, fmt.Errorf("maximum TTL %v exceeds the %v SigV4 allows", maxTTL, MaxPresignTTL)
	}
	if scoping && session < maxTTL+credentialMargin {
		return 0, 0, 0, fmt.Errorf("session duration %v must exceed the maximum TTL %v by at least %v, or URLs would outlive their credentials", session, maxTTL, credentialMargin)
	}
	defaultTTL = o.DefaultTTL
	if defaultTTL == 0 {
		defaultTTL = min(DefaultTTL, maxTTL)
	}
	if defaultTTL > maxTTL {
		return 0, 0, 0, fmt.Errorf("default TTL %v exceeds the maximum TTL %v", defaultTTL, maxTTL)
	}
	if defaultTTL < time.Second {
		return 0, 0, 0, fmt.Errorf("default TTL %v is below one second", defaultTTL)
	}
	return defaultTTL, maxTTL, session, nil
}

// ttl returns the validity a request gets: its own, or the default, capped
// at the maximum. SigV4 counts whole seconds.
func (s *Service) ttl(op string, requested time.Duration) (time.Duration, error) {
	switch {
	case requested == 0:
		return s.defaultTTL, nil
	case requested < time.Second:
		return 0, invalid(op, "TTL %v is below one second", requested)
	}
	return min(requested, s.maxTTL).Truncate(time.Second), nil
}

// deadline bounds one call to S3 or STS by the service's call timeout.
func (s *Service) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.callTimeout)
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
