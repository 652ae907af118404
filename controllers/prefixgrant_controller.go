package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/delegation"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
)

// PrefixGrantReconciler keeps each PrefixGrant's conditions true: its
// connection exists and is Ready, it lies inside a delegation for its
// namespace, and now is inside its validity window. It requeues exactly at
// validFrom and validUntil.
type PrefixGrantReconciler struct {
	client.Client
	Recorder          events.EventRecorder
	OperatorNamespace string
	// ExpiryWarning is how long before validUntil a grant turns ExpiringSoon
	// (with a Warning Event); zero or less turns the warning off.
	ExpiryWarning time.Duration
	// MaxConcurrentReconciles is how many grants are evaluated at once;
	// zero takes DefaultMaxConcurrentReconciles.
	MaxConcurrentReconciles int
}

// DefaultMaxConcurrentReconciles is how many grants the controller evaluates
// at once unless told otherwise. Each reconcile is cached reads and at most
// one status patch, so it waits on the API server's round trip: at a cold
// start of 10,000 grants the patches, not the CPU, set the pace, and ten in
// flight keep it under a minute at a 50 ms round trip (cluster-api's
// controllers default to 10 as well).
const DefaultMaxConcurrentReconciles = 10

// +kubebuilder:rbac:groups=s3am.io,resources=prefixgrants,verbs=get;list;watch
// +kubebuilder:rbac:groups=s3am.io,resources=prefixgrants/status,verbs=get;patch
// +kubebuilder:rbac:groups=s3am.io,resources=s3connections,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile evaluates one grant and patches its status once.
func (r *PrefixGrantReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	pg := &v1alpha1.PrefixGrant{}
	if err := r.Get(ctx, req.NamespacedName, pg); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !pg.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	base := pg.DeepCopy()
	defer func() {
		retErr = errors.Join(retErr, patchStatus(ctx, r.Client, "prefixgrant", base, pg, func(o *v1alpha1.PrefixGrant) any { return o.Status }))
	}()

	in, err := r.input(ctx, pg)
	if err != nil {
		return ctrl.Result{}, err
	}
	st := grantstatus.Evaluate(in)
	applyGrantStatus(pg, st)
	r.recordTransition(base, pg, st)
	r.recordExpiryWarning(base, pg, st)
	if !st.Recheck.IsZero() {
		return ctrl.Result{RequeueAfter: st.Recheck.Sub(in.Now)}, nil
	}
	return ctrl.Result{}, nil
}

// input gathers what grantstatus needs: the resolved connection and the
// namespace's labels.
func (r *PrefixGrantReconciler) input(ctx context.Context, pg *v1alpha1.PrefixGrant) (grantstatus.Input, error) {
	in := grantstatus.Input{Grant: pg, OperatorNamespace: r.OperatorNamespace, Now: time.Now(), ExpiryWarning: r.ExpiryWarning}
	conns := &v1alpha1.S3ConnectionList{}
	if pg.Spec.Connection == "" {
		if err := r.List(ctx, conns); err != nil {
			return in, fmt.Errorf("list connections: %w", err)
		}
	}
	name, err := convert.ResolveConnection(pg, conns.Items)
	if err != nil {
		in.ConnectionName = "(none)"
		return in, nil // Connection stays nil: ConnectionNotFound explains.
	}
	in.ConnectionName = name
	conn := &v1alpha1.S3Connection{}
	switch err := r.Get(ctx, types.NamespacedName{Name: name}, conn); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return in, fmt.Errorf("get connection %s: %w", name, err)
	default:
		in.Connection = conn
		in.ConnectionReady = grantstatus.ConnectionAuthorizes(conn)
	}
	ns := &corev1.Namespace{}
	if err := r.Get(ctx, types.NamespacedName{Name: pg.Namespace}, ns); err != nil && !apierrors.IsNotFound(err) {
		return in, fmt.Errorf("get namespace %s: %w", pg.Namespace, err)
	}
	in.Namespace = delegation.Namespace{Name: pg.Namespace, Labels: ns.Labels}
	return in, nil
}

func applyGrantStatus(pg *v1alpha1.PrefixGrant, st grantstatus.Result) {
	gen := pg.Generation
	conds := &pg.Status.Conditions
	setCondition(conds, gen, v1alpha1.ConditionReady, st.Ready, st.Reason, st.Message)
	setCondition(conds, gen, v1alpha1.ConditionExpired, st.Expired.Failing, st.Expired.Reason, st.Expired.Message)
	setCondition(conds, gen, v1alpha1.ConditionOutsideDelegation, st.OutsideDelegation.Failing, st.OutsideDelegation.Reason, st.OutsideDelegation.Message)
	setCondition(conds, gen, v1alpha1.ConditionConnectionNotReady, st.ConnectionNotReady.Failing, st.ConnectionNotReady.Reason, st.ConnectionNotReady.Message)
	setCondition(conds, gen, v1alpha1.ConditionExpiringSoon, st.ExpiringSoon.Failing, st.ExpiringSoon.Reason, st.ExpiringSoon.Message)
	pg.Status.ObservedGeneration = gen
}

