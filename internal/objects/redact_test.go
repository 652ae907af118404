package objects_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/objects"
)

func TestRedact(t *testing.T) {
	const presigned = "http://127.0.0.1:9000/data/a%20b.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900" +
		"&X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2F%2F%2F%2Ftoken%3D%3D" +
		"&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost" +
		"&x-id=PutObject&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	got := objects.Redact(presigned)
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "FwoGZXIvYXdz", "0123456789abcdef0123456789abcdef"} {
		if strings.Contains(got, secret) {
			t.Errorf("Redact left %q in %s", secret, got)
		}
	}
	for _, kept := range []string{"http://127.0.0.1:9000/data/a%20b.txt", "X-Amz-Expires=900", "X-Amz-Date=20260101T000000Z", "x-id=PutObject", "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"} {
		if !strings.Contains(got, kept) {
			t.Errorf("Redact dropped %q: %s", kept, got)
		}
	}
	if _, err := url.Parse(got); err != nil {
		t.Errorf("redacted URL no longer parses: %v", err)
	}

	// Inside log text, lower-case, and as a percent-encoded parameter of
	// another URL.
	for _, in := range []string{
		`PUT "` + presigned + `": connection reset`,
		strings.ToLower(presigned),
		"https://app.example/return?next=" + url.QueryEscape(presigned),
		`{"url":"` + strings.ReplaceAll(presigned, "&", `\u0026`) + `"}`,
	} {
		out := objects.Redact(in)
		if strings.Contains(strings.ToLower(out), "0123456789abcdef0123456789abcdef") || strings.Contains(strings.ToLower(out), "akiaiosfodnn7example") {
			t.Errorf("Redact(%q) = %q still holds secrets", in, out)
		}
		if !strings.Contains(strings.ToLower(out), "expires") {
			t.Errorf("Redact(%q) = %q lost the rest of the URL", in, out)
		}
	}
	if s := "no secrets here?X-Amz-Date=1"; objects.Redact(s) != s {
		t.Errorf("Redact changed %q", s)
	}
}

func TestPresignedRequestPrintsRedacted(t *testing.T) {
	r := objects.PresignedRequest{Method: "GET", URL: "http://h/b/k?X-Amz-Signature=deadbeef&X-Amz-Credential=id%2Fscope"}
	if s := r.String(); strings.Contains(s, "deadbeef") || strings.Contains(s, "id%2Fscope") {
		t.Errorf("String() = %q", s)
	}
	if s := r.LogValue().String(); strings.Contains(s, "deadbeef") {
		t.Errorf("LogValue() = %q", s)
	}
}
