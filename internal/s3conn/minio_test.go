package s3conn_test

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/awsenv"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

// minioUser is a non-root MinIO user with the built-in readwrite policy, as
// an operator would configure a connection.
type minioUser struct{ id, secret string }

func addUser(t *testing.T, srv *minioserver.Server, id string) minioUser {
	t.Helper()
	u := minioUser{id: id, secret: id + "-secret-0123456789"}
	srv.MC(t, "admin", "user", "add", minioserver.MCAlias, u.id, u.secret)
	srv.MC(t, "admin", "policy", "attach", minioserver.MCAlias, "readwrite", "--user", u.id)
	return u
}

func minioSpec(srv *minioserver.Server, auth v1alpha1.ConnectionAuth) v1alpha1.S3ConnectionSpec {
	return v1alpha1.S3ConnectionSpec{
		Provider: v1alpha1.ProviderS3Compatible, Endpoint: srv.Endpoint, PathStyle: true,
		Region: srv.Region, Auth: auth,
	}
}

// connect builds the configuration and client exactly as the controller will.
func connect(t *testing.T, spec v1alpha1.S3ConnectionSpec, src s3conn.Sources) (aws.Config, *s3.Client) {
	t.Helper()
	cfg, err := s3conn.Config(t.Context(), spec, src)
	if err != nil {
		t.Fatalf("Config: %v", err)
	}
	return cfg, s3conn.NewS3Client(cfg, spec, func(o *s3.Options) { o.RetryMaxAttempts = 1 })
}

// assertNoSecrets checks every printed form of err for every secret.
func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	forms := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%s", err), fmt.Sprintf("%q", err)}
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		forms = append(forms, u.Error(), fmt.Sprintf("%#v", u))
	}
	for _, f := range forms {
		for _, s := range secrets {
			if s != "" && strings.Contains(f, s) {
				t.Errorf("error text %q contains secret material %q", f, s)
			}
		}
	}
}

