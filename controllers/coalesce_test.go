package controllers

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// A connection's policy waits grantPolicyDelay after a grant change, or
// policyDelayFactor times what its last regeneration took when that is
// longer, up to maxPolicyDelay; a forgotten connection starts over.
func TestPolicyDelay(t *testing.T) {
	var c policyCosts
	req := reconcile.Request{NamespacedName: types.NamespacedName{Name: "minio"}}
	for _, tc := range []struct {
		took time.Duration // 0: nothing recorded
		want time.Duration
	}{
		{0, grantPolicyDelay},
		{time.Millisecond, grantPolicyDelay},
		{100 * time.Millisecond, 2 * time.Second},
		{300 * time.Millisecond, 6 * time.Second},
		{2 * time.Second, maxPolicyDelay},
	} {
		if tc.took > 0 {
			c.record("minio", tc.took)
		}
		if got := c.delay(req); got != tc.want {
			t.Errorf("after a regeneration of %s: delay %s, want %s", tc.took, got, tc.want)
		}
	}
	if got := c.delay(reconcile.Request{NamespacedName: types.NamespacedName{Name: "other"}}); got != grantPolicyDelay {
		t.Errorf("another connection waits %s", got)
	}
	c.forget("minio")
	if got := c.delay(req); got != grantPolicyDelay {
		t.Errorf("after forget: %s", got)
	}
}
