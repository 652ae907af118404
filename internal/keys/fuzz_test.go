package keys_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// FuzzValidateKey checks that every key ValidateKey accepts has the properties
// the rest of the system relies on, and that refusals are well-formed.
func FuzzValidateKey(f *testing.F) {
	for _, c := range loadHostile(f) {
		f.Add(c.input)
	}
	f.Fuzz(func(t *testing.T, key string) {
		checkFastPathAgrees(t, key)
		err := keys.ValidateKey(key)
		if err != nil {
			var ke *keys.Error
			if !errors.As(err, &ke) || ke.Reason == "" || ke.What != "key" || ke.Detail == "" {
				t.Fatalf("ValidateKey(%q) returned a malformed refusal %#v", key, err)
			}
			return
		}
		checkValidPath(t, key)
		if strings.HasSuffix(key, "/") {
			t.Fatalf("valid key %q ends with /", key)
		}
		// A valid key plus "/" is a valid folder prefix, within the length limit.
		if len(key) < keys.MaxKeyBytes {
			if err := keys.ValidatePrefix(key + "/"); err != nil {
				t.Fatalf("key %q is valid but prefix %q is not: %v", key, key+"/", err)
			}
		}
		checkParents(t, key)
	})
}

// checkFastPathAgrees asserts that the one-pass acceptor and the rule-by-rule
// explainer accept exactly the same paths.
func checkFastPathAgrees(t *testing.T, p string) {
	t.Helper()
	if fast, slow := keys.AcceptPath(p), keys.ExplainPath("key", p); fast != (slow == nil) {
		t.Fatalf("%q: fast path says %v, rule by rule says %v", p, fast, slow)
	}
}

// checkValidPath asserts the shared properties of an accepted key or prefix.
func checkValidPath(t *testing.T, p string) {
	t.Helper()
	if p == "" || len(p) > keys.MaxKeyBytes {
		t.Fatalf("accepted %q of %d bytes", p, len(p))
	}
	if !utf8.ValidString(p) {
		t.Fatalf("accepted invalid UTF-8 %q", p)
	}
	for _, r := range p {
		if unicode.IsControl(r) || r == '\\' {
			t.Fatalf("accepted %q containing %U", p, r)
		}
		if unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d' {
			t.Fatalf("accepted %q containing the format character %U", p, r)
		}
	}
	lower := strings.ToLower(p)
	for _, enc := range []string{"%2f", "%5c", "%2e"} {
		if strings.Contains(lower, enc) {
			t.Fatalf("accepted %q containing %s", p, enc)
		}
	}
	segs := strings.Split(strings.TrimSuffix(p, "/"), "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			t.Fatalf("accepted %q with segment %q", p, s)
		}
	}
}

// checkParents asserts that the parents of a valid key are valid listing
// prefixes, each covering the key, from the root down, one per '/'.
func checkParents(t *testing.T, key string) {
	t.Helper()
	parents := keys.Parents(key)
	if len(parents) != strings.Count(key, "/")+1 {
		t.Fatalf("Parents(%q) = %q: want one per folder level", key, parents)
	}
	for i, p := range parents {
		if err := keys.ValidateListPrefix(p); err != nil {
			t.Fatalf("Parents(%q)[%d] = %q is not a valid prefix: %v", key, i, p, err)
		}
		if !keys.Covers(p, key) {
			t.Fatalf("parent %q does not cover %q", p, key)
		}
		if i > 0 && (len(p) <= len(parents[i-1]) || !keys.Covers(parents[i-1], p)) {
			t.Fatalf("Parents(%q) = %q is not ordered from the root down", key, parents)
		}
	}
}

// FuzzCovers checks that Covers, on a valid prefix and a valid key, agrees with
// matching whole path segments, so that a grant never reaches a sibling folder.
func FuzzCovers(f *testing.F) {
	cases := loadHostile(f)
	var prefixes []string
	for _, c := range cases {
		for _, cc := range c.covers {
			f.Add(cc.prefix, c.input)
			prefixes = append(prefixes, cc.prefix)
		}
	}
	for _, c := range cases {
		if c.kind == "key" && len(c.input) < 100 {
			for _, p := range prefixes[:8] {
				f.Add(p, c.input)
			}
		}
	}
	f.Fuzz(func(t *testing.T, prefix, key string) {
		got := keys.Covers(prefix, key)
		_ = keys.Parents(prefix)
		if keys.ValidateListPrefix(prefix) != nil || keys.ValidateKey(key) != nil {
			return
		}
		if want := segmentsCover(prefix, key); got != want {
			t.Fatalf("Covers(%q, %q) = %v, segment matching says %v", prefix, key, got, want)
		}
		if got {
			if !strings.HasPrefix(key, prefix) || len(key) <= len(prefix) {
				t.Fatalf("Covers(%q, %q) but the key does not extend the prefix", prefix, key)
			}
			if prefix != "" && key[len(prefix)-1] != '/' {
				t.Fatalf("Covers(%q, %q) but the match does not end on a segment boundary", prefix, key)
			}
		}
	})
}

// segmentsCover is the slow, obviously right definition: the prefix's folder
// names are the key's first folder names, and the key has a name below them.
func segmentsCover(prefix, key string) bool {
	ks := strings.Split(key, "/")
	if prefix == "" {
		return true
	}
	ps := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	if len(ps) >= len(ks) {
		return false
	}
	for i := range ps {
		if ps[i] != ks[i] {
			return false
		}
	}
	return true
}
