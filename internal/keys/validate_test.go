package keys_test

import (
	"errors"
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// validators maps a corpus kind to the function under test and the What its
// errors carry.
var validators = map[string]struct {
	validate func(string) error
	what     string
}{
	"key":        {keys.ValidateKey, "key"},
	"prefix":     {keys.ValidatePrefix, "prefix"},
	"listprefix": {keys.ValidateListPrefix, "prefix"},
	"bucket":     {keys.ValidateBucket, "bucket"},
}

func TestHostileCorpus(t *testing.T) {
	cases := loadHostile(t)
	if len(cases) < 80 {
		t.Fatalf("corpus has %d cases; keep at least 80", len(cases))
	}
	for _, c := range cases {
		t.Run(c.String(), func(t *testing.T) {
			if c.kind == "parents" {
				if got := keys.Parents(c.input); !slices.Equal(got, c.parents) {
					t.Fatalf("Parents(%s) = %q, want %q", abbreviate(c.input), got, c.parents)
				}
				return
			}
			if c.kind != "bucket" {
				checkFastPathAgrees(t, c.input)
			}
			v := validators[c.kind]
			err := v.validate(c.input)
			checkReason(t, err, c.expect, v.what)
			for _, cc := range c.covers {
				if err := keys.ValidatePrefix(cc.prefix); cc.prefix != "" && err != nil {
					t.Fatalf("corpus error: coverage prefix %q is invalid: %v", cc.prefix, err)
				}
				if got := keys.Covers(cc.prefix, c.input); got != cc.covered {
					t.Errorf("Covers(%q, %s) = %v, want %v", cc.prefix, abbreviate(c.input), got, cc.covered)
				}
			}
		})
	}
}

// checkReason asserts that err is nil for "valid", or a *keys.Error with the
// expected reason and subject.
func checkReason(t *testing.T, err error, expect, what string) {
	t.Helper()
	if expect == "valid" {
		if err != nil {
			t.Fatalf("want valid, got %v", err)
		}
		return
	}
	var ke *keys.Error
	if !errors.As(err, &ke) {
		t.Fatalf("want reason %s, got %v (%T)", expect, err, err)
	}
	if string(ke.Reason) != expect {
		t.Fatalf("want reason %s, got %s (%v)", expect, ke.Reason, err)
	}
	if ke.What != what {
		t.Errorf("What = %q, want %q", ke.What, what)
	}
	if ke.Detail == "" || err.Error() == "" {
		t.Errorf("refusal %s carries no explanation", ke.Reason)
	}
}

// TestCorpusCoversEveryReason keeps the corpus honest as reasons are added.
func TestCorpusCoversEveryReason(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range loadHostile(t) {
		seen[c.expect] = true
	}
	for _, r := range []keys.Reason{
		keys.ReasonEmpty, keys.ReasonTooLong, keys.ReasonInvalidUTF8, keys.ReasonControlCharacter,
		keys.ReasonBackslash, keys.ReasonEncodedSeparator, keys.ReasonEmptySegment, keys.ReasonDotSegment,
		keys.ReasonLeadingSlash, keys.ReasonMissingSlash, keys.ReasonBucketName,
	} {
		if !seen[string(r)] {
			t.Errorf("no corpus case expects %s", r)
		}
	}
}

// TestValidateKeyDoesNotAllocate guards the authorization hot path, which
// validates every request key.
func TestValidateKeyDoesNotAllocate(t *testing.T) {
	for _, k := range []string{"a", "partner-a/uploads/2024/report%20final.pdf", "é/€/😀/x", "a%/b%2"} {
		if n := testing.AllocsPerRun(100, func() {
			if keys.ValidateKey(k) != nil {
				t.Fatalf("%q refused", k)
			}
		}); n != 0 {
			t.Errorf("ValidateKey(%q) allocates %.0f times", k, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = keys.Covers("partner-a/", "partner-a/x") }); n != 0 {
		t.Errorf("Covers allocates %.0f times", n)
	}
}

// TestEveryFormatCharacterRefused walks every code point: each format
// character (Unicode category Cf) but the zero-width (non-)joiners, each tag
// and the line and paragraph separators is refused as InvisibleCharacter in a
// key and in a prefix, on the fast path and rule by rule; every other
// printable character outside them is not refused for being invisible.
func TestEveryFormatCharacterRefused(t *testing.T) {
	refused := 0
	for r := rune(0xa0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) || unicode.IsControl(r) {
			continue
		}
		want := unicode.Is(unicode.Cf, r) && r != 0x200c && r != 0x200d ||
			r == 0x2028 || r == 0x2029 || r >= 0xe0000 && r <= 0xe007f
		key := "a" + string(r) + "b"
		err := keys.ValidateKey(key)
		var ke *keys.Error
		got := errors.As(err, &ke) && ke.Reason == keys.ReasonInvisibleCharacter
		if got != want {
			t.Errorf("ValidateKey(%q) = %v; want refused as invisible: %v", key, err, want)
			continue
		}
		if want {
			refused++
			checkFastPathAgrees(t, key)
			if err := keys.ValidateGrantPrefix("a" + string(r) + "/"); !errors.As(err, &ke) || ke.Reason != keys.ReasonInvisibleCharacter {
				t.Errorf("ValidateGrantPrefix with %U = %v; want InvisibleCharacter", r, err)
			}
		}
	}
	// 170 format characters in Unicode 15, less the two joiners, plus the
	// two separators and the 31 unassigned code points of the tags block: 201.
	if refused < 190 {
		t.Fatalf("only %d code points refused as invisible", refused)
	}
	t.Logf("%d code points refused as invisible", refused)
}
