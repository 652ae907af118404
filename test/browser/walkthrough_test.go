package browser_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// droppedFile is a file the test drops: its bytes follow a pattern both the
// page and the test compute.
type droppedFile struct {
	Name string `json:"name"`
	Size int    `json:"size"`
	Seed int    `json:"seed"`
	Type string `json:"type"`
}

func (f droppedFile) bytes() []byte {
	b := make([]byte, f.Size)
	for i := range b {
		b[i] = byte((i*31 + f.Seed) % 251)
	}
	return b
}

// dropJS drops files on the element #target with a synthesized DataTransfer,
// as the browser does for a drag from the desktop.
func dropJS(target string, files []droppedFile) string {
	spec, _ := json.Marshal(files)
	return `(() => {
  const dt = new DataTransfer();
  for (const f of ` + string(spec) + `) {
    const b = new Uint8Array(f.size);
    for (let i = 0; i < f.size; i++) b[i] = (i * 31 + f.seed) % 251;
    dt.items.add(new File([b], f.name, { type: f.type, lastModified: 1733360123000 }));
  }
  const el = document.querySelector(` + strconv.Quote(target) + `);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
  }
  return true;
})()`
}

// throttle limits the tab's upload rate (bytes per second; -1: none), so
// that progress can be watched.
func (s *session) throttle(upload float64) {
	s.t.Helper()
	if err := browser.Throttle(s.tab, upload); err != nil {
		s.t.Fatal(err)
	}
}

// listedKeys returns the keys of the listing's rows, in order.
func (s *session) listedKeys() []string {
	return eval[[]string](s, `[...document.querySelectorAll('#listing-body tr')].map(tr => tr.dataset.key)`)
}

