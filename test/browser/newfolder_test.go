package browser_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// saveNote is what the app says of a folder with no file yet.
const saveNote = "The folder is saved with its first file."

// newFolder: the API refuses "folder/" keys, so a new folder is saved with
// its first file, and the app says so where the folder is made, inside it
// and beside it in the listing. Until then it lives in this tab (through a
// reload, back and forward), not in S3 and not in another tab; its first
// file saves it.
func newFolder(t *testing.T, b *browser.Browser, st *stack) {
	const folder = uploads + "2026/"
	s := signedIn(t, b, st, alice)
	s.browse(uploads)
	s.click("#new-folder")
	s.wait("the folder name asked", `!!document.querySelector('dialog[open] #prompt-input')`)
	if hint := eval[string](s, `document.getElementById('prompt-hint').textContent`); !strings.Contains(hint, saveNote) {
		t.Errorf("the prompt says %q", hint)
	}
	s.shot("01-new-folder-prompt", "")
	s.do("name it", chromedp.SendKeys(chromedp.CSS("#prompt-input"), "2026\n"))
	s.waitLocation(folder)
	s.wait("the note inside", `document.querySelector('.empty')?.textContent.includes(`+q(saveNote)+`)`)
	s.shot("02-new-folder-empty", "")

	// Beside it, in the listing of its parent, marked as not saved yet.
	chip := `document.querySelector('tr.folder[data-key="` + folder + `"] .chip-new')`
	s.click(`nav.breadcrumb li:nth-child(2) a`)
	s.waitLocation(uploads)
	s.wait("listed as new", chip+`?.textContent === 'New · saved with its first file'`)
	if title := eval[string](s, chip+`.title`); !strings.HasPrefix(title, saveNote) {
		t.Errorf("the chip explains %q", title)
	}
	s.checkContrast("a new folder in the listing")
	if got := st.keysUnder(t, folder); len(got) != 0 {
		t.Fatalf("S3 has %q", got)
	}
	// A reload, back and forward keep it in this tab.
	s.do("reload", chromedp.Reload())
	s.waitReady()
	s.waitLocation(uploads)
	s.wait("still listed after a reload", chip)
	s.do("back", chromedp.NavigateBack())
	s.waitLocation(folder)
	s.wait("the note after back", `document.querySelector('.empty')?.textContent.includes(`+q(saveNote)+`)`)
	s.do("forward", chromedp.NavigateForward())
	s.waitLocation(uploads)
	s.wait("listed after forward", chip)
	// Another tab does not see it: it is not in S3.
	other := newSession(t, b, st)
	other.browse(uploads)
	if n := eval[int](other, `document.querySelectorAll('tr.folder[data-key="`+folder+`"]').length`); n != 0 {
		t.Error("another tab lists the unsaved folder")
	}

	// Its first file saves it.
	s.click(`tr.folder[data-key="` + folder + `"] a`)
	s.waitLocation(folder)
	s.uploadListed(folder, droppedFile{Name: "first.txt", Size: 10, Seed: 1, Type: "text/plain"})
	s.click(`nav.breadcrumb li:nth-child(2) a`)
	s.waitLocation(uploads)
	s.wait("saved: no longer new", `!!document.querySelector('tr.folder[data-key="`+folder+`"]') && !`+chip)
	if left := eval[string](s, `sessionStorage.getItem('s3am.new-folders.v1')`); left != "[]" {
		t.Errorf("sessionStorage still holds %s", left)
	}
	other.browse(uploads)
	if n := eval[int](other, `document.querySelectorAll('tr.folder[data-key="`+folder+`"]').length`); n != 1 {
		t.Error("another tab does not list the saved folder")
	}
}
