package browser_test

import (
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
)

// noReplace: alice may write and list in january but not delete, so the
// app cannot replace a file there. Dropping a file of the same name, and an
// empty one, fails with the API's words, and the first file is intact.
func noReplace(t *testing.T, b *browser.Browser, st *stack) {
	const first = "the first version, kept"
	for _, name := range []string{"kept.txt", "kept-empty.txt"} {
		st.put(t, january+name, first)
	}
	s := signedIn(t, b, st, alice)
	eval[bool](s, `(window.s3am.dialog.open({connection: `+q(conn)+`, bucket: `+q(bucket)+`, prefix: `+q(january)+`}), true)`)
	eval[bool](s, dropJS("#dropzone", []droppedFile{
		{Name: "kept.txt", Size: 100, Seed: 31, Type: "text/plain"},
		{Name: "kept-empty.txt", Size: 0, Seed: 32, Type: "text/plain"},
	}))
	for _, name := range []string{"kept.txt", "kept-empty.txt"} {
		row := `document.querySelector('#upload-list li[data-key="` + january + name + `"]')`
		s.wait(name+" refused", row+`?.dataset.state === 'error'`)
		msg := eval[string](s, row+`.querySelector('.upload-status').textContent`)
		for _, want := range []string{"Already exists", january + name, "already exists; your grant does not allow replacing files"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q lacks %q", name, msg, want)
			}
		}
		if got := string(st.object(t, january+name)); got != first {
			t.Errorf("%s holds %q after the refused upload", name, got)
		}
	}
	s.shot("01-no-replace", "")
}
