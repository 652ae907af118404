package controllers

import (
	"context"
	"fmt"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
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
	return nil
}
