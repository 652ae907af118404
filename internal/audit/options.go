package audit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// FailurePolicy says what Record does when an event cannot be recorded.
type FailurePolicy string

// Failure policies.
const (
	// PolicyFail makes Record return the error: the server refuses the
	// request (503, no URL). Nothing happens that is not on record.
	PolicyFail FailurePolicy = "fail"
	// PolicyIgnore makes Record log the error, count it and return nil: the
	// request proceeds. Availability over completeness of the record.
	PolicyIgnore FailurePolicy = "ignore"
)

// Format is an export format, one of:
//   - FormatJSONL: one JSON object per line, exactly the JSON lines the
//     Recorder writes: lossless, and each line can be re-hashed.
//   - FormatCSV: RFC 4180 CSV with a header row, for spreadsheets. Groups
//     are one cell holding a JSON array. Text cells starting with '=', '+',
//     '-', '@', tab or carriage return get a leading apostrophe so that
//     spreadsheets do not run keys or user agents chosen by clients as
//     formulas; use FormatJSONL for the exact values.
type Format string

// Export formats (see Format).
const (
	FormatJSONL Format = "jsonl"
	FormatCSV   Format = "csv"
)

// ParseFailurePolicy returns the policy named s; "" is PolicyFail.
func ParseFailurePolicy(s string) (FailurePolicy, error) {
	if s == "" {
		return PolicyFail, nil
	}
	return parseName("audit failure policy", s, PolicyFail, PolicyIgnore)
}

// ParseFormat returns the Format named s.
func ParseFormat(s string) (Format, error) {
	return parseName("export format", s, FormatJSONL, FormatCSV)
}

// parseName returns the one of names that is s, or an error listing them.
func parseName[T ~string](what, s string, names ...T) (T, error) {
	if i := slices.Index(names, T(s)); i >= 0 {
		return names[i], nil
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(string(n))
	}
	return "", fmt.Errorf("unknown %s %q: use %s or %s", what, s,
		strings.Join(quoted[:len(quoted)-1], ", "), quoted[len(quoted)-1])
}
