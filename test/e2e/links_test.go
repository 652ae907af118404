package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/links"
	"github.com/s3am/s3-access-manager/internal/notify"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/testenv/asuser"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/server"
)

// recipient is someone with a link and no account.
type recipient struct {
	t        *testing.T
	base     string
	token    string
	password string
}

func (r recipient) do(method, path string, query url.Values, body any) response {
	r.t.Helper()
	u := r.base + "/l/" + r.token + path
	if query != nil {
		u += "?" + query.Encode()
	}
	// No identity headers: a recipient has no account.
	req, err := asuser.Person{}.Request(method, u, body)
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if r.password != "" {
		req.Header.Set(server.LinkPasswordHeader, r.password)
	}
	status, data, err := asuser.Do(http.DefaultClient, req)
	if err != nil {
		r.t.Fatal(err)
	}
	return response{status: status, body: data}
}

// createLink creates a link as alice and returns it with its recipient.
func createLink(t *testing.T, st *stack, req server.LinkCreateRequest) (server.LinkCreateResponse, recipient) {
	t.Helper()
	req.Connection, req.Bucket = st.conn, bucket
	if req.ExpiresAt.IsZero() {
		req.ExpiresAt = time.Now().Add(30 * 24 * time.Hour)
	}
	r := caller{t: t, base: st.url, user: alice}.do(http.MethodPost, "/api/v1/links", nil, req)
	if r.status != http.StatusCreated {
		t.Fatalf("create link: %d %s", r.status, r.body)
	}
	var out server.LinkCreateResponse
	r.decode(t, &out)
	t.Cleanup(func() {
		_ = operator.Env.Client.Delete(context.Background(), &v1alpha1.AccessLink{ObjectMeta: metaOf(out.Link)})
	})
	return out, recipient{t: t, base: st.url, token: out.Token}
}

func wantStatus(t *testing.T, what string, r response, status int, reason string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: %d %s, want %d", what, r.status, r.body, status)
	}
	if reason != "" {
		if got := r.errorBody(t).Reason; got != reason {
			t.Fatalf("%s: reason %q, want %q (%s)", what, got, reason, r.body)
		}
	}
}

// linkEvents returns the stored events of a link's uses.
func linkEvents(t *testing.T, st *stack, l server.LinkInfo) []audit.Event {
	t.Helper()
	return st.eventsOf(t, "link:"+l.Namespace+"/"+l.Name)
}

func TestLinkDownload(t *testing.T) {
	st := startStackWith(t, "links-download")
	defer st.closer()
	grantSpec{conn: st.conn, name: "links-dl-alice", prefix: "partner-a/processed/", perms: []string{"read", "list"}}.
		apply(t, "partner-a/processed/report.pdf", grant.Read)

	created, rc := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkDownload, Key: "partner-a/processed/report.pdf", MaxUses: 2, Description: "The Q3 report"}})
	if len(created.Token) < 43 || created.Path != "/l/"+created.Token || created.Link.State != "Active" {
		t.Fatalf("created %+v", created)
	}
	// Only the token's hash is stored.
	var stored v1alpha1.AccessLink
	if err := operator.Env.Client.Get(context.Background(), client.ObjectKey{Namespace: created.Link.Namespace, Name: created.Link.Name}, &stored); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(stored)
	if strings.Contains(string(raw), created.Token) || stored.Spec.Creator.User != alice || stored.Namespace != operatorNamespace {
		t.Fatalf("stored link %s", raw)
	}

	var info server.LinkPublicInfo
	r := rc.do(http.MethodGet, "/info", nil, nil)
	wantStatus(t, "info", r, http.StatusOK, "")
	r.decode(t, &info)
	if info.Name != "report.pdf" || info.Folder || info.UsesLeft == nil || *info.UsesLeft != 2 || strings.Contains(string(r.body), "partner-a") {
		t.Fatalf("info %s", r.body)
	}
	for i := range 2 {
		r = rc.do(http.MethodPost, "/download", nil, map[string]string{})
		wantStatus(t, "download", r, http.StatusOK, "")
		var dl server.LinkDownloadResponse
		r.decode(t, &dl)
		status, _, body := send(t, dl.Download, nil)
		if status != http.StatusOK || string(body) != "%PDF-1.7 processed report" {
			t.Fatalf("download %d: %d %q", i, status, body)
		}
	}
	wantStatus(t, "third download of a 2-use link", rc.do(http.MethodPost, "/download", nil, map[string]string{}), http.StatusGone, "LinkUsedUp")

	// Every use, allowed or refused, is one event naming link and creator.
	evs := linkEvents(t, st, created.Link)
	if len(evs) != 4 {
		t.Fatalf("%d events for 4 uses: %+v", len(evs), evs)
	}
	for _, ev := range evs {
		if len(ev.Groups) != 1 || ev.Groups[0] != "creator:"+alice || !strings.HasPrefix(ev.Action, "link.") {
			t.Fatalf("event %+v", ev)
		}
	}
	if evs[3].Decision != audit.DecisionBlocked || evs[3].Reason != "LinkUsedUp" {
		t.Fatalf("last event %+v", evs[3])
	}
}

