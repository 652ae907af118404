package browser_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/server"
)

// formPost: the form POST /api/v1/uploads/post signs uploads a file picked
// in a plain HTML form on a page of the partner's own (a blank tab, no
// script of the app), and the same form with another key is refused by
// MinIO: the policy fixes the key.
func formPost(t *testing.T, b *browser.Browser, st *stack) {
	const key = "partner-a/uploads/2024/january/form-upload.txt"
	app := signedIn(t, b, st, alice)
	// The app's own API call, with its session and CSRF token.
	answer := eval[string](app, `(async () => {
		const c = document.cookie.split('; ').find((c) => c.split('=')[0].endsWith('s3am_csrf')) || '';
		const r = await fetch('/api/v1/uploads/post', {method: 'POST',
			headers: {'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(c.slice(c.indexOf('=') + 1))},
			body: JSON.stringify({connection: `+q(conn)+`, bucket: `+q(bucket)+`, key: `+q(key)+`, contentType: 'text/plain'})});
		return r.status + ' ' + await r.text();
	})()`)
	status, body, _ := strings.Cut(answer, " ")
	if status != "200" {
		t.Fatalf("POST /api/v1/uploads/post = %s %s", status, body)
	}
	var resp server.PostUploadResponse
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "picked.txt")
	data := []byte("uploaded through a plain HTML form\n")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}

	submit := func(page *session, keyField string) {
		t.Helper()
		fields := map[string]string{}
		for k, v := range resp.Form.Fields {
			fields[k] = v
		}
		if keyField != "" {
			fields["key"] = keyField
		}
		js, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		page.do("open a blank page", chromedp.Navigate("about:blank"))
		eval[bool](page, `(() => {
			const form = document.createElement('form');
			form.method = 'post';
			form.enctype = 'multipart/form-data';
			form.action = `+q(resp.Form.URL)+`;
			for (const [name, value] of Object.entries(`+string(js)+`)) {
				const input = document.createElement('input');
				input.type = 'hidden';
				input.name = name;
				input.value = value;
				form.append(input);
			}
			const file = document.createElement('input');
			file.type = 'file';
			file.name = 'file';
			file.id = 'file';
			form.append(file);
			document.body.append(form);
			return true;
		})()`)
		page.do("pick the file", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}))
		eval[bool](page, `(document.querySelector('form').submit(), true)`)
	}

	page := newSession(t, b, st)
	submit(page, "partner-a/uploads/2024/january/other.txt")
	page.wait("MinIO's refusal", `document.body && document.body.textContent.includes('AccessDenied')`)
	if _, err := st.s3.HeadObject(t.Context(), headInput("partner-a/uploads/2024/january/other.txt")); err == nil {
		t.Error("the form wrote a key it was not signed for")
	}

	submit(page, "")
	poll.Until(t, 20*time.Second, "the form's object at MinIO", func() bool {
		_, err := st.s3.HeadObject(t.Context(), headInput(key))
		return err == nil
	})
	if got := st.object(t, key); string(got) != string(data) {
		t.Errorf("the posted object holds %q", got)
	}
}
