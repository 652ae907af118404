package controllers

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
)

// reconcilerFunc adapts a function to reconcile.Reconciler.
type reconcilerFunc func(context.Context, ctrl.Request) (ctrl.Result, error)

// Reconcile calls the function.
func (f reconcilerFunc) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return f(ctx, req)
}
