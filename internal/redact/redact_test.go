package redact_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/redact"
)

const presigned = "http://127.0.0.1:9000/data/a%20b.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
	"&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request" +
	"&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900" +
	"&X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2F%2F%2F%2Ftoken%3D%3D" +
	"&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost" +
	"&x-id=PutObject&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestStringRemovesSecrets(t *testing.T) {
	cases := []struct{ in, secret string }{
		{"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=deadbeef99&X-Amz-Date=x", "deadbeef99"},
		{"x-amz-security-token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F&x=1", "IQoJb3JpZ2lu"},
		{"Authorization: AWS4-HMAC-SHA256 Credential=ASIAABCDEFGHIJKLMNOP/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=f00dfeed", "f00dfeed"},
		{"Authorization: AWS4-HMAC-SHA256 Credential=ASIAABCDEFGHIJKLMNOP/20240101/us-east-1/s3/aws4_request", "ASIAABCDEFGHIJKLMNOP"},
		{"401 with Authorization: Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"},
		{"authorization: BEARER Zm9vYmFy==", "Zm9vYmFy"},
		{"Authorization: Basic YWxpY2U6c2VjcmV0", "YWxpY2U6c2VjcmV0"},
		{"token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl rejected", "c2lnbmF0dXJl"},
		{"key AKIAIOSFODNN7EXAMPLE is disabled", "AKIAIOSFODNN7EXAMPLE"},
		{"role AROAABCDEFGHIJKLMNOP and user AIDAABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOP"},
		{"group AGPAABCDEFGHIJKLMNOP", "AGPAABCDEFGHIJKLMNOP"},
		{"https://idp/cb?code=1&access_token=s3cr3t", "s3cr3t"},
		{"login failed: password=hunter2", "hunter2"},
		{`PUT "` + presigned + `": connection reset`, "0123456789abcdef0123456789abcdef"},
		{strings.ToLower(presigned), "0123456789abcdef0123456789abcdef"},
		{"https://app.example/return?next=" + url.QueryEscape(presigned), "0123456789abcdef0123456789abcdef"},
		{"https://app.example/return?next=" + url.QueryEscape(presigned), "AKIAIOSFODNN7EXAMPLE"},
		{`{"url":"` + strings.ReplaceAll(presigned, "&", `\u0026`) + `"}`, "0123456789abcdef0123456789abcdef"},
	}
	for _, c := range cases {
		got := redact.String(c.in)
		if strings.Contains(strings.ToLower(got), strings.ToLower(c.secret)) {
			t.Errorf("String(%q) = %q still holds %q", c.in, got, c.secret)
		}
		if redact.String(got) != got {
			t.Errorf("String not stable on %q", got)
		}
	}
}

func TestStringKeepsTheRest(t *testing.T) {
	got := redact.String(presigned)
	for _, kept := range []string{"http://127.0.0.1:9000/data/a%20b.txt", "X-Amz-Expires=900", "X-Amz-Date=20260101T000000Z", "x-id=PutObject", "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"} {
		if !strings.Contains(got, kept) {
			t.Errorf("String dropped %q: %s", kept, got)
		}
	}
	if _, err := url.Parse(got); err != nil {
		t.Errorf("redacted URL no longer parses: %v", err)
	}
	for _, plain := range []string{"NoSuchKey: partner-a/uploads/x.pdf", "AccessDenied", "context deadline exceeded", "no secrets here?X-Amz-Date=1", ""} {
		if redact.String(plain) != plain {
			t.Errorf("String(%q) = %q", plain, redact.String(plain))
		}
	}
}

func TestValues(t *testing.T) {
	got := redact.Values("minio: access key s3am-root and secret s3am-root-secret rejected; id ab kept", "s3am-root", "s3am-root-secret", "ab", "")
	if strings.Contains(got, "s3am-root") || strings.Contains(got, "-secret") {
		t.Errorf("Values left a known value: %q", got)
	}
	if !strings.Contains(got, "id ab kept") {
		t.Errorf("Values replaced a value too short to be a key: %q", got)
	}
	if got := redact.Values("key AKIAIOSFODNN7EXAMPLE", "unrelated"); strings.Contains(got, "AKIA") {
		t.Errorf("Values does not apply String: %q", got)
	}
}
