package minioserver

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// RootCredentials returns a provider of the server's root credentials.
func (s *Server) RootCredentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(s.RootAccessKey, s.RootSecretKey, "")
}

// StaticCredentials wraps fixed credentials, such as AssumeRole's, as a provider.
func StaticCredentials(c aws.Credentials) aws.CredentialsProvider {
	return credentials.StaticCredentialsProvider{Value: c}
}

// S3Client returns an S3 client for the server with path-style addressing,
// signing with creds (the root credentials if nil). It does not retry, so a
// refused request surfaces as one AccessDenied, not as a slow loop.
func (s *Server) S3Client(t testing.TB, creds aws.CredentialsProvider) *s3.Client {
	t.Helper()
	if creds == nil {
		creds = s.RootCredentials()
	}
	return s3.New(s3.Options{
		Region:           s.Region,
		BaseEndpoint:     aws.String(s.Endpoint),
		UsePathStyle:     true,
		Credentials:      creds,
		RetryMaxAttempts: 1,
	})
}

// CreateBucket creates a bucket as root and fails the test if it cannot.
func (s *Server) CreateBucket(t testing.TB, name string) {
	t.Helper()
	_, err := s.S3Client(t, nil).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
}

// Seed creates bucket and puts objects (key to body) into it as root, and
// returns the root client.
func (s *Server) Seed(t testing.TB, bucket string, objects map[string]string) *s3.Client {
	t.Helper()
	s.CreateBucket(t, bucket)
	root := s.S3Client(t, nil)
	for key, body := range objects {
		if _, err := root.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatalf("seed %s: %v", key, err)
		}
	}
	return root
}

// Object reads bucket/key through c and fails the test if it cannot.
func Object(t testing.TB, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(b)
}