func TestAgainstMinIO(t *testing.T) {
	awsenv.Isolate(t)
	srv := minioserver.Start(t)
	for _, b := range []string{"alpha", "beta", "gamma"} {
		srv.CreateBucket(t, b)
	}
	user := addUser(t, srv, "s3am-conn")
	secrets, ref := keysSecret(user.id, user.secret)
	src := s3conn.Sources{Secrets: secrets}

	t.Run("good keys count the buckets", func(t *testing.T) {
		_, client := connect(t, minioSpec(srv, v1alpha1.ConnectionAuth{AccessKey: ref}), src)
		n, err := s3conn.Test(t.Context(), client)
		if err != nil || n != 3 {
			t.Fatalf("Test() = %d, %v; want 3 buckets", n, err)
		}
	})

	t.Run("wrong secret is SignatureDoesNotMatch without key material", func(t *testing.T) {
		wrong, wref := keysSecret(user.id, "not-the-secret-0123456789")
		_, client := connect(t, minioSpec(srv, v1alpha1.ConnectionAuth{AccessKey: wref}), s3conn.Sources{Secrets: wrong})
		_, err := s3conn.Test(t.Context(), client)
		var e *s3conn.Error
		if !errors.As(err, &e) || e.Code != "SignatureDoesNotMatch" || e.StatusCode != http.StatusForbidden || e.Service != "S3" || e.Operation != "ListBuckets" {
			t.Fatalf("Test() error = %#v, want S3 ListBuckets SignatureDoesNotMatch (HTTP 403)", err)
		}
		if errors.Unwrap(err) != nil {
			t.Error("an API error must not keep the SDK error, whose text may echo keys")
		}
		assertNoSecrets(t, err, user.id, user.secret, "not-the-secret-0123456789")
	})

	t.Run("unknown key is InvalidAccessKeyId without key material", func(t *testing.T) {
		unknown, uref := keysSecret("no-such-user", "whatever-secret-0123456789")
		_, client := connect(t, minioSpec(srv, v1alpha1.ConnectionAuth{AccessKey: uref}), s3conn.Sources{Secrets: unknown})
		_, err := s3conn.Test(t.Context(), client)
		var e *s3conn.Error
		if !errors.As(err, &e) || e.Code != "InvalidAccessKeyId" {
			t.Fatalf("Test() error = %#v, want InvalidAccessKeyId", err)
		}
		assertNoSecrets(t, err, "no-such-user", "whatever-secret-0123456789")
	})

	t.Run("assumeRole on MinIO signs with a session from the connection's keys", func(t *testing.T) {
		spec := minioSpec(srv, v1alpha1.ConnectionAuth{AssumeRole: &v1alpha1.AssumeRoleAuth{
			RoleARN: "arn:aws:iam::000000000000:role/ignored-by-minio", SessionName: "s3am-test",
			Duration: &metav1.Duration{Duration: 20 * time.Minute}, AccessKey: ref,
		}})
		cfg, client := connect(t, spec, src)
		n, err := s3conn.Test(t.Context(), client)
		if err != nil || n != 3 {
			t.Fatalf("Test() = %d, %v; want 3 buckets", n, err)
		}
		got, err := cfg.Credentials.Retrieve(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got.AccessKeyID == user.id || got.SessionToken == "" || !got.CanExpire {
			t.Fatal("assumeRole signed with the static keys, want a session")
		}
		if left := time.Until(got.Expires); left > 20*time.Minute || left < 15*time.Minute {
			t.Errorf("session lasts %v, want the spec's 20m", left)
		}
	})

	t.Run("assumeRole with a bad source key fails in STS without key material", func(t *testing.T) {
		bad, bref := keysSecret(user.id, "bad-source-secret-0123456789")
		spec := minioSpec(srv, v1alpha1.ConnectionAuth{AssumeRole: &v1alpha1.AssumeRoleAuth{
			RoleARN: "arn:aws:iam::000000000000:role/x", AccessKey: bref,
		}})
		_, client := connect(t, spec, s3conn.Sources{Secrets: bad})
		_, err := s3conn.Test(t.Context(), client)
		var e *s3conn.Error
		if !errors.As(err, &e) || e.Service != "STS" || e.Operation != "AssumeRole" || e.Code != "AccessDenied" {
			// MinIO's STS reports a bad signature as AccessDenied, with
			// the signature message; AWS STS says SignatureDoesNotMatch.
			t.Fatalf("Test() error = %#v, want STS AssumeRole AccessDenied", err)
		}
		assertNoSecrets(t, err, user.id, "bad-source-secret-0123456789")
	})

	t.Run("podIdentity uses the default chain", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", user.id)
		t.Setenv("AWS_SECRET_ACCESS_KEY", user.secret)
		_, client := connect(t, minioSpec(srv, v1alpha1.ConnectionAuth{PodIdentity: &v1alpha1.PodIdentityAuth{}}), s3conn.Sources{})
		n, err := s3conn.Test(t.Context(), client)
		if err != nil || n != 3 {
			t.Fatalf("Test() = %d, %v; want 3 buckets", n, err)
		}
	})

	t.Run("caBundle makes a private TLS endpoint trusted", func(t *testing.T) {
		proxy := tlsProxy(t, srv.Endpoint)
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: proxy.Certificate().Raw})
		spec := minioSpec(srv, v1alpha1.ConnectionAuth{AccessKey: ref})
		spec.Endpoint = proxy.URL

		_, untrusting := connect(t, spec, src)
		_, err := s3conn.Test(t.Context(), untrusting)
		var verr *tls.CertificateVerificationError
		if !errors.As(err, &verr) {
			t.Fatalf("Test() without caBundle = %v, want a certificate verification error", err)
		}

		spec.CABundle = &v1alpha1.CABundleSource{ConfigMapRef: &v1alpha1.ObjectKeyRef{Namespace: "ops", Name: "ca", Key: "ca.crt"}}
		_, client := connect(t, spec, s3conn.Sources{Secrets: secrets, ConfigMaps: objects{"ops/ca/ca.crt": string(certPEM)}})
		n, err := s3conn.Test(t.Context(), client)
		if err != nil || n != 3 {
			t.Fatalf("Test() with caBundle = %d, %v; want 3 buckets", n, err)
		}
	})

	t.Run("session policies", func(t *testing.T) { testSessionPolicies(t, srv, user, secrets, ref) })
}

