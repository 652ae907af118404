// Package connsource reads what an S3Connection refers to — the Secrets with
// its keys and the Secret or ConfigMap with its CA bundle — through a
// Kubernetes reader, so that the controller and the server build the same
// aws-sdk-go-v2 configuration from the same objects.
package connsource

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/s3conn"
)

// SecretRefs lists the Secrets the connection reads, sorted.
func SecretRefs(conn *v1alpha1.S3Connection) []types.NamespacedName {
	var refs []types.NamespacedName
	a := conn.Spec.Auth
	if a.AccessKey != nil {
		refs = append(refs, types.NamespacedName{Namespace: a.AccessKey.Namespace, Name: a.AccessKey.Name})
	}
	if a.AssumeRole != nil && a.AssumeRole.AccessKey != nil {
		refs = append(refs, types.NamespacedName{Namespace: a.AssumeRole.AccessKey.Namespace, Name: a.AssumeRole.AccessKey.Name})
	}
	if ca := conn.Spec.CABundle; ca != nil && ca.SecretRef != nil {
		refs = append(refs, types.NamespacedName{Namespace: ca.SecretRef.Namespace, Name: ca.SecretRef.Name})
	}
	slices.SortFunc(refs, func(a, b types.NamespacedName) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(refs)
}

// ConfigMapRefs lists the ConfigMaps the connection reads.
func ConfigMapRefs(conn *v1alpha1.S3Connection) []types.NamespacedName {
	if ca := conn.Spec.CABundle; ca != nil && ca.ConfigMapRef != nil {
		return []types.NamespacedName{{Namespace: ca.ConfigMapRef.Namespace, Name: ca.ConfigMapRef.Name}}
	}
	return nil
}

// Fingerprint changes whenever one of the objects the connection reads
// changes (by resourceVersion). Callers add the connection's own version:
// its generation for what depends on the spec, its resourceVersion for what
// depends on anything.
func Fingerprint(ctx context.Context, r client.Reader, conn *v1alpha1.S3Connection) (string, error) {
	var parts []string
	for _, ref := range SecretRefs(conn) {
		// Only the resourceVersion is read: no deep copy of the data.
		s := &corev1.Secret{}
		if err := r.Get(ctx, ref, s, client.UnsafeDisableDeepCopy); err != nil {
			return "", fmt.Errorf("connection %s: secret %s: %w", conn.Name, ref, err)
		}
		parts = append(parts, "secret:"+ref.String()+"@"+s.ResourceVersion)
	}
	for _, ref := range ConfigMapRefs(conn) {
		cm := &corev1.ConfigMap{}
		if err := r.Get(ctx, ref, cm, client.UnsafeDisableDeepCopy); err != nil {
			return "", fmt.Errorf("connection %s: configmap %s: %w", conn.Name, ref, err)
		}
		parts = append(parts, "configmap:"+ref.String()+"@"+cm.ResourceVersion)
	}
	return strings.Join(parts, ","), nil
}

// Config builds the connection's aws-sdk-go-v2 configuration, reading its
// Secrets and ConfigMaps through r.
func Config(ctx context.Context, r client.Reader, conn *v1alpha1.S3Connection) (aws.Config, error) {
	cfg, err := s3conn.Config(ctx, conn.Spec, s3conn.Sources{
		Secrets:    s3conn.ReaderFunc(reader{r}.secretValue),
		ConfigMaps: s3conn.ReaderFunc(reader{r}.configMapValue),
	})
	if err != nil {
		return aws.Config{}, fmt.Errorf("connection %s: %w", conn.Name, err)
	}
	return cfg, nil
}

type reader struct{ client.Reader }

func (r reader) secretValue(ctx context.Context, namespace, name, key string) ([]byte, error) {
	s := &corev1.Secret{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, s); err != nil {
		return nil, fmt.Errorf("secret %s/%s: %w", namespace, name, err)
	}
	v, ok := s.Data[key]
	if !ok {
		return nil, fmt.Errorf("secret %s/%s has no key %q", namespace, name, key)
	}
	return v, nil
}

func (r reader) configMapValue(ctx context.Context, namespace, name, key string) ([]byte, error) {
	cm := &corev1.ConfigMap{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cm); err != nil {
		return nil, fmt.Errorf("configmap %s/%s: %w", namespace, name, err)
	}
	if v, ok := cm.Data[key]; ok {
		return []byte(v), nil
	}
	if v, ok := cm.BinaryData[key]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("configmap %s/%s has no key %q", namespace, name, key)
}
