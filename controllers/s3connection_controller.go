package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/convert"
)

// Finalizer lets the S3Connection controller remove the IAM policies it
// applied before the connection goes away.
const Finalizer = "s3am.io/applied-policy"

// defaultCheckInterval is how often Test Connection and the drift check run
// when the spec does not say.
const defaultCheckInterval = 5 * time.Minute

// S3ConnectionReconciler tests each connection's credentials, generates its
// policy from its Ready grants, publishes it in a ConfigMap and, in IAM mode
// Apply, writes it to the role or user, repairing drift.
type S3ConnectionReconciler struct {
	client.Client
	Recorder          events.EventRecorder
	OperatorNamespace string

	checks credentialChecks
	// policyCosts space the regenerations of a connection's policy by
	// what the last one took.
	policyCosts policyCosts
}

// +kubebuilder:rbac:groups=s3am.io,resources=s3connections,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=s3am.io,resources=s3connections/status,verbs=get;patch
// +kubebuilder:rbac:groups=s3am.io,resources=s3connections/finalizers,verbs=update
// +kubebuilder:rbac:groups=s3am.io,resources=prefixgrants,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch
// +kubebuilder:rbac:groups="",namespace=s3am-system,resources=configmaps,verbs=create;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings one connection in line and patches its status once.
func (r *S3ConnectionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	conn := &v1alpha1.S3Connection{}
	if err := r.Get(ctx, req.NamespacedName, conn); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.checks.forget(req.Name)
			r.policyCosts.forget(req.Name)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !conn.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.reconcileDelete(ctx, conn)
	}
	if err := r.addFinalizer(ctx, conn); err != nil {
		return ctrl.Result{}, err
	}
	base := conn.DeepCopy()
	defer func() {
		retErr = errors.Join(retErr, patchStatus(ctx, r.Client, "s3connection", base, conn, func(o *v1alpha1.S3Connection) any { return o.Status }))
	}()

	cfg, credsOK := r.reconcileCredentials(ctx, conn)
	setReady(conn, credsOK)
	if err := r.reconcilePolicy(ctx, conn, cfg, credsOK); err != nil {
		return ctrl.Result{}, err
	}
	conn.Status.ObservedGeneration = conn.Generation
	return ctrl.Result{RequeueAfter: wait.Jitter(checkInterval(conn), 0.1)}, nil
}

// setReady: a connection authorizes when it is not suspended and its
// credentials work. PolicyApplied does not count: grants must not depend on
// the policy they produce, or a too-large policy would flap them.
func setReady(conn *v1alpha1.S3Connection, credsOK bool) {
	switch {
	case conn.Spec.Suspend:
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionReady, false, v1alpha1.ReasonSuspended,
			"connection is suspended; its grants do not authorize")
	case !credsOK:
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionReady, false, v1alpha1.ReasonCredentialsInvalid,
			"Test Connection failed; see the CredentialsValid condition")
	default:
		setCondition(&conn.Status.Conditions, conn.Generation, v1alpha1.ConditionReady, true, v1alpha1.ReasonReady,
			"credentials work; grants on this connection authorize")
	}
}

func checkInterval(conn *v1alpha1.S3Connection) time.Duration {
	if d := conn.Spec.CheckInterval; d != nil && d.Duration > 0 {
		return d.Duration
	}
	return defaultCheckInterval
}

func (r *S3ConnectionReconciler) addFinalizer(ctx context.Context, conn *v1alpha1.S3Connection) error {
	if controllerutil.ContainsFinalizer(conn, Finalizer) {
		return nil
	}
	patch := client.MergeFrom(conn.DeepCopy())
	controllerutil.AddFinalizer(conn, Finalizer)
	if err := r.Patch(ctx, conn, patch); err != nil {
		return fmt.Errorf("add finalizer: %w", err)
	}
	return nil
}

// reconcileDelete removes what Apply mode wrote, then the finalizer. The
// policy ConfigMap goes with its owner.
func (r *S3ConnectionReconciler) reconcileDelete(ctx context.Context, conn *v1alpha1.S3Connection) error {
	if !controllerutil.ContainsFinalizer(conn, Finalizer) {
		return nil
	}
	if applyMode(conn) {
		if err := r.removeApplied(ctx, conn); err != nil {
			r.Recorder.Eventf(conn, nil, corev1.EventTypeWarning, v1alpha1.ReasonPolicyApplyFailed, "Delete",
				"could not remove the applied policy; retrying: %v", err)
			return err
		}
	}
	r.checks.forget(conn.Name)
	patch := client.MergeFrom(conn.DeepCopy())
	controllerutil.RemoveFinalizer(conn, Finalizer)
	if err := client.IgnoreNotFound(r.Patch(ctx, conn, patch)); err != nil {
		return fmt.Errorf("remove finalizer: %w", err)
	}
	return nil
}

