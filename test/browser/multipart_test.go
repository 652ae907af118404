package browser_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// multipartResume uploads a 50 MiB file, which goes multipart; a reload in
// the middle interrupts it; picking the same file again resumes it, sending
// only the parts S3 does not have; the object's bytes match the file's.
func multipartResume(t *testing.T, b *browser.Browser, st *stack) {
	const size = 50 << 20
	const key = january + "scan-archive.bin"
	data := make([]byte, size)
	r := rand.New(rand.NewChaCha8([32]byte{'s', '3', 'a', 'm'}))
	for i := 0; i < size; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			data[i+j] = byte(v >> (8 * j))
		}
	}
	path := filepath.Join(t.TempDir(), "scan-archive.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)

	s := signedIn(t, b, st, alice)
	s.browse(january)
	s.openUploadDialog()
	// Slow enough that a reload lands in the middle of the upload.
	s.throttle(6 << 20)
	s.do("pick the 50 MiB file", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{path}))
	recorded := `Object.values(JSON.parse(localStorage.getItem('s3am.multipart.v1') || '{}'))`
	s.waitLong("two parts uploaded", recorded+`.some(r => r.key === `+strconv.Quote(key)+` && Object.keys(r.parts).length >= 2)`, 60*time.Second)
	s.shot("01-multipart-progress", "")
	stored := eval[string](s, `localStorage.getItem('s3am.multipart.v1')`)
	for _, secret := range []string{"X-Amz-Signature", "X-Amz-Credential", "http://", "https://", "s3am_session"} {
		if bytes.Contains([]byte(stored), []byte(secret)) {
			t.Errorf("localStorage holds %q: %s", secret, stored)
		}
	}
	exposed := eval[bool](s, recorded+`.every(r => Object.values(r.parts).every(e => e !== ''))`)
	t.Logf("the endpoint exposes part ETags to scripts: %v", exposed)
	s.do("reload in the middle", chromedp.Reload())
	s.throttle(-1)
	s.waitReady()
	s.wait("the unfinished upload offered", `!!document.querySelector('#pending-uploads input[data-resume]')`)
	s.shot("02-resume-offered", "resume")

	// What S3 has now is exactly what must not be sent again.
	ctx := context.Background()
	ups, err := st.s3.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(key)})
	if err != nil || len(ups.Uploads) != 1 {
		t.Fatalf("multipart uploads of %s: %v %+v", key, err, ups)
	}
	parts, err := st.s3.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: ups.Uploads[0].UploadId})
	if err != nil {
		t.Fatal(err)
	}
	have := map[int]bool{}
	for _, p := range parts.Parts {
		have[int(aws.ToInt32(p.PartNumber))] = true
	}
	total := eval[int](s, recorded+`.find(r => r.key === `+strconv.Quote(key)+`).plan.parts`)
	var missing []int
	for n := 1; n <= total; n++ {
		if !have[n] {
			missing = append(missing, n)
		}
	}
	if len(have) == 0 || len(missing) == 0 {
		t.Fatalf("the reload did not land mid-upload: S3 has %d of %d parts", len(have), total)
	}

	// A different file is refused, then the same file resumes.
	other := filepath.Join(t.TempDir(), "scan-archive.bin")
	if err := os.WriteFile(other, []byte("not the same"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.do("pick another file", chromedp.SetUploadFiles(chromedp.CSS("#pending-uploads input[data-resume]"), []string{other}))
	s.wait("another file refused", `document.querySelector('#pending-uploads .field-error')?.textContent.includes('not the file this upload started with')`)

	var mu sync.Mutex
	var sent []int
	events := chromedp.Events(s.tab, network.RequestWillBeSent)
	watch, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for ev, err := range events {
			if err != nil || watch.Err() != nil {
				return
			}
			u, perr := url.Parse(ev.Request.URL)
			if perr != nil || ev.Request.Method != "PUT" || u.Query().Get("uploadId") == "" {
				continue
			}
			n, _ := strconv.Atoi(u.Query().Get("partNumber"))
			mu.Lock()
			sent = append(sent, n)
			mu.Unlock()
		}
	}()
	begin := time.Now()
	s.do("pick the same file again", chromedp.SetUploadFiles(chromedp.CSS("#pending-uploads input[data-resume]"), []string{path}))
	s.waitLong("the upload resumed and finished", `document.querySelector('#upload-list li[data-key=`+strconv.Quote(key)+`]')?.dataset.state === 'done'`, 60*time.Second)
	elapsed := time.Since(begin)
	stopWatch()
	s.shot("03-multipart-done", "")
	s.wait("nothing left to resume", `document.getElementById('pending-uploads').hidden && `+recorded+`.length === 0`)
	s.wait("the archive listed", `!!document.querySelector('tr.file[data-key=`+strconv.Quote(key)+`]')`)

	mu.Lock()
	got := slices.Clone(sent)
	mu.Unlock()
	slices.Sort(got)
	if !slices.Equal(got, missing) {
		t.Errorf("after the reload the browser sent parts %v; S3 was missing %v", got, missing)
	}
	obj := st.object(t, key)
	if sha256.Sum256(obj) != want {
		t.Fatalf("the object's %d bytes differ from the file's %d", len(obj), size)
	}
	if n := len(st.events(t, audit.Filter{User: alice, Action: audit.ActionMultipartComplete, Outcome: audit.OutcomeSuccess})); n != 1 {
		t.Errorf("%d completed multipart uploads audited, want 1", n)
	}
	resumed := float64(len(missing)) / float64(total) * size
	t.Logf("resumed %d of %d parts (%.1f MiB) in %s: %.1f MiB/s in the browser", len(missing), total, resumed/(1<<20), elapsed.Round(time.Millisecond), resumed/(1<<20)/elapsed.Seconds())
}
