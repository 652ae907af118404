package controllers_test

import (
	"context"
	"testing"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
)

// TestExpiryWarning: a grant turns ExpiringSoon, with one Warning Event, at
// validUntil minus the warning period (14 days by default), because the
// controller requeues it at that boundary rather than at some later resync.
// The warning is about validity alone, so the grant needs no connection.
func TestExpiryWarning(t *testing.T) {
	ctx := context.Background()
	name := unique("expiring")
	// RFC 3339 in the manifest keeps whole seconds: start the boundary on one.
	boundary := time.Now().Add(6 * time.Second).Truncate(time.Second)
	until := boundary.Add(grantstatus.DefaultExpiryWarning)
	extra := "  validUntil: \"" + until.UTC().Format(time.RFC3339) + "\"\n"
	if _, err := env.Kubectl(ctx, grantYAML(operatorNamespace, name, "no-such-connection", "partner-a/expiring/", []string{"read"}, extra), "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 10*time.Second, "ExpiringSoon=False before the warning period", func() bool {
		c := grantCondition(t, operatorNamespace, name, v1alpha1.ConditionExpiringSoon)
		return c != nil && c.Status == metav1.ConditionFalse && c.Reason == v1alpha1.ReasonNotExpiringSoon
	})
	if time.Now().After(boundary) {
		t.Fatal("the control plane was too slow to observe the grant before its warning boundary")
	}
	var c *metav1.Condition
	poll.Until(t, 20*time.Second, "ExpiringSoon=True", func() bool {
		c = grantCondition(t, operatorNamespace, name, v1alpha1.ConditionExpiringSoon)
		return isTrue(c)
	})
	late := time.Since(boundary)
	t.Logf("ExpiringSoon observed %s after the boundary; condition: %s", late.Round(time.Millisecond), c.Message)
	if late > 3*time.Second {
		t.Errorf("ExpiringSoon turned True %s after the boundary: not requeued at it", late)
	}
	if c.Reason != v1alpha1.ReasonExpiringSoon || c.LastTransitionTime.Time.Before(boundary) {
		t.Errorf("condition %+v: reason or transition time wrong (boundary %s)", c, boundary)
	}
	if ready := grantCondition(t, operatorNamespace, name, v1alpha1.ConditionReady); isTrue(ready) {
		t.Errorf("the grant has no connection but is Ready: %+v", ready)
	}

	count := func() int {
		list := &eventsv1.EventList{}
		if err := k8s.List(ctx, list); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range list.Items {
			if e.Regarding.Name == name && e.Reason == v1alpha1.ReasonExpiringSoon && e.Type == "Warning" {
				n++
			}
		}
		return n
	}
	poll.Until(t, 10*time.Second, "an ExpiringSoon Warning Event", func() bool { return count() > 0 })
	// A spec change reconciles again; the warning is not repeated.
	if _, err := env.Kubectl(ctx, "", "label", "prefixgrant", name, "-n", operatorNamespace, "touched=yes"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Kubectl(ctx, "", "patch", "prefixgrant", name, "-n", operatorNamespace, "--type=merge", "-p", `{"spec":{"permissions":["read","list"]}}`); err != nil {
		t.Fatal(err)
	}
	poll.Until(t, 10*time.Second, "the new generation observed", func() bool {
		c := grantCondition(t, operatorNamespace, name, v1alpha1.ConditionExpiringSoon)
		return isTrue(c) && c.ObservedGeneration == 2
	})
	if n := count(); n != 1 {
		t.Errorf("%d ExpiringSoon events, want exactly 1", n)
	}
}
