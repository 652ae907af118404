package server

import (
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/jsonstr"
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
	b = jsonstr.Append(b, r.Bucket, true)
	b = append(b, `,"key":`...)
	b = jsonstr.Append(b, r.Key, true)
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
	b = jsonstr.Append(b, p.URL, true)
	b = append(b, `,"method":`...)
	b = jsonstr.Append(b, p.Method, true)
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
			b = jsonstr.Append(b, k, true)
			b = append(b, ':')
			b = jsonstr.Append(b, p.Headers[k], true)
		}
		b = append(b, '}')
	}
	b = append(b, `,"expiresAt":"`...)
	b = p.ExpiresAt.AppendFormat(b, time.RFC3339Nano)
	return append(b, `"}`...), true
}
