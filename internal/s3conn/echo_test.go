package s3conn_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/awsenv"
)

// AWS is unreachable from tests, and MinIO's messages never echo keys, so a
// local server answers ListBuckets the way AWS does when it echoes key
// material in an error message. The SDK's real HTTP client, signer and XML
// error parser handle the exchange.
func TestErrorMessagesAreScrubbedOfEchoedKeys(t *testing.T) {
	awsenv.Isolate(t)
	const (
		keyID    = "AKIAIOSFODNN7EXAMPLE"
		secret   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
		otherKey = "ASIAY34FZKBOKMUTVV7A" // a key the connection never used
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Authorization"), "Credential="+keyID+"/") {
			t.Errorf("request not signed with the Secret's key: %q", r.Header.Get("Authorization"))
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id %s you provided does not exist (secret %s, earlier key %s).</Message><AWSAccessKeyId>%s</AWSAccessKeyId><RequestId>REQ123</RequestId><HostId>HOST</HostId></Error>`,
			keyID, secret, otherKey, keyID)
	}))
	defer srv.Close()

	secrets, ref := keysSecret(keyID, secret)
	spec := v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderS3Compatible, Endpoint: srv.URL, PathStyle: true, Auth: v1alpha1.ConnectionAuth{AccessKey: ref}}
	_, client := connect(t, spec, s3conn.Sources{Secrets: secrets})
	_, err := s3conn.Test(t.Context(), client)
	var e *s3conn.Error
	if !errors.As(err, &e) || e.Code != "InvalidAccessKeyId" || e.RequestID != "REQ123" {
		t.Fatalf("Test() = %#v, want InvalidAccessKeyId with request ID REQ123", err)
	}
	assertNoSecrets(t, err, keyID, secret, otherKey)
	if !strings.Contains(e.Message, "you provided does not exist") {
		t.Errorf("Message = %q, want the rest of the server's message kept", e.Message)
	}
}

func TestTransportErrorsKeepTheirCause(t *testing.T) {
	awsenv.Isolate(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // a closed port: connection refused
	secrets, ref := keysSecret("AKIDEXAMPLE", "s3cr3t-value")
	spec := v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderS3Compatible, Endpoint: srv.URL, PathStyle: true, Auth: v1alpha1.ConnectionAuth{AccessKey: ref}}
	_, client := connect(t, spec, s3conn.Sources{Secrets: secrets})

	_, err := s3conn.Test(t.Context(), client)
	var e *s3conn.Error
	if !errors.As(err, &e) || e.Code != "" || e.StatusCode != 0 || errors.Unwrap(err) == nil {
		t.Fatalf("Test() = %#v, want a transport error with its cause", err)
	}
	assertNoSecrets(t, err, "AKIDEXAMPLE", "s3cr3t-value")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s3conn.Test(ctx, client); !errors.Is(err, context.Canceled) {
		t.Fatalf("Test(cancelled) = %v, want context.Canceled", err)
	}
}
