package keys

import "fmt"

// Reason is a machine-readable code for why a key, prefix or bucket is refused.
type Reason string

// Reasons a key or prefix is refused. They are stable: audit events and API
// responses carry them.
const (
	ReasonEmpty              Reason = "Empty"
	ReasonTooLong            Reason = "TooLong"
	ReasonInvalidUTF8        Reason = "InvalidUTF8"
	ReasonControlCharacter   Reason = "ControlCharacter"
	ReasonInvisibleCharacter Reason = "InvisibleCharacter"
	ReasonBackslash          Reason = "Backslash"
	ReasonEncodedSeparator   Reason = "EncodedSeparator"
	ReasonEmptySegment       Reason = "EmptySegment"
	ReasonDotSegment         Reason = "DotSegment"
	ReasonLeadingSlash       Reason = "LeadingSlash"
	ReasonMissingSlash       Reason = "MissingTrailingSlash"
	ReasonBucketName         Reason = "InvalidBucketName"
	ReasonWildcard           Reason = "WildcardCharacter"
)

// Error reports why a key, prefix or bucket name was refused. Its message says
// what was wrong and what would be accepted.
type Error struct {
	// Reason is the stable code.
	Reason Reason
	// What names the thing validated: "key", "prefix" or "bucket".
	What string
	// Detail is the human explanation.
	Detail string
}

// Error says what was validated and why it was refused.
func (e *Error) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.What, e.Detail)
}

func refuse(what string, reason Reason, format string, args ...any) *Error {
	return &Error{Reason: reason, What: what, Detail: fmt.Sprintf(format, args...)}
}
