//go:build linux

package objects_test

import (
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/objects"
)

// TestCallsEndWhenS3Hangs stops a MinIO of its own (SIGSTOP: connections
// are accepted by the kernel and never answered) and checks that calls to
// it fail with KindTimeout (504) soon after the call timeout, instead of
// waiting for as long as MinIO is stopped.
func TestCallsEndWhenS3Hangs(t *testing.T) {
	env := startMinIO(t)
	svc := env.service(t, false, objects.Options{CallTimeout: time.Second})
	env.putObject(t, "hang/a.txt", []byte("a"))
	if _, err := svc.HeadObject(t.Context(), testBucket, "hang/a.txt"); err != nil {
		t.Fatal(err)
	}
	env.srv.Pause(t)

	for name, call := range map[string]func() error{
		"ListObjects": func() error {
			_, err := svc.ListObjects(t.Context(), objects.ListRequest{Bucket: testBucket, Prefix: "hang/"})
			return err
		},
		"DeleteObject": func() error { return svc.DeleteObject(t.Context(), testBucket, "hang/a.txt") },
		"CreateMultipartUpload": func() error {
			_, err := svc.CreateMultipartUpload(t.Context(), objects.MultipartRequest{Bucket: testBucket, Key: "hang/mp.bin", ContentType: "application/octet-stream"})
			return err
		},
	} {
		start := time.Now()
		err := call()
		took := time.Since(start)
		if e := wantKind(t, err, objects.KindTimeout); e != nil && objects.KindTimeout.HTTPStatus() != 504 {
			t.Errorf("%s: status %d, want 504", name, objects.KindTimeout.HTTPStatus())
		}
		if took > 15*time.Second {
			t.Errorf("%s took %s with a 1s call timeout", name, took)
		}
		t.Logf("%s: %v after %s", name, err, took.Round(time.Millisecond))
	}
	env.srv.Resume()
	if _, err := svc.HeadObject(t.Context(), testBucket, "hang/a.txt"); err != nil {
		t.Fatalf("after MinIO continued: %v", err)
	}
}
