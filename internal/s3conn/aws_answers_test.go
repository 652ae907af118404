package s3conn_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/awsenv"
)

// AWS is unreachable from tests, and MinIO neither pages ListBuckets nor
// echoes keys in its errors, so these tests run s3conn.Test against local
// servers that answer the way AWS does. The SDK's real HTTP client, signer
// and XML parser handle the exchanges.

// clientOf is a client of the S3-compatible endpoint signing with the key
// pair id and secret, read from a Secret.
func clientOf(t *testing.T, endpoint, id, secret string) *s3.Client {
	t.Helper()
	secrets, ref := keysSecret(id, secret)
	spec := v1alpha1.S3ConnectionSpec{Provider: v1alpha1.ProviderS3Compatible, Endpoint: endpoint, PathStyle: true, Auth: v1alpha1.ConnectionAuth{AccessKey: ref}}
	_, client := connect(t, spec, s3conn.Sources{Secrets: secrets})
	return client
}

// A server that echoes key material in an error message, as AWS does, has
// it scrubbed before the message is shown or stored.
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

	client := clientOf(t, srv.URL, keyID, secret)
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
	client := clientOf(t, srv.URL, "AKIDEXAMPLE", "s3cr3t-value")

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

// AWS pages ListBuckets for accounts above the default bucket quota; Test
// follows every page and stops at a looping continuation token.
func TestTestFollowsListBucketsPages(t *testing.T) {
	awsenv.Isolate(t)
	pages := map[string]struct {
		buckets int
		next    string
	}{"": {2, "page-2"}, "page-2": {3, "page-3"}, "page-3": {1, ""}, "loop": {1, "loop"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("max-buckets") == "" {
			t.Errorf("ListBuckets without max-buckets: %s", r.URL)
		}
		p := pages[r.URL.Query().Get("continuation-token")]
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets>`)
		for i := range p.buckets {
			fmt.Fprintf(&b, `<Bucket><Name>b%d</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>`, i)
		}
		b.WriteString(`</Buckets>`)
		if p.next != "" {
			fmt.Fprintf(&b, `<ContinuationToken>%s</ContinuationToken>`, p.next)
		}
		b.WriteString(`</ListAllMyBucketsResult>`)
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write([]byte(b.String()))
	}))
	defer srv.Close()
	client := clientOf(t, srv.URL, "AKIDEXAMPLE", "secret")

	n, err := s3conn.Test(t.Context(), client)
	if err != nil || n != 6 {
		t.Fatalf("Test() = %d, %v; want 6 buckets over 3 pages", n, err)
	}

	pages[""] = pages["loop"]
	_, err = s3conn.Test(t.Context(), client)
	var e *s3conn.Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, "continuation token twice") {
		t.Fatalf("Test() on a looping server = %v, want the loop detected", err)
	}
}