// seedWalkthrough is the seed guide's story: alice opens her uploads
// folder, walks down to 2024/january, drops three files, watches them
// upload and appear, walks back up by the breadcrumb, and is never offered
// a delete.
func seedWalkthrough(t *testing.T, b *browser.Browser, st *stack) {
	s := signedIn(t, b, st, alice)

	// Your buckets.
	s.wait("two roots", `document.querySelectorAll('#roots .root-card').length === 2`)
	titles := eval[[]string](s, `[...document.querySelectorAll('#roots .root-title')].map(e => e.textContent)`)
	if !slices.Equal(titles, []string{"partner-data / partner-a/processed/", "partner-data / partner-a/uploads/"}) {
		t.Fatalf("roots = %q", titles)
	}
	if eval[bool](s, `!!document.querySelector('a[href="/admin/audit"]')`) {
		t.Error("alice is offered the audit page")
	}
	s.shot("01-dashboard", "dashboard")

	// Her uploads folder: folders first, then files.
	s.click(`a.root-link[href*="prefix=partner-a%2Fuploads%2F"]`)
	s.waitLocation(uploads)
	if got := s.listedKeys(); !slices.Equal(got, []string{uploads + "2024/", uploads + "invoices/", uploads + "readme.txt"}) {
		t.Fatalf("listing = %q", got)
	}
	if got := eval[string](s, `document.getElementById('counts').textContent`); !bytes.Contains([]byte(got), []byte("2 folders")) || !bytes.Contains([]byte(got), []byte("1 file")) {
		t.Errorf("counts = %q", got)
	}
	s.shot("02-uploads", "")

	// Down to 2024, then january.
	s.click(`tr.folder[data-key="partner-a/uploads/2024/"] a`)
	s.waitLocation(uploads + "2024/")
	if got := s.listedKeys(); !slices.Equal(got, []string{uploads + "2024/february/", uploads + "2024/january/", uploads + "2024/march/", uploads + "2024/quarterly-report.pdf"}) {
		t.Fatalf("2024 = %q", got)
	}
	s.click(`tr.folder[data-key="partner-a/uploads/2024/january/"] a`)
	s.waitLocation(january)
	crumbs := eval[[]string](s, `[...document.querySelectorAll('nav.breadcrumb li')].map(li => li.textContent.trim())`)
	if !slices.Equal(crumbs, []string{"Your buckets", "partner-a/uploads/", "2024", "january"}) {
		t.Fatalf("breadcrumb = %q", crumbs)
	}

	// The upload dialog names the destination.
	s.openUploadDialog()
	if got := eval[string](s, `document.getElementById('upload-destination').textContent`); got != bucket+"/"+january {
		t.Fatalf("destination = %q", got)
	}
	s.shot("03-upload-dialog", "")

	// Three files dropped, uploaded slowly enough to watch.
	files := []droppedFile{
		{Name: "invoice-001.pdf", Size: 1_200_000, Seed: 1, Type: "application/pdf"},
		{Name: "invoice-002.pdf", Size: 900_000, Seed: 2, Type: "application/pdf"},
		{Name: "summary.xlsx", Size: 650_000, Seed: 3, Type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	}
	s.throttle(1_000_000)
	eval[bool](s, dropJS("#dropzone", files))
	s.wait("progress under way", `(() => { const v = document.getElementById('upload-total').value; return v > 5 && v < 90 && document.getElementById('upload-total-text').textContent.includes('left'); })()`)
	s.shot("04-upload-progress", "upload-progress")
	s.waitLong("three uploads done", `document.querySelectorAll('#upload-list li[data-state="done"]').length === 3`, 30*time.Second)
	s.throttle(-1)
	s.wait("total 100 %", `document.getElementById('upload-total').value === 100 && document.getElementById('upload-total-text').textContent.startsWith('100 %')`)
	s.shot("05-upload-done", "")
	s.click("#upload-close")

	// They appear without a refresh.
	s.wait("the new files listed", `['invoice-001.pdf','invoice-002.pdf','summary.xlsx'].every(n => document.querySelector('tr.file[data-key="partner-a/uploads/2024/january/' + n + '"]'))`)
	if got := s.listedKeys(); !slices.Equal(got, []string{january + "scans/", january + "invoice-001.pdf", january + "invoice-002.pdf", january + "summary.xlsx"}) {
		t.Fatalf("january = %q", got)
	}
	s.shot("06-listed", "browse")
	for _, f := range files {
		if got := st.object(t, january+f.Name); !bytes.Equal(got, f.bytes()) {
			t.Errorf("%s: %d bytes in MinIO differ from the %d dropped", f.Name, len(got), f.Size)
		}
	}
	// write + list: neither download nor delete is offered.
	if n := eval[int](s, `document.querySelectorAll('[data-action]').length`); n != 0 {
		t.Errorf("%d download or delete buttons where alice may only write and list", n)
	}
	if n := len(st.events(t, audit.Filter{User: alice, Action: audit.ActionUploadConfirm, Outcome: audit.OutcomeSuccess})); n != 3 {
		t.Errorf("%d confirmed uploads audited, want 3", n)
	}

	// Back up by the breadcrumb, one level, then home.
	s.click(`nav.breadcrumb li:nth-child(3) a`)
	s.waitLocation(uploads + "2024/")
	s.click(`nav.breadcrumb li:nth-child(2) a`)
	s.waitLocation(uploads)
	// The URL is the location: back, forward and reload work.
	s.do("back", chromedp.NavigateBack())
	s.waitLocation(uploads + "2024/")
	s.do("reload", chromedp.Reload())
	s.waitReady()
	s.waitLocation(uploads + "2024/")
	s.do("forward", chromedp.NavigateForward())
	s.waitLocation(uploads)

	// The file picker, too: one file chosen from disk.
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("picked with the file picker\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.openUploadDialog()
	s.do("pick notes.txt", chromedp.SetUploadFiles(chromedp.CSS("#file-input"), []string{notes}))
	s.wait("notes.txt uploaded", `document.querySelector('#upload-list li[data-key="partner-a/uploads/notes.txt"]')?.dataset.state === 'done'`)
	s.click("#upload-close")
	s.wait("notes.txt listed", `!!document.querySelector('tr.file[data-key="partner-a/uploads/notes.txt"]')`)
	if got := string(st.object(t, uploads+"notes.txt")); got != "picked with the file picker\n" {
		t.Errorf("notes.txt = %q", got)
	}

	// A new folder: opened at once, saved with its first file.
	s.click("#new-folder")
	s.wait("the folder name asked", `!!document.querySelector('dialog[open] #prompt-input')`)
	s.do("name it", chromedp.SendKeys(chromedp.CSS("#prompt-input"), "2025\n"))
	s.waitLocation(uploads + "2025/")
	s.wait("an empty new folder", `document.querySelector('.empty')?.textContent.includes(`+q(saveNote)+`)`)
	s.uploadListed(uploads+"2025/", droppedFile{Name: "plan.pdf", Size: 4096, Seed: 5, Type: "application/pdf"})
	s.click(`nav.breadcrumb li:nth-child(2) a`)
	s.waitLocation(uploads)
	if got := s.listedKeys(); !slices.Contains(got, uploads+"2025/") {
		t.Errorf("the new folder is not listed from S3: %q", got)
	}

	// Where she may read, she may download, and still not delete.
	downloads := t.TempDir()
	b.AllowDownloads(t, downloads)
	s.browse("partner-a/processed/")
	s.wait("report listed", `!!document.querySelector('tr.file[data-key="partner-a/processed/report.pdf"] [data-action="download"]')`)
	if n := eval[int](s, `document.querySelectorAll('[data-action="delete"]').length`); n != 0 {
		t.Errorf("%d delete buttons where alice may only read and list", n)
	}
	s.shot("07-processed", "")
	s.click(`tr.file[data-key="partner-a/processed/report.pdf"] [data-action="download"]`)
	poll.Until(t, 20*time.Second, "report.pdf downloaded", func() bool {
		b, err := os.ReadFile(filepath.Join(downloads, "report.pdf"))
		return err == nil && string(b) == seedObjects["partner-a/processed/report.pdf"]
	})
}
