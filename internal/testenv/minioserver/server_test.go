package minioserver_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

func TestServerServesS3AndSTS(t *testing.T) {
	srv := minioserver.Start(t)
	ctx := context.Background()
	srv.CreateBucket(t, "harness")

	root := srv.S3Client(t, nil)
	put(t, root, "harness", "a/b.txt", "hello")
	if got := minioserver.Object(t, root, "harness", "a/b.txt"); got != "hello" {
		t.Fatalf("get a/b.txt = %q, want hello", got)
	}

	// A session policy narrows the root-derived credentials to one prefix.
	creds, err := srv.AssumeRole(ctx, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::harness/a/*"}]}`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if creds.SessionToken == "" || !creds.CanExpire {
		t.Fatalf("AssumeRole returned no session token or expiry")
	}
	scoped := srv.S3Client(t, minioserver.StaticCredentials(creds))
	if got := minioserver.Object(t, scoped, "harness", "a/b.txt"); got != "hello" {
		t.Fatalf("scoped get = %q, want hello", got)
	}
	_, err = scoped.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("harness"), Key: aws.String("a/c.txt"), Body: strings.NewReader("x")})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
		t.Fatalf("scoped put: got %v, want AccessDenied", err)
	}
}

func TestMCAdminAccess(t *testing.T) {
	srv := minioserver.Start(t)
	srv.CreateBucket(t, "listed")
	if out := srv.MC(t, "ls", minioserver.MCAlias); !strings.Contains(out, "listed/") {
		t.Fatalf("mc ls = %q, want the bucket listed", out)
	}
}

func put(t *testing.T, c *s3.Client, bucket, key, body string) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}
