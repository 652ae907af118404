package auth

import (
	"fmt"
	"time"
)

// Duration is a time.Duration written as "30s" or "8h" in config files (JSON
// and YAML). Flags bind it as (*time.Duration)(&d).
type Duration time.Duration

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// MarshalText formats the duration as Go does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// String formats the duration as Go does.
func (d Duration) String() string { return time.Duration(d).String() }

// Secret is a configured secret. It prints and marshals as "<redacted>" so a
// logged or dumped config never shows it; it unmarshals from its real value.
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

// MarshalText hides the secret.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the real value.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
}

// Reveal returns the secret's value, for the code that uses it.
func (s Secret) Reveal() string { return string(s) }
