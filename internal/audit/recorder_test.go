package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/audittest"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
)

type fixture struct {
	rec   *audit.Recorder
	store *sqlite.Store
	json  *audittest.Buffer
	logs  *audittest.Buffer
	reg   *prometheus.Registry
}

func newFixture(t testing.TB, o audit.Options) *fixture {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: store, json: &audittest.Buffer{}, logs: &audittest.Buffer{}, reg: prometheus.NewRegistry()}
	if o.Writer == "" {
		o.Writer = "s3am-server-0"
	}
	o.JSON, o.Store, o.Registerer = f.json, store, f.reg
	o.Logger = slog.New(slog.NewJSONHandler(f.logs, nil))
	if f.rec, err = audit.NewRecorder(o); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.rec.Close(context.Background())
		store.Close()
	})
	return f
}

func attempt(i int) audit.Event {
	return audit.Event{
		RequestID:  fmt.Sprintf("req-%d", i),
		User:       "alice@partner-a.com",
		Groups:     []string{"partner-a"},
		SourceIP:   "192.0.2.7",
		UserAgent:  "aws-cli/2.15",
		Action:     audit.ActionUpload,
		Connection: "aws-main",
		Bucket:     "partner-data",
		Key:        fmt.Sprintf("partner-a/uploads/f-%d.pdf", i),
		Decision:   audit.DecisionAllowed,
		Reason:     "Allowed",
		Grant:      "s3am-system/alice-uploads",
		Outcome:    audit.OutcomePending,
		Bytes:      int64(i),
	}
}