func TestLinkFolderDownloadAndCreatorLosesGrant(t *testing.T) {
	st := startStackWith(t, "links-folder")
	defer st.closer()
	g := grantSpec{conn: st.conn, name: "links-folder-alice", prefix: "partner-a/", perms: []string{"read", "list"}}
	g.apply(t, "partner-a/processed/report.pdf", grant.Read)
	_, rc := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkDownload, Prefix: "partner-a/processed/"}})

	var page server.LinkBrowseResponse
	r := rc.do(http.MethodGet, "/files", nil, nil)
	wantStatus(t, "browse", r, http.StatusOK, "")
	r.decode(t, &page)
	if len(page.Entries) != 1 || page.Entries[0].Path != "report.pdf" {
		t.Fatalf("browse %s", r.body)
	}
	wantStatus(t, "download in folder", rc.do(http.MethodPost, "/download", nil, map[string]string{"path": "report.pdf"}), http.StatusOK, "")
	wantStatus(t, "traversal out of the folder", rc.do(http.MethodPost, "/download", nil, map[string]string{"path": "../secret/plans.txt"}), http.StatusBadRequest, "")
	wantStatus(t, "browse out of the folder", rc.do(http.MethodGet, "/files", url.Values{"path": {"../"}}, nil), http.StatusBadRequest, "")

	// The creator loses the grant: the link stops with it.
	if out, err := operator.Env.Kubectl(context.Background(), "", "delete", "prefixgrant", g.name, "-n", operatorNamespace); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	poll.Until(t, 10*time.Second, "grant gone from the index", func() bool {
		return !operator.Index.Decide(grant.Principal{User: alice}, grant.Read, st.conn, bucket, "partner-a/processed/report.pdf").Allowed
	})
	wantStatus(t, "download after the creator lost the grant", rc.do(http.MethodPost, "/download", nil, map[string]string{"path": "report.pdf"}), http.StatusForbidden, "NoGrant")
}

