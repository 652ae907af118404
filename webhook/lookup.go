package webhook

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// get reads one object, from the cache and then, if the cache has not seen
// it, from the API server. found is false when neither has it.
func (r Readers) get(ctx context.Context, key client.ObjectKey, obj client.Object) (found bool, err error) {
	err = r.Cached.Get(ctx, key, obj)
	if apierrors.IsNotFound(err) && r.Live != nil {
		err = r.Live.Get(ctx, key, obj)
	}
	switch {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read %T %s: %w", obj, key, err)
	}
	return true, nil
}

// connection reads the S3Connection name.
func (r Readers) connection(ctx context.Context, name string) (*v1alpha1.S3Connection, bool, error) {
	c := &v1alpha1.S3Connection{}
	found, err := r.get(ctx, client.ObjectKey{Name: name}, c)
	return c, found, err
}

// namespace reads the Namespace name.
func (r Readers) namespace(ctx context.Context, name string) (*corev1.Namespace, bool, error) {
	ns := &corev1.Namespace{}
	found, err := r.get(ctx, client.ObjectKey{Name: name}, ns)
	return ns, found, err
}

// defaultConnections returns the names of the S3Connections annotated as the
// default, sorted. It reads live when it can: a cache a moment behind could
// default a grant to the connection that was the default before, or let a
// second default in. Connections are few, and these requests rare.
func (r Readers) defaultConnections(ctx context.Context) ([]string, error) {
	reader := r.Live
	if reader == nil {
		reader = r.Cached
	}
	var list v1alpha1.S3ConnectionList
	if err := reader.List(ctx, &list); err != nil {
		return nil, fmt.Errorf("list S3Connections: %w", err)
	}
	var names []string
	for i := range list.Items {
		if isDefault(&list.Items[i]) {
			names = append(names, list.Items[i].Name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// isDefault reports whether c is annotated as the default connection.
func isDefault(c *v1alpha1.S3Connection) bool {
	return c.Annotations[v1alpha1.DefaultConnectionAnnotation] == "true"
}
