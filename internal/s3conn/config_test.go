package s3conn_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/awsenv"
)

func TestConfigRejectsBadSpecs(t *testing.T) {
	awsenv.Isolate(t)
	secrets, ref := keysSecret("id", "secret")
	src := s3conn.Sources{Secrets: secrets}
	cases := []struct {
		name string
		spec v1alpha1.S3ConnectionSpec
		want string
	}{
		{"no auth", v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderAWS}, "exactly one of"},
		{"two auths", v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderAWS, Auth: v1alpha1.ConnectionAuth{
			AccessKey: ref, PodIdentity: &v1alpha1.PodIdentityAuth{},
		}}, "exactly one of"},
		{"S3Compatible without endpoint", v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderS3Compatible,
			Auth: v1alpha1.ConnectionAuth{AccessKey: ref}}, "endpoint is required"},
		{"unknown provider", v1alpha1.S3ConnectionSpec{Provider: "GCS",
			Auth: v1alpha1.ConnectionAuth{AccessKey: ref}}, `unknown provider "GCS"`},
		{"missing secret key", v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderAWS,
			Auth: v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: "ops", Name: "s3-keys", AccessKeyIDKey: "nope"}}},
			`secret ops/s3-keys key "nope"`},
		{"CA bundle without certificates", v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderS3Compatible, Endpoint: "https://s3.example.com",
			CABundle: &v1alpha1.CABundleSource{SecretRef: &v1alpha1.ObjectKeyRef{Namespace: "ops", Name: "s3-keys", Key: s3conn.DefaultAccessKeyIDKey}},
			Auth:     v1alpha1.ConnectionAuth{AccessKey: ref}}, "no PEM certificate"},
		{"CA bundle in a ConfigMap without a reader", v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderS3Compatible, Endpoint: "https://s3.example.com",
			CABundle: &v1alpha1.CABundleSource{ConfigMapRef: &v1alpha1.ObjectKeyRef{Namespace: "ops", Name: "ca", Key: "ca.crt"}},
			Auth:     v1alpha1.ConnectionAuth{AccessKey: ref}}, "no reader configured"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s3conn.Config(t.Context(), tc.spec, src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Config() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestConfigWrapsReaderErrors(t *testing.T) {
	awsenv.Isolate(t)
	spec := v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderAWS, Auth: v1alpha1.ConnectionAuth{
		AccessKey: &v1alpha1.SecretKeysRef{Namespace: "ops", Name: "absent"},
	}}
	_, err := s3conn.Config(t.Context(), spec, s3conn.Sources{Secrets: objects{}})
	if !errors.Is(err, errNotFound) {
		t.Fatalf("Config() error = %v, want it to wrap the reader's error", err)
	}
}

func TestReadKeysTrimsTrailingNewlineAndHonoursKeyNames(t *testing.T) {
	secrets := objects{"ops/k/id": "AKIDEXAMPLE\n", "ops/k/pw": "s3cr3t\r\n"}
	c, err := s3conn.ReadKeys(t.Context(), v1alpha1.SecretKeysRef{
		Namespace: "ops", Name: "k", AccessKeyIDKey: "id", SecretAccessKeyKey: "pw",
	}, secrets)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "AKIDEXAMPLE" || c.SecretAccessKey != "s3cr3t" {
		t.Fatal("ReadKeys did not drop the trailing newline")
	}
	_, err = s3conn.ReadKeys(t.Context(), v1alpha1.SecretKeysRef{Namespace: "ops", Name: "k", AccessKeyIDKey: "id", SecretAccessKeyKey: "empty"},
		objects{"ops/k/id": "x", "ops/k/empty": "\n"})
	if err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Fatalf("ReadKeys with an empty secret: %v, want an error", err)
	}
}

