package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/server"
)

// TestPartURLsCarryTheirLength: a part is signed only with its size, within
// the grant's maxObjectSize (20Mi in applyGrant), and S3 refuses any other
// length.
func TestPartURLsCarryTheirLength(t *testing.T) {
	const key = "partner-a/uploads/2024/april/big.bin"
	st, al := writerOn(t, "partner-data-parts", key)
	var mp server.MultipartResponse
	al.must(http.MethodPost, "/api/v1/multipart", map[string]any{"connection": st.conn, "bucket": bucket, "key": key, "contentType": "application/octet-stream"}, &mp)
	sign := func(parts ...map[string]any) response {
		return al.do(http.MethodPost, "/api/v1/multipart/parts", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": key, "uploadId": mp.UploadID, "parts": parts})
	}
	if r := sign(map[string]any{"partNumber": 1}); r.status != http.StatusBadRequest {
		t.Errorf("a part without its size = %d %s, want 400", r.status, r.body)
	}
	if r := sign(map[string]any{"partNumber": 1, "size": 21 << 20}); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a part over the grant's 20Mi = %d %s, want 413", r.status, r.body)
	}
	if r := sign(map[string]any{"partNumber": 5, "size": 1 << 20}); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("part 5 (at least 21 MiB in all) = %d %s, want 413", r.status, r.body)
	}
	var parts server.PartsResponse
	if r := sign(map[string]any{"partNumber": 1, "size": 100}); r.status != http.StatusOK {
		t.Fatalf("sign = %d %s", r.status, r.body)
	} else {
		r.decode(t, &parts)
	}
	if code, _, body := send(t, parts.Parts[0].PresignedRequest, make([]byte, 5<<20)); code == http.StatusOK {
		t.Fatalf("a 5 MiB part through a URL signed for 100 bytes = %d %s", code, body)
	}
	if code, _, body := send(t, parts.Parts[0].PresignedRequest, make([]byte, 100)); code != http.StatusOK {
		t.Fatalf("the signed length = %d %s", code, body)
	}
}

// TestPostFormUploadsOneKey: /uploads/post signs a form for one key, which
// uploads, and no other key.
func TestPostFormUploadsOneKey(t *testing.T) {
	const key = "partner-a/uploads/2024/may/form.txt"
	st, al := writerOn(t, "partner-data-post", key)
	var form server.PostUploadResponse
	al.must(http.MethodPost, "/api/v1/uploads/post", map[string]any{"connection": st.conn, "bucket": bucket, "key": key}, &form)
	if form.Key != key || form.Form.Fields["key"] != key {
		t.Fatalf("form for %q with key field %q, want %q", form.Key, form.Form.Fields["key"], key)
	}
	for _, other := range []string{"partner-a/uploads/2024/may/other.txt", "partner-a/uploads/2024/may/../x.txt"} {
		if code := postForm(t, form.Form, other, []byte("nope")); code != http.StatusForbidden {
			t.Errorf("the form posted to %s = %d, want 403", other, code)
		}
	}
	if code := postForm(t, form.Form, "", []byte("through a form")); code != http.StatusNoContent {
		t.Fatalf("the form = %d, want 204", code)
	}
	if r := al.do(http.MethodPost, "/api/v1/uploads/confirm", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": key}); r.status != http.StatusOK {
		t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	for _, bad := range []string{"partner-a/uploads/2024/may/", "partner-a/uploads/../secret/x"} {
		if r := al.do(http.MethodPost, "/api/v1/uploads/post", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": bad}); r.status != http.StatusBadRequest {
			t.Errorf("/uploads/post of %q = %d %s, want 400", bad, r.status, r.body)
		}
	}
}

// TestURLsEndWithTheGrant: a grant ending in two minutes signs URLs that
// end by then, although the default TTL is 15 minutes.
func TestURLsEndWithTheGrant(t *testing.T) {
	st := startStackWith(t, "partner-data-ending")
	defer st.closer()
	end := time.Now().Add(2 * time.Minute).UTC().Truncate(time.Second)
	y := `apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata:
  name: alice-ending
  namespace: ` + operatorNamespace + `
spec:
  connection: ` + st.conn + `
  bucket: ` + bucket + `
  prefix: partner-a/processed/
  subjects:
    - kind: User
      name: ` + alice + `
  permissions: [read, write, list]
  validUntil: "` + end.Format(time.RFC3339) + `"
`
	if out, err := operator.Env.Kubectl(context.Background(), y, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	const key = "partner-a/processed/report.pdf"
	poll.Until(t, 20*time.Second, "grant alice-ending authorizes", func() bool {
		return operator.Index.Decide(grant.Principal{User: alice}, grant.Read, st.conn, bucket, key).Allowed
	})
	al := caller{t: t, base: st.url, user: alice}
	var dl server.DownloadResponse
	al.must(http.MethodPost, "/api/v1/downloads", map[string]any{"connection": st.conn, "bucket": bucket, "key": key}, &dl)
	u, err := url.Parse(dl.Download.URL)
	if err != nil {
		t.Fatal(err)
	}
	expires, _ := strconv.Atoi(u.Query().Get("X-Amz-Expires"))
	if dl.Download.ExpiresAt.After(end) || expires > 120 || expires < 1 {
		t.Fatalf("download URL valid for %ds until %v; the grant ends at %v", expires, dl.Download.ExpiresAt, end)
	}
	var up server.UploadResponse
	al.must(http.MethodPost, "/api/v1/uploads", map[string]any{"connection": st.conn, "bucket": bucket, "key": "partner-a/processed/new.txt", "contentType": "text/plain", "size": 3}, &up)
	if up.Upload.ExpiresAt.After(end) {
		t.Fatalf("upload URL expires %v; the grant ends at %v", up.Upload.ExpiresAt, end)
	}
}

// postForm posts data through a presigned form as a browser would, with the
// key field replaced when key is set, and returns S3's status.
func postForm(t *testing.T, form objects.PresignedPost, key string, data []byte) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, value := range form.Fields {
		if name == "key" && key != "" {
			value = key
		}
		if err := mw.WriteField(name, value); err != nil {
			t.Fatal(err)
		}
	}
	file, err := mw.CreateFormFile("file", "upload.txt")
	if err == nil {
		_, err = file.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(form.URL, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// must sends a request that must succeed (2xx) and decodes its answer into v.
func (c caller) must(method, path string, body, v any) {
	c.t.Helper()
	r := c.do(method, path, nil, body)
	if r.status/100 != 2 {
		c.t.Fatalf("%s %s = %d %s", method, path, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		c.t.Fatalf("decode %s: %v", r.body, err)
	}
}
