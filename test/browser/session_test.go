package browser_test

import (
	"context"
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

// watchConsole fails the test on an uncaught exception or a refusal by the
// Content-Security-Policy: the app must run under its own policy.
func (s *session) watchConsole() {
	ctx, cancel := context.WithCancel(s.tab)
	messages := chromedp.Console(ctx)
	var mu sync.Mutex
	var bad []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				bad = append(bad, m.String())
				mu.Unlock()
			}
		}
	}()
	s.t.Cleanup(func() {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, m := range bad {
			s.t.Errorf("browser console: %s", m)
		}
	})
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

// shot saves a screenshot as a test artifact; with S3AM_UPDATE_SCREENSHOTS=1
// a docName also updates docs/screenshots/<docName>.png.
func (s *session) shot(name, docName string) {
	s.t.Helper()
	p := s.b.Screenshot(s.t, s.tab, name)
	if docName == "" || p == "" || os.Getenv("S3AM_UPDATE_SCREENSHOTS") != "1" {
		return
	}
	dir, err := repo.Path("docs", "screenshots")
	if err != nil {
		s.t.Fatal(err)
	}
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
