package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/server"
)

// TestAnonymousRequestsStayBounded sends what anonymous clients choose
// (methods and user agents of 32 KiB) and checks that /metrics and the
// access log stay small: every label and logged field is bounded.
func TestAnonymousRequestsStayBounded(t *testing.T) {
	st := startStackWith(t, "partner-data-bounded")
	defer st.closer()
	metricsSize := func() int {
		resp, err := http.Get(st.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	before := metricsSize()
	huge := strings.Repeat("A", 32<<10)
	for i := range 30 {
		method := huge[:len(huge)-i] // each method differs
		req, err := http.NewRequest(method, st.url+"/healthz", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", huge)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		// Paths that match no route, each different, are one label too.
		if resp, err = http.Get(st.url + "/nowhere/" + strconv.Itoa(i) + strings.Repeat("p", 4096)); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	after := metricsSize()
	if after-before > 16<<10 {
		t.Errorf("/metrics grew from %d to %d bytes after 30 hostile requests; labels must be bounded", before, after)
	}
	if logs := st.logs.String(); strings.Contains(logs, huge[:1024]) || strings.Contains(logs, strings.Repeat("p", 1024)) {
		t.Errorf("the access log holds a client's field whole (%d bytes of logs)", len(logs))
	}
}

// TestChangesAreRecordedFirst stops the audit store and deletes: the
// attempt cannot be recorded, so the answer is 503 and the object is still
// at MinIO. With the store up, a delete leaves the pending attempt and its
// outcome.
func TestChangesAreRecordedFirst(t *testing.T) {
	st := startStackWith(t, "partner-data-record-first")
	defer st.closer()
	const key = "partner-a/uploads/2024/january/scans/page-1.png"
	applyGrant(t, st.conn, "alice-deletes", "partner-a/uploads/", []string{"write", "list", "delete"}, key, grant.Delete)
	al := caller{t: t, base: st.url, user: alice}
	del := url.Values{"connection": {st.conn}, "bucket": {bucket}, "key": {key}}
	root := st.minio.S3Client(t, nil)
	exists := func() bool {
		_, err := root.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		var api smithy.APIError
		if err != nil && !(errors.As(err, &api) && api.ErrorCode() == "NotFound") {
			t.Fatal(err)
		}
		return err == nil
	}

	t.Run("with the store down nothing changes", func(t *testing.T) {
		// A second stack on the same MinIO objects and grants, whose store is
		// closed: every append fails.
		down := startStackWith(t, "partner-data-record-first-down")
		defer down.closer()
		applyGrant(t, down.conn, "alice-deletes-down", "partner-a/uploads/", []string{"write", "list", "delete"}, key, grant.Delete)
		if err := down.store.Close(); err != nil {
			t.Fatal(err)
		}
		r := caller{t: t, base: down.url, user: alice}.do(http.MethodDelete, "/api/v1/objects", url.Values{"connection": {down.conn}, "bucket": {bucket}, "key": {key}}, nil)
		if r.status != http.StatusServiceUnavailable || r.errorBody(t).Reason != server.ReasonAuditUnavailable {
			t.Fatalf("delete with the audit store down = %d %s, want 503 AuditUnavailable", r.status, r.body)
		}
		_, err := down.minio.S3Client(t, nil).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("the object is gone after a refused delete: %v", err)
		}
	})

	t.Run("with the store up the attempt comes before its outcome", func(t *testing.T) {
		if r := al.do(http.MethodDelete, "/api/v1/objects", del, nil); r.status != http.StatusOK {
			t.Fatalf("delete = %d %s", r.status, r.body)
		}
		if exists() {
			t.Fatal("the object survived its delete")
		}
		var got []audit.Outcome
		var ids []string
		for _, e := range st.eventsOf(t, alice) {
			if e.Action == audit.ActionDelete {
				got, ids = append(got, e.Outcome), append(ids, e.RequestID)
			}
		}
		if len(got) != 2 || got[0] != audit.OutcomePending || got[1] != audit.OutcomeSuccess || ids[0] != ids[1] {
			t.Fatalf("delete events = %v of requests %v, want pending then success of one request", got, ids)
		}
	})
}

// TestWriteWithoutDeleteCannotReplace: a grant with write and no delete
// creates files but never replaces one, on every upload path; with delete
// it replaces.
func TestWriteWithoutDeleteCannotReplace(t *testing.T) {
	st := startStackWith(t, "partner-data-no-replace")
	defer st.closer()
	const dir = "partner-a/uploads/2024/march/"
	applyGrant(t, st.conn, "alice-writes", "partner-a/uploads/", []string{"write", "list"}, dir+"x", grant.Write)
	al := caller{t: t, base: st.url, user: alice}
	root := st.minio.S3Client(t, nil)
	content := func(key string) string {
		out, err := root.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("get %s: %v", key, err)
		}
		defer out.Body.Close()
		b, _ := io.ReadAll(out.Body)
		return string(b)
	}
	put := func(key, body string) int {
		t.Helper()
		r := al.do(http.MethodPost, "/api/v1/uploads", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": key, "contentType": "text/plain", "size": len(body)})
		if r.status != http.StatusOK {
			t.Fatalf("upload %s = %d %s", key, r.status, r.body)
		}
		var up server.UploadResponse
		r.decode(t, &up)
		code, _, _ := send(t, *up.Upload, []byte(body))
		return code
	}
	wantRefusal := func(r response) {
		t.Helper()
		if r.status != http.StatusPreconditionFailed || !strings.Contains(r.errorBody(t).Error, "already exists; your grant does not allow replacing files") {
			t.Fatalf("answer = %d %s, want 412 saying the grant does not allow replacing", r.status, r.body)
		}
	}

	if code := put(dir+"report.txt", "first version"); code != http.StatusOK {
		t.Fatalf("first PUT = %d", code)
	}
	if code := put(dir+"report.txt", "second versio"); code != http.StatusPreconditionFailed {
		t.Fatalf("second PUT of the same key = %d, want 412 from MinIO", code)
	}
	if got := content(dir + "report.txt"); got != "first version" {
		t.Fatalf("after a refused PUT the object holds %q", got)
	}

	// The empty-object path, which the server writes itself.
	wantRefusal(al.do(http.MethodPost, "/api/v1/uploads", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": dir + "report.txt", "contentType": "text/plain", "size": 0}))

	// A multipart upload over it.
	ref := map[string]any{"connection": st.conn, "bucket": bucket, "key": dir + "report.txt"}
	r := al.do(http.MethodPost, "/api/v1/multipart", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": dir + "report.txt", "contentType": "text/plain", "size": 5})
	var mp server.MultipartResponse
	r.decode(t, &mp)
	if r.status != http.StatusOK {
		t.Fatalf("multipart create = %d %s", r.status, r.body)
	}
	ref["uploadId"], ref["parts"] = mp.UploadID, []map[string]any{{"partNumber": 1, "size": 5}}
	r = al.do(http.MethodPost, "/api/v1/multipart/parts", nil, ref)
	var parts server.PartsResponse
	r.decode(t, &parts)
	code, h, _ := send(t, parts.Parts[0].PresignedRequest, []byte("third"))
	if code != http.StatusOK {
		t.Fatalf("part = %d", code)
	}
	ref["parts"] = []map[string]any{{"partNumber": 1, "etag": h.Get("ETag")}}
	wantRefusal(al.do(http.MethodPost, "/api/v1/multipart/complete", nil, ref))
	// A form for it.
	wantRefusal(al.do(http.MethodPost, "/api/v1/uploads/post", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": dir + "report.txt"}))
	if got := content(dir + "report.txt"); got != "first version" {
		t.Fatalf("after the refusals the object holds %q", got)
	}

	// With delete permission, replacing works.
	applyGrant(t, st.conn, "alice-deletes", "partner-a/uploads/", []string{"write", "list", "delete"}, dir+"x", grant.Delete)
	if code := put(dir+"report.txt", "second versio"); code != http.StatusOK {
		t.Fatalf("PUT with delete permission = %d, want 200", code)
	}
	if got := content(dir + "report.txt"); got != "second versio" {
		t.Fatalf("after replacing the object holds %q", got)
	}
}

// TestPartURLsCarryTheirLength: a part is signed only with its size, within
// the grant's maxObjectSize (20Mi in applyGrant), and S3 refuses any other
// length.
func TestPartURLsCarryTheirLength(t *testing.T) {
	st := startStackWith(t, "partner-data-parts")
	defer st.closer()
	const key = "partner-a/uploads/2024/april/big.bin"
	applyGrant(t, st.conn, "alice-writes", "partner-a/uploads/", []string{"write", "list"}, key, grant.Write)
	al := caller{t: t, base: st.url, user: alice}
	r := al.do(http.MethodPost, "/api/v1/multipart", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": key, "contentType": "application/octet-stream"})
	var mp server.MultipartResponse
	r.decode(t, &mp)
	if r.status != http.StatusOK {
		t.Fatalf("create = %d %s", r.status, r.body)
	}
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
	r = sign(map[string]any{"partNumber": 1, "size": 100})
	var parts server.PartsResponse
	r.decode(t, &parts)
	if r.status != http.StatusOK {
		t.Fatalf("sign = %d %s", r.status, r.body)
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
	st := startStackWith(t, "partner-data-post")
	defer st.closer()
	const key = "partner-a/uploads/2024/may/form.txt"
	applyGrant(t, st.conn, "alice-writes", "partner-a/uploads/", []string{"write", "list"}, key, grant.Write)
	al := caller{t: t, base: st.url, user: alice}
	r := al.do(http.MethodPost, "/api/v1/uploads/post", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": key})
	if r.status != http.StatusOK {
		t.Fatalf("/uploads/post = %d %s", r.status, r.body)
	}
	var form server.PostUploadResponse
	r.decode(t, &form)
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
	if out, err := env.Kubectl(context.Background(), y, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	const key = "partner-a/processed/report.pdf"
	eventually(t, 20*time.Second, "grant alice-ending authorizes", func() bool {
		return index.Decide(grant.Principal{User: alice}, grant.Read, st.conn, bucket, key).Allowed
	})
	al := caller{t: t, base: st.url, user: alice}
	r := al.do(http.MethodPost, "/api/v1/downloads", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": key})
	var dl server.DownloadResponse
	r.decode(t, &dl)
	if r.status != http.StatusOK {
		t.Fatalf("download = %d %s", r.status, r.body)
	}
	u, err := url.Parse(dl.Download.URL)
	if err != nil {
		t.Fatal(err)
	}
	expires, _ := strconv.Atoi(u.Query().Get("X-Amz-Expires"))
	if dl.Download.ExpiresAt.After(end) || expires > 120 || expires < 1 {
		t.Fatalf("download URL valid for %ds until %v; the grant ends at %v", expires, dl.Download.ExpiresAt, end)
	}
	r = al.do(http.MethodPost, "/api/v1/uploads", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": "partner-a/processed/new.txt", "contentType": "text/plain", "size": 3})
	var up server.UploadResponse
	r.decode(t, &up)
	if r.status != http.StatusOK || up.Upload.ExpiresAt.After(end) {
		t.Fatalf("upload URL = %d, expires %v; the grant ends at %v", r.status, up.Upload.ExpiresAt, end)
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
