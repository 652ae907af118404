package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/server"
)

// TestChangesAreRecordedFirst stops the audit store and deletes: the
// attempt cannot be recorded, so the answer is 503 and the object is still
// at MinIO. With the store up, a delete leaves the pending attempt and its
// outcome.
func TestChangesAreRecordedFirst(t *testing.T) {
	const key = "partner-a/uploads/2024/january/scans/page-1.png"
	st := startStackWith(t, "partner-data-record-first")
	defer st.closer()
	applyGrant(t, st.conn, "alice-deletes", "partner-a/uploads/", []string{"write", "list", "delete"}, key, grant.Delete)
	al := caller{t: t, base: st.url, user: alice}
	del := url.Values{"connection": {st.conn}, "bucket": {bucket}, "key": {key}}
	root := st.minio.S3Client(t, nil)

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
		if _, err := root.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err == nil {
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
