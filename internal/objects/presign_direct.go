package objects

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyauth "github.com/aws/smithy-go/auth"
	"github.com/aws/smithy-go/encoding/httpbinding"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Presigning a PUT through s3.PresignClient builds the operation's whole
// middleware stack and evaluates the endpoint rules on every call, which
// cost more CPU than the signature itself and allocated most of the
// server's bytes under load. The direct presigner below signs the same
// request with the SDK's own v4 signer: the endpoint of a bucket is resolved
// once, by the client's own EndpointResolverV2 with the parameters the
// client binds, and the request is built as the SDK's PutObject serializer
// builds it (path /{Key+} escaped by smithy's httpbinding, x-id=PutObject,
// X-Amz-Expires, the same headers). presign_direct_test.go holds the URLs
// and signed headers to the PresignClient's, byte for byte. Whatever the
// direct path does not cover exactly (ARNs, a legacy endpoint resolver, an
// endpoint that is not plain SigV4 or that adds headers) goes through the
// PresignClient.

// putPresignPayload is the payload hash of every presigned PUT: the body is
// not known when signing.
const putPresignPayload = "UNSIGNED-PAYLOAD"

// maxEndpoints bounds the buckets whose endpoint a Service remembers; only
// authorized buckets reach presigning, so the bound is generous.
const maxEndpoints = 1024

// bucketEndpoint is where the requests of one bucket go and how they are
// signed; direct is false when the PresignClient must sign them.
type bucketEndpoint struct {
	direct                     bool
	scheme, host               string
	path, rawPath              string
	signingName, signingRegion string
}

// directPresigner presigns the PUTs of one Service.
type directPresigner struct {
	options s3.Options
	signer  *v4.Signer
	// usable is false when the client is configured in a way the direct
	// path does not reproduce; every call then goes to the PresignClient.
	usable bool
	// now is the signing time (time.Now; fixed by the test comparing URLs
	// with the PresignClient's).
	now func() time.Time

	mu        sync.RWMutex
	endpoints map[string]bucketEndpoint
}

func newDirectPresigner(client *s3.Client) *directPresigner {
	o := client.Options()
	return &directPresigner{
		options: o,
		// The signer the PresignClient builds for S3 (newDefaultV4Signer):
		// S3 paths are signed as sent, not escaped twice.
		signer: v4.NewSigner(func(so *v4.SignerOptions) {
			so.Logger = o.Logger
			so.LogSigning = o.ClientLogMode.IsSigning()
			so.DisableURIPathEscaping = true
		}),
		// A legacy endpoint resolver, API options (middleware of their
		// own) or signing logs change what the PresignClient does in ways
		// not reproduced here.
		usable: o.EndpointResolverV2 != nil && o.EndpointResolver == nil && //nolint:staticcheck // see above
			len(o.APIOptions) == 0 && !o.UseAccelerate && !o.ClientLogMode.IsSigning(),
		now:       time.Now,
		endpoints: map[string]bucketEndpoint{},
	}
}

// endpoint returns bucket's endpoint, resolving it on first use.
func (d *directPresigner) endpoint(ctx context.Context, bucket string) bucketEndpoint {
	d.mu.RLock()
	ep, ok := d.endpoints[bucket]
	d.mu.RUnlock()
	if ok {
		return ep
	}
	ep = d.resolve(ctx, bucket)
	d.mu.Lock()
	if len(d.endpoints) >= maxEndpoints {
		clear(d.endpoints)
	}
	d.endpoints[bucket] = ep
	d.mu.Unlock()
	return ep
}

