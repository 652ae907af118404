package s3conn_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/awsenv"
)

// fakeSTS answers AWS STS AssumeRole and records each call's form and
// signing key. AWS STS cannot be reached from tests; the SDK's own endpoint
// override (AWS_ENDPOINT_URL_STS) routes the real client here, and the
// exchange is real HTTP through the real signer, serializer and parser.
type fakeSTS struct {
	mu      sync.Mutex
	calls   []url.Values
	signers []string
	deny    bool
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.PostForm)
	auth := r.Header.Get("Authorization")
	_, cred, _ := strings.Cut(auth, "Credential=")
	key, _, _ := strings.Cut(cred, "/")
	f.signers = append(f.signers, key)
	w.Header().Set("Content-Type", "text/xml")
	if f.deny {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/ops (key %s) is not authorized to perform: sts:AssumeRole on resource: %s</Message></Error><RequestId>req-sts</RequestId></ErrorResponse>`,
			key, r.PostForm.Get("RoleArn"))
		return
	}
	n := len(f.calls)
	fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAFAKESESSION%05d</AccessKeyId><SecretAccessKey>session-secret-%d</SecretAccessKey><SessionToken>session-token-%d</SessionToken><Expiration>%s</Expiration></Credentials><AssumedRoleUser><Arn>%s/%s</Arn><AssumedRoleId>AROAEXAMPLE:%s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>req-%d</RequestId></ResponseMetadata></AssumeRoleResponse>`,
		n, n, n, time.Now().Add(time.Hour).UTC().Format(time.RFC3339), r.PostForm.Get("RoleArn"), r.PostForm.Get("RoleSessionName"), r.PostForm.Get("RoleSessionName"), n)
}

func (f *fakeSTS) last() (url.Values, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[len(f.calls)-1], f.signers[len(f.signers)-1]
}

func TestAssumeRoleOnAWS(t *testing.T) {
	awsenv.Isolate(t)
	sts := &fakeSTS{}
	srv := httptest.NewServer(sts)
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)

	const sourceKey = "AKIASOURCEKEYEXAMPLE"
	secrets, ref := keysSecret(sourceKey, "source-secret-value")
	spec := v1alpha1.S3ConnectionSpec{
		Provider: v1alpha1.ProviderAWS, AccountID: "123456789012", Region: "eu-west-1",
		// A VPC endpoint serves S3 only: Config leaves it to NewS3Client.
		Endpoint: "https://bucket.vpce-0123.s3.eu-west-1.vpce.amazonaws.com",
		Auth: v1alpha1.ConnectionAuth{AssumeRole: &v1alpha1.AssumeRoleAuth{
			RoleARN: "arn:aws:iam::123456789012:role/s3am", ExternalID: "ext-123", SessionName: "s3am-ctl",
			Duration: &metav1.Duration{Duration: 30 * time.Minute}, AccessKey: ref,
		}},
		IAM: &v1alpha1.IAMConfig{CredentialScoping: v1alpha1.CredentialScopingSessionPolicy},
	}
	cfg, err := s3conn.Config(t.Context(), spec, s3conn.Sources{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the connection assumes its role with external ID, session name and duration", func(t *testing.T) {
		got, err := cfg.Credentials.Retrieve(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.AccessKeyID, "ASIAFAKESESSION") || got.SessionToken == "" {
			t.Fatal("Retrieve() did not return the assumed-role session")
		}
		form, signer := sts.last()
		want := map[string]string{"Action": "AssumeRole", "RoleArn": spec.Auth.AssumeRole.RoleARN, "ExternalId": "ext-123",
			"RoleSessionName": "s3am-ctl", "DurationSeconds": "1800", "Policy": ""}
		for k, v := range want {
			if form.Get(k) != v {
				t.Errorf("AssumeRole %s = %q, want %q", k, form.Get(k), v)
			}
		}
		if signer != sourceKey {
			t.Errorf("AssumeRole signed by %q, want the Secret's key", signer)
		}
	})

	t.Run("session-scoped credentials are minted from the source keys", func(t *testing.T) {
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/alice/*"}]}`
		creds, err := s3conn.AssumeWithSessionPolicy(t.Context(), cfg, spec, policy, "alice", 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if creds.SessionToken == "" || creds.Expires.IsZero() {
			t.Fatalf("credentials %v: want a session", creds)
		}
		form, signer := sts.last()
		want := map[string]string{"RoleArn": spec.Auth.AssumeRole.RoleARN, "ExternalId": "ext-123", "Policy": policy,
			"RoleSessionName": "alice", "DurationSeconds": "900"}
		for k, v := range want {
			if form.Get(k) != v {
				t.Errorf("AssumeRole %s = %q, want %q", k, form.Get(k), v)
			}
		}
		if signer != sourceKey {
			t.Errorf("AssumeRole signed by %q, want the source key, not a session (role chaining caps sessions at 1h)", signer)
		}
		if _, err := s3conn.AssumeWithSessionPolicy(t.Context(), cfg, spec, policy, "", 0); err != nil {
			t.Fatal(err)
		}
		if form, _ := sts.last(); form.Get("RoleSessionName") != "s3am-ctl" || form.Get("DurationSeconds") != "3600" {
			t.Errorf("defaults: session %q, duration %q; want the spec's session name and 1h", form.Get("RoleSessionName"), form.Get("DurationSeconds"))
		}
	})

	t.Run("a refused AssumeRole is a typed error without key material", func(t *testing.T) {
		sts.mu.Lock()
		sts.deny = true
		sts.mu.Unlock()
		_, err := s3conn.AssumeWithSessionPolicy(t.Context(), cfg, spec, `{"Version":"2012-10-17","Statement":[]}`, "bob", 0)
		var e *s3conn.Error
		if !errors.As(err, &e) || e.Code != "AccessDenied" || e.Service != "STS" || e.RequestID != "req-sts" {
			t.Fatalf("AssumeWithSessionPolicy() = %#v, want STS AccessDenied", err)
		}
		if !strings.Contains(e.Message, "not authorized to perform: sts:AssumeRole") {
			t.Errorf("Message = %q, want the useful part kept", e.Message)
		}
		assertNoSecrets(t, err, sourceKey, "source-secret-value")
	})
}
