package browser_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// seedBulk puts keys into MinIO straight, 32 at a time.
func (st *stack) seedBulk(t *testing.T, keys []string) {
	t.Helper()
	work := make(chan string)
	errs := make(chan error, len(keys))
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				if _, err := st.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
					errs <- fmt.Errorf("seed %s: %w", k, err)
				}
			}
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// pagination: a folder of more entries than one page of the API (S3's
// 1000; the app asks for no smaller page) shows the first page with
// "so far" counts and "Show more", which reaches the last entry with the
// right counts and keeps the keyboard focus on the list. The URL is the
// folder throughout: a reload comes back to it, and back and forward walk
// the folders with their listings.
func pagination(t *testing.T, b *browser.Browser, st *stack) {
	const bulk = uploads + "bulk/"
	const folders, files = 20, objects.MaxListPage + 40
	var keys []string
	for i := range folders {
		keys = append(keys, fmt.Sprintf("%sdir-%02d/inner.txt", bulk, i))
	}
	for i := range files {
		keys = append(keys, fmt.Sprintf("%sfile-%04d.txt", bulk, i))
	}
	begin := time.Now()
	st.seedBulk(t, keys)
	t.Logf("seeded %d objects in %s", len(keys), time.Since(begin).Round(time.Millisecond))

	s := signedIn(t, b, st, alice)
	s.browse(uploads)
	s.click(`tr.folder[data-key="` + bulk + `"] a`)
	s.waitLocation(bulk)
	rows := `document.querySelectorAll('#listing-body tr').length`
	counts := func() string {
		return strings.Join(strings.Fields(eval[string](s, `document.getElementById('counts').textContent`)), " ")
	}
	// S3 lists dir-* before file-*: the first page has every folder.
	firstFiles := objects.MaxListPage - folders
	if n := eval[int](s, rows); n != objects.MaxListPage {
		t.Fatalf("%d rows on the first page", n)
	}
	if got, want := counts(), fmt.Sprintf("%d folders %d files so far", folders, firstFiles); got != want {
		t.Errorf("counts = %q, want %q", got, want)
	}
	if !eval[bool](s, `!document.getElementById('load-more').hidden`) {
		t.Fatal("no Show more on a truncated folder")
	}
	s.shot("01-first-page", "")

	// Show more, by keyboard.
	s.do("focus Show more", chromedp.Focus(chromedp.CSS("#load-more")))
	begin = time.Now()
	s.do("Enter", chromedp.KeyEvent(kb.Enter))
	s.wait("every entry listed", rows+fmt.Sprintf(` === %d && document.getElementById('load-more').hidden`, folders+files))
	took := time.Since(begin)
	if got, want := counts(), fmt.Sprintf("%d folders %d files", folders, files); got != want {
		t.Errorf("counts = %q, want %q", got, want)
	}
	listed := s.listedKeys()
	if first, last := listed[0], listed[len(listed)-1]; first != bulk+"dir-00/" || last != fmt.Sprintf("%sfile-%04d.txt", bulk, files-1) {
		t.Errorf("the listing runs from %s to %s", first, last)
	}
	if focus := eval[string](s, `document.activeElement?.dataset?.key || document.activeElement.tagName`); focus != fmt.Sprintf("%sfile-%04d.txt", bulk, firstFiles) {
		t.Errorf("after Show more the focus is on %s, not the first entry it added", focus)
	}
	if !strings.Contains(eval[string](s, `location.search`), "prefix=partner-a%2Fuploads%2Fbulk%2F") {
		t.Error("the URL does not name the folder")
	}
	s.shot("02-all-pages", "")
	t.Logf("Show more: %d entries listed in %s", folders+files, took.Round(time.Millisecond))

	// Reload: the same folder, from its first page.
	s.do("reload", chromedp.Reload())
	s.waitReady()
	s.waitLocation(bulk)
	if n := eval[int](s, rows); n != objects.MaxListPage {
		t.Errorf("%d rows after the reload", n)
	}

	// Into a subfolder, then back and forward.
	s.click(`tr.folder[data-key="` + bulk + `dir-07/"] a`)
	s.waitLocation(bulk + "dir-07/")
	want := []string{bulk + "dir-07/inner.txt"}
	if got := s.listedKeys(); len(got) != 1 || got[0] != want[0] {
		t.Fatalf("dir-07 = %q", got)
	}
	steps := []struct {
		what   string
		action chromedp.Action[chromedp.Void]
		at     string
		check  func() bool
	}{
		{"back to bulk", chromedp.NavigateBack(), bulk, func() bool { return eval[int](s, rows) == objects.MaxListPage }},
		{"back to uploads", chromedp.NavigateBack(), uploads, func() bool { return eval[bool](s, `!!document.querySelector('tr.folder[data-key="`+bulk+`"]')`) }},
		{"forward to bulk", chromedp.NavigateForward(), bulk, func() bool { return eval[int](s, rows) == objects.MaxListPage }},
		{"forward to dir-07", chromedp.NavigateForward(), bulk + "dir-07/", func() bool { return s.listedKeys()[0] == want[0] }},
	}
	for _, step := range steps {
		s.do(step.what, step.action)
		s.waitLocation(step.at)
		if !step.check() {
			t.Errorf("%s: the listing is not %s's", step.what, step.at)
		}
		if crumb := eval[string](s, `document.querySelector('nav.breadcrumb [aria-current="page"]').textContent.trim()`); !strings.HasSuffix(strings.TrimSuffix(step.at, "/"), crumb) && crumb != uploads {
			t.Errorf("%s: the breadcrumb ends at %q", step.what, crumb)
		}
	}
}
