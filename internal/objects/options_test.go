package objects_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/redact"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/awsenv"
)

// offlineSpec is a connection whose endpoint is never contacted: presigning
// with the connection's own static keys needs no network.
func offlineSpec(provider v1alpha1.Provider, kmsKey string) v1alpha1.S3ConnectionSpec {
	spec := v1alpha1.S3ConnectionSpec{
		Provider: provider, Region: "eu-west-1", AccountID: "123456789012",
		Auth: v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: "ops", Name: "s3-keys"}},
	}
	if provider == v1alpha1.ProviderS3Compatible {
		spec.Endpoint, spec.PathStyle = "http://127.0.0.1:9", true
	}
	if kmsKey != "" {
		spec.KMS = &v1alpha1.KMSConfig{KeyARN: kmsKey}
	}
	return spec
}

func offlineService(t *testing.T, spec v1alpha1.S3ConnectionSpec, opts objects.Options) (*objects.Service, error) {
	t.Helper()
	awsenv.Isolate(t)
	cfg, err := s3conn.Config(t.Context(), spec, keysSource)
	if err != nil {
		t.Fatalf("Config: %v", err)
	}
	return objects.New(cfg, spec, "offline", opts)
}

func TestNewChecksOptions(t *testing.T) {
	scoped := offlineSpec(v1alpha1.ProviderS3Compatible, "")
	scoped.IAM = &v1alpha1.IAMConfig{CredentialScoping: v1alpha1.CredentialScopingSessionPolicy}
	none := func(grant.Principal) []grant.Grant { return nil }
	for _, tc := range []struct {
		name string
		spec v1alpha1.S3ConnectionSpec
		opts objects.Options
		want string
	}{
		{"scoping without grants", scoped, objects.Options{}, "needs Options.Grants"},
		{"TTL beyond SigV4", offlineSpec(v1alpha1.ProviderAWS, ""), objects.Options{MaxTTL: 8 * 24 * time.Hour}, "SigV4"},
		{"default above max", offlineSpec(v1alpha1.ProviderAWS, ""), objects.Options{DefaultTTL: time.Hour, MaxTTL: time.Minute}, "exceeds the maximum"},
		{"negative", offlineSpec(v1alpha1.ProviderAWS, ""), objects.Options{MaxTTL: -1}, "negative"},
		{"session shorter than URLs", scoped, objects.Options{Grants: none, MaxTTL: time.Hour, SessionDuration: time.Hour}, "must exceed the maximum TTL"},
		{"session too short for STS", scoped, objects.Options{Grants: none, SessionDuration: 5 * time.Minute}, "between"},
	} {
		_, err := offlineService(t, tc.spec, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New() error = %v, want %q", tc.name, err, tc.want)
		}
	}

	// A short session lowers the defaults instead of failing.
	svc, err := offlineService(t, scoped, objects.Options{Grants: none, SessionDuration: 16 * time.Minute})
	if err != nil {
		t.Fatalf("New with a 16-minute session: %v", err)
	}
	if !svc.Scoped() || svc.Connection() != "offline" {
		t.Error("Scoped/Connection")
	}
}

func TestKMSHeadersAreSigned(t *testing.T) {
	const keyARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, spec := range []v1alpha1.S3ConnectionSpec{offlineSpec(v1alpha1.ProviderAWS, keyARN), offlineSpec(v1alpha1.ProviderS3Compatible, "minio-key")} {
		t.Run(string(spec.Provider), func(t *testing.T) {
			svc, err := offlineService(t, spec, objects.Options{})
			if err != nil {
				t.Fatal(err)
			}
			req, err := svc.PresignPut(t.Context(), nobody, objects.PutRequest{Bucket: "data", Key: "a/b.txt", ContentType: "text/plain", ContentLength: 3})
			if err != nil {
				t.Fatalf("PresignPut: %v", err)
			}
			if req.Headers["X-Amz-Server-Side-Encryption"] != "aws:kms" || req.Headers["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"] != spec.KMS.KeyARN {
				t.Errorf("headers %v: want the SSE-KMS headers to send", req.Headers)
			}
			u, err := url.Parse(req.URL)
			if err != nil {
				t.Fatal(err)
			}
			signed := strings.Split(u.Query().Get("X-Amz-SignedHeaders"), ";")
			for _, h := range []string{"content-length", "content-type", "host", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"} {
				if !containsString(signed, h) {
					t.Errorf("signed headers %v lack %s", signed, h)
				}
			}
			if u.Query().Has("x-amz-server-side-encryption") {
				t.Error("SSE is a query parameter, which a client could drop; it must be a signed header")
			}

			post, err := svc.PresignPost(t.Context(), nobody, objects.PostRequest{Bucket: "data", Key: "a/b", MaxObjectSize: 100})
			if err != nil {
				t.Fatalf("PresignPost: %v", err)
			}
			if post.Fields["x-amz-server-side-encryption"] != "aws:kms" || post.Fields["x-amz-server-side-encryption-aws-kms-key-id"] != spec.KMS.KeyARN {
				t.Errorf("POST fields %v lack SSE-KMS", post.Fields)
			}
			raw, err := base64.StdEncoding.DecodeString(post.Fields["policy"])
			if err != nil {
				t.Fatal(err)
			}
			var doc struct{ Conditions []json.RawMessage }
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			want := []string{`{"key":"a/b"}`, `["starts-with","$Content-Type",""]`, `["content-length-range",1,100]`,
				`{"x-amz-server-side-encryption":"aws:kms"}`, `{"x-amz-server-side-encryption-aws-kms-key-id":"` + spec.KMS.KeyARN + `"}`}
			var got []string
			for _, c := range doc.Conditions {
				got = append(got, string(c))
			}
			for _, w := range want {
				if !containsString(got, w) {
					t.Errorf("POST policy conditions %v lack %s", got, w)
				}
			}
			for _, c := range got {
				if strings.Contains(c, `"$key"`) {
					t.Errorf("POST policy condition %s lets the form choose its key", c)
				}
			}
		})
	}
}

func TestUnscopedSigningUsesConnectionKeys(t *testing.T) {
	svc, err := offlineService(t, offlineSpec(v1alpha1.ProviderAWS, ""), objects.Options{DefaultTTL: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	req, err := svc.PresignGet(t.Context(), grant.Principal{}, objects.GetRequest{Bucket: "data", Key: "a/b.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if id := accessKeyOf(t, req.URL); id != connUserID {
		t.Errorf("signed by %q, want the connection's key", id)
	}
	if !strings.HasPrefix(req.URL, "https://data.s3.eu-west-1.amazonaws.com/a/b.txt?") || !strings.Contains(req.URL, "X-Amz-Expires=300") {
		t.Errorf("URL %s: want virtual-hosted AWS with the 5-minute default", redact.String(req.URL))
	}
	if s := svc.ScopingStats(); s != (objects.ScopingStats{}) {
		t.Errorf("ScopingStats without scoping = %+v", s)
	}
	svc.Invalidate() // a no-op without scoping
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
