package keys

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxKeyBytes is S3's limit on the length of an object key, in bytes of UTF-8.
const MaxKeyBytes = 1024

// ValidateKey checks an object key: non-empty, at most MaxKeyBytes, valid UTF-8,
// no control characters, no backslash, no percent-encoded '/', '\' or '.', and
// no empty, "." or ".." segment (so no leading, trailing or doubled '/').
func ValidateKey(key string) error {
	if key == "" {
		return refuse("key", ReasonEmpty, "the key is empty; give a path such as \"folder/file.pdf\"")
	}
	if err := validatePath("key", key); err != nil {
		return err
	}
	if strings.HasSuffix(key, "/") {
		return refuse("key", ReasonEmptySegment, "an object key must not end with \"/\"; that names a folder")
	}
	return nil
}

// ValidatePrefix checks a grant or folder prefix: the rules of ValidateKey, and
// it must end with "/" so that matching by string prefix stops at a segment
// boundary ("partner-a/uploads/" never matches "partner-a/uploads-evil/").
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return refuse("prefix", ReasonEmpty, "the prefix is empty; use wholeBucket for access to the whole bucket")
	}
	if err := validatePath("prefix", prefix); err != nil {
		return err
	}
	if !strings.HasSuffix(prefix, "/") {
		return refuse("prefix", ReasonMissingSlash, "%q must end with \"/\", as in %q", prefix, prefix+"/")
	}
	return nil
}

// ValidateGrantPrefix checks the root of a grant or delegation scope: a valid
// prefix without '*', '?' or '$'. IAM reads those as wildcards and policy
// variables; AWS accepts ${*}-style escapes for them, but S3-compatible servers
// such as MinIO do not, and there an escaped "a${x}/" would widen a grant on
// "a$/". Object keys under a grant may contain them: policies only ever name
// grant roots.
func ValidateGrantPrefix(prefix string) error {
	if err := ValidatePrefix(prefix); err != nil {
		return err
	}
	if i := strings.IndexAny(prefix, "*?$"); i >= 0 {
		return refuse("prefix", ReasonWildcard, "%q at byte %d; grant prefixes must not contain '*', '?' or '$', which IAM policies read as wildcards and variables", prefix[i:i+1], i)
	}
	return nil
}

// ValidateListPrefix checks the prefix of a listing request: empty (the bucket
// root) or a valid prefix.
func ValidateListPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	return ValidatePrefix(prefix)
}

// validatePath applies the rules that keys and prefixes share. The trailing
// empty segment of a prefix is allowed here; callers decide about it.
func validatePath(what, p string) error {
	if acceptPath(p) {
		return nil
	}
	return explainPath(what, p)
}

// explainPath checks the rules one at a time, in a fixed order, so that the
// first rule broken names the Reason. acceptPath must accept exactly the
// paths it accepts.
func explainPath(what, p string) error {
	if len(p) > MaxKeyBytes {
		return refuse(what, ReasonTooLong, "it is %d bytes long; at most %d bytes are allowed", len(p), MaxKeyBytes)
	}
	if !utf8.ValidString(p) {
		return refuse(what, ReasonInvalidUTF8, "it is not valid UTF-8")
	}
	for i, r := range p {
		switch {
		case unicode.IsControl(r):
			return refuse(what, ReasonControlCharacter, "control character U+%04X at byte %d; only printable characters are allowed", r, i)
		case invisible(r):
			return refuse(what, ReasonInvisibleCharacter, "invisible formatting character U+%04X at byte %d; it makes a name display differently from what it is", r, i)
		case r == '\\':
			return refuse(what, ReasonBackslash, "backslash at byte %d; use \"/\" to separate folders", i)
		case r == '%' && encodesSeparator(p[i+1:]):
			return refuse(what, ReasonEncodedSeparator, "percent-encoded %q at byte %d; write '/', '.' and '\\' characters as themselves", p[i:i+3], i)
		}
	}
	if strings.HasPrefix(p, "/") {
		return refuse(what, ReasonLeadingSlash, "it starts with \"/\"; write %q", strings.TrimLeft(p, "/"))
	}
	start := 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			continue
		}
		switch seg := p[start:i]; {
		case seg == "" && i == len(p):
			// trailing slash: a prefix; ValidateKey refuses it for keys.
		case seg == "":
			return refuse(what, ReasonEmptySegment, "it has an empty segment (\"//\"); folders are separated by a single \"/\"")
		case seg == "." || seg == "..":
			return refuse(what, ReasonDotSegment, "it has a %q segment; relative paths are not allowed", seg)
		}
		start = i + 1
	}
	return nil
}

// encodesSeparator reports whether s starts with the hex digits of '/', '\' or
// '.', which some clients and proxies decode before S3 sees the key.
func encodesSeparator(s string) bool {
	if len(s) < 2 {
		return false
	}
	// Setting bit 0x20 lower-cases the hex letters without allocating; no
	// other byte maps onto 'c', 'e' or 'f' that way.
	lo := s[1] | 0x20
	switch s[0] {
	case '2':
		return lo == 'f' || lo == 'e'
	case '5':
		return lo == 'c'
	}
	return false
}

// Byte classes for acceptPath.
const (
	bytePlain = iota
	byteSlash
	bytePercent
	byteRefused // C0 controls, DEL and backslash
	byteMulti   // the first or a continuation byte of a multi-byte rune
)

var byteClasses = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c < 0x20 || c == 0x7f || c == '\\':
			t[c] = byteRefused
		case c == '/':
			t[c] = byteSlash
		case c == '%':
			t[c] = bytePercent
		case c >= 0x80:
			t[c] = byteMulti
		}
	}
	return t
}()

// acceptPath is the fast path of validatePath: one pass, no allocation. It
// returns true only for a path that every rule of explainPath accepts, and
// false for every other (leaving explainPath to say why). The authorization
// index validates every request key, so this is on the hot path.
func acceptPath(p string) bool {
	if len(p) > MaxKeyBytes {
		return false
	}
	start := 0 // of the current segment
	for i := 0; i < len(p); {
		if byteClasses[p[i]] == bytePlain {
			i++
			continue
		}
		switch byteClasses[p[i]] {
		case byteSlash:
			if !segmentOK(p[start:i]) {
				return false
			}
			i++
			start = i
		case bytePercent:
			if encodesSeparator(p[i+1:]) {
				return false
			}
			i++
		case byteMulti:
			r, size := utf8.DecodeRuneInString(p[i:])
			if r == utf8.RuneError && size == 1 || unicode.IsControl(r) || invisible(r) {
				return false
			}
			i += size
		default:
			return false
		}
	}
	// A trailing "/" leaves an empty last segment, which is the prefix form.
	// (An empty p also ends here; the callers refuse it before.)
	return start == len(p) || segmentOK(p[start:])
}

// segmentOK reports whether seg is a usable path segment.
func segmentOK(seg string) bool {
	return seg != "" && seg != "." && seg != ".."
}