func TestLinkUploadRequest(t *testing.T) {
	st := startStackWith(t, "links-upload")
	defer st.closer()
	grantSpec{conn: st.conn, name: "links-up-alice", prefix: "partner-a/uploads/", perms: []string{"read", "write", "list"}}.
		apply(t, "partner-a/uploads/x.pdf", grant.Write)
	created, rc := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{
		Kind: v1alpha1.LinkUploadRequest, Prefix: "partner-a/uploads/", MaxFileSize: 1 << 20, AllowedContentTypes: []string{"application/pdf", "text/*"},
	}})

	upload := func(name string, body []byte) string {
		t.Helper()
		r := rc.do(http.MethodPost, "/uploads", nil, server.LinkUploadRequest{Filename: name, ContentType: "application/pdf", Size: int64(len(body))})
		wantStatus(t, "upload "+name, r, http.StatusOK, "")
		var up server.LinkUploadResponse
		r.decode(t, &up)
		if status, _, b := send(t, *up.Upload, body); status != http.StatusOK {
			t.Fatalf("PUT: %d %s", status, b)
		}
		wantStatus(t, "confirm", rc.do(http.MethodPost, "/uploads/confirm", nil, server.LinkObjectRequest{Path: up.Path}), http.StatusOK, "")
		return up.Path
	}
	first := upload("invoice.pdf", []byte("%PDF first"))
	second := upload("invoice.pdf", []byte("%PDF second"))
	if first == second || !strings.HasPrefix(first, "invoice.") || !strings.HasSuffix(first, ".pdf") {
		t.Fatalf("two uploads of one name: %q and %q", first, second)
	}
	// Neither replaced the other.
	root := st.minio.S3Client(t, nil)
	for path, want := range map[string]string{first: "%PDF first", second: "%PDF second"} {
		if got := minioserver.Object(t, root, bucket, "partner-a/uploads/"+path); got != want {
			t.Fatalf("%s holds %q, want %q", path, got, want)
		}
	}
	ev := st.hooks.WaitFor(t, "partner-a/uploads/"+first)
	if ev.Type != notify.TypeUploadCompleted || ev.Data.Creator != alice || ev.Data.Link != created.Link.Namespace+"/"+created.Link.Name || ev.Data.Size != 10 {
		t.Fatalf("webhook event %+v", ev)
	}

	// Upload-only: no listing, no reading, no finishing anything it did not start.
	wantStatus(t, "list", rc.do(http.MethodGet, "/files", nil, nil), http.StatusForbidden, "LinkWrongKind")
	wantStatus(t, "download", rc.do(http.MethodPost, "/download", nil, map[string]string{"path": first}), http.StatusForbidden, "LinkWrongKind")
	wantStatus(t, "confirm an existing file", rc.do(http.MethodPost, "/uploads/confirm", nil, server.LinkObjectRequest{Path: "2024/january/scans/page-1.png"}), http.StatusForbidden, "LinkOutsideScope")
	wantStatus(t, "complete another key", rc.do(http.MethodPost, "/multipart/complete", nil, server.LinkCompleteRequest{LinkUploadRef: server.LinkUploadRef{Path: "existing.pdf", UploadID: "x"}, Parts: []objects.CompletedPart{{Number: 1, ETag: "x"}}}), http.StatusForbidden, "LinkOutsideScope")
	wantStatus(t, "a name with a folder", rc.do(http.MethodPost, "/uploads", nil, server.LinkUploadRequest{Filename: "../../partner-b/x.pdf", ContentType: "application/pdf", Size: 3}), http.StatusBadRequest, "LinkBadFilename")
	wantStatus(t, "too large", rc.do(http.MethodPost, "/uploads", nil, server.LinkUploadRequest{Filename: "big.pdf", ContentType: "application/pdf", Size: 2 << 20}), http.StatusRequestEntityTooLarge, server.ReasonTooLarge)
	wantStatus(t, "wrong type", rc.do(http.MethodPost, "/uploads", nil, server.LinkUploadRequest{Filename: "x.exe", ContentType: "application/x-msdownload", Size: 3}), http.StatusUnsupportedMediaType, server.ReasonContentTypeNotAllowed)

	// Multipart through the link, notified once completed.
	data := randomBytes(6<<20, 7)
	r := rc.do(http.MethodPost, "/multipart", nil, server.LinkUploadRequest{Filename: "scan.pdf", ContentType: "application/pdf", Size: int64(len(data))})
	wantStatus(t, "multipart of 6 MiB over a 1 MiB link", r, http.StatusRequestEntityTooLarge, server.ReasonTooLarge)
}