// tlsProxy serves target over TLS with a self-signed certificate. It keeps
// the client's Host header, which the SigV4 signature covers.
func tlsProxy(t *testing.T, target string) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host
	}}
	srv := httptest.NewUnstartedServer(p)
	// The untrusting client's failed handshakes are expected, not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// testSessionPolicies runs on TestAgainstMinIO's server, after the bucket
// counts, to spare a second server start.
func testSessionPolicies(t *testing.T, srv *minioserver.Server, user minioUser, secrets objects, ref *v1alpha1.SecretKeysRef) {
	srv.CreateBucket(t, "data")
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::data/team-a/*"}]}`

	for _, tc := range []struct {
		name string
		auth v1alpha1.ConnectionAuth
	}{
		{"static keys", v1alpha1.ConnectionAuth{AccessKey: ref}},
		// MinIO refuses AssumeRole from a session: this passes only if the
		// connection's own keys, not its session, call STS.
		{"assumeRole auth", v1alpha1.ConnectionAuth{AssumeRole: &v1alpha1.AssumeRoleAuth{
			RoleARN: "arn:aws:iam::000000000000:role/x", AccessKey: ref,
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := minioSpec(srv, tc.auth)
			cfg, _ := connect(t, spec, s3conn.Sources{Secrets: secrets})
			creds, err := s3conn.AssumeWithSessionPolicy(t.Context(), cfg, spec, policy, "alice", 15*time.Minute)
			if err != nil {
				t.Fatalf("AssumeWithSessionPolicy: %v", err)
			}
			if creds.SessionToken == "" || creds.Expires.IsZero() || time.Until(creds.Expires) > 15*time.Minute {
				t.Fatalf("credentials %v: want a 15-minute session", creds)
			}
			scoped := srv.S3Client(t, creds.Provider())
			if err := putObject(t, scoped, "data", "team-a/report.csv"); err != nil {
				t.Fatalf("put inside the session policy: %v", err)
			}
			for _, key := range []string{"team-b/report.csv", "team-a.csv"} {
				if err := putObject(t, scoped, "data", key); !isAccessDenied(err) {
					t.Errorf("put %s outside the session policy = %v, want AccessDenied", key, err)
				}
			}
			if _, err := scoped.ListBuckets(t.Context(), &s3.ListBucketsInput{}); !isAccessDenied(err) {
				t.Errorf("ListBuckets outside the session policy = %v, want AccessDenied", err)
			}
		})
	}

	t.Run("bad policy is an STS error without key material", func(t *testing.T) {
		spec := minioSpec(srv, v1alpha1.ConnectionAuth{AccessKey: ref})
		cfg, _ := connect(t, spec, s3conn.Sources{Secrets: secrets})
		_, err := s3conn.AssumeWithSessionPolicy(t.Context(), cfg, spec, `{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps"}]}`, "", 0)
		var e *s3conn.Error
		if !errors.As(err, &e) || e.Service != "STS" || e.Code == "" {
			t.Fatalf("AssumeWithSessionPolicy(bad policy) = %#v, want an STS API error", err)
		}
		t.Logf("MinIO's answer to an invalid session policy: %v", err)
		assertNoSecrets(t, err, user.id, user.secret)
	})
}

func putObject(t *testing.T, c *s3.Client, bucket, key string) error {
	t.Helper()
	_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("x")})
	return err
}

func isAccessDenied(err error) bool {
	var e interface{ ErrorCode() string }
	return errors.As(err, &e) && e.ErrorCode() == "AccessDenied"
}