func TestConfigStaticKeysAndRegion(t *testing.T) {
	awsenv.Isolate(t)
	secrets, ref := keysSecret("AKIDEXAMPLE", "s3cr3t")
	cfg, err := s3conn.Config(t.Context(), v1alpha1.S3ConnectionSpec{
		Provider: v1alpha1.ProviderAWS, AccountID: "123456789012",
		Auth: v1alpha1.ConnectionAuth{AccessKey: ref},
	}, s3conn.Sources{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != s3conn.DefaultRegion {
		t.Errorf("Region = %q, want the default %q", cfg.Region, s3conn.DefaultRegion)
	}
	if cfg.BaseEndpoint != nil {
		t.Errorf("BaseEndpoint = %q, want none for AWS: it would redirect STS and IAM too", *cfg.BaseEndpoint)
	}
	got, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil || got.AccessKeyID != "AKIDEXAMPLE" || got.SecretAccessKey != "s3cr3t" || got.SessionToken != "" {
		t.Fatalf("Retrieve() = %v, %v; want the Secret's keys", s3conn.Credentials{AccessKeyID: got.AccessKeyID}, err)
	}
}

func TestNewS3ClientAppliesEndpointAndPathStyle(t *testing.T) {
	awsenv.Isolate(t)
	secrets, ref := keysSecret("id", "secret")
	for _, spec := range []v1alpha1.S3ConnectionSpec{
		{Provider: v1alpha1.ProviderAWS, Region: "eu-west-1", Endpoint: "https://bucket.vpce-1.s3.eu-west-1.vpce.amazonaws.com", Auth: v1alpha1.ConnectionAuth{AccessKey: ref}},
		{Provider: v1alpha1.ProviderS3Compatible, Endpoint: "https://minio.example.com:9000", PathStyle: true, Auth: v1alpha1.ConnectionAuth{AccessKey: ref}},
		{Provider: v1alpha1.ProviderAWS, Region: "eu-west-1", Auth: v1alpha1.ConnectionAuth{AccessKey: ref}},
	} {
		cfg, err := s3conn.Config(t.Context(), spec, s3conn.Sources{Secrets: secrets})
		if err != nil {
			t.Fatal(err)
		}
		o := s3conn.NewS3Client(cfg, spec, func(o *s3.Options) { o.RetryMaxAttempts = 1 }).Options()
		if got := aws.ToString(o.BaseEndpoint); got != spec.Endpoint {
			t.Errorf("%s: BaseEndpoint = %q, want %q", spec.Provider, got, spec.Endpoint)
		}
		if o.UsePathStyle != spec.PathStyle || o.Region != spec.Region && spec.Region != "" || o.RetryMaxAttempts != 1 {
			t.Errorf("%s: options = path-style %v, region %q, retries %d", spec.Provider, o.UsePathStyle, o.Region, o.RetryMaxAttempts)
		}
		wantWhenRequired := spec.Provider == v1alpha1.ProviderS3Compatible
		if (o.RequestChecksumCalculation == aws.RequestChecksumCalculationWhenRequired) != wantWhenRequired {
			t.Errorf("%s: RequestChecksumCalculation = %v", spec.Provider, o.RequestChecksumCalculation)
		}
	}
}

func TestAssumeWithSessionPolicyRefusesUnsafeInput(t *testing.T) {
	awsenv.Isolate(t)
	secrets, ref := keysSecret("id", "secret")
	aws3 := v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderAWS, Auth: v1alpha1.ConnectionAuth{AccessKey: ref}}
	cfg, err := s3conn.Config(t.Context(), aws3, s3conn.Sources{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	for _, tc := range []struct {
		policy string
		d      time.Duration
		want   string
	}{
		{"", 0, "session policy is empty"},
		{`{}`, time.Minute, "below the minimum"},
		{`{}`, 0, "need auth.assumeRole"},
	} {
		_, err := s3conn.AssumeWithSessionPolicy(ctx, cfg, aws3, tc.policy, "", tc.d)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("AssumeWithSessionPolicy(%q, %v) = %v, want an error containing %q", tc.policy, tc.d, err, tc.want)
		}
	}
}