func TestLinkMultipartAndWebhook(t *testing.T) {
	st := startStackWith(t, "links-multipart")
	defer st.closer()
	grantSpec{conn: st.conn, name: "links-mp-alice", prefix: "partner-a/uploads/", perms: []string{"write"}}.
		apply(t, "partner-a/uploads/x.pdf", grant.Write)
	_, rc := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkUploadRequest, Prefix: "partner-a/uploads/"}})
	data := randomBytes(6<<20, 7)
	r := rc.do(http.MethodPost, "/multipart", nil, server.LinkUploadRequest{Filename: "scan.bin", ContentType: "application/octet-stream", Size: int64(len(data))})
	wantStatus(t, "multipart", r, http.StatusOK, "")
	var mp server.LinkMultipartResponse
	r.decode(t, &mp)
	r = rc.do(http.MethodPost, "/multipart/parts", nil, server.LinkPartsRequest{LinkUploadRef: server.LinkUploadRef{Path: mp.Path, UploadID: mp.UploadID}, Parts: toSign(*mp.Plan)})
	wantStatus(t, "sign parts", r, http.StatusOK, "")
	var parts server.PartsResponse
	r.decode(t, &parts)
	etags := putParts(t, parts.Parts, *mp.Plan, data)
	var done []objects.CompletedPart
	for n := int32(1); n <= int32(len(etags)); n++ {
		done = append(done, objects.CompletedPart{Number: n, ETag: etags[n]})
	}
	r = rc.do(http.MethodGet, "/multipart/parts", url.Values{"path": {mp.Path}, "uploadId": {mp.UploadID}}, nil)
	wantStatus(t, "list parts", r, http.StatusOK, "")
	r = rc.do(http.MethodPost, "/multipart/complete", nil, server.LinkCompleteRequest{LinkUploadRef: server.LinkUploadRef{Path: mp.Path, UploadID: mp.UploadID}, Parts: done})
	wantStatus(t, "complete", r, http.StatusOK, "")
	ev := st.hooks.WaitFor(t, "partner-a/uploads/"+mp.Path)
	if ev.Data.Size != int64(len(data)) {
		t.Fatalf("webhook %+v", ev)
	}
	if n := st.hooks.Refused(); n != 0 {
		t.Fatalf("%d notifications failed the signature check", n)
	}
}

