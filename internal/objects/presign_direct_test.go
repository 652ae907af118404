package objects

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// fixedTimePresigner is the PresignClient's own presigner (the SDK's
// newDefaultV4Signer) with the signing time fixed, so that its URLs can be
// compared with the direct presigner's.
type fixedTimePresigner struct {
	signer *v4.Signer
	at     time.Time
}

func (f fixedTimePresigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return f.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, f.at, optFns...)
}

// TestDirectPresignPutMatchesPresignClient holds the direct presigner to
// aws-sdk-go-v2's PresignClient: for every endpoint style, credential kind,
// key, header and TTL, the URL and the signed headers are the same bytes.
func TestDirectPresignPutMatchesPresignClient(t *testing.T) {
	at := time.Date(2026, 12, 6, 13, 45, 7, 123456789, time.UTC)
	keyAuth := v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: "ops", Name: "keys"}}
	specs := map[string]v1alpha1.S3ConnectionSpec{
		"S3-compatible path style":         {Provider: v1alpha1.ProviderS3Compatible, Endpoint: "http://127.0.0.1:9000", PathStyle: true, Region: "us-east-1", Auth: keyAuth},
		"S3-compatible virtual host":       {Provider: v1alpha1.ProviderS3Compatible, Endpoint: "https://s3.example.com", Region: "eu-central-1", Auth: keyAuth},
		"S3-compatible port and base path": {Provider: v1alpha1.ProviderS3Compatible, Endpoint: "https://storage.example.com:8443/s3/", PathStyle: true, Region: "us-east-1", Auth: keyAuth},
		"AWS virtual host":                 {Provider: v1alpha1.ProviderAWS, Region: "us-west-2", Auth: keyAuth},
		"AWS path style":                   {Provider: v1alpha1.ProviderAWS, Region: "eu-west-1", PathStyle: true, Auth: keyAuth},
		"AWS with KMS": {Provider: v1alpha1.ProviderAWS, Region: "us-east-1", Auth: keyAuth,
			KMS: &v1alpha1.KMSConfig{KeyARN: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
		"S3-compatible with KMS": {Provider: v1alpha1.ProviderS3Compatible, Endpoint: "http://127.0.0.1:9000", PathStyle: true, Region: "us-east-1", Auth: keyAuth,
			KMS: &v1alpha1.KMSConfig{KeyARN: "minio-key"}},
	}
	creds := map[string]aws.Credentials{
		"static keys":   {AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret/example+key", Source: "test"},
		"session token": {AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "other-secret", SessionToken: "token/with+chars==", Source: "test", CanExpire: true, Expires: at.Add(time.Hour)},
	}
	keys := []string{
		"report.pdf",
		"partner-a/uploads/2024/11/data.csv",
		"dir with space/ü ñ/ключ+%25~!$&'()*,;=:@[]{}^`|\\\"<>#?.bin",
		"trailing/",
		"a//double//slash",
		"./dot/../segments",
		"日本語/ファイル.txt",
	}
	inputs := []struct {
		contentType string
		length      int64
		noReplace   bool
		ttl         time.Duration
	}{
		{"text/csv", 21, false, 15 * time.Minute},
		{"application/pdf", 1 << 20, true, time.Second},
		{"application/json; charset=utf-8", 5 << 30, true, 7 * 24 * time.Hour},
		{"video/mp4", 3 << 20, false, time.Hour},
	}
	buckets := []string{"partner-data", "my.dotted.bucket", "b12"}
	for specName, spec := range specs {
		for credName, cr := range creds {
			svc, err := New(aws.Config{Region: spec.Region, Credentials: credentialsProvider(cr)}, spec, "conn", Options{})
			if err != nil {
				t.Fatalf("%s: New: %v", specName, err)
			}
			svc.direct.now = func() time.Time { return at }
			sdkSigner := fixedTimePresigner{signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }), at: at}
			for _, bucket := range buckets {
				for _, key := range keys {
					for _, in := range inputs {
						plan := presignPlan{creds: cr, ttl: in.ttl}
						input := svc.putInput(bucket, key, in.contentType, in.length, in.noReplace)
						got, direct, err := svc.direct.presignPut(t.Context(), input, plan)
						if err != nil || !direct {
							t.Fatalf("%s, %s: direct presign of %s/%q = %v, %v; want a URL", specName, credName, bucket, key, direct, err)
						}
						want, err := svc.presign.PresignPutObject(t.Context(), svc.putInput(bucket, key, in.contentType, in.length, in.noReplace), plan.sign(),
							func(o *s3.PresignOptions) { o.Presigner = sdkSigner })
						if err != nil {
							t.Fatalf("%s: PresignPutObject: %v", specName, err)
						}
						if got.URL != want.URL || got.Method != want.Method || !reflect.DeepEqual(got.SignedHeader, want.SignedHeader) {
							t.Errorf("%s, %s, %s/%q %+v:\ndirect %s %s %v\nSDK    %s %s %v", specName, credName, bucket, key, in,
								got.Method, got.URL, got.SignedHeader, want.Method, want.URL, want.SignedHeader)
						}
					}
				}
			}
		}
	}
}

