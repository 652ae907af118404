package audit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// TestOutcomeLineKeepsWhatHappened: the outcome of a change S3 already made
// cannot be stored, yet its JSON line says the change succeeded (not
// "refused") and that the event is not stored; Record's error still says
// the store failed.
func TestOutcomeLineKeepsWhatHappened(t *testing.T) {
	f := newFixture(t, audit.Options{Policy: audit.PolicyFail})
	done := attempt(1)
	done.Action, done.Outcome = audit.ActionDelete, audit.OutcomeSuccess
	f.store.Close()
	if err := f.rec.RecordOutcome(context.Background(), done); err == nil {
		t.Fatal("RecordOutcome succeeded without a store")
	}
	logged := f.json.Events(t)
	if len(logged) != 1 {
		t.Fatalf("%d JSON lines", len(logged))
	}
	if line := logged[0]; line.Outcome != audit.OutcomeSuccess || !strings.Contains(line.Error, "not stored") || strings.Contains(line.Error, "refused") {
		t.Errorf("outcome line %+v: want success, not stored, never refused", line)
	}
}
