package objects_test

import (
	"mime"
	"net/url"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/objects"
)

func TestAttachmentDisposition(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"report.pdf", `attachment; filename="report.pdf"`},
		{"a b;c=d.txt", `attachment; filename="a b;c=d.txt"`},
		{`say "hi".txt`, `attachment; filename="say _hi_.txt"; filename*=UTF-8''say%20%22hi%22.txt`},
		{`back\slash`, `attachment; filename="back_slash"; filename*=UTF-8''back%5Cslash`},
		{"100%.txt", `attachment; filename="100_.txt"; filename*=UTF-8''100%25.txt`},
		{"日本.txt", `attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`},
		{"tab\there", `attachment; filename="tab_here"; filename*=UTF-8''tab%09here`},
	} {
		got := objects.AttachmentDisposition(tc.name)
		if got != tc.want {
			t.Errorf("AttachmentDisposition(%q) = %s, want %s", tc.name, got, tc.want)
			continue
		}
		// The standard library's parser reads the exact name back, from
		// filename* when present.
		_, params, err := mime.ParseMediaType(got)
		if err != nil {
			t.Errorf("%s does not parse: %v", got, err)
			continue
		}
		if params["filename"] != tc.name {
			t.Errorf("parsed filename %q, want %q", params["filename"], tc.name)
		}
		if i := strings.Index(got, "filename*=UTF-8''"); i >= 0 {
			if dec, err := url.PathUnescape(got[i+len("filename*=UTF-8''"):]); err != nil || dec != tc.name {
				t.Errorf("filename* decodes to %q, %v; want %q", dec, err, tc.name)
			}
		}
	}
}

func TestFileName(t *testing.T) {
	for key, want := range map[string]string{"a/b/c.txt": "c.txt", "top.txt": "top.txt", "a/.hidden": ".hidden"} {
		if got := objects.FileName(key); got != want {
			t.Errorf("FileName(%q) = %q, want %q", key, got, want)
		}
	}
}
