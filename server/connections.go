package server

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/s3conn"
)

// Connections builds one objects.Service per S3Connection from a Kubernetes
// reader (the manager's cache) and keeps it while neither the connection
// nor a Secret or ConfigMap it reads changes (by resourceVersion).
type Connections struct {
	reader client.Reader
	opts   objects.Options

	mu    sync.Mutex
	cache map[string]cachedService
}

type cachedService struct {
	fingerprint string
	svc         *objects.Service
}

// NewConnections returns a resolver reading through r; every Service is
// built with opts.
func NewConnections(r client.Reader, opts objects.Options) *Connections {
	return &Connections{reader: r, opts: opts, cache: map[string]cachedService{}}
}

// Service returns the Service of connection name; it is an ObjectsResolver.
func (c *Connections) Service(ctx context.Context, name string) (*objects.Service, error) {
	conn := &v1alpha1.S3Connection{}
	if err := c.reader.Get(ctx, types.NamespacedName{Name: name}, conn); err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	fingerprint, err := c.fingerprint(ctx, conn)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	cached, ok := c.cache[name]
	c.mu.Unlock()
	if ok && cached.fingerprint == fingerprint {
		return cached.svc, nil
	}
	cfg, err := s3conn.Config(ctx, conn.Spec, s3conn.Sources{
		Secrets:    s3conn.ReaderFunc(c.secretValue),
		ConfigMaps: s3conn.ReaderFunc(c.configMapValue),
	})
	if err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	svc, err := objects.New(cfg, conn.Spec, name, c.opts)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.cache[name] = cachedService{fingerprint: fingerprint, svc: svc}
	c.mu.Unlock()
	return svc, nil
}

// Invalidate drops every Service's scoped credentials; call it whenever the
// index changes, since those credentials embed the caller's grants.
func (c *Connections) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cs := range c.cache {
		cs.svc.Invalidate()
	}
}

// fingerprint changes whenever the connection or an object it reads does.
func (c *Connections) fingerprint(ctx context.Context, conn *v1alpha1.S3Connection) (string, error) {
	parts := []string{conn.ResourceVersion}
	secrets, configMaps := referencedObjects(conn)
	for _, ref := range secrets {
		s := &corev1.Secret{}
		if err := c.reader.Get(ctx, ref, s); err != nil {
			return "", fmt.Errorf("connection %s: secret %s: %w", conn.Name, ref, err)
		}
		parts = append(parts, "s:"+ref.String()+"@"+s.ResourceVersion)
	}
	for _, ref := range configMaps {
		cm := &corev1.ConfigMap{}
		if err := c.reader.Get(ctx, ref, cm); err != nil {
			return "", fmt.Errorf("connection %s: configmap %s: %w", conn.Name, ref, err)
		}
		parts = append(parts, "c:"+ref.String()+"@"+cm.ResourceVersion)
	}
	return strings.Join(parts, ","), nil
}

// referencedObjects lists the Secrets and ConfigMaps a connection reads.
func referencedObjects(conn *v1alpha1.S3Connection) (secrets, configMaps []types.NamespacedName) {
	a := conn.Spec.Auth
	if a.AccessKey != nil {
		secrets = append(secrets, types.NamespacedName{Namespace: a.AccessKey.Namespace, Name: a.AccessKey.Name})
	}
	if a.AssumeRole != nil && a.AssumeRole.AccessKey != nil {
		secrets = append(secrets, types.NamespacedName{Namespace: a.AssumeRole.AccessKey.Namespace, Name: a.AssumeRole.AccessKey.Name})
	}
	if ca := conn.Spec.CABundle; ca != nil {
		if ca.SecretRef != nil {
			secrets = append(secrets, types.NamespacedName{Namespace: ca.SecretRef.Namespace, Name: ca.SecretRef.Name})
		}
		if ca.ConfigMapRef != nil {
			configMaps = append(configMaps, types.NamespacedName{Namespace: ca.ConfigMapRef.Namespace, Name: ca.ConfigMapRef.Name})
		}
	}
	sort.Slice(secrets, func(i, j int) bool { return secrets[i].String() < secrets[j].String() })
	return secrets, configMaps
}

func (c *Connections) secretValue(ctx context.Context, namespace, name, key string) ([]byte, error) {
	s := &corev1.Secret{}
	if err := c.reader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, s); err != nil {
		return nil, fmt.Errorf("secret %s/%s: %w", namespace, name, err)
	}
	v, ok := s.Data[key]
	if !ok {
		return nil, fmt.Errorf("secret %s/%s has no key %q", namespace, name, key)
	}
	return v, nil
}

func (c *Connections) configMapValue(ctx context.Context, namespace, name, key string) ([]byte, error) {
	cm := &corev1.ConfigMap{}
	if err := c.reader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cm); err != nil {
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

// GrantsFrom returns a GrantLookup reading PrefixGrants through r.
func GrantsFrom(r client.Reader) GrantLookup {
	return func(ctx context.Context, id string) (grant.Grant, error) {
		ns, name, ok := strings.Cut(id, "/")
		if !ok {
			return grant.Grant{}, fmt.Errorf("grant ID %q is not namespace/name", id)
		}
		pg := &v1alpha1.PrefixGrant{}
		if err := r.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, pg); err != nil {
			if apierrors.IsNotFound(err) {
				return grant.Grant{}, fmt.Errorf("%s: %w", id, ErrGrantGone)
			}
			return grant.Grant{}, fmt.Errorf("grant %s: %w", id, err)
		}
		if !pg.DeletionTimestamp.IsZero() {
			return grant.Grant{}, fmt.Errorf("%s: %w", id, ErrGrantGone)
		}
		g, err := convert.Grant(pg)
		if err != nil {
			return grant.Grant{}, errors.Join(fmt.Errorf("grant %s", id), err)
		}
		return g, nil
	}
}
