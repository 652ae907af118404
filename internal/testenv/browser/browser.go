// Package browser starts a headless Chromium for tests, driven with
// chromedp, and saves screenshots as test artifacts.
//
// Use:
//
//	b := browser.Start(t)                 // skips (or fails in CI) without chromium
//	tab := b.NewTab(t)                    // a fresh tab, closed at cleanup
//	err := chromedp.Do(tab, chromedp.Navigate(url))
//	b.Screenshot(t, tab, "01-login")      // <artifacts>/browser/<Test>/01-login.png
//
// Chromium is the binary named by S3AM_CHROMIUM, else /usr/bin/chromium (the
// Debian package `make chromium` installs). Each Browser has its own profile
// in a temporary directory, so tests never share cookies or storage.
// Screenshots go to $S3AM_ARTIFACTS/browser, default bin/artifacts/browser
// in the repository.
package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// DefaultPath is where Debian installs chromium.
const DefaultPath = "/usr/bin/chromium"

// Path returns the Chromium binary to use and whether it exists.
func Path() (string, bool) {
	p := os.Getenv("S3AM_CHROMIUM")
	if p == "" {
		p = DefaultPath
	}
	_, err := os.Stat(p)
	return p, err == nil
}

// Browser is a running headless Chromium.
type Browser struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	shots  int
}

// Start starts Chromium and stops it at cleanup. Without Chromium the test is
// skipped, loudly, or fails when CI=true.
func Start(tb testing.TB) *Browser {
	tb.Helper()
	path, ok := Path()
	if !ok {
		repo.Missing(tb, "chromium ("+path+")", "chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// The first Do starts the browser; it must run on a context without a
	// deadline, or the deadline would stop the browser.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		tb.Fatalf("start chromium %s: %v", path, err)
	}
	b := &Browser{ctx: ctx, cancel: func() { cancel(); cancelAlloc() }}
	tb.Cleanup(b.cancel)
	return b
}

// NewTab opens a tab, closed at the test's cleanup. Tabs of one Browser
// share its cookies and storage.
func (b *Browser) NewTab(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		tb.Fatalf("new tab: %v", err)
	}
	tb.Cleanup(cancel)
	return ctx
}

// ArtifactsDir returns (and creates) the directory of the test's artifacts:
// $S3AM_ARTIFACTS/browser/<test name>, by default under bin/artifacts.
func ArtifactsDir(tb testing.TB) string {
	tb.Helper()
	return repo.Artifacts(tb, "browser", safeName(tb.Name()))
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string {
	return strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_")
}

// Screenshot saves a full-page PNG of tab as <ArtifactsDir>/<name>.png and
// returns its path. A failure is reported as a test error, not fatal: a
// missing picture must not hide what the test checks.
func (b *Browser) Screenshot(tb testing.TB, tab context.Context, name string) string {
	tb.Helper()
	png, err := Capture(tab)
	if err != nil {
		tb.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	b.mu.Lock()
	b.shots++
	b.mu.Unlock()
	p := filepath.Join(ArtifactsDir(tb), safeName(name)+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	return p
}

// MaxFullPage is the tallest page (in CSS pixels) Capture takes whole; of
// a taller one, such as a listing of a thousand files, it takes the
// viewport: a whole one takes seconds and megabytes and shows no more.
const MaxFullPage = 4000

// Capture returns a full-page PNG of tab, or of its viewport when the page
// is taller than MaxFullPage.
func Capture(tab context.Context) ([]byte, error) {
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	height, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	if err == nil && height > MaxFullPage {
		return chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

// WaitFor evaluates the JavaScript expression js in tab every 50 ms until
// it is truthy, for at most timeout, and fails the test with what (and a
// screenshot) if it never is. It survives navigations: an evaluation that
// fails while a page loads is tried again.
func (b *Browser) WaitFor(tb testing.TB, tab context.Context, timeout time.Duration, what, js string) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for {
		ctx, cancel := context.WithTimeout(tab, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+js+")", chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && ok {
			return
		}
		if err != nil {
			last = err
		}
		if time.Now().After(deadline) {
			b.Screenshot(tb, tab, "failed-"+what)
			tb.Fatalf("%s: not within %s (last error: %v)", what, timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// AllowDownloads makes the browser save downloads into dir, under the
// names the servers suggest.
func (b *Browser) AllowDownloads(tb testing.TB, dir string) {
	tb.Helper()
	_, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	})
	if err != nil {
		tb.Fatalf("allow downloads: %v", err)
	}
}

// Eval evaluates js in tab (awaiting a promise) and decodes its value into T,
// failing the test on error.
func Eval[T any](tb testing.TB, tab context.Context, js string) T {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatalf("eval %.80q: %v", js, err)
	}
	return v
}

// Do runs actions in tab with a timeout, failing the test (with a
// screenshot) on error.
func (b *Browser) Do(tb testing.TB, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.Screenshot(tb, tab, "failed-"+what)
		tb.Fatalf("%s: %v", what, err)
	}
}

// String describes the browser for logs.
func (b *Browser) String() string {
	p, _ := Path()
	return fmt.Sprintf("chromium %s", p)
}
