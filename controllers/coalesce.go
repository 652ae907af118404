package controllers

import (
	"context"
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// grantPolicyDelay is how long a connection's policy waits at least after a
// change of one of its grants before it is regenerated. Changes within the
// window share one regeneration: when thousands of grants turn Ready at a
// cold start, the policy of every grant is generated and published a few
// times, not once per grant (each time over all of them, with a ConfigMap
// write).
const grantPolicyDelay = time.Second

// Regeneration is over all of a connection's grants, so at a steady stream
// of grant changes (a cold start) a fixed delay would spend a share of the
// operator growing with the number of grants on it. The delay therefore
// grows with what the last regeneration took, policyDelayFactor times as
// long (it then takes at most about 1/policyDelayFactor of the time), up to
// maxPolicyDelay.
const (
	policyDelayFactor = 20
	maxPolicyDelay    = 10 * time.Second
)

// policyCosts remembers how long each connection's last policy regeneration
// took, to space the next ones.
type policyCosts struct{ m sync.Map }

func (c *policyCosts) record(connection string, took time.Duration) { c.m.Store(connection, took) }

func (c *policyCosts) forget(connection string) { c.m.Delete(connection) }

// delay is how long a change of connection's grants waits before its
// policy is regenerated.
func (c *policyCosts) delay(req reconcile.Request) time.Duration {
	d := grantPolicyDelay
	if took, ok := c.m.Load(req.Name); ok {
		d = max(d, min(policyDelayFactor*took.(time.Duration), maxPolicyDelay))
	}
	return d
}

// enqueueAfter is EnqueueRequestsFromMapFunc whose requests wait delay(req)
// in the queue; a request already waiting keeps its earlier time, so a
// burst of events becomes one reconcile.
func enqueueAfter(delay func(reconcile.Request) time.Duration, fn handler.MapFunc) handler.EventHandler {
	add := func(ctx context.Context, o client.Object, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		for _, req := range fn(ctx, o) {
			q.AddAfter(req, delay(req))
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, e.Object, q)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, e.ObjectOld, q)
			add(ctx, e.ObjectNew, q)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, e.Object, q)
		},
		GenericFunc: func(ctx context.Context, e event.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, e.Object, q)
		},
	}
}
