package server

import (
	"slices"
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
	if _, pretty := c.QueryParams()["pretty"]; pretty {
		return c.JSON(code, r)
	}
	b, ok := appendUploadResponse(make([]byte, 0, 512+len(urlOf(r))), r)
	if !ok {
		return c.JSON(code, r)
	}
	return c.JSONBlob(code, b)
}

func urlOf(r *UploadResponse) string {
	if r.Upload == nil {
		return ""
	}
	return r.Upload.URL
}

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

// appendHTMLSafeString appends s as encoding/json writes a string with HTML
// escaping on (its default): quote, backslash, control characters, <, >
// and &, U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func appendHTMLSafeString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
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
