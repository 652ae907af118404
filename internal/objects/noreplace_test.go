package objects_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/objects"
)

// testNoReplace checks every upload path that must not replace an object:
// a presigned PUT, an empty object and a multipart upload's completion
// are refused by S3 (412) when the key exists, leaving the first object
// intact, and replace it when allowed.
func testNoReplace(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	first, second := []byte("first version"), []byte("second versio")
	put := func(key string, data []byte, noReplace bool) response {
		req, err := svc.PresignPut(t.Context(), nobody, objects.PutRequest{
			Bucket: testBucket, Key: key, ContentType: "text/plain", ContentLength: int64(len(data)), NoReplace: noReplace,
		})
		if err != nil {
			t.Fatal(err)
		}
		return send(t, req, data, nil)
	}

	t.Run("presigned PUT", func(t *testing.T) {
		if r := put("nr/put.txt", first, true); r.status != http.StatusOK {
			t.Fatalf("first PUT = %v, want 200", r)
		}
		if r := put("nr/put.txt", second, true); r.status != http.StatusPreconditionFailed {
			t.Fatalf("second PUT without replacing = %v, want 412", r)
		}
		if got, err := env.getObject(t, "nr/put.txt"); err != nil || !bytes.Equal(got, first) {
			t.Fatalf("object = %q, %v; want the first version intact", got, err)
		}
		if r := put("nr/put.txt", second, false); r.status != http.StatusOK {
			t.Fatalf("PUT allowed to replace = %v, want 200", r)
		}
		if got, _ := env.getObject(t, "nr/put.txt"); !bytes.Equal(got, second) {
			t.Fatalf("object = %q; want the replacement", got)
		}
	})

	t.Run("empty object", func(t *testing.T) {
		env.putObject(t, "nr/empty.txt", first)
		_, err := svc.PutEmptyObject(t.Context(), testBucket, "nr/empty.txt", "text/plain", true)
		if e := wantKind(t, err, objects.KindAlreadyExists); e.StatusCode != http.StatusPreconditionFailed {
			t.Errorf("error %#v: want S3's 412", e)
		}
		if got, _ := env.getObject(t, "nr/empty.txt"); !bytes.Equal(got, first) {
			t.Fatalf("object = %q; want it intact", got)
		}
		if _, err := svc.PutEmptyObject(t.Context(), testBucket, "nr/new-empty.txt", "text/plain", true); err != nil {
			t.Fatalf("a new empty object without replacing: %v", err)
		}
	})

	t.Run("multipart completion", func(t *testing.T) {
		env.putObject(t, "nr/mp.bin", first)
		data := randomBytes(1024, 3)
		complete := func(noReplace bool) error {
			up := createUpload(t, svc, "nr/mp.bin")
			plan := objects.PartPlan{PartSize: objects.DefaultPartSize, Parts: 1, LastPartSize: int64(len(data))}
			etags := uploadParts(t, svc, nobody, up, data, plan, []int32{1}, 1)
			_, err := svc.CompleteMultipartUpload(t.Context(), objects.CompleteRequest{
				Bucket: up.Bucket, Key: up.Key, UploadID: up.UploadID, Parts: completed(etags), NoReplace: noReplace,
			})
			return err
		}
		wantKind(t, complete(true), objects.KindAlreadyExists)
		if got, _ := env.getObject(t, "nr/mp.bin"); !bytes.Equal(got, first) {
			t.Fatalf("object = %q; want it intact", got)
		}
		if err := complete(false); err != nil {
			t.Fatalf("completion allowed to replace: %v", err)
		}
		if got, _ := env.getObject(t, "nr/mp.bin"); !bytes.Equal(got, data) {
			t.Fatal("completion allowed to replace left the old object")
		}
	})
}

// testNotAfter checks that no URL outlives the grant it was signed under.
func testNotAfter(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	end := time.Now().Add(90 * time.Second)
	req, err := svc.PresignGet(t.Context(), nobody, objects.GetRequest{Bucket: testBucket, Key: "na/a.txt", NotAfter: end})
	if err != nil {
		t.Fatal(err)
	}
	if req.ExpiresAt.After(end) {
		t.Errorf("GET expires at %v, after the grant's end %v", req.ExpiresAt, end)
	}
	if got := req.URL; !bytes.Contains([]byte(got), []byte("X-Amz-Expires=")) {
		t.Fatalf("URL without X-Amz-Expires")
	}
	if _, err := svc.PresignPut(t.Context(), nobody, objects.PutRequest{
		Bucket: testBucket, Key: "na/a.txt", ContentType: "text/plain", ContentLength: 1, NotAfter: time.Now().Add(-time.Minute),
	}); objects.KindOf(err) != objects.KindAccessDenied {
		t.Errorf("PresignPut after the grant's end = %v, want AccessDenied", err)
	}
	post, err := svc.PresignPost(t.Context(), nobody, objects.PostRequest{Bucket: testBucket, Key: "na/b.txt", NotAfter: end})
	if err != nil || post.ExpiresAt.After(end) {
		t.Errorf("POST form expires at %v (%v), after the grant's end %v", post.ExpiresAt, err, end)
	}
	up := createUpload(t, svc, "na/mp.bin")
	parts, err := svc.PresignUploadParts(t.Context(), nobody, objects.PartURLsRequest{
		Bucket: testBucket, Key: up.Key, UploadID: up.UploadID, Parts: []objects.PartToSign{{Number: 1, Size: 1}}, NotAfter: end,
	})
	if err != nil || parts[0].ExpiresAt.After(end) {
		t.Errorf("part URL expires at %v (%v), after the grant's end %v", parts[0].ExpiresAt, err, end)
	}
}