func (r *S3ConnectionReconciler) removeApplied(ctx context.Context, conn *v1alpha1.S3Connection) error {
	cfg, err := r.awsConfig(ctx, conn)
	if err != nil {
		return err
	}
	target, err := newPolicyTarget(cfg, conn)
	if err != nil {
		return err
	}
	known := 0
	if conn.Status.Policy != nil {
		known = int(conn.Status.Policy.Documents)
	}
	return target.Remove(ctx, known)
}

// SetupWithManager registers the reconciler: connections, the Secrets and
// ConfigMaps they read, the grants whose readiness shapes their policy, and
// the policy ConfigMaps they own.
func (r *S3ConnectionReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		// The reconciler's own status patches must not queue it again: at a
		// cold start each regeneration would start the next at once.
		For(&v1alpha1.S3Connection{}, builder.WithPredicates(notStatusOnly)).
		// Its own ConfigMap patch, too, waits like a grant change, so a
		// burst of grant changes is spaced regenerations, not a loop.
		Watches(&corev1.ConfigMap{}, enqueueAfter(r.policyCosts.delay, r.ownerOfPolicy)).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.connectionsReading(indexConnectionSecret)),
			builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		Watches(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(r.connectionsReading(indexConnectionConfigMap))).
		Watches(&v1alpha1.PrefixGrant{}, enqueueAfter(r.policyCosts.delay, r.connectionOfGrant),
			builder.WithPredicates(grantPolicyInputChanged)).
		Complete(r)
}

// notStatusOnly passes every event but an update that changed only the
// status: metadata (finalizers, deletion, the default annotation) and the
// spec (the generation) count.
var notStatusOnly = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		o, n := e.ObjectOld, e.ObjectNew
		if o == nil || n == nil {
			return true
		}
		return o.GetGeneration() != n.GetGeneration() ||
			!o.GetDeletionTimestamp().Equal(n.GetDeletionTimestamp()) ||
			!equality.Semantic.DeepEqual(o.GetFinalizers(), n.GetFinalizers()) ||
			!equality.Semantic.DeepEqual(o.GetAnnotations(), n.GetAnnotations()) ||
			!equality.Semantic.DeepEqual(o.GetLabels(), n.GetLabels()) ||
			!equality.Semantic.DeepEqual(o.GetOwnerReferences(), n.GetOwnerReferences())
	},
}

// grantPolicyInputChanged passes the grant updates that can change a
// connection's policy: the spec (the generation), being deleted, and the
// Ready condition's status or generation. A status message or ExpiringSoon
// leaves the policy as it was.
var grantPolicyInputChanged = updatedWhere(func(old, cur *v1alpha1.PrefixGrant) bool {
	return old.Generation != cur.Generation || !old.DeletionTimestamp.Equal(cur.DeletionTimestamp) ||
		readyState(old) != readyState(cur)
})

// readyState is what the policy reads of a grant's Ready condition.
func readyState(pg *v1alpha1.PrefixGrant) metav1.Condition {
	if c := meta.FindStatusCondition(pg.Status.Conditions, v1alpha1.ConditionReady); c != nil {
		return metav1.Condition{Status: c.Status, ObservedGeneration: c.ObservedGeneration}
	}
	return metav1.Condition{}
}

// ownerOfPolicy maps a policy ConfigMap to the connection that owns it.
func (r *S3ConnectionReconciler) ownerOfPolicy(_ context.Context, o client.Object) []reconcile.Request {
	if o.GetNamespace() != r.OperatorNamespace {
		return nil
	}
	ref := metav1.GetControllerOf(o)
	if ref == nil || ref.Kind != "S3Connection" || ref.APIVersion != v1alpha1.GroupVersion.String() {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: ref.Name}}}
}

func (r *S3ConnectionReconciler) connectionsReading(index string) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		list := &v1alpha1.S3ConnectionList{}
		key := o.GetNamespace() + "/" + o.GetName()
		if err := r.List(ctx, list, client.MatchingFields{index: key}); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "list connections reading object", "object", key)
			return nil
		}
		reqs := make([]reconcile.Request, len(list.Items))
		for i := range list.Items {
			reqs[i] = reconcile.Request{NamespacedName: types.NamespacedName{Name: list.Items[i].Name}}
		}
		return reqs
	}
}

// connectionOfGrant maps a grant to its connection; a grant naming none maps
// to every default connection.
func (r *S3ConnectionReconciler) connectionOfGrant(ctx context.Context, o client.Object) []reconcile.Request {
	pg := o.(*v1alpha1.PrefixGrant)
	if pg.Spec.Connection != "" {
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: pg.Spec.Connection}}}
	}
	list := &v1alpha1.S3ConnectionList{}
	if err := r.List(ctx, list); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list connections")
		return nil
	}
	var reqs []reconcile.Request
	for i := range list.Items {
		if convert.IsDefault(&list.Items[i]) {
			reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Name: list.Items[i].Name}})
		}
	}
	return reqs
}