// recordTransition emits an Event when Ready changes status or reason, and a
// Warning when a grant is first found not Ready. A grant first found Ready
// gets none: its condition says so, and an operator starting against
// thousands of grants would otherwise write one Event per grant beside its
// status patch, doubling the writes of a cold start.
func (r *PrefixGrantReconciler) recordTransition(before, after *v1alpha1.PrefixGrant, st grantstatus.Result) {
	old := meta.FindStatusCondition(before.Status.Conditions, v1alpha1.ConditionReady)
	if old == nil && st.Ready {
		return
	}
	if old != nil && (old.Status == metav1.ConditionTrue) == st.Ready && old.Reason == st.Reason {
		return
	}
	kind := corev1.EventTypeNormal
	if !st.Ready {
		kind = corev1.EventTypeWarning
	}
	r.Recorder.Eventf(after, nil, kind, st.Reason, "Reconcile", "%s", st.Message)
}

// SetupWithManager registers the reconciler: grants, plus the connections and
// namespaces their state depends on.
func (r *PrefixGrantReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		// Each reconcile is a few cached reads and one status patch; running
		// several at once keeps a cold start of thousands of grants short.
		WithOptions(controller.Options{MaxConcurrentReconciles: r.concurrency()}).
		For(&v1alpha1.PrefixGrant{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.S3Connection{}, handler.EnqueueRequestsFromMapFunc(r.grantsOfConnection),
			builder.WithPredicates(connectionStateChanged)).
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.grantsInNamespace),
			builder.WithPredicates(predicate.LabelChangedPredicate{})).
		Complete(r)
}

func (r *PrefixGrantReconciler) concurrency() int {
	if r.MaxConcurrentReconciles > 0 {
		return r.MaxConcurrentReconciles
	}
	return DefaultMaxConcurrentReconciles
}

// grantsOfConnection maps a connection to the grants that name it, and to the
// grants that name none when it is (or was) the default.
func (r *PrefixGrantReconciler) grantsOfConnection(ctx context.Context, o client.Object) []reconcile.Request {
	names := []string{o.GetName()}
	if c, ok := o.(*v1alpha1.S3Connection); ok && convert.IsDefault(c) {
		names = append(names, "")
	}
	var reqs []reconcile.Request
	for _, n := range names {
		list := &v1alpha1.PrefixGrantList{}
		// Only the names are read: no copy of every grant.
		if err := r.List(ctx, list, client.MatchingFields{indexGrantConnection: n}, client.UnsafeDisableDeepCopy); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "list grants of connection", "connection", n)
			continue
		}
		reqs = append(reqs, requestsFor(list.Items)...)
	}
	return reqs
}

func (r *PrefixGrantReconciler) grantsInNamespace(ctx context.Context, o client.Object) []reconcile.Request {
	list := &v1alpha1.PrefixGrantList{}
	if err := r.List(ctx, list, client.InNamespace(o.GetName()), client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list grants in namespace", "namespace", o.GetName())
		return nil
	}
	return requestsFor(list.Items)
}

func requestsFor(grants []v1alpha1.PrefixGrant) []reconcile.Request {
	reqs := make([]reconcile.Request, len(grants))
	for i := range grants {
		reqs[i] = reconcile.Request{NamespacedName: types.NamespacedName{Namespace: grants[i].Namespace, Name: grants[i].Name}}
	}
	return reqs
}

// connectionStateChanged passes the connection updates grants depend on:
// readiness, delegations (the spec) and the default annotation. Status-only
// updates such as lastCheckedTime would otherwise requeue every grant of the
// connection at every check.
var connectionStateChanged = updatedWhere(func(old, cur *v1alpha1.S3Connection) bool {
	return old.Generation != cur.Generation || grantstatus.ConnectionAuthorizes(old) != grantstatus.ConnectionAuthorizes(cur) ||
		readyReason(old) != readyReason(cur) || convert.IsDefault(old) != convert.IsDefault(cur)
})

func readyReason(c *v1alpha1.S3Connection) string {
	if cond := meta.FindStatusCondition(c.Status.Conditions, v1alpha1.ConditionReady); cond != nil {
		return cond.Reason
	}
	return ""
}
