package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/s3am/s3-access-manager/internal/redact"
)

// Field limits, in bytes (Groups also in entries). Clients choose most of
// these values, a refused request's key included; capping them keeps one
// request from writing an arbitrarily large audit row, and keeps every
// indexed column within PostgreSQL's btree entry limit (about 2.7 KB), which
// would otherwise fail the transaction of every event stored with it.
const (
	MaxRequestIDBytes = 256
	MaxUserAgentBytes = 512
	MaxErrorBytes     = 2048
	// MaxKeyBytes is S3's own limit on keys: a key S3 accepts is never cut.
	MaxKeyBytes = 1024
	// MaxNameBytes caps User, each group, SourceIP, Action, Connection,
	// Bucket, Reason, Grant, ETag and Writer.
	MaxNameBytes = 512
	// MaxGroups caps the number of Groups.
	MaxGroups = 64
)

// truncatedMark ends free text (RequestID, UserAgent, Error) that was cut.
const truncatedMark = "…(truncated)"

// Normalize prepares e for the record: it redacts Error and UserAgent (see
// Redact), caps RequestID, UserAgent and Error at their Max*Bytes, and then
// canonicalizes e as Seal does (every field bounded, Time in UTC truncated to
// microseconds, every string valid UTF-8 without NUL, Groups non-nil). The
// Recorder calls it on every event.
func (e *Event) Normalize() {
	e.RequestID = capBytes(clean(e.RequestID), MaxRequestIDBytes)
	e.UserAgent = capBytes(redact.String(clean(e.UserAgent)), MaxUserAgentBytes)
	e.Error = capBytes(redact.String(clean(e.Error)), MaxErrorBytes)
	e.canonicalize()
}

// canonicalize makes e hash identically in every store and for anyone
// re-hashing its JSON line: JSON cannot carry invalid UTF-8, PostgreSQL text
// cannot carry NUL, and PostgreSQL timestamps hold microseconds. It bounds
// every field (see the Max* limits): identifiers longer than their limit are
// cut with a mark that gives their length and SHA-256 (see CutMark), so an
// investigator can still match them. It is idempotent, so what Seal hashes
// is what a store keeps.
func (e *Event) canonicalize() {
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	e.RequestID = capBytes(clean(e.RequestID), MaxRequestIDBytes)
	e.User = bound(e.User, MaxNameBytes)
	e.Groups = boundGroups(e.Groups)
	e.SourceIP = bound(e.SourceIP, MaxNameBytes)
	e.UserAgent = capBytes(clean(e.UserAgent), MaxUserAgentBytes)
	e.Action = bound(e.Action, MaxNameBytes)
	e.Connection = bound(e.Connection, MaxNameBytes)
	e.Bucket = bound(e.Bucket, MaxNameBytes)
	e.Key = bound(e.Key, MaxKeyBytes)
	e.Decision = Decision(bound(string(e.Decision), MaxNameBytes))
	e.Reason = bound(e.Reason, MaxNameBytes)
	e.Grant = bound(e.Grant, MaxNameBytes)
	e.Outcome = Outcome(bound(string(e.Outcome), MaxNameBytes))
	e.Error = capBytes(clean(e.Error), MaxErrorBytes)
	e.ETag = bound(e.ETag, MaxNameBytes)
	e.Writer = bound(e.Writer, MaxNameBytes)
	e.PrevHash = bound(e.PrevHash, MaxNameBytes)
	e.Hash = bound(e.Hash, MaxNameBytes)
}

// boundGroups cleans and bounds every group and the number of groups. It
// never writes to the array of groups: the caller's slice may be shared
// (one principal, many requests).
func boundGroups(groups []string) []string {
	if groups == nil {
		return []string{}
	}
	out := groups
	if len(groups) > MaxGroups {
		out = make([]string, MaxGroups)
		copy(out, groups[:MaxGroups-1])
		out[MaxGroups-1] = groupsMark(groups)
	}
	copied := len(groups) > MaxGroups
	for i, g := range out {
		if c := bound(g, MaxNameBytes); c != g {
			if !copied {
				out, copied = slices.Clone(out), true
			}
			out[i] = c
		}
	}
	return out
}

// groupsMark replaces the groups beyond the first MaxGroups-1: it gives
// their total count and the SHA-256 of all groups joined by newlines.
func groupsMark(groups []string) string {
	h := sha256.New()
	for i, g := range groups {
		if i > 0 {
			h.Write([]byte{'\n'})
		}
		h.Write([]byte(g))
	}
	return "…[cut: " + strconv.Itoa(len(groups)) + " groups, sha256:" + hex.EncodeToString(h.Sum(nil)) + "]"
}

// bound returns s clean (see clean) and at most max bytes long. A longer s
// is cut on a rune boundary and ends with CutMark(s). Values within max are
// returned as they are, so bound is idempotent.
func bound(s string, max int) string {
	c := clean(s)
	if len(c) <= max {
		return c
	}
	mark := CutMark(s)
	cut := max - len(mark)
	for cut > 0 && !utf8.RuneStart(c[cut]) {
		cut--
	}
	return c[:cut] + mark
}

// CutMark is the mark that ends a stored identifier cut at its limit: the
// length in bytes of the original value and the lowercase hex SHA-256 of its
// bytes, as the client sent them. Searching for it (or for the hash) finds
// the events of an over-long key.
func CutMark(original string) string {
	sum := sha256.Sum256([]byte(original))
	return "…[cut: " + strconv.Itoa(len(original)) + " bytes, sha256:" + hex.EncodeToString(sum[:]) + "]"
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
