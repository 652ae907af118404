package controllers

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/connsource"
)

// RegisterIndexes adds the cache field indexes the reconcilers list by. Call
// it once per manager, before setting up reconcilers.
func RegisterIndexes(ctx context.Context, mgr ctrl.Manager) error {
	err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.PrefixGrant{}, indexGrantConnection, func(o client.Object) []string {
		return []string{o.(*v1alpha1.PrefixGrant).Spec.Connection}
	})
	if err != nil {
		return fmt.Errorf("index grants by connection: %w", err)
	}
	return registerConnectionIndexes(ctx, mgr)
}

// Field indexes of S3Connections by the objects they read, as "namespace/name".
const (
	indexConnectionSecret    = "spec.secretRefs"
	indexConnectionConfigMap = "spec.configMapRefs"
)

func registerConnectionIndexes(ctx context.Context, mgr ctrl.Manager) error {
	for index, refs := range map[string]func(*v1alpha1.S3Connection) []types.NamespacedName{
		indexConnectionSecret:    connsource.SecretRefs,
		indexConnectionConfigMap: connsource.ConfigMapRefs,
	} {
		err := mgr.GetFieldIndexer().IndexField(ctx, &v1alpha1.S3Connection{}, index, func(o client.Object) []string {
			var keys []string
			for _, ref := range refs(o.(*v1alpha1.S3Connection)) {
				keys = append(keys, ref.String())
			}
			return keys
		})
		if err != nil {
			return fmt.Errorf("index connections by %s: %w", index, err)
		}
	}
	return nil
}

// Options configure the reconcilers.
type Options struct {
	// OperatorNamespace may grant anything and holds the policy ConfigMaps.
	OperatorNamespace string
	// ExpiryWarning is how long before validUntil a grant turns
	// ExpiringSoon: zero means grantstatus.DefaultExpiryWarning (14 days),
	// a negative value turns the warning off.
	ExpiryWarning time.Duration
	// MaxConcurrentReconciles is how many PrefixGrants are reconciled at
	// once; zero takes DefaultMaxConcurrentReconciles.
	MaxConcurrentReconciles int
}

// Setup registers the field indexes and the reconcilers. They run only
// on the elected leader.
func Setup(ctx context.Context, mgr ctrl.Manager, opts Options) error {
	if err := RegisterIndexes(ctx, mgr); err != nil {
		return err
	}
	rec := mgr.GetEventRecorder("s3am-operator")
	if err := (&PrefixGrantReconciler{Client: mgr.GetClient(), Recorder: rec, OperatorNamespace: opts.OperatorNamespace,
		ExpiryWarning: expiryWarning(opts.ExpiryWarning), MaxConcurrentReconciles: opts.MaxConcurrentReconciles}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("prefixgrant controller: %w", err)
	}
	if err := (&S3ConnectionReconciler{Client: mgr.GetClient(), Recorder: rec, OperatorNamespace: opts.OperatorNamespace}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("s3connection controller: %w", err)
	}
	if err := (&AccessLinkReconciler{Client: mgr.GetClient()}).SetupWithManager(mgr); err != nil {
		return err
	}
	return nil
}
