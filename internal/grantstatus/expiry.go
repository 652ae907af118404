package grantstatus

import (
	"fmt"
	"time"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// DefaultExpiryWarning is how long before its validUntil a grant is marked
// ExpiringSoon, unless the operator is told otherwise.
const DefaultExpiryWarning = 14 * 24 * time.Hour

// expiringSoon is the ExpiringSoon check: failing (True) from validUntil
// minus in.ExpiryWarning until validUntil. Without validUntil, or with the
// warning off (ExpiryWarning not positive), it never fails.
func expiringSoon(in Input) Check {
	until := in.Grant.Spec.ValidUntil
	switch {
	case until == nil:
		return Check{Reason: v1alpha1.ReasonNoExpiry, Message: "grant has no validUntil"}
	case !in.Now.Before(until.Time):
		return Check{Reason: v1alpha1.ReasonExpired, Message: fmt.Sprintf("grant expired at %s", until.UTC().Format(time.RFC3339))}
	case in.ExpiryWarning > 0 && !in.Now.Before(until.Add(-in.ExpiryWarning)):
		return Check{Failing: true, Reason: v1alpha1.ReasonExpiringSoon,
			Message: fmt.Sprintf("grant expires at %s, in %s; renew it by raising validUntil, or let it lapse",
				until.UTC().Format(time.RFC3339), roundLeft(until.Sub(in.Now)))}
	}
	return Check{Reason: v1alpha1.ReasonNotExpiringSoon, Message: fmt.Sprintf("grant expires at %s", until.UTC().Format(time.RFC3339))}
}

// warningBoundary returns when the grant turns ExpiringSoon, if that is
// after now; otherwise the zero time.
func warningBoundary(in Input) time.Time {
	until := in.Grant.Spec.ValidUntil
	if until == nil || in.ExpiryWarning <= 0 {
		return time.Time{}
	}
	if t := until.Add(-in.ExpiryWarning); t.After(in.Now) {
		return t
	}
	return time.Time{}
}

// earliest returns the earlier of two times, ignoring zero ones.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// roundLeft words a time left for people: days and hours, or hours and
// minutes, or seconds.
func roundLeft(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return d.Round(time.Second).String()
}
