package audit

import "fmt"

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

// ParseFailurePolicy returns the policy named s; "" is PolicyFail.
func ParseFailurePolicy(s string) (FailurePolicy, error) {
	switch p := FailurePolicy(s); p {
	case "":
		return PolicyFail, nil
	case PolicyFail, PolicyIgnore:
		return p, nil
	}
	return "", fmt.Errorf("unknown audit failure policy %q: use %q or %q", s, PolicyFail, PolicyIgnore)
}
