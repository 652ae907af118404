package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func sampleEvent() Event {
	return Event{
		Time:       time.Date(2024, 5, 1, 12, 30, 45, 123456789, time.FixedZone("CEST", 2*3600)),
		RequestID:  "req-1",
		User:       "alice@partner-a.com",
		Groups:     []string{"partner-a", "uploaders"},
		SourceIP:   "192.0.2.10",
		UserAgent:  "curl/8.5.0",
		Action:     ActionUpload,
		Connection: "aws-main",
		Bucket:     "partner-data",
		Key:        "partner-a/uploads/invoice.pdf",
		Decision:   DecisionAllowed,
		Reason:     "Allowed",
		Grant:      "s3am-system/alice-uploads",
		Outcome:    OutcomePending,
		Bytes:      1234,
		ETag:       `"9b2cf535f27731c974343645a3985328"`,
		Writer:     "s3am-server-0",
	}
}

// TestComputeHashGolden pins the canonical encoding: an external verifier
// written from ComputeHash's documentation must get this value.
func TestComputeHashGolden(t *testing.T) {
	e := sampleEvent()
	Seal(&e, 41, "0000000000000000000000000000000000000000000000000000000000000000")
	if e.Seq != 42 || e.Time.Location() != time.UTC || e.Time.Nanosecond() != 123456000 {
		t.Fatalf("Seal: seq %d time %s", e.Seq, e.Time.Format(time.RFC3339Nano))
	}
	const want = "1568cdab69ec7bec18a0c9aef73856534812b3c598198553cf521e15e6acfa1f"
	if e.Hash != want {
		t.Errorf("hash %s, want %s", e.Hash, want)
	}
	if got := documentedHash(&e); got != e.Hash {
		t.Errorf("ComputeHash %s differs from the documented encoding %s", e.Hash, got)
	}
}

// documentedHash follows ComputeHash's documentation, independently of its
// code.
func documentedHash(e *Event) string {
	var b bytes.Buffer
	str := func(s string) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(s)))
		b.WriteString(s)
	}
	i64 := func(v int64) { _ = binary.Write(&b, binary.BigEndian, v) }
	str("s3am-audit-v1")
	str(e.PrevHash)
	str(e.Writer)
	i64(e.Seq)
	i64(e.Time.UnixMicro())
	str(e.RequestID)
	str(e.User)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(e.Groups)))
	for _, g := range e.Groups {
		str(g)
	}
	for _, s := range []string{e.SourceIP, e.UserAgent, e.Action, e.Connection, e.Bucket, e.Key, string(e.Decision), e.Reason, e.Grant, string(e.Outcome), e.Error} {
		str(s)
	}
	i64(e.Bytes)
	str(e.ETag)
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

// TestHashCoversEveryField: changing any field changes the hash.
func TestHashCoversEveryField(t *testing.T) {
	base := sampleEvent()
	Seal(&base, 0, "")
	mutations := map[string]func(*Event){
		"Seq":        func(e *Event) { e.Seq++ },
		"Time":       func(e *Event) { e.Time = e.Time.Add(time.Microsecond) },
		"RequestID":  func(e *Event) { e.RequestID += "x" },
		"User":       func(e *Event) { e.User += "x" },
		"Groups":     func(e *Event) { e.Groups = []string{"partner-a"} },
		"GroupsJoin": func(e *Event) { e.Groups = []string{"partner-auploaders"} },
		"GroupsSplit": func(e *Event) {
			e.Groups = []string{"partner-a", "", "uploaders"}
		},
		"SourceIP":   func(e *Event) { e.SourceIP += "x" },
		"UserAgent":  func(e *Event) { e.UserAgent += "x" },
		"Action":     func(e *Event) { e.Action = ActionDownload },
		"Connection": func(e *Event) { e.Connection += "x" },
		"Bucket":     func(e *Event) { e.Bucket += "x" },
		"Key":        func(e *Event) { e.Key += "x" },
		"Decision":   func(e *Event) { e.Decision = DecisionBlocked },
		"Reason":     func(e *Event) { e.Reason += "x" },
		"Grant":      func(e *Event) { e.Grant += "x" },
		"Outcome":    func(e *Event) { e.Outcome = OutcomeSuccess },
		"Error":      func(e *Event) { e.Error += "x" },
		"Bytes":      func(e *Event) { e.Bytes++ },
		"ETag":       func(e *Event) { e.ETag += "x" },
		"Writer":     func(e *Event) { e.Writer += "x" },
		"PrevHash":   func(e *Event) { e.PrevHash = strings.Repeat("0", 64) },
		// Moving bytes between adjacent fields must not collide.
		"Shift": func(e *Event) { e.Bucket, e.Key = e.Bucket+"/partner-a", strings.TrimPrefix(e.Key, "partner-a") },
	}
	for name, mutate := range mutations {
		e := base
		e.Groups = append([]string(nil), base.Groups...)
		mutate(&e)
		if e.ComputeHash() == base.Hash {
			t.Errorf("%s: hash unchanged", name)
		}
	}
	if base.ComputeHash() != base.Hash {
		t.Error("hash not reproducible")
	}
}

