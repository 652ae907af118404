package controllers

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
)

// recordExpiryWarning emits one Warning Event when the grant turns
// ExpiringSoon. The condition remembers it, so a restarted operator or a
// later reconcile does not repeat it.
func (r *PrefixGrantReconciler) recordExpiryWarning(before, after *v1alpha1.PrefixGrant, st grantstatus.Result) {
	if !st.ExpiringSoon.Failing || meta.IsStatusConditionTrue(before.Status.Conditions, v1alpha1.ConditionExpiringSoon) {
		return
	}
	r.Recorder.Eventf(after, nil, corev1.EventTypeWarning, v1alpha1.ReasonExpiringSoon, "ExpiryWarning", "%s", st.ExpiringSoon.Message)
}

// expiryWarning turns Options.ExpiryWarning into the reconciler's: zero is
// the default period, a negative one turns the warning off.
func expiryWarning(d time.Duration) time.Duration {
	if d == 0 {
		return grantstatus.DefaultExpiryWarning
	}
	return d
}