func TestLinkRevokedAndExpired(t *testing.T) {
	st := startStackWith(t, "links-revoke")
	defer st.closer()
	grantSpec{conn: st.conn, name: "links-rv-alice", prefix: "partner-a/processed/", perms: []string{"read"}}.
		apply(t, "partner-a/processed/report.pdf", grant.Read)
	alicec := caller{t: t, base: st.url, user: alice}

	created, rc := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkDownload, Key: "partner-a/processed/report.pdf"}})
	wantStatus(t, "before revoking", rc.do(http.MethodGet, "/info", nil, nil), http.StatusOK, "")
	// Someone else cannot revoke it.
	bob := caller{t: t, base: st.url, user: "bob@partner-b.com"}
	wantStatus(t, "bob revokes", bob.do(http.MethodPost, "/api/v1/links/"+created.Link.Namespace+"/"+created.Link.Name+"/revoke", nil, nil), http.StatusNotFound, "LinkNotFound")
	start := time.Now()
	wantStatus(t, "revoke", alicec.do(http.MethodPost, "/api/v1/links/"+created.Link.Namespace+"/"+created.Link.Name+"/revoke", nil, nil), http.StatusOK, "")
	wantStatus(t, "after revoking", rc.do(http.MethodPost, "/download", nil, map[string]string{}), http.StatusGone, "LinkRevoked")
	if el := time.Since(start); el > time.Second {
		t.Fatalf("revocation took %v to apply", el)
	}
	t.Logf("revoked link refused %v after the revoke request", time.Since(start))

	// Deleting the resource works the same.
	deleted, rc2 := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkDownload, Key: "partner-a/processed/report.pdf"}})
	start = time.Now()
	if err := operator.Env.Client.Delete(context.Background(), &v1alpha1.AccessLink{ObjectMeta: metaOf(deleted.Link)}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "after deleting", rc2.do(http.MethodPost, "/download", nil, map[string]string{}), http.StatusNotFound, "LinkNotFound")
	if el := time.Since(start); el > time.Second {
		t.Fatalf("deletion took %v to apply", el)
	}

	// Expiry.
	expires := time.Now().Add(3 * time.Second).Truncate(time.Second)
	_, rc3 := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkDownload, Key: "partner-a/processed/report.pdf", ExpiresAt: expires}})
	wantStatus(t, "before expiry", rc3.do(http.MethodGet, "/info", nil, nil), http.StatusOK, "")
	time.Sleep(time.Until(expires))
	for rc3.do(http.MethodGet, "/info", nil, nil).status != http.StatusGone {
		if late := time.Since(expires); late > time.Second {
			t.Fatalf("still served %v after expiry", late)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("expired link refused %v after expiresAt", time.Since(expires))

	// The controller reports it.
	poll.Until(t, 10*time.Second, "Ready=False Revoked", func() bool {
		var l v1alpha1.AccessLink
		if operator.Env.Client.Get(context.Background(), client.ObjectKey{Namespace: created.Link.Namespace, Name: created.Link.Name}, &l) != nil {
			return false
		}
		for _, c := range l.Status.Conditions {
			if c.Type == v1alpha1.ConditionReady && c.Reason == v1alpha1.ReasonLinkRevoked && c.Status == "False" && l.Status.ObservedGeneration == l.Generation {
				return true
			}
		}
		return false
	})
}

func TestLinkPasswordRateLimited(t *testing.T) {
	st := startStackWith(t, "links-password")
	defer st.closer()
	grantSpec{conn: st.conn, name: "links-pw-alice", prefix: "partner-a/processed/", perms: []string{"read"}}.
		apply(t, "partner-a/processed/report.pdf", grant.Read)
	created, rc := createLink(t, st, server.LinkCreateRequest{
		LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkDownload, Key: "partner-a/processed/report.pdf"}, Password: "open sesame",
	})
	if !created.Link.HasPassword {
		t.Fatalf("%+v", created.Link)
	}
	wantStatus(t, "no password", rc.do(http.MethodGet, "/info", nil, nil), http.StatusUnauthorized, "LinkPasswordRequired")
	good := rc
	good.password = "open sesame"
	wantStatus(t, "right password", good.do(http.MethodGet, "/info", nil, nil), http.StatusOK, "")
	wrong := rc
	limited := 0
	for i := range 20 {
		wrong.password = "guess-" + string(rune('a'+i))
		r := wrong.do(http.MethodGet, "/info", nil, nil)
		switch r.status {
		case http.StatusUnauthorized:
			if limited > 0 {
				t.Fatalf("guess %d checked after rate limiting began", i)
			}
		case http.StatusTooManyRequests:
			limited++
		default:
			t.Fatalf("guess %d: %d %s", i, r.status, r.body)
		}
	}
	if limited != 15 {
		t.Fatalf("%d of 20 wrong guesses rate-limited, want 15 (burst 5)", limited)
	}
	// Even the right password waits now: guessing cannot outrun the limit.
	wantStatus(t, "right password while limited", good.do(http.MethodGet, "/info", nil, nil), http.StatusTooManyRequests, "LinkRateLimited")
	if n := len(linkEvents(t, st, created.Link)); n != 23 {
		t.Fatalf("%d events for 23 requests", n)
	}
}

