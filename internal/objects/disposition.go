package objects

import (
	"strings"
	"unicode/utf8"
)

// AttachmentDisposition returns a Content-Disposition value that makes
// browsers download the object under filename (RFC 6266): an ASCII fallback
// in filename="..." for old clients, and, when that fallback had to change
// the name, the exact UTF-8 name percent-encoded in filename* (RFC 5987),
// which current browsers prefer.
//
// The fallback keeps printable ASCII except '"', '\' and '%' (some browsers
// percent-decode filename), replacing everything else with '_', so the
// quoted string can be neither broken out of nor decoded into a path.
func AttachmentDisposition(filename string) string {
	fallback := asciiFallback(filename)
	v := `attachment; filename="` + fallback + `"`
	if fallback != filename {
		v += "; filename*=UTF-8''" + encodeExtValue(filename)
	}
	return v
}

// FileName returns the last segment of key, the name a download gets.
func FileName(key string) string {
	return key[strings.LastIndexByte(key, '/')+1:]
}

func asciiFallback(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r < 0x20, r > 0x7e, r == '"', r == '\\', r == '%':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "download"
	}
	return b.String()
}

// encodeExtValue percent-encodes every byte of s outside RFC 5987's
// attr-char set.
func encodeExtValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}

// isAttrChar reports RFC 5987's attr-char: ALPHA / DIGIT /
// "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~".
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
