// Package jsonstr appends JSON strings escaped exactly as encoding/json
// escapes them, without reflection, for the hand-written encoders on hot
// paths (the audit line, the upload answer).
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// plainSafe and htmlSafe mark the ASCII bytes written as they are, without
// and with encoding/json's HTML escaping of <, > and &.
var plainSafe, htmlSafe = safeTables()

func safeTables() (plain, html [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		plain[c] = c != '"' && c != '\\'
		html[c] = plain[c] && c != '<' && c != '>' && c != '&'
	}
	return plain, html
}

// Append appends s as a JSON string: quote, backslash and control
// characters escaped, U+2028 and U+2029 escaped, invalid UTF-8 written as
// U+FFFD, and <, > and & escaped when escapeHTML is set (encoding/json's
// default, which json.Marshal and echo's c.JSON use).
func Append(b []byte, s string, escapeHTML bool) []byte {
	safe := &plainSafe
	if escapeHTML {
		safe = &htmlSafe
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if safe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			b = appendEscapedByte(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	default:
		return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
	}
}
