package reviewsource_test

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/reviewsource"
)

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func connection(name string, ready bool) v1alpha1.S3Connection {
	c := v1alpha1.S3Connection{ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 1}}
	status := metav1.ConditionFalse
	if ready {
		status = metav1.ConditionTrue
	}
	c.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: status, ObservedGeneration: 1, Reason: "x"}}
	return c
}

func prefixGrant(name, conn string, ready bool, reason string, mutate ...func(*v1alpha1.PrefixGrant)) v1alpha1.PrefixGrant {
	pg := v1alpha1.PrefixGrant{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, Generation: 2}}
	pg.Spec.Connection = conn
	pg.Spec.Bucket = "data"
	pg.Spec.Prefix = "a/"
	pg.Spec.Permissions = []v1alpha1.Permission{"read"}
	pg.Spec.Subjects = []v1alpha1.Subject{{Kind: "User", Name: "alice"}}
	status := metav1.ConditionFalse
	if ready {
		status = metav1.ConditionTrue
	}
	pg.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: status, ObservedGeneration: 2,
		Reason: reason, Message: "operator says " + reason, LastTransitionTime: metav1.NewTime(now.Add(-time.Hour))}}
	for _, m := range mutate {
		m(&pg)
	}
	return pg
}

func TestLiveStatuses(t *testing.T) {
	conns := []v1alpha1.S3Connection{connection("up", true), connection("down", false)}
	at := func(d time.Duration) *metav1.Time { t := metav1.NewTime(now.Add(d)); return &t }
	grants := []v1alpha1.PrefixGrant{
		prefixGrant("ready", "up", true, "Ready"),
		prefixGrant("conn-down", "down", true, "Ready"),
		prefixGrant("conn-missing", "gone", true, "Ready"),
		prefixGrant("outside", "up", false, v1alpha1.ReasonOutsideDelegation),
		prefixGrant("stale", "up", true, "Ready", func(pg *v1alpha1.PrefixGrant) { pg.Generation = 3 }),
		prefixGrant("unjudged", "up", true, "Ready", func(pg *v1alpha1.PrefixGrant) { pg.Status.Conditions = nil }),
		// The operator has not marked it Expired yet; the index already stops.
		prefixGrant("just-expired", "up", true, "Ready", func(pg *v1alpha1.PrefixGrant) { pg.Spec.ValidUntil = at(-time.Second) }),
		prefixGrant("not-yet", "up", true, "Ready", func(pg *v1alpha1.PrefixGrant) { pg.Spec.ValidFrom = at(time.Hour) }),
		prefixGrant("deleting", "up", true, "Ready", func(pg *v1alpha1.PrefixGrant) { pg.DeletionTimestamp = at(0) }),
	}
	want := map[string]struct {
		status   string
		inEffect bool
	}{
		"ready":        {accessreview.StatusReady, true},
		"conn-down":    {v1alpha1.ReasonConnectionNotReady, false},
		"conn-missing": {v1alpha1.ReasonConnectionNotFound, false},
		"outside":      {v1alpha1.ReasonOutsideDelegation, false},
		"stale":        {accessreview.StatusPending, false},
		"unjudged":     {accessreview.StatusPending, false},
		"just-expired": {v1alpha1.ReasonExpired, false},
		"not-yet":      {v1alpha1.ReasonNotYetValid, false},
		"deleting":     {accessreview.StatusDeleting, false},
	}
	entries := reviewsource.Live(grants, conns, now)
	if len(entries) != len(want) {
		t.Fatalf("%d entries", len(entries))
	}
	for _, e := range entries {
		w := want[e.Grant.Name]
		if e.Status != w.status || e.InEffect != w.inEffect {
			t.Errorf("%s: status %s, in effect %v; want %s, %v (%s)", e.Grant.Name, e.Status, e.InEffect, w.status, w.inEffect, e.Message)
		}
		if e.Grant.Bucket != "data" || e.Grant.Prefix != "a/" || len(e.Grant.Subjects) != 1 {
			t.Errorf("%s: grant %+v", e.Grant.Name, e.Grant)
		}
	}
	if !entries[0].LastTransition.Equal(now.Add(-time.Hour)) || entries[0].Message != "operator says Ready" {
		t.Errorf("ready entry: %+v", entries[0])
	}
}

// TestLiveExpiringSoon: the review shows the operator's ExpiringSoon
// condition while the grant is valid, and not once validUntil has passed.
func TestLiveExpiringSoon(t *testing.T) {
	conns := []v1alpha1.S3Connection{connection("up", true)}
	expiring := func(until time.Duration) func(*v1alpha1.PrefixGrant) {
		return func(pg *v1alpha1.PrefixGrant) {
			u := metav1.NewTime(now.Add(until))
			pg.Spec.ValidUntil = &u
			pg.Status.Conditions = append(pg.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionExpiringSoon, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonExpiringSoon})
		}
	}
	entries := reviewsource.Live([]v1alpha1.PrefixGrant{
		prefixGrant("soon", "up", true, "Ready", expiring(time.Hour)),
		prefixGrant("lapsed", "up", true, "Ready", expiring(-time.Second)),
		prefixGrant("plain", "up", true, "Ready"),
	}, conns, now)
	for i, want := range []bool{true, false, false} {
		if entries[i].ExpiringSoon != want {
			t.Errorf("%s: ExpiringSoon %v, want %v", entries[i].Grant.Name, entries[i].ExpiringSoon, want)
		}
	}
}
