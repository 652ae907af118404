package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// hostileKey is a key that tries to reach outside alice's grant, or that
// S3, a proxy or a person would read differently from the server.
type hostileKey struct {
	name, key string
	// skipList: key+"/" is a folder alice may list, so the case says
	// nothing on the listing endpoint.
	skipList bool
}

const hostileRoot = "partner-a/uploads/"

var hostileKeys = []hostileKey{
	// Traversal.
	{name: "up two", key: hostileRoot + "../../partner-b/uploads/x.pdf"},
	{name: "up one to a sibling", key: hostileRoot + "../secret/plans.txt"},
	{name: "dot segment", key: hostileRoot + "./x.pdf"},
	{name: "trailing dot-dot", key: hostileRoot + ".."},
	{name: "dot-dot alone", key: ".."},
	{name: "deep traversal", key: hostileRoot + "a/b/../../../../partner-b/x.pdf"},
	// Sibling-prefix confusion.
	{name: "sibling prefix", key: "partner-a/uploads-evil/x.pdf"},
	{name: "the root without its slash", key: "partner-a/uploads", skipList: true},
	{name: "another partner", key: "partner-b/uploads/existing.pdf"},
	{name: "a sibling folder", key: "partner-a/secret/plans.txt"},
	{name: "case variant", key: "Partner-A/uploads/x.pdf"},
	// Percent-encoded separators and dots.
	{name: "encoded dots", key: hostileRoot + "%2e%2e/%2e%2e/partner-b/x.pdf"},
	{name: "encoded slashes", key: hostileRoot + "..%2f..%2fpartner-b%2fx.pdf"},
	{name: "upper-case encoding", key: hostileRoot + "%2E%2E%2Fx.pdf"},
	{name: "encoded backslash", key: hostileRoot + "a%5cb.pdf"},
	// Control characters.
	{name: "NUL", key: hostileRoot + "a\x00b.pdf"},
	{name: "newline", key: hostileRoot + "a\nb.pdf"},
	{name: "carriage return", key: hostileRoot + "a\rb.pdf"},
	{name: "tab", key: hostileRoot + "tab\there.pdf"},
	{name: "ANSI escape", key: hostileRoot + "\x1b[31mred.pdf"},
	{name: "DEL", key: hostileRoot + "a\x7f.pdf"},
	{name: "C1 next line", key: hostileRoot + "a\u0085b.pdf"},
	// Overlong.
	{name: "1,100 ASCII bytes", key: hostileRoot + strings.Repeat("a", 1100)},
	{name: "600 two-byte runes", key: hostileRoot + strings.Repeat("é", 600)},
	// Invalid UTF-8.
	{name: "0xFF byte", key: hostileRoot + "\xff.pdf"},
	{name: "overlong slash encoding", key: hostileRoot + "..\xc0\xaf..\xc0\xafpartner-b/x.pdf"},
	{name: "lone surrogate", key: hostileRoot + "\xed\xa0\x80.pdf"},
	{name: "truncated sequence", key: hostileRoot + "\xe2\x82.pdf"},
	// Unicode look-alikes of the grant's path.
	{name: "division slash", key: "partner-a/uploads\u2215x.pdf"},
	{name: "fraction slash", key: "partner-a/uploads\u2044x.pdf"},
	{name: "full-width solidus", key: "partner-a\uff0fuploads\uff0fx.pdf"},
	{name: "Cyrillic a", key: "p\u0430rtner-a/uploads/x.pdf"},
	{name: "Unicode hyphen", key: "partner\u2010a/uploads/x.pdf"},
	// Empty segments.
	{name: "double slash inside", key: hostileRoot + "/x.pdf"},
	{name: "double slash above", key: "partner-a//uploads/x.pdf"},
	{name: "trailing slash", key: hostileRoot + "dir/"},
	{name: "empty key", key: ""},
	// Leading slash.
	{name: "leading slash", key: "/" + hostileRoot + "x.pdf"},
	{name: "two leading slashes", key: "//" + hostileRoot + "x.pdf"},
	// Backslash.
	{name: "backslash traversal", key: hostileRoot + "..\\..\\partner-b\\x.pdf"},
	{name: "backslash inside", key: hostileRoot + "a\\b.pdf"},
	{name: "backslash separators", key: "partner-a\\uploads\\x.pdf"},
	// more traversal and prefix confusion
	{name: "dot-dot after a folder", key: hostileRoot + "2024/../../x.pdf"},
	{name: "dot segment above", key: "partner-a/./uploads/x.pdf"},
	{name: "dot-dot at the bucket root", key: "../partner-a/uploads/x.pdf"},
	{name: "trailing dot", key: hostileRoot + "."},
	{name: "prefix of the root", key: "partner-a/upload/x.pdf"},
	{name: "root with a suffix", key: "partner-a/uploadsx/x.pdf"},
	{name: "root with a space", key: "partner-a/uploads /x.pdf"},
	{name: "bucket root file", key: "x.pdf"},
	// more encodings
	{name: "mixed-case encoded slash", key: hostileRoot + "a%2Fb.pdf"},
	{name: "encoded dot segment", key: hostileRoot + "%2e/x.pdf"},
	{name: "encoded backslash upper", key: hostileRoot + "a%5Cb.pdf"},
	{name: "half-encoded dot-dot", key: hostileRoot + ".%2e/x.pdf"},
	// more control and invisible characters
	{name: "vertical tab", key: hostileRoot + "a\vb.pdf"},
	{name: "form feed", key: hostileRoot + "a\fb.pdf"},
	{name: "bell", key: hostileRoot + "a\ab.pdf"},
	{name: "C1 CSI", key: hostileRoot + "a\u009bb.pdf"},
	{name: "soft hyphen", key: hostileRoot + "in\u00advoice.pdf"},
	{name: "Mongolian vowel separator", key: hostileRoot + "a\u180eb.pdf"},
	{name: "interlinear annotation", key: hostileRoot + "\ufff9a\ufffab\ufffb.pdf"},
	{name: "tag characters", key: hostileRoot + "invoice\U000e0065\U000e0078\U000e0065.pdf"},
	// more invalid UTF-8
	{name: "lone continuation byte", key: hostileRoot + "\x80.pdf"},
	{name: "overlong NUL", key: hostileRoot + "\xc0\x80.pdf"},
	{name: "code point above U+10FFFF", key: hostileRoot + "\xf4\x90\x80\x80.pdf"},
	// more look-alikes and empty segments
	{name: "Greek omicron", key: "partner-a/upl\u03bfads/x.pdf"},
	{name: "triple slash", key: hostileRoot + "a///b.pdf"},
}