func TestNormalize(t *testing.T) {
	groups := []string{"ok", "bad\xff", "nul\x00"}
	e := Event{
		Time:      time.Date(2024, 1, 1, 0, 0, 0, 999, time.Local),
		User:      "u\xc3",
		Groups:    groups,
		UserAgent: strings.Repeat("é", 400),
		Error:     "GET https://s3.example.com/b/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101&X-Amz-Signature=abcdef0123 failed",
		RequestID: strings.Repeat("r", 300),
	}
	e.Normalize()
	if groups[1] != "bad\xff" || groups[2] != "nul\x00" {
		t.Error("Normalize wrote to the caller's Groups array")
	}
	for _, s := range append([]string{e.User, e.UserAgent, e.Error, e.RequestID}, e.Groups...) {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			t.Errorf("%q: not clean", s)
		}
	}
	if e.Time.Nanosecond() != 0 || e.Time.Location() != time.UTC {
		t.Errorf("time %s not UTC microseconds", e.Time.Format(time.RFC3339Nano))
	}
	if len(e.UserAgent) > MaxUserAgentBytes || !utf8.ValidString(e.UserAgent) || !strings.HasSuffix(e.UserAgent, truncatedMark) {
		t.Errorf("user agent not capped: %d bytes", len(e.UserAgent))
	}
	if len(e.RequestID) > MaxRequestIDBytes {
		t.Errorf("request id not capped: %d bytes", len(e.RequestID))
	}
	if strings.Contains(e.Error, "abcdef0123") || strings.Contains(e.Error, "AKIAIOSFODNN7EXAMPLE") {
		t.Errorf("secret left in %q", e.Error)
	}
	var nilGroups Event
	nilGroups.Normalize()
	if nilGroups.Groups == nil {
		t.Error("nil Groups not made empty")
	}
}

func TestValidate(t *testing.T) {
	ok := sampleEvent()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(*Event){
		"time":     func(e *Event) { e.Time = time.Time{} },
		"writer":   func(e *Event) { e.Writer = "" },
		"action":   func(e *Event) { e.Action = "" },
		"decision": func(e *Event) { e.Decision = "maybe" },
		"outcome":  func(e *Event) { e.Outcome = "" },
		"bytes":    func(e *Event) { e.Bytes = -1 },
	}
	for name, mutate := range bad {
		e := sampleEvent()
		mutate(&e)
		if err := e.Validate(); !errors.Is(err, ErrInvalidEvent) {
			t.Errorf("%s: Validate = %v", name, err)
		}
	}
}

