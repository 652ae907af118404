package audit

import (
	"errors"
	"testing"
	"time"
)

func TestFilterValidate(t *testing.T) {
	now := time.Now()
	desc := CursorAfter(&Event{Time: now, Writer: "w", Seq: 3}, true).String()
	bad := []Filter{
		{Limit: MaxPageSize + 1},
		{Limit: -1},
		{Decision: "maybe"},
		{Outcome: "done"},
		{From: now, To: now},
		{From: now, To: now.Add(-time.Second)},
		{Cursor: "!!"},
		{Cursor: "e30"}, // {}
		{Cursor: desc},  // descending cursor, ascending filter
	}
	for _, f := range bad {
		if err := f.Validate(); !errors.Is(err, ErrInvalidFilter) {
			t.Errorf("%+v: Validate = %v", f, err)
		}
	}
	good := []Filter{{}, {Limit: MaxPageSize, Decision: DecisionBlocked, Outcome: OutcomePending, From: now, To: now.Add(time.Microsecond)}, {Descending: true, Cursor: desc}}
	for _, f := range good {
		if err := f.Validate(); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
	}
	if (&Filter{}).PageSize() != DefaultPageSize {
		t.Error("default page size")
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := Cursor{TimeMicros: 1714566645123456, Writer: "pod-0/ä", Seq: 99, Descending: true}
	got, err := ParseCursor(c.String())
	if err != nil || got != c {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}

func TestCeilMicro(t *testing.T) {
	base := time.Date(2024, 1, 1, 0, 0, 0, 5000, time.UTC)
	if CeilMicro(base) != base.UnixMicro() {
		t.Error("whole microsecond moved")
	}
	if CeilMicro(base.Add(1)) != base.UnixMicro()+1 {
		t.Error("not rounded up")
	}
	before := time.Date(1969, 12, 31, 23, 59, 59, 999999500, time.UTC)
	if CeilMicro(before) != 0 {
		t.Errorf("negative time: %d", CeilMicro(before))
	}
}

func TestFilterMatchesTimeBounds(t *testing.T) {
	e := Event{Time: time.UnixMicro(1000).UTC()}
	cases := []struct {
		f    Filter
		want bool
	}{
		{Filter{From: time.UnixMicro(1000)}, true},
		{Filter{From: time.UnixMicro(1000).Add(1)}, false},
		{Filter{To: time.UnixMicro(1000)}, false},
		{Filter{To: time.UnixMicro(1000).Add(1)}, true},
		{Filter{KeyPrefix: "a/"}, false},
	}
	for _, c := range cases {
		if got := c.f.Matches(&e); got != c.want {
			t.Errorf("%+v: %v", c.f, got)
		}
	}
}