// TestDirectPresignPutLeavesARNsToTheSDK: an access point ARN is resolved
// by the SDK's ARN customizations, which the direct presigner does not
// reproduce, nor API options (middleware of a client's own), nor the empty
// Content-Type header the SDK signs for an empty content type (which
// PresignPut refuses anyway).
func TestDirectPresignPutLeavesARNsToTheSDK(t *testing.T) {
	spec := v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderAWS, Region: "us-east-1",
		Auth: v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: "ops", Name: "keys"}}}
	cr := aws.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret"}
	svc, err := New(aws.Config{Region: "us-east-1", Credentials: credentialsProvider(cr)}, spec, "conn", Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := svc.putInput("arn:aws:s3:us-east-1:123456789012:accesspoint/ap", "k", "text/plain", 1, false)
	if _, direct, err := svc.direct.presignPut(t.Context(), in, presignPlan{creds: cr, ttl: time.Minute}); direct || err != nil {
		t.Fatalf("direct presign of an ARN = %v, %v; want it left to the PresignClient", direct, err)
	}
	withMiddleware, err := New(aws.Config{Region: "us-east-1", Credentials: credentialsProvider(cr)}, spec, "conn", Options{
		ClientOptions: []func(*s3.Options){func(o *s3.Options) {
			o.APIOptions = append(o.APIOptions, func(*middleware.Stack) error { return nil })
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	in = withMiddleware.putInput("bucket", "k", "text/plain", 1, false)
	if _, direct, err := withMiddleware.direct.presignPut(t.Context(), in, presignPlan{creds: cr, ttl: time.Minute}); direct || err != nil {
		t.Fatalf("direct presign with API options = %v, %v; want it left to the PresignClient", direct, err)
	}
	in = svc.putInput("bucket", "k", "", 1, false)
	if _, direct, err := svc.direct.presignPut(t.Context(), in, presignPlan{creds: cr, ttl: time.Minute}); direct || err != nil {
		t.Fatalf("direct presign without a content type = %v, %v; want it left to the PresignClient", direct, err)
	}
}

// BenchmarkPresignPutDirect compares one presigned PUT through the PresignClient
// with one through the direct presigner (path-style S3-compatible endpoint,
// If-None-Match signed).
func BenchmarkPresignPutDirect(b *testing.B) {
	spec := v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderS3Compatible, Endpoint: "http://127.0.0.1:9000", PathStyle: true, Region: "us-east-1",
		Auth: v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: "ops", Name: "keys"}}}
	cr := aws.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret"}
	svc, err := New(aws.Config{Region: "us-east-1", Credentials: credentialsProvider(cr)}, spec, "conn", Options{})
	if err != nil {
		b.Fatal(err)
	}
	plan := presignPlan{creds: cr, ttl: 15 * time.Minute}
	b.Run("PresignClient", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			in := svc.putInput("partner-data", "partner-a/uploads/load/1.bin", "application/pdf", 1<<20, true)
			if _, err := svc.presign.PresignPutObject(b.Context(), in, plan.sign()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			in := svc.putInput("partner-data", "partner-a/uploads/load/1.bin", "application/pdf", 1<<20, true)
			if _, direct, err := svc.direct.presignPut(b.Context(), in, plan); err != nil || !direct {
				b.Fatal(direct, err)
			}
		}
	})
}
