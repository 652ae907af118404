package auth

import "fmt"

// Secret is a configured secret. It prints and marshals as "<redacted>", so
// that a logged or dumped config never shows it.
type Secret string

const redacted = "<redacted>"

// String hides the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// MarshalText hides the secret from JSON and structured logs.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret's value, for the code that uses it.
func (s Secret) Reveal() string { return string(s) }
