package s3conn_test

import (
	"context"
	"fmt"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/s3conn"
)

// objects is an in-memory store of Secret or ConfigMap keys, keyed
// "namespace/name/key", standing in for the controller's API reads.
type objects map[string]string

func (o objects) Get(_ context.Context, namespace, name, key string) ([]byte, error) {
	v, ok := o[namespace+"/"+name+"/"+key]
	if !ok {
		return nil, fmt.Errorf("%s/%s key %s: %w", namespace, name, key, errNotFound)
	}
	return []byte(v), nil
}

var errNotFound = fmt.Errorf("not found")

// keysSecret returns a Secret store holding one key pair under the CRD's
// default keys, and a ref to it.
func keysSecret(id, secret string) (objects, *v1alpha1.SecretKeysRef) {
	return objects{
			"ops/s3-keys/" + s3conn.DefaultAccessKeyIDKey:     id,
			"ops/s3-keys/" + s3conn.DefaultSecretAccessKeyKey: secret,
		}, &v1alpha1.SecretKeysRef{
			Namespace: "ops", Name: "s3-keys",
		}
}
