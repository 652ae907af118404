package browser_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// writeTree writes files (relative path -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// dragFiles drags paths (files or directories) from the desktop onto the
// element css, as Chromium does for a real drag: through the DevTools
// protocol, so that the page gets real file system entries and a dropped
// directory can be walked with webkitGetAsEntry.
func (s *session) dragFiles(css string, paths []string) {
	s.t.Helper()
	at := eval[struct{ X, Y float64 }](s, `(() => { const r = document.querySelector(`+q(css)+`).getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()`)
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: paths, DragOperationsMask: 1}
	for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
		if _, err := chromedp.Call(s.tab, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: at.X, Y: at.Y, Data: data}); err != nil {
			s.t.Fatalf("drag %s: %v", typ, err)
		}
	}
}

// keysUnder lists every key under prefix in MinIO.
func (st *stack) keysUnder(t *testing.T, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(st.s3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	sort.Strings(keys)
	return keys
}

// folderDrop: a folder dragged from the desktop onto the drop zone, with a
// loose file beside it, lands under the current folder with its relative
// paths, its subfolders and a folder of more than 100 files (which Chromium
// reads in batches of 100); and a folder chosen with the folder picker does
// too.
func folderDrop(t *testing.T, b *browser.Browser, st *stack) {
	const here = uploads + "2024/february/"
	root := t.TempDir()
	tree := map[string]string{
		"reports/summary.txt":      "summary",
		"reports/q1/jan.csv":       "a,b\n1,2\n",
		"reports/q1/deep/notes.md": "# deep",
		"reports/empty.txt":        "",
	}
	for i := range 105 {
		tree[fmt.Sprintf("reports/many/item-%03d.txt", i)] = fmt.Sprintf("item %d\n", i)
	}
	writeTree(t, root, tree)
	// S3 has no empty folders: an empty directory uploads nothing.
	if err := os.MkdirAll(filepath.Join(root, "reports", "nothing-here"), 0o755); err != nil {
		t.Fatal(err)
	}
	loose := filepath.Join(root, "loose.txt")
	if err := os.WriteFile(loose, []byte("next to the folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := []string{here + "loose.txt"}
	for rel := range tree {
		want = append(want, here+rel)
	}
	sort.Strings(want)

	s := signedIn(t, b, st, alice)
	s.browse(here)
	s.openUploadDialog()
	begin := time.Now()
	s.dragFiles("#dropzone", []string{filepath.Join(root, "reports"), loose})
	s.wait("every file queued", fmt.Sprintf(`document.querySelectorAll('#upload-list li').length === %d`, len(want)))
	keys := eval[[]string](s, `[...document.querySelectorAll('#upload-list li')].map(li => li.dataset.key)`)
	sort.Strings(keys)
	if !slices.Equal(keys, want) {
		t.Fatalf("queued keys:\n%q\nwant:\n%q", keys, want)
	}
	s.waitLong("every file uploaded", fmt.Sprintf(`document.querySelectorAll('#upload-list li[data-state="done"]').length === %d`, len(want)), 60*time.Second)
	took := time.Since(begin)
	s.shot("01-folder-dropped", "")
	if got := st.keysUnder(t, here); !slices.Equal(got, withSorted(want, here+"scan.pdf")) {
		t.Errorf("MinIO under %s:\n%q", here, got)
	}
	for _, rel := range []string{"reports/q1/deep/notes.md", "reports/empty.txt", "reports/many/item-104.txt"} {
		if got := string(st.object(t, here+rel)); got != tree[rel] {
			t.Errorf("%s = %q, want %q", rel, got, tree[rel])
		}
	}
	s.click("#upload-close")
	s.wait("the folder listed", `!!document.querySelector('tr.folder[data-key="`+here+`reports/"]') && !!document.querySelector('tr.file[data-key="`+here+`loose.txt"]')`)
	t.Logf("dropped a folder of %d files (and a loose file): all under %s in %s", len(tree), here, took.Round(time.Millisecond))

	// Dropped on the listing itself, the dialog opens with it.
	writeTree(t, root, map[string]string{"misc/x/y.txt": "y"})
	s.dragFiles(".listing-area", []string{filepath.Join(root, "misc")})
	s.wait("the dialog opened with it", `document.getElementById('upload-dialog').open && document.querySelector('#upload-list li[data-key="`+here+`misc/x/y.txt"]')?.dataset.state === 'done'`)
	if got := string(st.object(t, here+"misc/x/y.txt")); got != "y" {
		t.Errorf("y.txt = %q", got)
	}
	s.click("#upload-close")

	// The folder picker: Chromium fills a webkitdirectory input from a
	// directory, each file with its webkitRelativePath.
	const there = uploads + "2024/march/"
	pickRoot := t.TempDir()
	writeTree(t, pickRoot, map[string]string{"scans-2024/a/1.txt": "one", "scans-2024/b/c/2.txt": "two", "scans-2024/3.txt": "three"})
	s.browse(there)
	s.openUploadDialog()
	s.do("choose a folder", chromedp.SetUploadFiles(chromedp.CSS("#folder-input"), []string{filepath.Join(pickRoot, "scans-2024")}))
	picked := []string{there + "scans-2024/3.txt", there + "scans-2024/a/1.txt", there + "scans-2024/b/c/2.txt"}
	s.wait("the picked folder uploaded", fmt.Sprintf(`%s.every(k => document.querySelector('#upload-list li[data-key="' + k + '"]')?.dataset.state === 'done')`, jsArray(picked)))
	if got := st.keysUnder(t, there+"scans-2024/"); !slices.Equal(got, picked) {
		t.Errorf("MinIO under %sscans-2024/: %q", there, got)
	}
	if got := string(st.object(t, there+"scans-2024/b/c/2.txt")); got != "two" {
		t.Errorf("2.txt = %q", got)
	}
}

func withSorted(keys []string, more ...string) []string {
	out := append(slices.Clone(keys), more...)
	sort.Strings(out)
	return out
}

// jsArray is a JavaScript array literal of strings.
func jsArray(ss []string) string {
	out := "["
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += q(s)
	}
	return out + "]"
}
