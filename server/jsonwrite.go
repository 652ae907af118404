package server

import (
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/objects"
)

// The answer of a presigned upload is written by hand: it is the busiest
// answer, and encoding/json's reflection (through echo's c.JSON) cost more
// CPU per request than the rest of writing it. The bytes are exactly those
// of c.JSON, i.e. json.Encoder.Encode with its HTML escaping and trailing
// newline (TestUploadResponseJSONMatchesEncodingJSON holds it to that);
// whatever the hand encoder does not cover goes through c.JSON.

// writeUploadResponse answers r with code as c.JSON would.
func writeUploadResponse(c echo.Context, code int, r *UploadResponse) error {
	if c.Echo().Debug {
		return c.JSON(code, r)
	}
	// c.JSON indents for ?pretty; a request without a query has none, and
	// parsing it would cost a map.
	if c.Request().URL.RawQuery != "" {
		if _, pretty := c.QueryParams()["pretty"]; pretty {
			return c.JSON(code, r)
		}
	}
	buf := answerBuffers.Get().(*[]byte)
	defer answerBuffers.Put(buf)
	b, ok := appendUploadResponse((*buf)[:0], r)
	if !ok {
		return c.JSON(code, r)
	}
	// The response copies b before JSONBlob returns.
	*buf = b
	return c.JSONBlob(code, b)
}

// answerBuffers recycles the buffers answers are written into: a presigned
// URL with a session token is kilobytes long.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// appendUploadResponse appends r's JSON and a newline; false when r holds
// what encoding/json would refuse (a time outside years 0-9999).
func appendUploadResponse(b []byte, r *UploadResponse) ([]byte, bool) {
	b = append(b, `{"bucket":`...)
	b = appendHTMLSafeString(b, r.Bucket)
	b = append(b, `,"key":`...)
	b = appendHTMLSafeString(b, r.Key)
	if r.Upload != nil {
		var ok bool
		b = append(b, `,"upload":`...)
		if b, ok = appendPresignedRequest(b, r.Upload); !ok {
			return nil, false
		}
	}
	if r.Created {
		b = append(b, `,"created":true`...)
	}
	return append(b, "}\n"...), true
}

func appendPresignedRequest(b []byte, p *objects.PresignedRequest) ([]byte, bool) {
	if y := p.ExpiresAt.Year(); y < 0 || y > 9999 {
		return nil, false
	}
	b = append(b, `{"url":`...)
	b = appendHTMLSafeString(b, p.URL)
	b = append(b, `,"method":`...)
	b = appendHTMLSafeString(b, p.Method)
	if len(p.Headers) > 0 {
		names := make([]string, 0, len(p.Headers))
		for k := range p.Headers {
			names = append(names, k)
		}
		// encoding/json sorts map keys by their bytes.
		slices.Sort(names)
		b = append(b, `,"headers":{`...)
		for i, k := range names {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendHTMLSafeString(b, k)
			b = append(b, ':')
			b = appendHTMLSafeString(b, p.Headers[k])
		}
		b = append(b, '}')
	}
	b = append(b, `,"expiresAt":"`...)
	b = p.ExpiresAt.AppendFormat(b, time.RFC3339Nano)
	return append(b, `"}`...), true
}

const hexDigits = "0123456789abcdef"

// htmlSafe marks the ASCII bytes written as they are.
var htmlSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendHTMLSafeString appends s as encoding/json writes a string with HTML
// escaping on (its default): quote, backslash, control characters, <, >
// and &, U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func appendHTMLSafeString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if htmlSafe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
