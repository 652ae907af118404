package browser_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/links"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

const (
	dropFolder      = uploads + "2024/march/"
	processedFolder = "partner-a/processed/"
)

// createLinkInUI creates a link from the Share dialog of the open folder
// and returns its URL, which the dialog shows once.
func (s *session) createLinkInUI(kind, message, password string) string {
	s.t.Helper()
	s.click("#share-folder")
	s.wait("the share dialog", `document.getElementById('share-dialog')?.open`)
	s.do("choose "+kind, chromedp.SetValue(chromedp.CSS("#link-kind"), kind), chromedp.SetValue(chromedp.CSS("#link-description"), message))
	if password != "" {
		s.do("set a password", chromedp.SetValue(chromedp.CSS("#link-password"), password))
	}
	s.click("#link-create")
	s.wait("the link shown", `!!document.querySelector('#link-url')?.value`)
	u := eval[string](s, `document.getElementById('link-url').value`)
	s.wait("the link listed", `document.querySelectorAll('#link-list li[data-state="Active"]').length > 0`)
	return u
}

// closeShareDialog closes the Share dialog.
func (s *session) closeShareDialog() {
	s.t.Helper()
	s.click("#share-dialog .modal-actions .button.primary")
	s.wait("the share dialog closed", `!document.getElementById('share-dialog')`)
}

// asRecipient clears every cookie: from now on the browser has no account.
func (s *session) asRecipient() {
	s.t.Helper()
	if _, err := chromedp.Call(s.tab, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		s.t.Fatal(err)
	}
}

// openLink opens a recipient page and waits until it rendered.
func (s *session) openLink(u, what string) {
	s.t.Helper()
	s.do("open "+what, chromedp.Navigate(u))
	s.wait(what+" rendered", `document.documentElement.dataset.ready === 'true' || !!document.getElementById('link-error') || !!document.getElementById('password-form')`)
}

// status fetches path of the page's origin as the page would, and answers
// the HTTP status.
func (s *session) status(method, path, body string) int {
	s.t.Helper()
	return eval[int](s, `fetch(`+q(path)+`, {method: `+q(method)+`, headers: {'Content-Type': 'application/json'}`+
		map[bool]string{true: `, body: ` + q(body), false: ``}[body != ""]+`}).then(r => r.status)`)
}

