package grantstatus_test

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
)

func TestExpiringSoonBoundaries(t *testing.T) {
	until := time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC)
	from := until.Add(-30 * 24 * time.Hour)
	warn := grantstatus.DefaultExpiryWarning
	pg := &v1alpha1.PrefixGrant{}
	pg.Spec.ValidFrom = &metav1.Time{Time: from}
	pg.Spec.ValidUntil = &metav1.Time{Time: until}
	for _, tc := range []struct {
		name    string
		now     time.Time
		warn    time.Duration
		grant   *v1alpha1.PrefixGrant
		failing bool
		reason  string
		recheck time.Time
	}{
		{"before validFrom", from.Add(-time.Hour), warn, pg, false, v1alpha1.ReasonNotExpiringSoon, from},
		{"inside, before the warning", from.Add(time.Hour), warn, pg, false, v1alpha1.ReasonNotExpiringSoon, until.Add(-warn)},
		{"a nanosecond before the warning", until.Add(-warn - 1), warn, pg, false, v1alpha1.ReasonNotExpiringSoon, until.Add(-warn)},
		{"at the warning", until.Add(-warn), warn, pg, true, v1alpha1.ReasonExpiringSoon, until},
		{"a second before validUntil", until.Add(-time.Second), warn, pg, true, v1alpha1.ReasonExpiringSoon, until},
		{"at validUntil", until, warn, pg, false, v1alpha1.ReasonExpired, time.Time{}},
		{"warning off", until.Add(-time.Hour), 0, pg, false, v1alpha1.ReasonNotExpiringSoon, until},
		{"no validUntil", from, warn, &v1alpha1.PrefixGrant{}, false, v1alpha1.ReasonNoExpiry, time.Time{}},
		// A warning period longer than the window: the grant warns as soon
		// as it is valid, and the next boundary is validFrom.
		{"warning longer than the window", from.Add(-time.Hour), 60 * 24 * time.Hour, pg, true, v1alpha1.ReasonExpiringSoon, from},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := grantstatus.Evaluate(grantstatus.Input{Grant: tc.grant, ConnectionName: "c", Now: tc.now, ExpiryWarning: tc.warn})
			if r.ExpiringSoon.Failing != tc.failing || r.ExpiringSoon.Reason != tc.reason {
				t.Errorf("ExpiringSoon = %+v, want failing %v reason %s", r.ExpiringSoon, tc.failing, tc.reason)
			}
			if !r.Recheck.Equal(tc.recheck) {
				t.Errorf("Recheck = %s, want %s", r.Recheck, tc.recheck)
			}
		})
	}
	r := grantstatus.Evaluate(grantstatus.Input{Grant: pg, ConnectionName: "c", Now: until.Add(-3*24*time.Hour - 5*time.Hour), ExpiryWarning: warn})
	if want := "grant expires at 2027-01-31T23:59:59Z, in 3d5h; renew it by raising validUntil, or let it lapse"; r.ExpiringSoon.Message != want {
		t.Errorf("message %q, want %q", r.ExpiringSoon.Message, want)
	}
}
