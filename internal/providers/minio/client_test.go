package minio_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/s3am/s3-access-manager/internal/providers/minio"
)

func TestNewRejectsIncompleteConfigurations(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("id", "secret", "")
	for _, tc := range []struct {
		cfg  aws.Config
		want string
	}{
		{aws.Config{Credentials: creds}, "no endpoint"},
		{aws.Config{BaseEndpoint: aws.String("minio:9000"), Credentials: creds}, "not an http(s) URL"},
		{aws.Config{BaseEndpoint: aws.String("http://minio:9000")}, "no credentials"},
	} {
		if _, err := minio.New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%v) = %v, want an error containing %q", aws.ToString(tc.cfg.BaseEndpoint), err, tc.want)
		}
	}
}

func TestPolicyNamesAreCheckedBeforeAnyRequest(t *testing.T) {
	// The endpoint does not exist: a request would fail differently.
	c, err := minio.New(aws.Config{BaseEndpoint: aws.String("http://127.0.0.1:1"), Credentials: credentials.NewStaticCredentialsProvider("id", "secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for name, err := range map[string]error{
		"Put empty name":    c.Put(ctx, "", []byte(`{}`)),
		"Put comma":         c.Put(ctx, "a,b", []byte(`{}`)),
		"Put empty doc":     c.Put(ctx, "a", []byte("  ")),
		"Put too large":     c.Put(ctx, "a", []byte(strings.Repeat("x", 20<<10+1))),
		"Delete space":      c.Delete(ctx, " a"),
		"Attach no names":   c.Attach(ctx, "user"),
		"Detach comma name": c.Detach(ctx, "user", "a,b"),
	} {
		if err == nil || strings.Contains(err.Error(), "connect") {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
	if _, err := c.Get(ctx, ""); err == nil || strings.Contains(err.Error(), "connect") {
		t.Errorf("Get empty name: %v, want a validation error", err)
	}
	if _, err := c.Attached(ctx, ""); err == nil || strings.Contains(err.Error(), "connect") {
		t.Errorf("Attached empty user: %v, want a validation error", err)
	}
}
