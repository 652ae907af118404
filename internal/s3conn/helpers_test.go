package s3conn_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

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

// isolateAWSEnv hides the developer's AWS settings from the default chain,
// so that tests see only what they set.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_CA_BUNDLE", "AWS_ROLE_ARN",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
	} {
		t.Setenv(v, "")
	}
}