// metric reads a counter (or a histogram's count) from reg; labels are the
// values of its labels in order.
func metric(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range families {
		if fam.GetName() != name {
			continue
		}
	next:
		for _, m := range fam.GetMetric() {
			for i, l := range m.GetLabel() {
				if i >= len(labels) || l.GetValue() != labels[i] {
					continue next
				}
			}
			if h := m.GetHistogram(); h != nil {
				return float64(h.GetSampleCount())
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s%v", name, labels)
	return 0
}

// TestJSONLineHasEveryFieldAndNoSecrets: the line holds every field of
// Event under its JSON name, equals what was stored, re-hashes, and carries
// no credential that the server's error text contained.
func TestJSONLineHasEveryFieldAndNoSecrets(t *testing.T) {
	f := newFixture(t, audit.Options{})
	e := attempt(1)
	e.Time = time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC)
	e.Outcome, e.ETag = audit.OutcomeFailure, `"abc"`
	e.UserAgent = "tool/1 Authorization: Bearer tok3n-value"
	e.Error = "PUT https://partner-data.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240501%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=FwoGZXIvYXdzEJr&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7: 403"
	if err := f.rec.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	raw := f.json.String()
	if strings.Count(raw, "\n") != 1 {
		t.Fatalf("want one line, got %q", raw)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeFor[audit.Event]()
	for i := range typ.NumField() {
		name := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
		if _, ok := m[name]; !ok {
			t.Errorf("line lacks %q", name)
		}
		delete(m, name)
	}
	if len(m) != 0 {
		t.Errorf("line has undocumented fields %v", m)
	}
	for _, secret := range []string{"5d672d79c15b", "FwoGZXIvYXdzEJr", "AKIAIOSFODNN7EXAMPLE", "tok3n-value"} {
		if strings.Contains(raw, secret) {
			t.Errorf("line holds secret %q: %s", secret, raw)
		}
	}
	got := f.json.Events(t)[0]
	if got.Seq != 1 || got.PrevHash != "" || got.Hash == "" || got.Writer != "s3am-server-0" || got.Time.Nanosecond() != 123456000 {
		t.Errorf("chain fields: %+v", got)
	}
	if got.ComputeHash() != got.Hash {
		t.Error("the JSON line does not re-hash to its hash")
	}
	p, err := f.store.Query(context.Background(), audit.Filter{})
	if err != nil || len(p.Events) != 1 {
		t.Fatal(p, err)
	}
	if !reflect.DeepEqual(p.Events[0], got) {
		t.Errorf("stored\n%+v\nline\n%+v", p.Events[0], got)
	}
}

// TestRecordConcurrently: 10,000 events from 50 goroutines end up stored
// exactly once, in one intact chain, with one JSON line each in chain order.
func TestRecordConcurrently(t *testing.T) {
	f := newFixture(t, audit.Options{})
	const goroutines, each = 50, 200
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := f.rec.Record(ctx, attempt(g*each+i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := f.rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := f.store.Verify(ctx, "s3am-server-0")
	if err != nil || !res.OK() || res.Count != goroutines*each {
		t.Fatalf("verify: %+v, %v", res, err)
	}
	stored := map[string]int{}
	filter := audit.Filter{Limit: audit.MaxPageSize}
	for {
		p, err := f.store.Query(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Events {
			stored[e.RequestID]++
		}
		if p.Next == "" {
			break
		}
		filter.Cursor = p.Next
	}
	if len(stored) != goroutines*each {
		t.Errorf("%d distinct events stored, want %d", len(stored), goroutines*each)
	}
	for id, n := range stored {
		if n != 1 {
			t.Errorf("%s stored %d times", id, n)
		}
	}
	logged := f.json.Events(t)
	if len(logged) != goroutines*each {
		t.Fatalf("%d JSON lines", len(logged))
	}
	for i, e := range logged {
		if e.Seq != int64(i+1) {
			t.Fatalf("line %d has seq %d", i, e.Seq)
		}
	}
	if n := metric(t, f.reg, "s3am_audit_events_total", "allowed", "pending"); n != goroutines*each {
		t.Errorf("events_total %v", n)
	}
	if n := metric(t, f.reg, "s3am_audit_write_failures_total"); n != 0 {
		t.Errorf("write failures %v", n)
	}
	if n := metric(t, f.reg, "s3am_audit_write_seconds"); n != goroutines*each {
		t.Errorf("write_seconds count %v", n)
	}
}

func TestBatchWait(t *testing.T) {
	f := newFixture(t, audit.Options{BatchWait: 2 * time.Millisecond, MaxBatch: 16})
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := f.rec.Record(context.Background(), attempt(g*25+i)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	res, err := f.store.Verify(context.Background(), "s3am-server-0")
	if err != nil || !res.OK() || res.Count != 500 {
		t.Fatalf("%+v, %v", res, err)
	}
}

// TestFailurePolicy: with the store gone, PolicyFail refuses (and says so in
// the JSON line), PolicyIgnore lets the request through; both log and count.
func TestFailurePolicy(t *testing.T) {
	for _, policy := range []audit.FailurePolicy{audit.PolicyFail, audit.PolicyIgnore} {
		t.Run(string(policy), func(t *testing.T) {
			f := newFixture(t, audit.Options{Policy: policy})
			ctx := context.Background()
			if err := f.rec.Record(ctx, attempt(1)); err != nil {
				t.Fatal(err)
			}
			f.store.Close() // the store goes down
			err := f.rec.Record(ctx, attempt(2))
			if policy == audit.PolicyFail && err == nil {
				t.Error("PolicyFail: Record succeeded without a store")
			}
			if policy == audit.PolicyIgnore && err != nil {
				t.Errorf("PolicyIgnore: %v", err)
			}
			if n := metric(t, f.reg, "s3am_audit_write_failures_total"); n != 1 {
				t.Errorf("write failures %v", n)
			}
			if !strings.Contains(f.logs.String(), `"requestId":"req-2"`) || !strings.Contains(f.logs.String(), "audit event not recorded") {
				t.Errorf("failure not logged: %s", f.logs.String())
			}
			logged := f.json.Events(t)
			if len(logged) != 2 {
				t.Fatalf("%d JSON lines", len(logged))
			}
			second := logged[1]
			if second.Seq != 0 || second.Hash != "" || second.RequestID != "req-2" {
				t.Errorf("unstored event line: %+v", second)
			}
			wantOutcome := audit.OutcomePending
			if policy == audit.PolicyFail {
				wantOutcome = audit.OutcomeFailure
				if !strings.Contains(second.Error, "request refused") {
					t.Errorf("error %q", second.Error)
				}
			}
			if second.Outcome != wantOutcome {
				t.Errorf("outcome %s, want %s", second.Outcome, wantOutcome)
			}
		})
	}
}

func TestInvalidEventFollowsPolicy(t *testing.T) {
	bad := attempt(1)
	bad.Decision = "maybe"
	f := newFixture(t, audit.Options{})
	if err := f.rec.Record(context.Background(), bad); !errors.Is(err, audit.ErrInvalidEvent) {
		t.Errorf("PolicyFail: %v", err)
	}
	g := newFixture(t, audit.Options{Policy: audit.PolicyIgnore})
	if err := g.rec.Record(context.Background(), bad); err != nil {
		t.Errorf("PolicyIgnore: %v", err)
	}
	for _, x := range []*fixture{f, g} {
		if n := metric(t, x.reg, "s3am_audit_write_failures_total"); n != 1 {
			t.Errorf("write failures %v", n)
		}
	}
}

func TestRecordAfterClose(t *testing.T) {
	f := newFixture(t, audit.Options{})
	if err := f.rec.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.rec.Record(context.Background(), attempt(1)); !errors.Is(err, audit.ErrClosed) {
		t.Errorf("Record after Close: %v", err)
	}
	if err := f.rec.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRecordWithCanceledContext(t *testing.T) {
	f := newFixture(t, audit.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// The event may or may not be stored, but Record cannot vouch for it.
	if err := f.rec.Record(ctx, attempt(1)); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Record: %v", err)
	}
}

func TestRecorderNeedsJSONAndOneRegistration(t *testing.T) {
	if _, err := audit.NewRecorder(audit.Options{Writer: "w"}); err == nil {
		t.Error("no JSON writer accepted")
	}
	if _, err := audit.NewRecorder(audit.Options{Writer: "w", JSON: &audittest.Buffer{}, Policy: "sometimes"}); err == nil {
		t.Error("unknown policy accepted")
	}
	reg := prometheus.NewRegistry()
	r, err := audit.NewRecorder(audit.Options{Writer: "w", JSON: &audittest.Buffer{}, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	if _, err := audit.NewRecorder(audit.Options{Writer: "w", JSON: &audittest.Buffer{}, Registerer: reg}); err == nil {
		t.Error("second registration accepted")
	}
}

// TestRecorderWithoutStore writes JSON lines only.
func TestRecorderWithoutStore(t *testing.T) {
	out := &audittest.Buffer{}
	r, err := audit.NewRecorder(audit.Options{Writer: "w", JSON: out})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	if err := r.Record(context.Background(), attempt(1)); err != nil {
		t.Fatal(err)
	}
	if got := out.Events(t); len(got) != 1 || got[0].Seq != 0 || got[0].Key != "partner-a/uploads/f-1.pdf" {
		t.Errorf("%+v", got)
	}
}