// TestLinkHostileInputs sends hostile inputs to every links route: each is
// a clear 4xx and exactly one audit event.
func TestLinkHostileInputs(t *testing.T) {
	st := startStackWith(t, "links-hostile")
	defer st.closer()
	grantSpec{conn: st.conn, name: "links-h-alice", prefix: "partner-a/", perms: []string{"read", "write", "list"}}.
		apply(t, "partner-a/uploads/x.pdf", grant.Write)
	_, dl := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkDownload, Prefix: "partner-a/processed/"}})
	_, up := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkUploadRequest, Prefix: "partner-a/uploads/"}})
	alicec := caller{t: t, base: st.url, user: alice}
	before := countEvents(t, st)
	future := time.Now().Add(time.Hour)
	cases := []struct {
		name string
		send func() response
	}{
		{"create: unknown kind", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links", nil, map[string]any{"kind": "Everything", "connection": st.conn, "bucket": bucket, "prefix": "partner-a/", "expiresAt": future})
		}},
		{"create: traversal prefix", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links", nil, map[string]any{"kind": "Download", "connection": st.conn, "bucket": bucket, "prefix": "partner-a/../partner-b/", "expiresAt": future})
		}},
		{"create: outside the grant", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links", nil, map[string]any{"kind": "UploadRequest", "connection": st.conn, "bucket": bucket, "prefix": "partner-b/uploads/", "expiresAt": future})
		}},
		{"create: in the past", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links", nil, map[string]any{"kind": "Download", "connection": st.conn, "bucket": bucket, "key": "partner-a/processed/report.pdf", "expiresAt": time.Now().Add(-time.Hour)})
		}},
		{"create: ten years", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links", nil, map[string]any{"kind": "Download", "connection": st.conn, "bucket": bucket, "key": "partner-a/processed/report.pdf", "expiresAt": time.Now().Add(3650 * 24 * time.Hour)})
		}},
		{"create: short password", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links", nil, map[string]any{"kind": "Download", "connection": st.conn, "bucket": bucket, "key": "partner-a/processed/report.pdf", "expiresAt": future, "password": "123"})
		}},
		{"create: unknown field", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links", nil, map[string]any{"kind": "Download", "tokenHash": "sha256:00"})
		}},
		{"create: not JSON", func() response { return alicec.do(http.MethodPost, "/api/v1/links", nil, []byte("{")) }},
		{"create: bad content type pattern", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links", nil, map[string]any{"kind": "UploadRequest", "connection": st.conn, "bucket": bucket, "prefix": "partner-a/uploads/", "expiresAt": future, "allowedContentTypes": []string{"text/html\n"}})
		}},
		{"list: hostile folder", func() response {
			return alicec.do(http.MethodGet, "/api/v1/links", url.Values{"folder": {"../x/"}}, nil)
		}},
		{"revoke: unknown", func() response { return alicec.do(http.MethodPost, "/api/v1/links/nope/nope/revoke", nil, nil) }},
		{"revoke: overlong name", func() response {
			return alicec.do(http.MethodPost, "/api/v1/links/x/"+strings.Repeat("a", 300)+"/revoke", nil, nil)
		}},
		{"recipient: malformed token", func() response {
			return recipient{t: t, base: st.url, token: "not-a-token"}.do(http.MethodGet, "/info", nil, nil)
		}},
		{"recipient: unknown token", func() response {
			return recipient{t: t, base: st.url, token: strings.Repeat("A", 43)}.do(http.MethodGet, "/info", nil, nil)
		}},
		{"browse: encoded traversal", func() response { return dl.do(http.MethodGet, "/files", url.Values{"path": {"%2e%2e/"}}, nil) }},
		{"browse: long token", func() response {
			return dl.do(http.MethodGet, "/files", url.Values{"token": {strings.Repeat("t", 2000)}}, nil)
		}},
		{"download: control character", func() response {
			return dl.do(http.MethodPost, "/download", nil, map[string]string{"path": "a\x00b"})
		}},
		{"download: folder", func() response { return dl.do(http.MethodPost, "/download", nil, map[string]string{"path": "sub/"}) }},
		{"upload: bidi name", func() response {
			return up.do(http.MethodPost, "/uploads", nil, map[string]any{"filename": "invoice\u202efdp.exe", "size": 3})
		}},
		{"upload: negative size", func() response {
			return up.do(http.MethodPost, "/uploads", nil, map[string]any{"filename": "a.pdf", "size": -1})
		}},
		{"upload: on a download link", func() response {
			return dl.do(http.MethodPost, "/uploads", nil, map[string]any{"filename": "a.pdf", "size": 3})
		}},
		{"confirm: forged tag", func() response {
			return up.do(http.MethodPost, "/uploads/confirm", nil, map[string]any{"path": "a.aaaaaaaaaaaaaaaa.pdf"})
		}},
		{"multipart: NUL in the name", func() response {
			return up.do(http.MethodPost, "/multipart", nil, map[string]any{"filename": "a\x00b.bin", "size": 6 << 20})
		}},
		{"complete: forged path", func() response {
			return up.do(http.MethodPost, "/multipart/complete", nil, map[string]any{"path": "existing.pdf", "uploadId": "x", "parts": []map[string]any{{"partNumber": 1, "etag": "x"}}})
		}},
		{"info: overlong token", func() response {
			return recipient{t: t, base: st.url, token: strings.Repeat("A", 5000)}.do(http.MethodGet, "/info", nil, nil)
		}},
		{"multipart: traversal", func() response {
			return up.do(http.MethodPost, "/multipart/abort", nil, map[string]any{"path": "../../partner-b/x", "uploadId": "x"})
		}},
		{"multipart parts: no path", func() response { return up.do(http.MethodGet, "/multipart/parts", nil, nil) }},
		{"multipart parts: unknown field", func() response {
			return up.do(http.MethodPost, "/multipart/parts", nil, map[string]any{"key": "partner-a/uploads/x"})
		}},
	}
	for _, c := range cases {
		r := c.send()
		if r.status < 400 || r.status >= 500 {
			t.Errorf("%s: %d %s, want a 4xx", c.name, r.status, r.body)
			continue
		}
		if e := r.errorBody(t); e.Error == "" {
			t.Errorf("%s: no explanation: %s", c.name, r.body)
		}
	}
	if got := countEvents(t, st) - before; got != len(cases) {
		t.Fatalf("%d audit events for %d hostile requests", got, len(cases))
	}
}