// resolve asks the client's endpoint resolver for bucket's endpoint with the
// parameters the client binds for PutObject (bindEndpointParams: region,
// FIPS, dual-stack, base endpoint, path style, acceleration, MRAP, ARN
// region, express session auth, bucket; the key is bound but no rule reads
// it). An endpoint the direct path cannot reproduce is marked indirect.
func (d *directPresigner) resolve(ctx context.Context, bucket string) bucketEndpoint {
	o := d.options
	// ARNs name access points; the SDK maps FIPS pseudo-regions
	// (bindRegion): both are left to the PresignClient.
	if !d.usable || bucket == "" || strings.ContainsAny(bucket, ":/") || o.Region == "" || strings.Contains(o.Region, "fips") {
		return bucketEndpoint{}
	}
	params := s3.EndpointParameters{
		Bucket:                         &bucket,
		Region:                         &o.Region,
		UseFIPS:                        aws.Bool(o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled),
		UseDualStack:                   aws.Bool(o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled),
		Endpoint:                       o.BaseEndpoint,
		ForcePathStyle:                 aws.Bool(o.UsePathStyle),
		Accelerate:                     aws.Bool(o.UseAccelerate),
		DisableMultiRegionAccessPoints: aws.Bool(o.DisableMultiRegionAccessPoints),
		UseArnRegion:                   aws.Bool(o.UseARNRegion),
		DisableS3ExpressSessionAuth:    o.DisableS3ExpressSessionAuth,
	}
	endpt, err := o.EndpointResolverV2.ResolveEndpoint(ctx, params)
	if err != nil || len(endpt.Headers) > 0 || endpt.URI.Opaque != "" || endpt.URI.RawQuery != "" || endpt.URI.User != nil {
		return bucketEndpoint{}
	}
	opts, _ := smithyauth.GetAuthOptions(&endpt.Properties)
	// The rules name the scheme "sigv4"; sigv4a and sigv4-s3express are
	// signed otherwise.
	if len(opts) == 0 || (opts[0].SchemeID != "sigv4" && opts[0].SchemeID != smithyauth.SchemeIDSigV4) {
		return bucketEndpoint{}
	}
	name, ok := smithyhttp.GetSigV4SigningName(&opts[0].SignerProperties)
	if !ok || name == "" {
		return bucketEndpoint{}
	}
	region, ok := smithyhttp.GetSigV4SigningRegion(&opts[0].SignerProperties)
	if !ok || region == "" {
		return bucketEndpoint{}
	}
	rawPath := endpt.URI.RawPath
	if rawPath == "" {
		rawPath = endpt.URI.Path
	}
	return bucketEndpoint{
		direct: true,
		scheme: endpt.URI.Scheme, host: endpt.URI.Host,
		path: endpt.URI.Path, rawPath: rawPath,
		signingName: name, signingRegion: region,
	}
}

// presignPut signs in as the PresignClient's PresignPutObject would, or
// reports ok false when the PresignClient must.
func (d *directPresigner) presignPut(ctx context.Context, in *s3.PutObjectInput, pl presignPlan) (req *v4.PresignedHTTPRequest, ok bool, err error) {
	if in.Bucket == nil || in.Key == nil || in.ContentLength == nil || *in.ContentLength <= 0 ||
		in.ContentType == nil || *in.ContentType == "" || pl.ttl < time.Second {
		// PresignPut requires a content type and signs 1 byte or more; the
		// SDK signs an empty Content-Type header, which is left to it.
		return nil, false, nil
	}
	ep := d.endpoint(ctx, *in.Bucket)
	if !ep.direct {
		return nil, false, nil
	}
	key := *in.Key
	u := &url.URL{
		Scheme: ep.scheme,
		Host:   ep.host,
		// The serializer fills /{Key+} into the path raw and escaped (the
		// greedy label keeps slashes); the endpoint's path goes before it.
		Path:    smithyhttp.JoinPath(ep.path, "/"+key),
		RawPath: smithyhttp.JoinPath(ep.rawPath, "/"+httpbinding.EscapePath(key, false)),
		// AddExpiresOnPresignedURL sets X-Amz-Expires in whole seconds.
		RawQuery: "x-id=PutObject&X-Amz-Expires=" + strconv.FormatInt(int64(pl.ttl/time.Second), 10),
	}
	// The serializer sets a header for each field that is set.
	h := make(http.Header, 4)
	h["Content-Type"] = []string{*in.ContentType}
	if in.IfNoneMatch != nil && *in.IfNoneMatch != "" {
		h["If-None-Match"] = []string{*in.IfNoneMatch}
	}
	if in.ServerSideEncryption != "" {
		h["X-Amz-Server-Side-Encryption"] = []string{string(in.ServerSideEncryption)}
	}
	if in.SSEKMSKeyId != nil && *in.SSEKMSKeyId != "" {
		h["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"] = []string{*in.SSEKMSKeyId}
	}
	r := &http.Request{Method: http.MethodPut, URL: u, Header: h, ContentLength: *in.ContentLength}
	signed, headers, err := d.signer.PresignHTTP(ctx, pl.creds, r, putPresignPayload, ep.signingName, ep.signingRegion, d.now())
	if err != nil {
		return nil, true, err
	}
	return &v4.PresignedHTTPRequest{URL: signed, Method: http.MethodPut, SignedHeader: headers}, true, nil
}
