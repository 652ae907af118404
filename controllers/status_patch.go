package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// patchStatus writes obj's status as a merge patch from base, and nothing
// when status(obj) is what it was: most reconciles change nothing, and a
// cold start of thousands of objects must not write each one again. An
// object deleted meanwhile has no status left to write.
func patchStatus[T client.Object](ctx context.Context, c client.Client, kind string, base, obj T, status func(T) any) error {
	if equality.Semantic.DeepEqual(status(base), status(obj)) {
		return nil
	}
	if err := c.Status().Patch(ctx, obj, client.MergeFrom(base)); err != nil && !apierrors.IsNotFound(err) {
		name := obj.GetName()
		if ns := obj.GetNamespace(); ns != "" {
			name = ns + "/" + name
		}
		return fmt.Errorf("patch status of %s %s: %w", kind, name, err)
	}
	return nil
}
