package browser_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// keyboardAndNarrow: at 360 px nothing scrolls sideways, and a folder is
// reached with Tab and opened with Enter, with a visible focus ring.
func keyboardAndNarrow(t *testing.T, b *browser.Browser, st *stack) {
	s := newSession(t, b, st)
	s.do("a 360 px screen", chromedp.EmulateViewport(360, 780, chromedp.EmulateMobile))
	s.login(alice)
	noSideScroll := func(where string) {
		t.Helper()
		if w := eval[int](s, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s: the page is %d px wide at 360 px", where, w)
		}
	}
	noSideScroll("dashboard")
	s.shot("01-dashboard-360", "")
	s.browse(january)
	noSideScroll("january")
	s.shot("02-browse-360", "mobile")
	s.openUploadDialog()
	noSideScroll("upload dialog")
	s.shot("03-upload-360", "")
	s.do("close the dialog with Escape", chromedp.KeyEvent(kb.Escape))
	s.wait("closed", `!document.getElementById('upload-dialog').open`)

	// Keyboard only, from the top of the page.
	s.browse(uploads)
	eval[bool](s, `(document.activeElement.blur(), window.scrollTo(0, 0), true)`)
	const onFolder = `document.activeElement?.matches('tr.folder[data-key="partner-a/uploads/2024/"] a')`
	for i := 0; i < 40 && !eval[bool](s, onFolder); i++ {
		s.do("Tab", chromedp.KeyEvent(kb.Tab))
	}
	if !eval[bool](s, onFolder) {
		t.Fatalf("Tab never reached the 2024 folder; focus is on %s", eval[string](s, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	if style := eval[string](s, `getComputedStyle(document.activeElement).outlineStyle`); style == "none" {
		t.Error("the focused folder shows no focus ring")
	}
	s.shot("04-focus-360", "")
	s.do("Enter", chromedp.KeyEvent(kb.Enter))
	s.waitLocation(uploads + "2024/")
	// Focus moved to the new page's heading; Tab goes on from there.
	if !eval[bool](s, `document.activeElement?.tagName === 'H1'`) {
		t.Error("after opening a folder, focus is not on its heading")
	}
	noSideScroll("2024")
	s.do("desktop again", chromedp.EmulateViewport(1280, 900))
}
