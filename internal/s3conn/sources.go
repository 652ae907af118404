package s3conn

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
)

// Default Secret keys of an access key pair, as the CRD defaults them.
const (
	DefaultAccessKeyIDKey     = "accessKeyID"
	DefaultSecretAccessKeyKey = "secretAccessKey"
)

// SecretReader returns the value of one key of a Secret. The controller
// implements it on top of its client; errors should wrap the client's, so a
// missing Secret stays recognisable (apierrors.IsNotFound) through Config.
type SecretReader interface {
	Get(ctx context.Context, namespace, name, key string) ([]byte, error)
}

// ConfigMapReader returns the value of one key of a ConfigMap (data or
// binaryData), for CA bundles kept in ConfigMaps.
type ConfigMapReader interface {
	Get(ctx context.Context, namespace, name, key string) ([]byte, error)
}

// ReaderFunc adapts a function to SecretReader and ConfigMapReader.
type ReaderFunc func(ctx context.Context, namespace, name, key string) ([]byte, error)

// Get calls f.
func (f ReaderFunc) Get(ctx context.Context, namespace, name, key string) ([]byte, error) {
	return f(ctx, namespace, name, key)
}

// Sources is how Config reads the objects a spec refers to. ConfigMaps is
// only needed for caBundle.configMapRef, Secrets for keys and
// caBundle.secretRef.
type Sources struct {
	Secrets    SecretReader
	ConfigMaps ConfigMapReader
}

// errNoReader means a spec refers to an object kind Sources cannot read.
var errNoReader = errors.New("no reader configured")

// ReadKeys reads an access key pair from the Secret ref names. A trailing
// newline, which `kubectl create secret --from-file` keeps, is dropped.
func ReadKeys(ctx context.Context, ref v1alpha1.SecretKeysRef, secrets SecretReader) (Credentials, error) {
	idKey := orDefault(ref.AccessKeyIDKey, DefaultAccessKeyIDKey)
	secretKey := orDefault(ref.SecretAccessKeyKey, DefaultSecretAccessKeyKey)
	id, err := readSecretValue(ctx, secrets, ref.Namespace, ref.Name, idKey)
	if err != nil {
		return Credentials{}, err
	}
	secret, err := readSecretValue(ctx, secrets, ref.Namespace, ref.Name, secretKey)
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{AccessKeyID: id, SecretAccessKey: secret}, nil
}

func readSecretValue(ctx context.Context, secrets SecretReader, namespace, name, key string) (string, error) {
	if secrets == nil {
		return "", fmt.Errorf("secret %s/%s: %w", namespace, name, errNoReader)
	}
	b, err := secrets.Get(ctx, namespace, name, key)
	if err != nil {
		return "", fmt.Errorf("secret %s/%s key %q: %w", namespace, name, key, err)
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", fmt.Errorf("secret %s/%s key %q is empty", namespace, name, key)
	}
	return v, nil
}

// readCABundle returns the PEM bytes a caBundle source points at.
func readCABundle(ctx context.Context, src v1alpha1.CABundleSource, sources Sources) ([]byte, error) {
	switch {
	case src.SecretRef != nil && src.ConfigMapRef != nil:
		return nil, errors.New("caBundle has both secretRef and configMapRef")
	case src.SecretRef != nil:
		return readCABundleKey(ctx, "secret", sources.Secrets, src.SecretRef)
	case src.ConfigMapRef != nil:
		return readCABundleKey(ctx, "configmap", sources.ConfigMaps, src.ConfigMapRef)
	default:
		return nil, errors.New("caBundle needs secretRef or configMapRef")
	}
}

// readCABundleKey reads the key r of a Secret or a ConfigMap (kind) through
// reader, which both SecretReader and ConfigMapReader are.
func readCABundleKey(ctx context.Context, kind string, reader interface {
	Get(ctx context.Context, namespace, name, key string) ([]byte, error)
}, r *v1alpha1.ObjectKeyRef) ([]byte, error) {
	if reader == nil {
		return nil, fmt.Errorf("caBundle %s %s/%s: %w", kind, r.Namespace, r.Name, errNoReader)
	}
	b, err := reader.Get(ctx, r.Namespace, r.Name, r.Key)
	if err != nil {
		return nil, fmt.Errorf("caBundle %s %s/%s key %q: %w", kind, r.Namespace, r.Name, r.Key, err)
	}
	return b, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
