package browser_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// blocked crafts what the app never offers: an upload into a folder alice
// may only read, and a key the server refuses. The API blocks both, and the
// upload dialog shows its message, naming the key and the reason.
func blocked(t *testing.T, b *browser.Browser, st *stack) {
	s := signedIn(t, b, st, alice)
	s.browse("partner-a/processed/")
	if eval[bool](s, `!!document.getElementById('upload-button')`) {
		t.Fatal("an upload button where alice may not write")
	}
	// The test opens the dialog on the read-only folder, as a tampered page would.
	eval[bool](s, `(window.s3am.dialog.open({connection: `+q(conn)+`, bucket: `+q(bucket)+`, prefix: 'partner-a/processed/'}), true)`)
	eval[bool](s, dropJS("#dropzone", []droppedFile{{Name: "hack.pdf", Size: 2048, Seed: 7, Type: "application/pdf"}}))
	s.wait("the refusal shown", `document.querySelector('#upload-list li[data-key="partner-a/processed/hack.pdf"]')?.dataset.state === 'error'`)
	msg := eval[string](s, `document.querySelector('#upload-list li[data-key="partner-a/processed/hack.pdf"] .upload-status').textContent`)
	ev := st.events(t, audit.Filter{User: alice, Action: audit.ActionUpload, Decision: audit.DecisionBlocked, KeyPrefix: "partner-a/processed/hack.pdf"})
	if len(ev) != 1 {
		t.Fatalf("%d blocked upload events for hack.pdf", len(ev))
	}
	for _, want := range []string{"Not allowed", "No write permission for: partner-data/partner-a/processed/hack.pdf", "(" + ev[0].Reason + ")"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if role := eval[string](s, `document.querySelector('#upload-list li[data-key="partner-a/processed/hack.pdf"] .upload-status').getAttribute('role')`); role != "alert" {
		t.Errorf("the refusal is not announced: role %q", role)
	}
	s.shot("01-blocked-write", "blocked")

	// A hostile name: a backslash, which some servers read as a separator.
	eval[bool](s, `(window.s3am.dialog.open({connection: `+q(conn)+`, bucket: `+q(bucket)+`, prefix: `+q(january)+`}), true)`)
	eval[bool](s, dropJS("#dropzone", []droppedFile{{Name: `..\evil.pdf`, Size: 10, Seed: 9, Type: "application/pdf"}}))
	hostile := january + `..\evil.pdf`
	sel := `[...document.querySelectorAll('#upload-list li')].find(li => li.dataset.key === ` + q(hostile) + `)`
	s.wait("the hostile key refused", sel+`?.dataset.state === 'error'`)
	msg = eval[string](s, sel+`.querySelector('.upload-status').textContent`)
	for _, want := range []string{"Refused", hostile, "backslash", "(Backslash)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	s.shot("02-blocked-key", "")
	for _, key := range []string{"partner-a/processed/hack.pdf", hostile} {
		if _, err := st.s3.HeadObject(t.Context(), headInput(key)); err == nil {
			t.Errorf("%s exists in MinIO", key)
		}
	}
	// Folder listings outside her grants are refused too, with the reason.
	s.open("/browse?" + url.Values{"connection": {conn}, "bucket": {bucket}, "prefix": {"partner-b/uploads/"}}.Encode())
	s.wait("no grant here", `document.querySelector('main .notice.error')?.textContent.includes('None of your grants covers partner-data/partner-b/uploads/')`)
}
