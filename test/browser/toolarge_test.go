package browser_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

const (
	small = "partner-a/small/"
	// smallGrant lets alice upload at most 1 MiB per object into small.
	smallGrant = `apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata:
  name: alice-small
  namespace: s3am-system
spec:
  connection: partner-data-prod
  bucket: partner-data
  prefix: partner-a/small/
  subjects:
    - kind: User
      name: alice@partner-a.com
  permissions: [write, list]
  upload:
    maxObjectSize: 1Mi
`
)

// tooLarge: where the grant allows 1 MiB per object, a 1 MiB file uploads,
// while a larger one (a single PUT) and a far larger one (multipart) are
// refused by the API before anything is signed. The dialog shows the
// API's 413 message naming the key and the limit, and MinIO holds neither
// an object nor a pending multipart upload.
func tooLarge(t *testing.T, b *browser.Browser, st *stack) {
	ctx := context.Background()
	if out, err := operator.Env.Kubectl(ctx, smallGrant, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Cleanup(func() {
		_, _ = operator.Env.Kubectl(context.Background(), "", "delete", "prefixgrant", "-n", operatorNamespace, "alice-small")
	})
	poll.Until(t, 20*time.Second, "alice's small grant authorizes", func() bool {
		return operator.Index.Decide(grant.Principal{User: alice}, grant.Write, conn, bucket, small+"x.bin").Allowed
	})
	s := signedIn(t, b, st, alice)
	s.wait("the small root", `[...document.querySelectorAll('#roots .root-title')].some(e => e.textContent === 'partner-data / partner-a/small/')`)
	s.browse(small)
	s.openUploadDialog()
	const limit = 1 << 20
	files := []droppedFile{
		{Name: "exactly-1MiB.bin", Size: limit, Seed: 11, Type: "application/octet-stream"},
		{Name: "big.bin", Size: limit + 1, Seed: 12, Type: "application/octet-stream"},
		{Name: "huge.bin", Size: 20 << 20, Seed: 13, Type: "application/octet-stream"},
	}
	toMinIO := s.watchRequests(st.minio.Endpoint)
	eval[bool](s, dropJS("#dropzone", files))
	row := func(name string) string {
		return `document.querySelector('#upload-list li[data-key="` + small + name + `"]')`
	}
	s.wait("the 1 MiB file uploaded", row("exactly-1MiB.bin")+`?.dataset.state === 'done'`)
	for _, name := range []string{"big.bin", "huge.bin"} {
		s.wait(name+" refused", row(name)+`?.dataset.state === 'error'`)
		msg := eval[string](s, row(name)+`.querySelector('.upload-status').textContent`)
		for _, want := range []string{"Too large", small + name, "allows at most 1048576 bytes per object", "s3am-system/alice-small", "(ObjectTooLarge)"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q lacks %q", name, msg, want)
			}
		}
		if role := eval[string](s, row(name)+`.querySelector('.upload-status').getAttribute('role')`); role != "alert" {
			t.Errorf("%s: the refusal is not announced: role %q", name, role)
		}
		t.Logf("%s: %s", name, msg)
	}
	if got := eval[string](s, `document.getElementById('upload-total-text').textContent`); !strings.Contains(got, "2 failed") {
		t.Errorf("total = %q", got)
	}
	s.shot("01-too-large", "")
	s.checkContrast("upload dialog with refusals")

	// Nothing of the refused files reached MinIO: not a request, not an
	// object, not a pending multipart upload.
	sent := toMinIO()
	put := "PUT /" + bucket + "/" + small + "exactly-1MiB.bin"
	if !slices.Contains(sent, put) {
		t.Errorf("the browser did not send %s: %q", put, sent)
	}
	for _, r := range sent {
		if strings.Contains(r, "big.bin") || strings.Contains(r, "huge.bin") {
			t.Errorf("the browser sent %s to MinIO", r)
		}
	}
	for _, name := range []string{"big.bin", "huge.bin"} {
		if _, err := st.s3.HeadObject(ctx, headInput(small+name)); err == nil {
			t.Errorf("%s exists in MinIO", name)
		}
	}
	ups, err := st.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(small)})
	if err != nil || len(ups.Uploads) != 0 {
		t.Errorf("pending multipart uploads under %s: %v %d", small, err, len(ups.Uploads))
	}
	if got := st.object(t, small+"exactly-1MiB.bin"); len(got) != limit {
		t.Errorf("exactly-1MiB.bin has %d bytes", len(got))
	}
	blocked := st.events(t, audit.Filter{User: alice, Decision: audit.DecisionBlocked, KeyPrefix: small})
	actions := map[string]bool{}
	for _, e := range blocked {
		actions[string(e.Action)] = true
	}
	if len(blocked) != 2 || !actions[string(audit.ActionUpload)] || !actions[string(audit.ActionMultipartCreate)] {
		t.Errorf("blocked events under %s: %+v", small, blocked)
	}
}
