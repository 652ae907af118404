package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
)

// wildcardRun is a run of "*" in an action or resource pattern; any run
// matches what a single "*" matches.
var wildcardRun = regexp.MustCompile(`\*{2,}`)

// Equivalent reports whether two policy documents say the same thing, which
// is how drift must be detected: what IAM or MinIO returns is a re-encoding
// of what was put, never the same bytes. IAM may reorder and reformat; MinIO
// turns single values into arrays, lists actions in a random order, drops
// duplicate statements, and writes the resource "*" as "**".
//
// Two documents are equivalent when they have the same Version and the same
// set of statements, where statements are compared without their Sid, with
// Action, NotAction, Resource and NotResource compared as sets with runs of
// "*" collapsed, and condition values compared as sets.
func Equivalent(a, b []byte) (bool, error) {
	ca, err := canonical(a)
	if err != nil {
		return false, fmt.Errorf("first document: %w", err)
	}
	cb, err := canonical(b)
	if err != nil {
		return false, fmt.Errorf("second document: %w", err)
	}
	return slices.Equal(ca, cb), nil
}

// canonical returns the document's version followed by its statements'
// canonical encodings, sorted and without duplicates.
func canonical(doc []byte) ([]string, error) {
	d, err := Parse(doc)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(d.Statement))
	for _, st := range d.Statement {
		c := canonicalStatement(st)
		b, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("encode statement: %w", err)
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return append([]string{d.Version}, slices.Compact(out)...), nil
}

func canonicalStatement(st Statement) Statement {
	c := st.Clone()
	c.Sid = ""
	c.Action = patternSet(c.Action)
	c.NotAction = patternSet(c.NotAction)
	c.Resource = patternSet(c.Resource)
	c.NotResource = patternSet(c.NotResource)
	if len(c.Condition) == 0 {
		c.Condition = nil
	}
	for _, kv := range c.Condition {
		for k, v := range kv {
			kv[k] = valueSet(v)
		}
	}
	return c
}

func patternSet(v Values) Values {
	for i := range v {
		v[i] = wildcardRun.ReplaceAllString(v[i], "*")
	}
	return valueSet(v)
}

// valueSet sorts and deduplicates. "x" and ["x"] need no care: both parse
// to the same Values.
func valueSet(v Values) Values {
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	return slices.Compact(v)
}
