package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/server"
)

const january = "partner-a/uploads/2024/january/"

// TestSeedWalkthrough is the seed's worked example through the HTTP API,
// with real presigned transfers to MinIO, then the refusals around it.
func TestSeedWalkthrough(t *testing.T) {
	st := startStack(t)
	defer st.closer()
	applyGrant(t, st.conn, "alice-uploads", "partner-a/uploads/", []string{"write", "list"}, january+"x.pdf", grant.Write)
	applyGrant(t, st.conn, "alice-processed", "partner-a/processed/", []string{"read", "list"}, "partner-a/processed/report.pdf", grant.Read)

	al := caller{t: t, base: st.url, user: alice}
	auditor := caller{t: t, base: st.url, user: admin, groups: adminGroup}
	target := func(key string) map[string]any {
		return map[string]any{"connection": st.conn, "bucket": bucket, "key": key}
	}

	// 1. Who am I, and where may I go.
	var me server.MeResponse
	r := al.do(http.MethodGet, "/api/v1/me", nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("me: %d %s", r.status, r.body)
	}
	r.decode(t, &me)
	if me.User != alice || len(me.Roots) != 2 || me.Roots[1].Prefix != "partner-a/uploads/" || !slices.Equal(me.Roots[1].Permissions, []string{"write", "list"}) {
		t.Fatalf("me = %+v", me)
	}

	// 2. She lists 2024/january: one folder so far.
	listing := func(prefix string) server.ListResponse {
		t.Helper()
		r := al.do(http.MethodGet, "/api/v1/list", url.Values{"connection": {st.conn}, "bucket": {bucket}, "prefix": {prefix}}, nil)
		if r.status != http.StatusOK {
			t.Fatalf("list %s: %d %s", prefix, r.status, r.body)
		}
		var l server.ListResponse
		r.decode(t, &l)
		return l
	}
	if l := listing(january); l.FolderCount != 1 || l.FileCount != 0 || l.Entries[0].Name != "scans" {
		t.Fatalf("january before uploads = %+v", l)
	}

	// 3. Three uploads through presigned PUT URLs, each confirmed.
	files := []struct{ name, contentType, body string }{
		{"summary.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK summary of january"},
		{"invoice-002.pdf", "application/pdf", "%PDF-1.7 invoice two, a little longer"},
		{"invoice-001.pdf", "application/pdf", "%PDF-1.7 invoice one"},
	}
	for _, f := range files {
		key := january + f.name
		req := target(key)
		req["contentType"], req["size"] = f.contentType, len(f.body)
		r := al.do(http.MethodPost, "/api/v1/uploads", nil, req)
		if r.status != http.StatusOK {
			t.Fatalf("upload %s: %d %s", key, r.status, r.body)
		}
		var up server.UploadResponse
		r.decode(t, &up)
		if up.Upload == nil || up.Upload.Method != http.MethodPut {
			t.Fatalf("upload %s: no PUT: %s", key, r.body)
		}
		if code, _, body := send(t, *up.Upload, []byte(f.body)); code != http.StatusOK {
			t.Fatalf("PUT %s to MinIO: %d %s", key, code, body)
		}
		r = al.do(http.MethodPost, "/api/v1/uploads/confirm", nil, target(key))
		var info server.ObjectInfo
		r.decode(t, &info)
		if r.status != http.StatusOK || info.Size != int64(len(f.body)) || info.ETag == "" || info.ContentType != f.contentType {
			t.Fatalf("confirm %s: %d %s", key, r.status, r.body)
		}
	}

	// 4. She lists them: the folder first, then the files by name.
	l := listing(january)
	var names []string
	for _, e := range l.Entries {
		names = append(names, e.Type+":"+e.Name)
		if e.Type == "file" && (e.LastModified == nil || e.Size == 0) {
			t.Errorf("file %s lacks size or lastModified: %+v", e.Name, e)
		}
	}
	want := []string{"folder:scans", "file:invoice-001.pdf", "file:invoice-002.pdf", "file:summary.xlsx"}
	if !slices.Equal(names, want) || l.FolderCount != 1 || l.FileCount != 3 || l.Mode != "Full" {
		t.Fatalf("january after uploads = %v (%+v), want %v", names, l, want)
	}

	// 5. Her upload into partner-b is refused, in the seed's words.
	hack := "partner-b/uploads/hack.pdf"
	hackReq := target(hack)
	hackReq["contentType"], hackReq["size"] = "application/pdf", 100
	r = al.do(http.MethodPost, "/api/v1/uploads", nil, hackReq)
	if eb := r.errorBody(t); r.status != http.StatusForbidden || eb.Error != "No write permission for: partner-data/partner-b/uploads/hack.pdf" {
		t.Fatalf("hack upload: %d %s", r.status, r.body)
	}
	noURL(t, r)

	// 6. The admin sees exactly these events of alice, in order.
	var page server.AuditEventsResponse
	r = auditor.do(http.MethodGet, "/api/v1/audit/events", url.Values{"user": {alice}}, nil)
	if r.status != http.StatusOK {
		t.Fatalf("audit query: %d %s", r.status, r.body)
	}
	r.decode(t, &page)
	var got []string
	for _, e := range page.Events {
		got = append(got, fmt.Sprintf("%s %s %s %s", e.Action, e.Key, e.Decision, e.Outcome))
		if e.User != alice || e.RequestID == "" || e.SourceIP != "127.0.0.1" || e.UserAgent != "s3am-e2e" {
			t.Errorf("event lacks who/where: %+v", e)
		}
	}
	wantEvents := []string{"me  allowed success", "list " + january + " allowed success"}
	for _, f := range files {
		wantEvents = append(wantEvents, "upload "+january+f.name+" allowed pending", "upload.confirm "+january+f.name+" allowed success")
	}
	wantEvents = append(wantEvents, "list "+january+" allowed success", "upload "+hack+" blocked failure")
	if !slices.Equal(got, wantEvents) {
		t.Fatalf("alice's events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantEvents, "\n"))
	}
	blocked := page.Events[len(page.Events)-1]
	if blocked.Reason != "NoGrant" || blocked.Bucket != bucket || blocked.Connection != st.conn || blocked.Bytes != 100 {
		t.Fatalf("blocked event = %+v", blocked)
	}
	confirm := page.Events[3]
	if confirm.Bytes != int64(len(files[0].body)) || confirm.ETag == "" || confirm.Grant != operatorNamespace+"/alice-uploads" {
		t.Fatalf("confirm event = %+v", confirm)
	}
	r = auditor.do(http.MethodGet, "/api/v1/audit/events", url.Values{"user": {alice}, "decision": {"blocked"}, "format": {"csv"}}, nil)
	if lines := strings.Split(strings.TrimSpace(string(r.body)), "\n"); r.status != http.StatusOK || len(lines) != 2 || !strings.Contains(lines[1], hack) {
		t.Fatalf("csv export of blocked events: %d %s", r.status, r.body)
	}
	if r := al.do(http.MethodGet, "/api/v1/audit/events", nil, nil); r.status != http.StatusForbidden {
		t.Fatalf("alice queried the audit trail: %d", r.status)
	}

	t.Run("breadcrumbs never show siblings", func(t *testing.T) {
		l := listing("partner-a/")
		var names []string
		for _, e := range l.Entries {
			names = append(names, e.Key)
		}
		if l.Mode != "Breadcrumb" || !slices.Equal(names, []string{"partner-a/processed/", "partner-a/uploads/"}) || l.FileCount != 0 {
			t.Fatalf("partner-a/ = %+v", l)
		}
		if l := listing(""); len(l.Entries) != 1 || l.Entries[0].Key != "partner-a/" {
			t.Fatalf("bucket root = %+v", l)
		}
		r := al.do(http.MethodGet, "/api/v1/list", url.Values{"connection": {st.conn}, "bucket": {bucket}, "prefix": {"partner-b/"}}, nil)
		if r.status != http.StatusForbidden || r.errorBody(t).Error != "No list permission for: partner-data/partner-b/" {
			t.Fatalf("partner-b/ listing: %d %s", r.status, r.body)
		}
	})

	t.Run("download round trip", func(t *testing.T) {
		r := al.do(http.MethodPost, "/api/v1/downloads", nil, target("partner-a/processed/report.pdf"))
		if r.status != http.StatusOK {
			t.Fatalf("download: %d %s", r.status, r.body)
		}
		var d server.DownloadResponse
		r.decode(t, &d)
		code, h, body := send(t, d.Download, nil)
		if code != http.StatusOK || string(body) != "%PDF-1.7 processed report" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
			t.Fatalf("GET from MinIO: %d %q %v", code, body, h)
		}
		r = al.do(http.MethodPost, "/api/v1/downloads", nil, target(january+"invoice-001.pdf"))
		if r.status != http.StatusForbidden || r.errorBody(t).Error != "No read permission for: partner-data/"+january+"invoice-001.pdf" {
			t.Fatalf("download without read: %d %s", r.status, r.body)
		}
	})

	t.Run("delete refused without delete permission", func(t *testing.T) {
		key := january + "invoice-001.pdf"
		r := al.do(http.MethodDelete, "/api/v1/objects", url.Values{"connection": {st.conn}, "bucket": {bucket}, "key": {key}}, nil)
		if r.status != http.StatusForbidden || r.errorBody(t).Error != "No delete permission for: partner-data/"+key {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if _, err := st.minio.S3Client(t, nil).HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
			t.Fatalf("the object is gone: %v", err)
		}
	})

	t.Run("multipart upload", func(t *testing.T) {
		key := january + "archive.bin"
		size := 5<<20 + 7
		req := target(key)
		req["contentType"], req["size"] = "application/octet-stream", size
		r := al.do(http.MethodPost, "/api/v1/multipart", nil, req)
		var mp server.MultipartResponse
		r.decode(t, &mp)
		if r.status != http.StatusOK || mp.UploadID == "" || mp.Plan == nil || mp.Plan.Parts != 1 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		// Another caller holding the upload ID gets nothing from it.
		mallory := caller{t: t, base: st.url, user: "mallory@partner-b.com"}
		steal := map[string]any{"connection": st.conn, "bucket": bucket, "key": key, "uploadId": mp.UploadID, "parts": []map[string]any{{"partNumber": 1, "size": size}}}
		if r := mallory.do(http.MethodPost, "/api/v1/multipart/parts", nil, steal); r.status != http.StatusForbidden {
			t.Fatalf("mallory signed a part of alice's upload: %d %s", r.status, r.body)
		}
		r = al.do(http.MethodPost, "/api/v1/multipart/parts", nil, steal)
		var parts server.PartsResponse
		r.decode(t, &parts)
		if r.status != http.StatusOK || len(parts.Parts) != 1 {
			t.Fatalf("parts: %d %s", r.status, r.body)
		}
		body := bytes.Repeat([]byte("x"), size)
		code, h, resp := send(t, parts.Parts[0].PresignedRequest, body)
		if code != http.StatusOK {
			t.Fatalf("UploadPart: %d %s", code, resp)
		}
		r = al.do(http.MethodGet, "/api/v1/multipart/parts", url.Values{"connection": {st.conn}, "bucket": {bucket}, "key": {key}, "uploadId": {mp.UploadID}}, nil)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"partNumber":1`) {
			t.Fatalf("list parts: %d %s", r.status, r.body)
		}
		done := map[string]any{"connection": st.conn, "bucket": bucket, "key": key, "uploadId": mp.UploadID,
			"parts": []map[string]any{{"partNumber": 1, "etag": h.Get("ETag")}}}
		r = al.do(http.MethodPost, "/api/v1/multipart/complete", nil, done)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), fmt.Sprintf(`"size":%d`, size)) {
			t.Fatalf("complete: %d %s", r.status, r.body)
		}
	})

	t.Run("hostile keys", func(t *testing.T) {
		upload := func(key string) []byte {
			req := target(key)
			req["contentType"], req["size"] = "application/pdf", 10
			b, err := json.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		cases := []struct {
			name   string
			send   func() response
			status int
			reason string
		}{
			{"traversal", func() response {
				return al.do(http.MethodPost, "/api/v1/uploads", nil, upload("partner-a/uploads/../../partner-b/uploads/x.pdf"))
			}, 400, "DotSegment"},
			{"encoded dots", func() response {
				return al.do(http.MethodPost, "/api/v1/uploads", nil, upload("partner-a/uploads/%2e%2e/%2e%2e/partner-b/x.pdf"))
			}, 400, "EncodedSeparator"},
			{"control character", func() response {
				return al.do(http.MethodPost, "/api/v1/uploads", nil, upload("partner-a/uploads/a\x00b.pdf"))
			}, 400, "ControlCharacter"},
			{"overlong", func() response {
				return al.do(http.MethodPost, "/api/v1/uploads", nil, upload("partner-a/uploads/"+strings.Repeat("a", 1100)+".pdf"))
			}, 400, "TooLong"},
			{"invalid UTF-8 in the body", func() response {
				body := bytes.Replace(upload("partner-a/uploads/INVALID.pdf"), []byte("INVALID"), []byte{0xff, 0xfe}, 1)
				return al.do(http.MethodPost, "/api/v1/uploads", nil, body)
			}, 400, "InvalidUTF8"},
			{"invalid UTF-8 in the query", func() response {
				return al.do(http.MethodDelete, "/api/v1/objects", url.Values{"connection": {st.conn}, "bucket": {bucket}, "key": {"partner-a/uploads/\xff.pdf"}}, nil)
			}, 400, "InvalidUTF8"},
			{"leading slash", func() response {
				return al.do(http.MethodPost, "/api/v1/uploads", nil, upload("/partner-a/uploads/x.pdf"))
			}, 400, "LeadingSlash"},
			{"over the grant's maxObjectSize", func() response {
				req := target(january + "huge.pdf")
				req["contentType"], req["size"] = "application/pdf", 21<<20
				return al.do(http.MethodPost, "/api/v1/uploads", nil, req)
			}, 413, server.ReasonTooLarge},
			{"sibling prefix", func() response {
				return al.do(http.MethodPost, "/api/v1/uploads", nil, upload("partner-a/uploads-evil/x.pdf"))
			}, 403, "NoGrant"},
		}
		for _, c := range cases {
			before := len(st.eventsOf(t, alice))
			r := c.send()
			eb := r.errorBody(t)
			if r.status != c.status || eb.Reason != c.reason {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.body, c.status, c.reason)
			}
			noURL(t, r)
			events := st.eventsOf(t, alice)
			if len(events) != before+1 {
				t.Errorf("%s: %d audit events, want exactly 1", c.name, len(events)-before)
				continue
			}
			if e := events[len(events)-1]; e.Decision != audit.DecisionBlocked || e.Reason != c.reason {
				t.Errorf("%s: event %+v", c.name, e)
			}
		}
	})

	t.Run("revocation", func(t *testing.T) {
		req := target(january + "late.pdf")
		req["contentType"], req["size"] = "application/pdf", 10
		if r := al.do(http.MethodPost, "/api/v1/uploads", nil, req); r.status != http.StatusOK {
			t.Fatalf("before revocation: %d %s", r.status, r.body)
		}
		if out, err := operator.Env.Kubectl(context.Background(), "", "delete", "prefixgrant", "alice-uploads", "-n", operatorNamespace, "--wait=false"); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		start := time.Now()
		var r response
		took := poll.Until(t, 10*time.Second, "presign refused after the grant is deleted", func() bool {
			r = al.do(http.MethodPost, "/api/v1/uploads", nil, req)
			return r.status == http.StatusForbidden
		})
		noURL(t, r)
		// Logged, not asserted: timings belong in benchmarks. The target is
		// under 1s.
		t.Logf("kubectl delete returned -> next presign 403 (%s): %s (%s since the delete returned)", r.errorBody(t).Reason, took, time.Since(start))
	})

	t.Run("anonymous and operational endpoints", func(t *testing.T) {
		anon := caller{t: t, base: st.url}
		if r := anon.do(http.MethodGet, "/api/v1/me", nil, nil); r.status != http.StatusUnauthorized {
			t.Fatalf("anonymous /me: %d", r.status)
		}
		for _, p := range []string{"/healthz", "/readyz"} {
			if r := anon.do(http.MethodGet, p, nil, nil); r.status != http.StatusOK {
				t.Fatalf("%s: %d", p, r.status)
			}
		}
		r := anon.do(http.MethodGet, "/metrics", nil, nil)
		for _, m := range []string{"s3am_server_requests_total", "s3am_server_decisions_total", "s3am_server_presigned_total"} {
			if !strings.Contains(string(r.body), m) {
				t.Errorf("/metrics lacks %s", m)
			}
		}
	})

	t.Run("unrecorded attempts are refused", func(t *testing.T) {
		if err := st.recorder.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		r := al.do(http.MethodPost, "/api/v1/downloads", nil, target("partner-a/processed/report.pdf"))
		if r.status != http.StatusServiceUnavailable || r.errorBody(t).Reason != server.ReasonAuditUnavailable {
			t.Fatalf("download with the audit trail down: %d %s", r.status, r.body)
		}
		noURL(t, r)
	})

	// Nothing the server logged or wrote to the audit trail holds a
	// presigned URL's signature or credentials.
	for name, text := range map[string]string{"logs": st.logs.String(), "audit JSON lines": st.jsonl.String()} {
		for _, secret := range []string{"X-Amz-Signature", "X-Amz-Credential", st.minio.RootSecretKey} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contain %q", name, secret)
			}
		}
	}
}

// noURL fails when a refusal carries anything presigned.
func noURL(t *testing.T, r response) {
	t.Helper()
	if bytes.Contains(r.body, []byte("X-Amz-")) || bytes.Contains(r.body, []byte(`"url"`)) {
		t.Fatalf("a refusal carries a URL: %s", r.body)
	}
}
