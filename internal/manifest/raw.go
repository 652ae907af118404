package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
)

// yamlRaw keeps one item of a List as JSON, to be decoded by kind.
type yamlRaw []byte

// UnmarshalJSON keeps the raw item.
func (r *yamlRaw) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

var _ json.Unmarshaler = (*yamlRaw)(nil)

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }
