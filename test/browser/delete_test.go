package browser_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// carolGrant lets carol read, list and delete january's files.
const carolGrant = `apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata:
  name: carol-january
  namespace: s3am-system
spec:
  connection: partner-data-prod
  bucket: partner-data
  prefix: partner-a/uploads/2024/january/
  subjects:
    - kind: User
      name: carol@partner-a.com
  permissions: [read, list, delete]
`

// grantCarol applies carolGrant, once or again, and waits until it
// authorizes: every story that signs carol in calls it, so that each runs
// alone too.
func grantCarol(t *testing.T) {
	t.Helper()
	if out, err := operator.Env.Kubectl(context.Background(), carolGrant, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	poll.Until(t, 20*time.Second, "carol's grant authorizes", func() bool {
		return operator.Index.Decide(grant.Principal{User: carol}, grant.Delete, conn, bucket, january+"x.pdf").Allowed
	})
}

// deleteWithConfirmation: where the grant allows delete, the button is
// there, asks first, and cancelling keeps the file.
func deleteWithConfirmation(t *testing.T, b *browser.Browser, st *stack) {
	grantCarol(t)
	// The walkthrough uploaded it; put here too, so that the story runs alone.
	st.put(t, january+"invoice-002.pdf", "%PDF-1.7 invoice 002")
	s := signedIn(t, b, st, carol)
	s.browse(january)
	const row = `tr.file[data-key="partner-a/uploads/2024/january/invoice-002.pdf"]`
	s.wait("download and delete offered", `!!document.querySelector('`+row+` [data-action="download"]') && !!document.querySelector('`+row+` [data-action="delete"]')`)

	s.click(row + ` [data-action="delete"]`)
	s.wait("asked first", `document.querySelector('dialog[open] #confirm-title')?.textContent === 'Delete invoice-002.pdf?'`)
	if !eval[bool](s, `document.activeElement?.textContent === 'Cancel'`) {
		t.Error("the confirmation does not default to Cancel")
	}
	s.shot("01-confirm-delete", "")
	s.do("cancel with Escape", chromedp.KeyEvent("\x1b"))
	s.wait("dialog closed", `!document.querySelector('dialog[open]')`)
	if _, err := st.s3.HeadObject(t.Context(), headInput(january+"invoice-002.pdf")); err != nil {
		t.Fatalf("cancelled, yet: %v", err)
	}

	s.click(row + ` [data-action="delete"]`)
	s.wait("asked again", `!!document.querySelector('dialog[open] #confirm-title')`)
	s.click(`dialog[open] button.danger`)
	s.wait("gone from the listing", `!document.querySelector('`+row+`') && !document.getElementById('counts').textContent.startsWith('Loading')`)
	if _, err := st.s3.HeadObject(t.Context(), headInput(january+"invoice-002.pdf")); err == nil {
		t.Fatal("invoice-002.pdf is still in MinIO")
	}
}
