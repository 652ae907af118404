// Package grantstatus decides whether a PrefixGrant is in effect: its
// connection exists and is ready, it lies inside a delegation for its
// namespace, and now is inside its validity window. The PrefixGrant controller
// turns the result into conditions; `s3am can-i` and `s3am policy render` use
// it offline, so both answer the same question the same way.
package grantstatus

import (
	"fmt"
	"time"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/delegation"
)

// Input is everything the decision depends on.
type Input struct {
	Grant *v1alpha1.PrefixGrant
	// ConnectionName is the resolved connection (the grant's, or the default).
	ConnectionName string
	// Connection is nil when it does not exist.
	Connection *v1alpha1.S3Connection
	// ConnectionReady is the connection's Ready condition.
	ConnectionReady bool
	// Namespace is the grant's namespace with its labels.
	Namespace delegation.Namespace
	// OperatorNamespace may grant anything.
	OperatorNamespace string
	Now               time.Time
	// ExpiryWarning is how long before validUntil the grant is marked
	// ExpiringSoon; zero or less turns the warning off.
	ExpiryWarning time.Duration
}

// Check is the outcome of one of the grant's checks, as a condition.
type Check struct {
	// Failing is the condition's status: True when the check fails
	// (Expired, OutsideDelegation, ConnectionNotReady are problem conditions).
	Failing bool
	Reason  string
	Message string
}

// Result is the grant's state.
type Result struct {
	Ready              bool
	Reason, Message    string
	Expired            Check
	OutsideDelegation  Check
	ConnectionNotReady Check
	// ExpiringSoon is failing (True) within ExpiryWarning of validUntil.
	// It is a warning: it does not make the grant un-Ready.
	ExpiringSoon Check
	// Recheck is the next validFrom, validUntil or start of the expiry
	// warning after Now, when the grant's state changes by itself; zero when
	// it never does.
	Recheck time.Time
}

// Evaluate decides the grant's state.
func Evaluate(in Input) Result {
	r := Result{
		Expired:            Validity(in.Grant, in.Now),
		ConnectionNotReady: connection(in),
		OutsideDelegation:  outsideDelegation(in),
		ExpiringSoon:       expiringSoon(in),
		Recheck:            earliest(NextBoundary(in.Grant, in.Now), warningBoundary(in)),
	}
	// The first failing check explains why the grant is not Ready; the
	// connection comes first because without it nothing else matters.
	for _, c := range []Check{r.ConnectionNotReady, r.OutsideDelegation, r.Expired} {
		if c.Failing {
			r.Reason, r.Message = c.Reason, c.Message
			return r
		}
	}
	r.Ready = true
	r.Reason = v1alpha1.ReasonReady
	r.Message = fmt.Sprintf("grant is in effect on connection %q", in.ConnectionName)
	return r
}

func connection(in Input) Check {
	switch {
	case in.Connection == nil:
		return Check{Failing: true, Reason: v1alpha1.ReasonConnectionNotFound,
			Message: fmt.Sprintf("S3Connection %q does not exist", in.ConnectionName)}
	case in.Connection.Spec.Suspend:
		return Check{Failing: true, Reason: v1alpha1.ReasonSuspended,
			Message: fmt.Sprintf("S3Connection %q is suspended", in.ConnectionName)}
	case !in.ConnectionReady:
		return Check{Failing: true, Reason: v1alpha1.ReasonConnectionNotReady,
			Message: fmt.Sprintf("S3Connection %q is not Ready", in.ConnectionName)}
	}
	return Check{Reason: v1alpha1.ReasonConnectionReady, Message: fmt.Sprintf("S3Connection %q is Ready", in.ConnectionName)}
}

func outsideDelegation(in Input) Check {
	if in.Connection == nil {
		return Check{Failing: true, Reason: v1alpha1.ReasonConnectionNotFound,
			Message: fmt.Sprintf("delegation cannot be checked: S3Connection %q does not exist", in.ConnectionName)}
	}
	spec := in.Grant.Spec
	target := delegation.Target{Bucket: string(spec.Bucket), Prefix: string(spec.Prefix), WholeBucket: spec.WholeBucket}
	d, err := delegation.Decide(in.OperatorNamespace, in.Namespace, in.Connection, target)
	msg := d.Message()
	if err != nil && !d.Allowed {
		msg = fmt.Sprintf("%s (%v)", msg, err)
	}
	if !d.Allowed {
		return Check{Failing: true, Reason: v1alpha1.ReasonOutsideDelegation, Message: msg}
	}
	return Check{Reason: v1alpha1.ReasonInsideDelegation, Message: msg}
}

// Validity checks whether now is inside the grant's validity window:
// validFrom inclusive, validUntil exclusive.
func Validity(pg *v1alpha1.PrefixGrant, now time.Time) Check {
	spec := pg.Spec
	switch {
	case spec.ValidFrom != nil && now.Before(spec.ValidFrom.Time):
		return Check{Failing: true, Reason: v1alpha1.ReasonNotYetValid,
			Message: fmt.Sprintf("grant is valid from %s", spec.ValidFrom.UTC().Format(time.RFC3339))}
	case spec.ValidUntil != nil && !now.Before(spec.ValidUntil.Time):
		return Check{Failing: true, Reason: v1alpha1.ReasonExpired,
			Message: fmt.Sprintf("grant expired at %s", spec.ValidUntil.UTC().Format(time.RFC3339))}
	}
	return Check{Reason: v1alpha1.ReasonWithinValidity, Message: "grant is within its validity window"}
}

// NextBoundary returns the grant's first validFrom or validUntil after now, or
// the zero time when its validity never changes again.
func NextBoundary(g *v1alpha1.PrefixGrant, now time.Time) time.Time {
	for _, t := range []*time.Time{timeOf(g.Spec.ValidFrom), timeOf(g.Spec.ValidUntil)} {
		if t != nil && t.After(now) {
			return *t
		}
	}
	return time.Time{}
}
