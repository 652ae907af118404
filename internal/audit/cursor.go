package audit

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Cursor is the position after which the next page starts: the (Time, Writer,
// Seq) of the last event of the previous page, and the order it was read in.
// Clients see it only as the opaque string of String.
type Cursor struct {
	TimeMicros int64
	Writer     string
	Seq        int64
	Descending bool
}

// cursorJSON is the wire form; v lets the form change later.
type cursorJSON struct {
	V    int    `json:"v"`
	T    int64  `json:"t"`
	W    string `json:"w"`
	S    int64  `json:"s"`
	Desc bool   `json:"d,omitempty"`
}

const cursorVersion = 1

// CursorAfter is the cursor that continues after e in the given order.
func CursorAfter(e *Event, descending bool) Cursor {
	return Cursor{TimeMicros: e.Time.UnixMicro(), Writer: e.Writer, Seq: e.Seq, Descending: descending}
}

// String encodes c as an opaque URL-safe string.
func (c Cursor) String() string {
	b, err := json.Marshal(cursorJSON{V: cursorVersion, T: c.TimeMicros, W: c.Writer, S: c.Seq, Desc: c.Descending})
	if err != nil {
		// Marshaling ints, a bool and a string cannot fail.
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor decodes a string made by Cursor.String. Errors wrap
// ErrInvalidFilter.
func ParseCursor(s string) (Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: malformed cursor", ErrInvalidFilter)
	}
	var j cursorJSON
	if err := json.Unmarshal(b, &j); err != nil || j.V != cursorVersion || j.S < 1 || j.W == "" {
		return Cursor{}, fmt.Errorf("%w: malformed cursor", ErrInvalidFilter)
	}
	return Cursor{TimeMicros: j.T, Writer: j.W, Seq: j.S, Descending: j.Desc}, nil
}
