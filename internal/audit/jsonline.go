package audit

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// appendJSONLine appends e as one JSON object and a newline: the JSON line
// of the Recorder and of FormatJSONL. The bytes are those encoding/json
// writes with HTML escaping off (TestJSONLineMatchesEncodingJSON holds it
// to that); it is written by hand because the Recorder writes one line per
// event and encoding/json's reflection cost more than the rest of its work.
func appendJSONLine(b []byte, e *Event) ([]byte, error) {
	if y := e.Time.Year(); y < 0 || y > 9999 {
		// encoding/json refuses such times; say so as it does.
		line, err := json.Marshal(e)
		if err != nil {
			return b, err
		}
		return append(append(b, line...), '\n'), nil
	}
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `,"time":"`...)
	b = e.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","requestId":`...)
	b = appendJSONString(b, e.RequestID)
	b = append(b, `,"user":`...)
	b = appendJSONString(b, e.User)
	b = append(b, `,"groups":`...)
	if e.Groups == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, g := range e.Groups {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, g)
		}
		b = append(b, ']')
	}
	for _, f := range [...]struct {
		name  string
		value string
	}{
		{`,"sourceIp":`, e.SourceIP}, {`,"userAgent":`, e.UserAgent}, {`,"action":`, e.Action},
		{`,"connection":`, e.Connection}, {`,"bucket":`, e.Bucket}, {`,"key":`, e.Key},
		{`,"decision":`, string(e.Decision)}, {`,"reason":`, e.Reason}, {`,"grant":`, e.Grant},
		{`,"outcome":`, string(e.Outcome)}, {`,"error":`, e.Error},
	} {
		b = append(b, f.name...)
		b = appendJSONString(b, f.value)
	}
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, e.Bytes, 10)
	b = append(b, `,"etag":`...)
	b = appendJSONString(b, e.ETag)
	b = append(b, `,"writer":`...)
	b = appendJSONString(b, e.Writer)
	b = append(b, `,"prevHash":`...)
	b = appendJSONString(b, e.PrevHash)
	b = append(b, `,"hash":`...)
	b = appendJSONString(b, e.Hash)
	return append(b, "}\n"...), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it without HTML escaping: quote, backslash and control characters,
// U+2028 and U+2029 (which JavaScript takes for line ends), and invalid
// UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
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
