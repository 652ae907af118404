package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Version is the only IAM policy language version this package writes.
const Version = "2012-10-17"

// Effect is Allow or Deny.
type Effect string

// Statement effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one IAM policy statement. Exactly one of Action/NotAction and
// one of Resource/NotResource is set in a well-formed statement.
type Statement struct {
	Sid         string    `json:"Sid,omitempty"`
	Effect      Effect    `json:"Effect"`
	Action      Values    `json:"Action,omitempty"`
	NotAction   Values    `json:"NotAction,omitempty"`
	Resource    Values    `json:"Resource,omitempty"`
	NotResource Values    `json:"NotResource,omitempty"`
	Condition   Condition `json:"Condition,omitempty"`
}

// Condition maps an operator (StringLike, ForAnyValue:StringEquals, ...) to
// condition keys and their values.
type Condition map[string]map[string]Values

// Values is a JSON string or array of strings. It always marshals as an
// array: S3-compatible servers (MinIO) measure their size limits on a
// re-encoding in which every value list is an array, so writing arrays makes
// the size we measure the size they measure.
type Values []string

// MarshalJSON writes the values as an array. It does not escape '&', '<' and
// '>' (Limit.Measure accounts for servers that do).
func (v Values) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode([]string(v)); err != nil {
		return nil, fmt.Errorf("encode policy values: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON accepts a string or an array of strings (and, as IAM does,
// booleans and numbers inside condition values, kept as their JSON text).
func (v *Values) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return fmt.Errorf("policy value list: %w", err)
		}
		out := make(Values, 0, len(raw))
		for _, r := range raw {
			s, err := scalar(r)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		*v = out
		return nil
	}
	s, err := scalar(b)
	if err != nil {
		return err
	}
	*v = Values{s}
	return nil
}

func scalar(b json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return s, nil
	}
	var anyv any
	if err := json.Unmarshal(b, &anyv); err != nil {
		return "", fmt.Errorf("policy value: %w", err)
	}
	switch anyv.(type) {
	case bool, float64:
		return string(bytes.TrimSpace(b)), nil
	}
	return "", fmt.Errorf("policy value %s: want a string, boolean or number", b)
}

// JSON returns the document as minified JSON. Output is deterministic:
// encoding/json sorts map keys, and generated statements are built in a
// canonical order.
func (d Document) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Parse reads a policy document from JSON.
func Parse(b []byte) (Document, error) {
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return Document{}, fmt.Errorf("parse policy: %w", err)
	}
	return d, nil
}

// Size counts what IAM counts against its size limits: the characters of a
// document, not counting whitespace.
func Size(minified []byte) int {
	n := 0
	for _, c := range minified {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			n++
		}
	}
	return n
}

// Clone returns a deep copy of the statement.
func (s Statement) Clone() Statement {
	c := s
	c.Action = slices.Clone(s.Action)
	c.NotAction = slices.Clone(s.NotAction)
	c.Resource = slices.Clone(s.Resource)
	c.NotResource = slices.Clone(s.NotResource)
	if s.Condition != nil {
		c.Condition = make(Condition, len(s.Condition))
		for op, kv := range s.Condition {
			m := make(map[string]Values, len(kv))
			for k, v := range kv {
				m[k] = slices.Clone(v)
			}
			c.Condition[op] = m
		}
	}
	return c
}