// jsonString encodes s as a JSON string but leaves bytes that are not
// UTF-8 as they are, as a hostile client would send them (json.Marshal
// would turn them into U+FFFD).
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestHostileKeys sends every hostile key to upload, download, delete and
// list: each is refused with 400 or 403, carries no URL, and leaves exactly
// one blocked audit event.
func TestHostileKeys(t *testing.T) {
	st := startStackWith(t, "e2e-hostile")
	defer st.closer()
	grantSpec{conn: st.conn, name: "alice-hostile", prefix: hostileRoot, perms: []string{"read", "write", "delete", "list"}, maxObjectSize: "1Mi"}.
		apply(t, hostileRoot+"probe", grant.Delete)
	al := caller{t: t, base: st.url, user: alice}

	body := func(key string, upload bool) []byte {
		s := `{"connection":` + jsonString(st.conn) + `,"bucket":` + jsonString(bucket) + `,"key":` + jsonString(key)
		if upload {
			s += `,"contentType":"application/pdf","size":10`
		}
		return []byte(s + "}")
	}
	endpoints := []struct {
		name string
		send func(k hostileKey) (response, bool)
	}{
		{"upload", func(k hostileKey) (response, bool) {
			return al.do(http.MethodPost, "/api/v1/uploads", nil, body(k.key, true)), true
		}},
		{"download", func(k hostileKey) (response, bool) {
			return al.do(http.MethodPost, "/api/v1/downloads", nil, body(k.key, false)), true
		}},
		{"delete", func(k hostileKey) (response, bool) {
			return al.do(http.MethodDelete, "/api/v1/objects", url.Values{"connection": {st.conn}, "bucket": {bucket}, "key": {k.key}}, nil), true
		}},
		{"list", func(k hostileKey) (response, bool) {
			if k.skipList {
				return response{}, false
			}
			return al.do(http.MethodGet, "/api/v1/list", url.Values{"connection": {st.conn}, "bucket": {bucket}, "prefix": {k.key + "/"}}, nil), true
		}},
	}

	sent := 0
	for _, ep := range endpoints {
		for _, k := range hostileKeys {
			name := ep.name + "/" + k.name
			before := len(st.eventsOf(t, alice))
			r, ok := ep.send(k)
			if !ok {
				continue
			}
			sent++
			if r.status != http.StatusBadRequest && r.status != http.StatusForbidden {
				t.Errorf("%s: %d %s, want 400 or 403", name, r.status, r.body)
				continue
			}
			eb := r.errorBody(t)
			if eb.Reason == "" || (r.status == http.StatusForbidden && eb.Reason != "NoGrant") {
				t.Errorf("%s: %d with reason %q", name, r.status, eb.Reason)
			}
			noURL(t, r)
			events := st.eventsOf(t, alice)
			if len(events) != before+1 {
				t.Errorf("%s: %d audit events, want exactly 1", name, len(events)-before)
				continue
			}
			if e := events[len(events)-1]; e.Decision != audit.DecisionBlocked || e.Outcome != audit.OutcomeFailure || e.Reason != eb.Reason {
				t.Errorf("%s: event %s/%s reason %q, answer reason %q", name, e.Decision, e.Outcome, e.Reason, eb.Reason)
			}
		}
	}
	if sent < 60 {
		t.Fatalf("only %d hostile requests sent", sent)
	}
	t.Logf("%d hostile requests refused, each audited once", sent)

	// Nothing was deleted or written: the bucket holds its seed objects only.
	out, err := st.minio.S3Client(t, nil).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.Contents); n != 4 {
		var keys []string
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		t.Fatalf("bucket holds %d objects, want the 4 seeds: %q", n, keys)
	}
}
