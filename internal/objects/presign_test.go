package objects_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/redact"
)

var nobody = grant.Principal{User: "unused-without-scoping"}

func testPresignedPut(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	data := []byte("name,amount\nwidget,3\n")
	put := func(key string) objects.PresignedRequest {
		t.Helper()
		req, err := svc.PresignPut(t.Context(), nobody, objects.PutRequest{
			Bucket: testBucket, Key: key, ContentType: "text/csv", ContentLength: int64(len(data)),
		})
		if err != nil {
			t.Fatalf("PresignPut: %v", err)
		}
		return req
	}

	t.Run("the signed length and type upload", func(t *testing.T) {
		before := time.Now()
		req := put("put/ok.csv")
		if req.Method != http.MethodPut || req.Headers["Content-Type"] != "text/csv" {
			t.Fatalf("request %v headers %v: want PUT with Content-Type text/csv", req, req.Headers)
		}
		if _, ok := req.Headers["Host"]; ok {
			t.Error("Headers lists Host, which the URL fixes")
		}
		if d := req.ExpiresAt.Sub(before); d < objects.DefaultTTL-time.Second || d > objects.DefaultTTL {
			t.Errorf("ExpiresAt is %v after signing, want the default TTL %v", d, objects.DefaultTTL)
		}
		if !strings.Contains(req.URL, "content-length") {
			t.Errorf("URL does not sign content-length: %s", redact.String(req.URL))
		}
		if r := send(t, req, data, nil); r.status != http.StatusOK {
			t.Fatalf("PUT = %v, want 200", r)
		}
		info, err := svc.HeadObject(t.Context(), testBucket, "put/ok.csv")
		if err != nil || info.Size != int64(len(data)) || info.ContentType != "text/csv" || info.ETag == "" || strings.Contains(info.ETag, `"`) {
			t.Fatalf("HeadObject = %+v, %v; want the uploaded size, type and an unquoted ETag", info, err)
		}
	})

	t.Run("another length is refused", func(t *testing.T) {
		for _, body := range [][]byte{data[:len(data)-1], append(bytes.Clone(data), 'x')} {
			r := send(t, put("put/length.csv"), body, nil)
			if r.status != http.StatusForbidden || r.code() != "SignatureDoesNotMatch" {
				t.Errorf("PUT of %d bytes for %d signed = %v, want 403 SignatureDoesNotMatch", len(body), len(data), r)
			}
		}
		if _, err := env.getObject(t, "put/length.csv"); err == nil {
			t.Error("a refused upload left an object")
		}
	})

	t.Run("another content type is refused", func(t *testing.T) {
		r := send(t, put("put/type.csv"), data, map[string]string{"Content-Type": "text/html"})
		if r.status != http.StatusForbidden || r.code() != "SignatureDoesNotMatch" {
			t.Errorf("PUT with another Content-Type = %v, want 403 SignatureDoesNotMatch", r)
		}
		// Without the signed header MinIO answers 400 AccessDenied, AWS 403.
		r = send(t, put("put/type.csv"), data, map[string]string{"Content-Type": ""})
		if r.status < 400 || r.status >= 500 || (r.code() != "SignatureDoesNotMatch" && r.code() != "AccessDenied") {
			t.Errorf("PUT without Content-Type = %v, want a 4xx refusal", r)
		}
		if _, err := env.getObject(t, "put/type.csv"); err == nil {
			t.Error("a refused upload left an object")
		}
	})

	t.Run("TTL is capped", func(t *testing.T) {
		req, err := svc.PresignPut(t.Context(), nobody, objects.PutRequest{
			Bucket: testBucket, Key: "put/ttl.csv", ContentType: "text/csv", ContentLength: 1, TTL: 48 * time.Hour,
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(req.URL, "X-Amz-Expires="+strconv.Itoa(int(objects.DefaultMaxTTL/time.Second))) {
			t.Errorf("URL %s: want X-Amz-Expires capped at %v", redact.String(req.URL), objects.DefaultMaxTTL)
		}
		if time.Until(req.ExpiresAt) > objects.DefaultMaxTTL {
			t.Errorf("ExpiresAt %v is beyond the cap", req.ExpiresAt)
		}
	})

	t.Run("bad requests are refused before signing", func(t *testing.T) {
		for name, in := range map[string]objects.PutRequest{
			"dot segment":      {Bucket: testBucket, Key: "put/../x", ContentType: "text/csv", ContentLength: 1},
			"trailing slash":   {Bucket: testBucket, Key: "put/", ContentType: "text/csv", ContentLength: 1},
			"bad bucket":       {Bucket: "Data_", Key: "put/x", ContentType: "text/csv", ContentLength: 1},
			"no content type":  {Bucket: testBucket, Key: "put/x", ContentLength: 1},
			"header injection": {Bucket: testBucket, Key: "put/x", ContentType: "text/csv\r\nX-Evil: 1", ContentLength: 1},
			"not a media type": {Bucket: testBucket, Key: "put/x", ContentType: "csv", ContentLength: 1},
			"empty":            {Bucket: testBucket, Key: "put/x", ContentType: "text/csv"},
			"negative TTL":     {Bucket: testBucket, Key: "put/x", ContentType: "text/csv", ContentLength: 1, TTL: -time.Second},
		} {
			_, err := svc.PresignPut(t.Context(), nobody, in)
			if objects.KindOf(err) != objects.KindInvalidArgument {
				t.Errorf("%s: error = %v, want InvalidArgument", name, err)
			}
		}
		for name, in := range map[string]objects.PutRequest{
			"over the grant's limit": {Bucket: testBucket, Key: "put/x", ContentType: "text/csv", ContentLength: 11, MaxObjectSize: 10},
			"over a single PUT":      {Bucket: testBucket, Key: "put/x", ContentType: "text/csv", ContentLength: objects.MaxSinglePutSize + 1},
		} {
			_, err := svc.PresignPut(t.Context(), nobody, in)
			if objects.KindOf(err) != objects.KindEntityTooLarge {
				t.Errorf("%s: error = %v, want EntityTooLarge", name, err)
			}
		}
	})
}

func testPresignedPost(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	post, err := svc.PresignPost(t.Context(), nobody, objects.PostRequest{
		Bucket: testBucket, Key: "post/inbox/a.txt", MaxObjectSize: 64,
	})
	if err != nil {
		t.Fatalf("PresignPost: %v", err)
	}
	if post.Fields["key"] != "post/inbox/a.txt" || post.Fields["policy"] == "" {
		t.Fatalf("fields %v: want key post/inbox/a.txt and a policy", post)
	}
	if s := post.String(); strings.Contains(s, post.Fields["X-Amz-Signature"]) || strings.Contains(s, post.Fields["policy"]) {
		t.Errorf("String() = %q shows secret fields", s)
	}
	data := []byte("hello through a form")

	t.Run("a file over the size is refused", func(t *testing.T) {
		r := postForm(t, post, nil, "big.bin", make([]byte, 65))
		if r.status != http.StatusBadRequest || r.code() != "EntityTooLarge" {
			t.Fatalf("POST of 65 bytes with a 64-byte limit = %v, want 400 EntityTooLarge", r)
		}
	})

	t.Run("the signed key uploads", func(t *testing.T) {
		r := postForm(t, post, map[string]string{"Content-Type": "text/plain"}, "a.txt", data)
		if r.status != http.StatusNoContent {
			t.Fatalf("POST = %v, want 204", r)
		}
		got, err := env.getObject(t, "post/inbox/a.txt")
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("object = %q, %v; want the posted bytes", got, err)
		}
	})

	t.Run("any other key is refused, even in the same folder", func(t *testing.T) {
		for _, key := range []string{"post/inbox/b.txt", "post/inbox/../a.txt", "post/inbox/a.txt/x", "post/other/a.txt", "a.txt"} {
			r := postForm(t, post, map[string]string{"key": key}, "a.txt", data)
			if r.status != http.StatusForbidden {
				t.Errorf("POST to %s = %v, want 403", key, r)
			}
			if _, err := env.getObject(t, key); err == nil {
				t.Errorf("refused POST left %s", key)
			}
		}
	})

	t.Run("without replacing, an existing key is not signed", func(t *testing.T) {
		_, err := svc.PresignPost(t.Context(), nobody, objects.PostRequest{Bucket: testBucket, Key: "post/inbox/a.txt", NoReplace: true})
		if objects.KindOf(err) != objects.KindAlreadyExists {
			t.Fatalf("PresignPost over an object without replacing = %v, want AlreadyExists", err)
		}
		if _, err := svc.PresignPost(t.Context(), nobody, objects.PostRequest{Bucket: testBucket, Key: "post/inbox/new.txt", NoReplace: true}); err != nil {
			t.Fatalf("PresignPost of a new key without replacing: %v", err)
		}
	})

	t.Run("an exact content type is enforced", func(t *testing.T) {
		for key, ct := range map[string]string{"post/typed/a.png": "", "post/typed/b.png": "text/html"} {
			typed, err := svc.PresignPost(t.Context(), nobody, objects.PostRequest{Bucket: testBucket, Key: key, ContentType: "image/png"})
			if err != nil {
				t.Fatal(err)
			}
			want := http.StatusNoContent
			fields := map[string]string{}
			if ct != "" {
				fields["Content-Type"], want = ct, http.StatusForbidden
			}
			if r := postForm(t, typed, fields, "a.png", data); r.status != want {
				t.Fatalf("POST to %s with type %q = %v, want %d", key, ct, r, want)
			}
		}
	})
}

func testPresignedGet(t *testing.T, env *minioEnv) {
	svc := env.service(t, false, objects.Options{})
	key := `get/Q3 "final" résumé;.pdf`
	data := randomBytes(4096, 7)
	env.putObject(t, key, data)

	req, err := svc.PresignGet(t.Context(), nobody, objects.GetRequest{Bucket: testBucket, Key: key})
	if err != nil {
		t.Fatalf("PresignGet: %v", err)
	}
	r := send(t, req, nil, nil)
	if r.status != http.StatusOK || !bytes.Equal(r.body, data) {
		t.Fatalf("GET = %v with %d bytes, want 200 with the object", r, len(r.body))
	}
	want := `attachment; filename="Q3 _final_ r_sum_;.pdf"; filename*=UTF-8''Q3%20%22final%22%20r%C3%A9sum%C3%A9%3B.pdf`
	if got := r.header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	if want != objects.AttachmentDisposition(objects.FileName(key)) {
		t.Errorf("AttachmentDisposition disagrees with the expected header")
	}

	named, err := svc.PresignGet(t.Context(), nobody, objects.GetRequest{Bucket: testBucket, Key: key, Filename: "plain.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if got := send(t, named, nil, nil).header.Get("Content-Disposition"); got != `attachment; filename="plain.pdf"` {
		t.Errorf("Content-Disposition with Filename = %q", got)
	}

	missing, err := svc.PresignGet(t.Context(), nobody, objects.GetRequest{Bucket: testBucket, Key: "get/absent.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if r := send(t, missing, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("GET of a missing object = %v, want 404", r)
	}
}