// sharedLinks: alice shares a folder for uploads and another for download
// from the app; a recipient without an account uploads (drag and drop, and
// a resumable multipart upload) and downloads through them; the upload link
// cannot list, read or overwrite; the webhook receives signed events;
// revoked and expired links are refused within a second; password guesses
// are rate-limited.
func sharedLinks(t *testing.T, b *browser.Browser, st *stack) {
	s := signedIn(t, b, st, alice)

	s.browse(dropFolder)
	uploadURL := s.createLinkInUI("UploadRequest", "Please upload your signed March invoices here.", "")
	s.shot("01-share-dialog", "links-share")
	s.closeShareDialog()
	if !strings.Contains(uploadURL, "/l/") || strings.Contains(uploadURL, "partner") {
		t.Fatalf("link URL %q", uploadURL)
	}
	s.browse(processedFolder)
	downloadURL := s.createLinkInUI("Download", "The processed reports, for the Q1 review.", "")
	s.closeShareDialog()
	passwordURL := s.createLinkInUI("Download", "The processed reports (password sent separately).", "correct horse battery")
	s.closeShareDialog()
	if downloadURL == passwordURL || downloadURL == uploadURL {
		t.Fatal("two links share a URL")
	}

	// From here on, nobody is signed in.
	s.asRecipient()
	s.openLink(uploadURL, "the upload link")
	s.wait("the drop zone", `!!document.getElementById('link-dropzone')`)
	if n := eval[int](s, `document.querySelectorAll('#listing, tr.file').length`); n != 0 {
		t.Fatalf("the upload page shows %d listing elements", n)
	}
	before := st.keysUnder(t, dropFolder)

	// Drag and drop.
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"invoice-march.pdf": "%PDF-1.7 march invoice", "scan.pdf": "%PDF-1.7 scan"})
	s.dragFiles("#link-dropzone", []string{filepath.Join(dir, "invoice-march.pdf")})
	s.wait("the dropped file uploaded", `document.querySelectorAll('#link-done li').length === 1`)
	// The same name again, from the file picker: a second file, never a replacement.
	s.do("pick scan.pdf", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{filepath.Join(dir, "scan.pdf")}))
	s.do("pick scan.pdf again", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{filepath.Join(dir, "scan.pdf")}))
	s.wait("three files uploaded", `document.querySelectorAll('#link-done li').length === 3`)
	s.shot("02-recipient-upload", "links-upload")
	s.do("close the upload dialog", chromedp.Click(chromedp.CSS("#upload-close")))

	added := newKeys(before, st.keysUnder(t, dropFolder))
	if len(added) != 3 {
		t.Fatalf("%d new objects, want 3: %v", len(added), added)
	}
	for _, key := range added {
		ev := st.hooks.WaitFor(t, key)
		if ev.Data.Creator != alice || !strings.HasPrefix(ev.Data.Link, operatorNamespace+"/link-") {
			t.Fatalf("webhook event %+v", ev)
		}
	}
	if n := st.hooks.Refused(); n != 0 {
		t.Fatalf("%d notifications failed their signature check", n)
	}

	// Upload-only: no listing, no reading, no overwriting or finishing others' files.
	linkPath := strings.TrimPrefix(uploadURL, st.url)
	rel := strings.TrimPrefix(added[0], dropFolder)
	for what, got := range map[string]int{
		"list":            s.status("GET", linkPath+"/files", ""),
		"download":        s.status("POST", linkPath+"/download", `{"path":`+q(rel)+`}`),
		"confirm another": s.status("POST", linkPath+"/uploads/confirm", `{"path":"scan.pdf"}`),
		"abort another":   s.status("POST", linkPath+"/multipart/abort", `{"path":"scan.pdf","uploadId":"x"}`),
		"a path":          s.status("POST", linkPath+"/uploads", `{"filename":"../../partner-b/x.pdf","size":3}`),
	} {
		if got != http.StatusForbidden && got != http.StatusBadRequest {
			t.Errorf("%s through the upload link: %d, want 403 or 400", what, got)
		}
	}
	if got := string(st.object(t, added[0])); !strings.HasPrefix(got, "%PDF-1.7") {
		t.Fatalf("%s holds %q", added[0], got)
	}

	multipartThroughLink(t, s, st, uploadURL)

	// The download link: browse the folder and download the report.
	downloads := t.TempDir()
	b.AllowDownloads(t, downloads)
	s.openLink(downloadURL, "the download link")
	s.wait("the report listed", `!!document.querySelector('tr.file[data-key="report.pdf"] [data-action="download"]')`)
	s.shot("03-recipient-download", "links-download")
	s.click(`tr.file[data-key="report.pdf"] [data-action="download"]`)
	poll.Until(t, 20*time.Second, "report.pdf downloaded", func() bool {
		b, err := os.ReadFile(filepath.Join(downloads, "report.pdf"))
		return err == nil && string(b) == seedObjects["partner-a/processed/report.pdf"]
	})

	// Password: five wrong guesses, then even the right one waits.
	s.openLink(passwordURL, "the password link")
	s.wait("the password form", `!!document.getElementById('password-form')`)
	for i := range 5 {
		s.do("wrong guess "+strconv.Itoa(i), chromedp.SetValue(chromedp.CSS("#link-password"), "guess-"+strconv.Itoa(i)), chromedp.Click(chromedp.CSS("#password-submit")))
		s.wait("refused", `document.getElementById('password-error')?.textContent.includes('wrong')`)
		eval[string](s, `document.getElementById('password-error').textContent = ''`)
	}
	s.do("right password, too late", chromedp.SetValue(chromedp.CSS("#link-password"), "correct horse battery"), chromedp.Click(chromedp.CSS("#password-submit")))
	s.wait("rate-limited", `document.getElementById('password-error')?.textContent.includes('too many wrong passwords')`)
	s.shot("04-password-limited", "")

	// Revocation: alice revokes the upload link; the recipient is refused
	// within a second.
	s.login(alice)
	s.browse(dropFolder)
	s.click("#share-folder")
	s.wait("the links listed", `!!document.querySelector('#link-list [data-action="revoke"]')`)
	s.click(`#link-list [data-action="revoke"]`)
	s.wait("the confirmation", `!!document.querySelector('dialog.modal.small[open]')`)
	s.click(`dialog.modal.small[open] .button.danger`)
	s.wait("revoked", `!!document.querySelector('#link-list li[data-state="Revoked"]')`)
	revoked := time.Now()
	s.asRecipient()
	s.openLink(uploadURL, "the revoked link")
	s.wait("refused", `document.getElementById('link-error')?.textContent.includes('revoked')`)
	if el := time.Since(revoked); el > time.Second {
		t.Errorf("the revoked link was refused only %v after the revocation", el)
	}
	t.Logf("revoked link refused %v after revocation", time.Since(revoked).Round(time.Millisecond))

	// Expiry: a link created with kubectl (token hash in the spec) that
	// expires in two seconds.
	token, hash, err := links.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	expires := time.Now().Add(3 * time.Second).Truncate(time.Second)
	l := &v1alpha1.AccessLink{
		ObjectMeta: metav1.ObjectMeta{Namespace: operatorNamespace, Name: "expiring-report"},
		Spec: v1alpha1.AccessLinkSpec{
			Kind: v1alpha1.LinkDownload, Connection: conn, Bucket: bucket, Key: "partner-a/processed/report.pdf",
			Creator: v1alpha1.LinkCreator{User: alice}, TokenHash: hash, ExpiresAt: metav1.NewTime(expires),
		},
	}
	if err := operator.Env.Client.Create(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = operator.Env.Client.Delete(context.Background(), l) })
	expiringURL := st.url + "/l/" + token
	poll.Until(t, 5*time.Second, "the new link served", func() bool {
		return s.status("GET", "/l/"+token+"/info", "") == http.StatusOK
	})
	s.openLink(expiringURL, "the expiring link")
	s.wait("the file offered", `!!document.getElementById('link-download')`)
	time.Sleep(time.Until(expires))
	s.openLink(expiringURL, "the expired link")
	s.wait("refused", `document.getElementById('link-error')?.textContent.includes('expired')`)
	if el := time.Since(expires); el > time.Second {
		t.Errorf("the expired link was refused only %v after expiry", el)
	}

	// Every use is one audit event naming the link and its creator.
	evs := st.events(t, audit.Filter{})
	uses := 0
	for _, ev := range evs {
		if strings.HasPrefix(ev.User, "link:") {
			uses++
			if len(ev.Groups) != 1 || ev.Groups[0] != "creator:"+alice {
				t.Errorf("link event without its creator: %+v", ev)
			}
		}
	}
	if uses < 15 {
		t.Errorf("only %d link events recorded", uses)
	}
}

