package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/server"
)

// writerOn starts a stack on connection conn where alice may write and list
// under partner-a/uploads/ (probe is a key there), and returns her caller.
func writerOn(t *testing.T, conn, probe string) (*stack, caller) {
	t.Helper()
	st := startStackWith(t, conn)
	t.Cleanup(st.closer)
	applyGrant(t, st.conn, "alice-writes", "partner-a/uploads/", []string{"write", "list"}, probe, grant.Write)
	return st, caller{t: t, base: st.url, user: alice}
}

// TestWriteWithoutDeleteCannotReplace: a grant with write and no delete
// creates files but never replaces one, on every upload path; with delete
// it replaces.
func TestWriteWithoutDeleteCannotReplace(t *testing.T) {
	const dir = "partner-a/uploads/2024/march/"
	st, al := writerOn(t, "partner-data-no-replace", dir+"x")
	root := st.minio.S3Client(t, nil)
	put := func(key, body string) int {
		t.Helper()
		var up server.UploadResponse
		al.must(http.MethodPost, "/api/v1/uploads", map[string]any{"connection": st.conn, "bucket": bucket, "key": key, "contentType": "text/plain", "size": len(body)}, &up)
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
	if got := minioserver.Object(t, root, bucket, dir+"report.txt"); got != "first version" {
		t.Fatalf("after a refused PUT the object holds %q", got)
	}

	// The empty-object path, which the server writes itself.
	wantRefusal(al.do(http.MethodPost, "/api/v1/uploads", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": dir + "report.txt", "contentType": "text/plain", "size": 0}))

	// A multipart upload over it.
	ref := map[string]any{"connection": st.conn, "bucket": bucket, "key": dir + "report.txt"}
	var mp server.MultipartResponse
	al.must(http.MethodPost, "/api/v1/multipart", map[string]any{"connection": st.conn, "bucket": bucket, "key": dir + "report.txt", "contentType": "text/plain", "size": 5}, &mp)
	ref["uploadId"], ref["parts"] = mp.UploadID, []map[string]any{{"partNumber": 1, "size": 5}}
	var parts server.PartsResponse
	al.must(http.MethodPost, "/api/v1/multipart/parts", ref, &parts)
	code, h, _ := send(t, parts.Parts[0].PresignedRequest, []byte("third"))
	if code != http.StatusOK {
		t.Fatalf("part = %d", code)
	}
	ref["parts"] = []map[string]any{{"partNumber": 1, "etag": h.Get("ETag")}}
	wantRefusal(al.do(http.MethodPost, "/api/v1/multipart/complete", nil, ref))
	// A form for it.
	wantRefusal(al.do(http.MethodPost, "/api/v1/uploads/post", nil, map[string]any{"connection": st.conn, "bucket": bucket, "key": dir + "report.txt"}))
	if got := minioserver.Object(t, root, bucket, dir+"report.txt"); got != "first version" {
		t.Fatalf("after the refusals the object holds %q", got)
	}

	// With delete permission, replacing works.
	applyGrant(t, st.conn, "alice-deletes", "partner-a/uploads/", []string{"write", "list", "delete"}, dir+"x", grant.Delete)
	if code := put(dir+"report.txt", "second versio"); code != http.StatusOK {
		t.Fatalf("PUT with delete permission = %d, want 200", code)
	}
	if got := minioserver.Object(t, root, bucket, dir+"report.txt"); got != "second versio" {
		t.Fatalf("after replacing the object holds %q", got)
	}
}