// TestNormalizeBoundsEveryField: every field a client can make long is
// bounded, identifiers end with the mark of the original, a key S3 accepts
// is kept whole, and normalizing again changes nothing (Seal hashes what
// Normalize made).
func TestNormalizeBoundsEveryField(t *testing.T) {
	long := strings.Repeat("é", 100<<10) + "\xff"
	groups := []string{"ok", long}
	for range 100 {
		groups = append(groups, "g")
	}
	e := Event{
		Time: time.Now(), RequestID: long, User: long, Groups: groups, SourceIP: long, UserAgent: long,
		Action: long, Connection: long, Bucket: long, Key: long, Decision: Decision(long), Reason: long,
		Grant: long, Outcome: Outcome(long), Error: long, ETag: long, Writer: long,
	}
	e.Normalize()
	if groups[1] != long || len(groups) != 102 {
		t.Error("Normalize wrote to the caller's Groups")
	}
	names := map[string]string{
		"user": e.User, "sourceIp": e.SourceIP, "action": e.Action, "connection": e.Connection, "bucket": e.Bucket,
		"decision": string(e.Decision), "reason": e.Reason, "grant": e.Grant, "outcome": string(e.Outcome),
		"etag": e.ETag, "writer": e.Writer, "group": e.Groups[1],
	}
	for name, v := range names {
		if len(v) > MaxNameBytes || !utf8.ValidString(v) || !strings.HasSuffix(v, CutMark(long)) {
			t.Errorf("%s: %d bytes, ends %q", name, len(v), v[max(0, len(v)-110):])
		}
	}
	if len(e.Key) > MaxKeyBytes || len(e.Key) < MaxKeyBytes-4 || !strings.HasSuffix(e.Key, CutMark(long)) {
		t.Errorf("key: %d bytes, ends %q", len(e.Key), e.Key[max(0, len(e.Key)-110):])
	}
	if len(e.RequestID) > MaxRequestIDBytes || len(e.UserAgent) > MaxUserAgentBytes || len(e.Error) > MaxErrorBytes {
		t.Errorf("free text: %d, %d, %d bytes", len(e.RequestID), len(e.UserAgent), len(e.Error))
	}
	if len(e.Groups) != MaxGroups || !strings.HasPrefix(e.Groups[MaxGroups-1], "…[cut: 102 groups, sha256:") {
		t.Errorf("%d groups, the last %q", len(e.Groups), e.Groups[len(e.Groups)-1])
	}
	again := e
	again.Groups = slices.Clone(e.Groups)
	again.Normalize()
	if !reflect.DeepEqual(again, e) {
		t.Error("Normalize is not idempotent")
	}
	key := strings.Repeat("k", MaxKeyBytes)
	ok := Event{Key: key}
	ok.Normalize()
	if ok.Key != key {
		t.Error("a 1024-byte key was cut")
	}
}

// TestJSONLineMatchesEncodingJSON: the hand-written JSON line is byte for
// byte what encoding/json writes (HTML escaping off), for every ASCII
// character, line separators, invalid UTF-8, nil and empty groups, and
// times in other zones or out of JSON's range.
func TestJSONLineMatchesEncodingJSON(t *testing.T) {
	var ascii strings.Builder
	for c := range 0x80 {
		ascii.WriteByte(byte(c))
	}
	odd := []string{"", ascii.String(), "a\u2028b\u2029c", "é ü 日本 🎉 <a&b>", "bad\xff\xfe utf8 \xe2\x82", "\u007f\u0080\u00a0\ufeff"}
	var events []Event
	for i, s := range odd {
		e := sampleEvent()
		e.Seq, e.Bytes = int64(i)*1e12, -int64(i)
		e.RequestID, e.User, e.Key, e.Error, e.UserAgent, e.Writer, e.Hash = s, s, s, s, s, s, s
		e.Groups = []string{s, "g"}
		events = append(events, e)
	}
	nilGroups, noGroups, far, zero := sampleEvent(), sampleEvent(), sampleEvent(), sampleEvent()
	nilGroups.Groups, noGroups.Groups = nil, []string{}
	far.Time = time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)
	zero.Time = time.Time{}
	events = append(events, nilGroups, noGroups, far, zero)
	for i := range events {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		wantErr := enc.Encode(&events[i])
		got, err := appendJSONLine(nil, &events[i])
		if (err != nil) != (wantErr != nil) || (err == nil && string(got) != want.String()) {
			t.Errorf("event %d:\n got %q, %v\nwant %q, %v", i, got, err, want.String(), wantErr)
		}
	}
}
