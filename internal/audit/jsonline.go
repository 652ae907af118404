package audit

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/s3am/s3-access-manager/internal/jsonstr"
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
	b = jsonstr.Append(b, e.RequestID, false)
	b = append(b, `,"user":`...)
	b = jsonstr.Append(b, e.User, false)
	b = append(b, `,"groups":`...)
	if e.Groups == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, g := range e.Groups {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, g, false)
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
		b = jsonstr.Append(b, f.value, false)
	}
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, e.Bytes, 10)
	b = append(b, `,"etag":`...)
	b = jsonstr.Append(b, e.ETag, false)
	b = append(b, `,"writer":`...)
	b = jsonstr.Append(b, e.Writer, false)
	b = append(b, `,"prevHash":`...)
	b = jsonstr.Append(b, e.PrevHash, false)
	b = append(b, `,"hash":`...)
	b = jsonstr.Append(b, e.Hash, false)
	return append(b, "}\n"...), nil
}
