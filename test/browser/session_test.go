package browser_test

import (
	"context"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// session is one person in one browser tab.
type session struct {
	t   *testing.T
	b   *browser.Browser
	tab context.Context
	st  *stack
}

func newSession(t *testing.T, b *browser.Browser, st *stack) *session {
	s := &session{t: t, b: b, tab: b.NewTab(t), st: st}
	s.watchConsole()
	return s
}

// signedIn is a new session of user, signed in.
func signedIn(t *testing.T, b *browser.Browser, st *stack, user string) *session {
	t.Helper()
	s := newSession(t, b, st)
	s.login(user)
	return s
}

// watchConsole fails the test on an uncaught exception or a refusal by the
// Content-Security-Policy: the app must run under its own policy.
func (s *session) watchConsole() {
	stop := record(s, chromedp.Console, func(m chromedp.ConsoleMessage) (string, bool) {
		return m.String(), m.IsException() || strings.Contains(m.Text, "Content Security Policy")
	})
	s.t.Cleanup(func() {
		for _, m := range stop() {
			s.t.Errorf("browser console: %s", m)
		}
	})
}

// record keeps what pick keeps of the events listen delivers from the tab,
// until the returned function is called; it returns what was kept, and t's
// cleanup calls it too.
func record[E any](s *session, listen func(context.Context) iter.Seq2[E, error], pick func(E) (string, bool)) func() []string {
	ctx, cancel := context.WithCancel(s.tab)
	events := listen(ctx)
	var mu sync.Mutex
	var kept []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range events {
			if err != nil {
				return
			}
			if v, ok := pick(ev); ok {
				mu.Lock()
				kept = append(kept, v)
				mu.Unlock()
			}
		}
	}()
	var once sync.Once
	stop := func() []string {
		once.Do(func() {
			cancel()
			<-done
		})
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), kept...)
	}
	s.t.Cleanup(func() { stop() })
	return stop
}

// login signs in through the demo picker and lands on the dashboard.
func (s *session) login(user string) {
	s.t.Helper()
	// A fresh start: whoever was signed in before is not any more.
	if _, err := chromedp.Call(s.tab, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		s.t.Fatal(err)
	}
	s.do("open the login page", chromedp.Navigate(s.st.url+"/"))
	s.wait("the login page", `location.pathname === "/login" && document.querySelector('.demo-picker')`)
	s.do("pick "+user, chromedp.Click(chromedp.CSS(`button[name="user"][value="`+user+`"]`)))
	s.waitReady()
	s.wait("signed in as "+user, `document.getElementById('current-user')?.textContent.includes(`+strconv.Quote(user)+`)`)
}

// open loads path of the app and waits for it to render.
func (s *session) open(path string) {
	s.t.Helper()
	s.do("open "+path, chromedp.Navigate(s.st.url+path))
	s.waitReady()
}

func (s *session) waitReady() {
	s.t.Helper()
	s.wait("the app is ready", `document.documentElement.dataset.ready === 'true'`)
}

// browse opens the folder prefix of the partner-data bucket.
func (s *session) browse(prefix string) {
	s.t.Helper()
	s.open("/browse?" + url.Values{"connection": {conn}, "bucket": {bucket}, "prefix": {prefix}}.Encode())
	s.waitLocation(prefix)
}

// waitLocation waits until the browser shows prefix, listed.
func (s *session) waitLocation(prefix string) {
	s.t.Helper()
	s.wait("at "+prefix, `document.querySelector('#location code')?.textContent === `+strconv.Quote(bucket+"/"+prefix)+
		` && !document.getElementById('counts').textContent.startsWith('Loading')`)
}

func (s *session) wait(what, js string) {
	s.t.Helper()
	s.b.WaitFor(s.t, s.tab, 20*time.Second, what, js)
}

func (s *session) waitLong(what, js string, d time.Duration) {
	s.t.Helper()
	s.b.WaitFor(s.t, s.tab, d, what, js)
}

func (s *session) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	s.b.Do(s.t, s.tab, what, actions...)
}

func (s *session) click(css string) {
	s.t.Helper()
	s.do("click "+css, chromedp.Click(chromedp.CSS(css)))
}

// openUploadDialog opens the upload dialog of the folder shown.
func (s *session) openUploadDialog() {
	s.t.Helper()
	s.click("#upload-button")
	s.wait("the upload dialog", `document.getElementById('upload-dialog').open`)
}

// uploadListed drops f on the upload dialog of folder, the folder shown,
// waits until it is uploaded, closes the dialog and waits until the folder
// lists it.
func (s *session) uploadListed(folder string, f droppedFile) {
	s.t.Helper()
	s.openUploadDialog()
	eval[bool](s, dropJS("#dropzone", []droppedFile{f}))
	s.wait(f.Name+" uploaded", `document.querySelector('#upload-list li[data-key="`+folder+f.Name+`"]')?.dataset.state === 'done'`)
	s.click("#upload-close")
	s.wait(f.Name+" listed", `!!document.querySelector('tr.file[data-key="`+folder+f.Name+`"]')`)
}

// shot saves a screenshot as a test artifact; with S3AM_UPDATE_SCREENSHOTS=1
// a docName also updates docs/screenshots/<docName>.png.
func (s *session) shot(name, docName string) {
	s.t.Helper()
	p := s.b.Screenshot(s.t, s.tab, name)
	if docName == "" || p == "" || os.Getenv("S3AM_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	dir := repo.MustPath(s.t, "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, docName+".png"), b, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func eval[T any](s *session, js string) T {
	s.t.Helper()
	return browser.Eval[T](s.t, s.tab, js)
}