// countEvents counts every stored event.
func countEvents(t *testing.T, st *stack) int {
	t.Helper()
	n := 0
	var cursor string
	for {
		page, err := st.store.Query(context.Background(), audit.Filter{Limit: audit.MaxPageSize, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Events)
		if page.Next == "" {
			return n
		}
		cursor = page.Next
	}
}

// metaOf names a link's object.
func metaOf(l server.LinkInfo) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: l.Namespace, Name: l.Name}
}

// A link acts for its creator only through its own namespace's grants:
// whoever may create AccessLinks in another namespace cannot name alice as
// creator and so reach what alice's grants (in the operator namespace)
// cover.
func TestLinkOutsideItsNamespace(t *testing.T) {
	st := startStackWith(t, "links-namespace")
	defer st.closer()
	grantSpec{conn: st.conn, name: "links-ns-alice", prefix: "partner-a/processed/", perms: []string{"read", "list"}}.
		apply(t, "partner-a/processed/report.pdf", grant.Read)
	ctx := context.Background()
	other := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "links-elsewhere"}}
	if err := operator.Env.Client.Create(ctx, other); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	spec := v1alpha1.AccessLinkSpec{
		Kind: v1alpha1.LinkDownload, Connection: st.conn, Bucket: bucket, Key: "partner-a/processed/report.pdf",
		Creator: v1alpha1.LinkCreator{User: alice}, ExpiresAt: metav1.NewTime(time.Now().Add(time.Hour).Truncate(time.Second)),
	}
	use := func(ns string) response {
		token, hash, err := links.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		l := &v1alpha1.AccessLink{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "alice-report"}, Spec: spec}
		l.Spec.TokenHash = hash
		if err := operator.Env.Client.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = operator.Env.Client.Delete(ctx, l) })
		rc := recipient{t: t, base: st.url, token: token}
		var r response
		poll.Until(t, 5*time.Second, "the link in "+ns+" known to the server", func() bool {
			r = rc.do(http.MethodGet, "/info", nil, nil)
			return r.status != http.StatusNotFound
		})
		return r
	}
	wantStatus(t, "a link in the grant's namespace", use(operatorNamespace), http.StatusOK, "")
	wantStatus(t, "the same link in another namespace", use(other.Name), http.StatusForbidden, string(links.ReasonOutsideNamespace))
}

// TestNewLinkWorksAtOnce: a link the server answered 201 for opens on that
// server at once, not only after its cache hears of it.
func TestNewLinkWorksAtOnce(t *testing.T) {
	st := startStackWith(t, "links-at-once")
	defer st.closer()
	grantSpec{conn: st.conn, name: "links-now-alice", prefix: "partner-a/processed/", perms: []string{"read"}}.
		apply(t, "partner-a/processed/report.pdf", grant.Read)
	for i := range 30 {
		_, rc := createLink(t, st, server.LinkCreateRequest{LinkTerms: server.LinkTerms{Kind: v1alpha1.LinkDownload, Key: "partner-a/processed/report.pdf"}})
		wantStatus(t, fmt.Sprintf("link %d opened right after its creation", i), rc.do(http.MethodGet, "/info", nil, nil), http.StatusOK, "")
	}
}
