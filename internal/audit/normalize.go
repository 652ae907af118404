package audit

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/s3am/s3-access-manager/internal/redact"
)

// Field limits, in bytes. Clients choose these values; capping them keeps one
// request from writing an arbitrarily large audit row.
const (
	MaxRequestIDBytes = 256
	MaxUserAgentBytes = 512
	MaxErrorBytes     = 2048
)

const truncatedMark = "…(truncated)"

// Normalize prepares e for the record: it redacts Error and UserAgent (see
// Redact), caps RequestID, UserAgent and Error at their Max*Bytes, and then
// canonicalizes e as Seal does (Time in UTC truncated to microseconds, every
// string valid UTF-8 without NUL, Groups non-nil). The Recorder calls it on
// every event.
func (e *Event) Normalize() {
	e.RequestID = capBytes(clean(e.RequestID), MaxRequestIDBytes)
	e.UserAgent = capBytes(redact.String(clean(e.UserAgent)), MaxUserAgentBytes)
	e.Error = capBytes(redact.String(clean(e.Error)), MaxErrorBytes)
	e.canonicalize()
}

// canonicalize makes e hash identically in every store and for anyone
// re-hashing its JSON line: JSON cannot carry invalid UTF-8, PostgreSQL text
// cannot carry NUL, and PostgreSQL timestamps hold microseconds. It is
// idempotent.
func (e *Event) canonicalize() {
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.RequestID = clean(e.RequestID)
	e.User = clean(e.User)
	if e.Groups == nil {
		e.Groups = []string{}
	}
	copied := false
	for i, g := range e.Groups {
		if c := clean(g); c != g {
			// The caller's slice may be shared (one principal, many requests):
			// never write to it.
			if !copied {
				e.Groups, copied = slices.Clone(e.Groups), true
			}
			e.Groups[i] = c
		}
	}
	e.SourceIP = clean(e.SourceIP)
	e.UserAgent = clean(e.UserAgent)
	e.Action = clean(e.Action)
	e.Connection = clean(e.Connection)
	e.Bucket = clean(e.Bucket)
	e.Key = clean(e.Key)
	e.Decision = Decision(clean(string(e.Decision)))
	e.Reason = clean(e.Reason)
	e.Grant = clean(e.Grant)
	e.Outcome = Outcome(clean(string(e.Outcome)))
	e.Error = clean(e.Error)
	e.ETag = clean(e.ETag)
	e.Writer = clean(e.Writer)
	e.PrevHash = clean(e.PrevHash)
	e.Hash = clean(e.Hash)
}

// clean returns s as valid UTF-8 without NUL bytes.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// capBytes cuts s to at most max bytes on a rune boundary, marking the cut.
func capBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len(truncatedMark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + truncatedMark
}
