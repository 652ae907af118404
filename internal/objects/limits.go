package objects

import "time"

// S3's limits on objects and multipart uploads (Amazon S3 User Guide,
// "Amazon S3 multipart upload limits"). MinIO enforces the same ones.
const (
	// MinPartSize is the smallest part of a multipart upload, except the last.
	MinPartSize int64 = 5 << 20
	// MaxPartSize is the largest part of a multipart upload.
	MaxPartSize int64 = 5 << 30
	// MaxParts is the most parts one multipart upload may have; part numbers
	// run from 1 to MaxParts.
	MaxParts = 10000
	// MaxObjectSize is the largest object S3 stores.
	MaxObjectSize int64 = 5 << 40
	// MaxSinglePutSize is the largest object one PUT or POST may upload;
	// larger objects need a multipart upload.
	MaxSinglePutSize int64 = 5 << 30
	// MaxPresignTTL is the longest a SigV4 presigned URL can be valid.
	MaxPresignTTL = 7 * 24 * time.Hour
)

// Defaults of Options.
const (
	// DefaultTTL is how long presigned URLs stay valid when the request does
	// not say.
	DefaultTTL = 15 * time.Minute
	// DefaultMaxTTL caps the TTL a request may ask for.
	DefaultMaxTTL = 30 * time.Minute
	// DefaultSessionDuration is how long scoped STS credentials last. One
	// hour is what every AWS role allows, chained or not.
	DefaultSessionDuration = time.Hour
	// DefaultMaxCachedSessions bounds the scoped-credential cache.
	DefaultMaxCachedSessions = 10000
	// DefaultPartSize is the part size PlanParts prefers.
	DefaultPartSize int64 = 8 << 20
)

// MaxPartURLsPerCall bounds one PresignUploadParts call, so that a single
// request cannot make the server sign 10,000 URLs at once; clients ask in
// batches.
const MaxPartURLsPerCall = 1000

// credentialMargin is how long a signing credential must outlive the URL it
// signs: clock skew between the server and S3, and the time the client takes
// to start the request.
const credentialMargin = time.Minute

// mintTimeout bounds one STS call that mints scoped credentials unless
// Options.CallTimeout says otherwise. It runs detached from the caller's
// context because other callers may share it.
const mintTimeout = 30 * time.Second
