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
		case r == '\\':
			return refuse(what, ReasonBackslash, "backslash at byte %d; use \"/\" to separate folders", i)
		case r == '%' && encodesSeparator(p[i+1:]):
			return refuse(what, ReasonEncodedSeparator, "percent-encoded %q at byte %d; write '/', '.' and '\\' characters as themselves", p[i:i+3], i)
		}
	}
	if strings.HasPrefix(p, "/") {
		return refuse(what, ReasonLeadingSlash, "it starts with \"/\"; write %q", strings.TrimLeft(p, "/"))
	}
	segments := strings.Split(p, "/")
	for i, seg := range segments {
		switch {
		case seg == "" && i == len(segments)-1:
			// trailing slash: a prefix; ValidateKey refuses it for keys.
		case seg == "":
			return refuse(what, ReasonEmptySegment, "it has an empty segment (\"//\"); folders are separated by a single \"/\"")
		case seg == "." || seg == "..":
			return refuse(what, ReasonDotSegment, "it has a %q segment; relative paths are not allowed", seg)
		}
	}
	return nil
}

// encodesSeparator reports whether s starts with the hex digits of '/', '\' or
// '.', which some clients and proxies decode before S3 sees the key.
func encodesSeparator(s string) bool {
	if len(s) < 2 {
		return false
	}
	switch strings.ToLower(s[:2]) {
	case "2f", "5c", "2e":
		return true
	}
	return false
}