// multipartThroughLink uploads a file large enough for multipart through
// the upload link, interrupts it with a reload, and resumes it by choosing
// the same file again.
func multipartThroughLink(t *testing.T, s *session, st *stack, uploadURL string) {
	const size = 24 << 20
	data := make([]byte, size)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "archive.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	before := st.keysUnder(t, dropFolder)
	s.openLink(uploadURL, "the upload link")
	// One part at a time, so that a reload lands between parts.
	eval[int](s, `(window.s3amLink.settings.multipartThreshold = 5 * 1024 * 1024, window.s3amLink.settings.partConcurrency = 1)`)
	s.openUploadDialog()
	s.throttle(4 << 20)
	s.do("pick the 24 MiB file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{path}))
	recorded := `Object.values(JSON.parse(localStorage.getItem('s3am.multipart.v1') || '{}'))`
	s.waitLong("a part uploaded", recorded+`.some(r => r.user.startsWith('link:') && Object.keys(r.parts).length >= 1)`, 60*time.Second)
	stored := eval[string](s, `localStorage.getItem('s3am.multipart.v1')`)
	if token := strings.TrimPrefix(uploadURL, st.url+"/l/"); strings.Contains(stored, token) {
		t.Fatalf("localStorage holds the link's token: %s", stored)
	}
	s.do("reload in the middle", chromedp.Reload())
	s.throttle(-1)
	s.wait("the unfinished upload offered", `!!document.querySelector('#pending-uploads input[data-resume]')`)
	s.do("choose the same file", chromedp.SetUploadFiles(chromedp.CSS("#pending-uploads input[data-resume]"), []string{path}))
	s.waitLong("the upload finished", `document.querySelectorAll('#link-done li').length === 1`, 90*time.Second)
	s.do("close the upload dialog", chromedp.Click(chromedp.CSS("#upload-close")))
	added := newKeys(before, st.keysUnder(t, dropFolder))
	if len(added) != 1 || !strings.HasPrefix(added[0], dropFolder+"archive.") {
		t.Fatalf("new objects %v", added)
	}
	if got := sha256.Sum256(st.object(t, added[0])); got != sha256.Sum256(data) {
		t.Fatal("the object's bytes differ from the file's")
	}
	if ev := st.hooks.WaitFor(t, added[0]); ev.Data.Size != size {
		t.Fatalf("webhook %+v", ev)
	}
}

// newKeys returns the keys of after that are not in before.
func newKeys(before, after []string) []string {
	seen := map[string]bool{}
	for _, k := range before {
		seen[k] = true
	}
	var out []string
	for _, k := range after {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}
