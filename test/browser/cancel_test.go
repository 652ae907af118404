package browser_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// recordedJS lists the multipart uploads the page keeps for resuming.
const recordedJS = `Object.values(JSON.parse(localStorage.getItem('s3am.multipart.v1') || '{}'))`

// pendingAt returns the multipart uploads MinIO holds for key, and their
// parts, with the root client.
func (st *stack) pendingAt(t *testing.T, key string) (uploads, parts int) {
	t.Helper()
	ctx := context.Background()
	ups, err := st.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range ups.Uploads {
		ps, err := st.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(bucket), Key: u.Key, UploadId: u.UploadId})
		if err != nil {
			t.Fatal(err)
		}
		parts += len(ps.Parts)
	}
	return len(ups.Uploads), parts
}

// startSlowMultipart picks path in the open upload dialog, one part at a
// time and throttled, and waits until S3 has its first part.
func (s *session) startSlowMultipart(path, key string) {
	s.t.Helper()
	eval[bool](s, `(window.s3am.settings.partConcurrency = 1, true)`)
	s.throttle(8 << 20)
	s.do("pick "+filepath.Base(path), chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{path}))
	s.waitLong("a part uploaded", recordedJS+`.some(r => r.key === `+strconv.Quote(key)+` && Object.keys(r.parts).length >= 1)`, 30*time.Second)
}

// cancelAborts: cancelling a multipart upload in the dialog aborts it at
// S3, with the parts already sent; and an upload a reload interrupted can
// be discarded from the offer to resume it, which aborts it too.
func cancelAborts(t *testing.T, b *browser.Browser, st *stack) {
	const folder = uploads + "2024/march/"
	const key = folder + "cancelled.bin"
	path := filepath.Join(t.TempDir(), "cancelled.bin")
	if err := os.WriteFile(path, droppedFile{Size: 24 << 20, Seed: 21}.bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s := signedIn(t, b, st, alice)
	s.browse(folder)
	s.openUploadDialog()
	s.startSlowMultipart(path, key)
	if n, parts := st.pendingAt(t, key); n != 1 || parts < 1 {
		t.Fatalf("before the cancel MinIO has %d uploads with %d parts of %s", n, parts, key)
	}
	// The cancelled upload must never be offered for resuming, not even
	// while its abort is under way.
	eval[bool](s, `(() => {
		const el = document.getElementById('pending-uploads');
		window.pendingShown = false;
		new MutationObserver(() => { if (!el.hidden) window.pendingShown = true; }).observe(el, { attributes: true, childList: true });
		return true;
	})()`)
	row := `document.querySelector('#upload-list li[data-key=` + strconv.Quote(key) + `]')`
	// A slow server: the abort takes longer than the page's 100 ms between
	// redraws, so that the page redraws while it is under way.
	if err := browser.Emulate(s.tab, browser.Network{UploadBytesPerSecond: 8 << 20, Latency: 400 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	s.click(`#upload-list li[data-key="` + key + `"] button`)
	s.wait("cancelling", row+`?.querySelector('.upload-status').textContent === 'Cancelling: deleting the parts already uploaded…'`)
	s.wait("cancelled and discarded", row+`?.dataset.state === 'cancelled' && `+recordedJS+`.length === 0 && `+
		row+`.querySelector('.upload-status').textContent === 'Cancelled · the parts already uploaded were deleted'`)
	took := time.Since(begin)
	s.throttle(-1)
	if eval[bool](s, `window.pendingShown`) {
		t.Error("the cancelled upload was offered for resuming")
	}
	if n, parts := st.pendingAt(t, key); n != 0 || parts != 0 {
		t.Errorf("after the cancel MinIO has %d uploads with %d parts of %s", n, parts, key)
	}
	if _, err := st.s3.HeadObject(context.Background(), headInput(key)); err == nil {
		t.Errorf("%s exists", key)
	}
	if n := len(st.events(t, audit.Filter{User: alice, Action: audit.ActionMultipartAbort, Outcome: audit.OutcomeSuccess, KeyPrefix: key})); n != 1 {
		t.Errorf("%d aborts audited", n)
	}
	s.shot("01-cancelled", "")
	s.checkContrast("upload dialog with a cancelled upload")
	t.Logf("cancel to abort confirmed in %s", took.Round(time.Millisecond))

	// Interrupted by a reload, then discarded.
	const key2 = folder + "discarded.bin"
	path2 := filepath.Join(t.TempDir(), "discarded.bin")
	if err := os.WriteFile(path2, droppedFile{Size: 24 << 20, Seed: 22}.bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s.startSlowMultipart(path2, key2)
	s.do("reload in the middle", chromedp.Reload())
	s.throttle(-1)
	s.waitReady()
	s.wait("the unfinished upload offered", `!!document.querySelector('#pending-uploads li strong')?.textContent.includes(`+strconv.Quote(key2)+`)`)
	if n, parts := st.pendingAt(t, key2); n != 1 || parts < 1 {
		t.Fatalf("after the reload MinIO has %d uploads with %d parts of %s", n, parts, key2)
	}
	s.checkContrast("unfinished uploads")
	s.shot("02-discard-offered", "")
	s.click(`#pending-uploads li button`)
	s.wait("asked first", `document.querySelector('dialog[open] #confirm-title')?.textContent === 'Discard the upload of discarded.bin?'`)
	s.click(`dialog[open] button.danger`)
	s.wait("discarded", `document.getElementById('pending-uploads').hidden && `+recordedJS+`.length === 0`)
	if n, parts := st.pendingAt(t, key2); n != 0 || parts != 0 {
		t.Errorf("after the discard MinIO has %d uploads with %d parts of %s", n, parts, key2)
	}
	if _, err := st.s3.HeadObject(context.Background(), headInput(key2)); err == nil {
		t.Errorf("%s exists", key2)
	}

	// Resumed after a reload, then cancelled at once, while the page still
	// asks S3 which parts it has: aborted too.
	const key3 = folder + "resumed-cancelled.bin"
	path3 := filepath.Join(t.TempDir(), "resumed-cancelled.bin")
	if err := os.WriteFile(path3, droppedFile{Size: 24 << 20, Seed: 23}.bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s.openUploadDialog()
	s.startSlowMultipart(path3, key3)
	s.do("reload in the middle", chromedp.Reload())
	s.throttle(-1)
	s.waitReady()
	s.wait("the unfinished upload offered", `!!document.querySelector('#pending-uploads input[data-resume]')`)
	if err := browser.Emulate(s.tab, browser.Network{Latency: 400 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	s.do("resume", chromedp.SetUploadFiles(chromedp.CSS("#pending-uploads input[data-resume]"), []string{path3}))
	row3 := `#upload-list li[data-key="` + key3 + `"]`
	s.wait("resuming", `document.querySelector('`+row3+`')?.dataset.state === 'uploading'`)
	s.click(row3 + ` button`)
	s.wait("cancelled and discarded", `document.querySelector('`+row3+`').dataset.state === 'cancelled' && `+recordedJS+`.length === 0`)
	s.throttle(-1)
	if n, parts := st.pendingAt(t, key3); n != 0 || parts != 0 {
		t.Errorf("after cancelling the resumed upload MinIO has %d uploads with %d parts of %s", n, parts, key3)
	}
	if !eval[bool](s, `document.getElementById('pending-uploads').hidden`) {
		t.Error("the cancelled upload is still offered for resuming")
	}
}
