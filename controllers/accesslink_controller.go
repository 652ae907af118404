package controllers

import (
	"context"
	"fmt"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/links"
	"github.com/s3am/s3-access-manager/internal/links/linkapi"
)

// AccessLinkReconciler keeps each AccessLink's Ready condition true to its
// spec and use count, and requeues at its expiry. It reports; it never
// decides: the server checks the same rules, fresh, at every use.
type AccessLinkReconciler struct {
	client.Client
}

// +kubebuilder:rbac:groups=s3am.io,resources=accesslinks,verbs=get;list;watch
// +kubebuilder:rbac:groups=s3am.io,resources=accesslinks/status,verbs=get;patch

// Reconcile evaluates one link and patches its status once.
func (r *AccessLinkReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	l := &v1alpha1.AccessLink{}
	if err := r.Get(ctx, req.NamespacedName, l); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	base := l.DeepCopy()
	now := time.Now()
	state := linkapi.State(l)
	ok, reason := state.Usable(now)
	if ok {
		setCondition(&l.Status.Conditions, l.Generation, v1alpha1.ConditionReady, true, v1alpha1.ReasonLinkActive,
			"the link may be used until "+l.Spec.ExpiresAt.UTC().Format(time.RFC3339)+", within its creator's grants")
	} else {
		setCondition(&l.Status.Conditions, l.Generation, v1alpha1.ConditionReady, false, conditionReason(reason), linkMessage(reason))
	}
	l.Status.ObservedGeneration = l.Generation
	err := patchStatus(ctx, r.Client, "accesslink", base, l, func(o *v1alpha1.AccessLink) any { return o.Status })
	if ok && err == nil {
		return ctrl.Result{RequeueAfter: state.ExpiresAt.Sub(now)}, nil
	}
	return ctrl.Result{}, err
}

// conditionReason maps a refusal to the condition reason.
func conditionReason(r links.Reason) string {
	switch r {
	case links.ReasonRevoked:
		return v1alpha1.ReasonLinkRevoked
	case links.ReasonExpired:
		return v1alpha1.ReasonLinkExpired
	}
	return v1alpha1.ReasonLinkUsedUp
}

func linkMessage(r links.Reason) string {
	switch r {
	case links.ReasonRevoked:
		return "the link was revoked"
	case links.ReasonExpired:
		return "the link has expired"
	}
	return "the link has been used its maxUses times"
}

// SetupWithManager registers the reconciler for spec changes and use counts.
func (r *AccessLinkReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if err := ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.AccessLink{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, usesChanged))).
		Complete(r); err != nil {
		return fmt.Errorf("accesslink controller: %w", err)
	}
	return nil
}

// usesChanged passes the updates that change the use count, which may make
// a link used up.
var usesChanged = updatedWhere(func(old, cur *v1alpha1.AccessLink) bool { return old.Status.Uses != cur.Status.Uses })
