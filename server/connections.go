package server

import (
	"context"
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/connsource"
	"github.com/s3am/s3-access-manager/internal/objects"
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
	conn := connBuffers.Get().(*v1alpha1.S3Connection)
	defer func() {
		// Nothing of conn outlives the call (objects.New copies the spec);
		// clearing it lets the cache's object go when the cache drops it.
		*conn = v1alpha1.S3Connection{}
		connBuffers.Put(conn)
	}()
	// Every request resolves its connection: read the cached object without
	// a deep copy (it is only read, and the cache never mutates it).
	if err := c.reader.Get(ctx, types.NamespacedName{Name: name}, conn, client.UnsafeDisableDeepCopy); err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	inputs, err := connsource.Fingerprint(ctx, c.reader, conn)
	if err != nil {
		return nil, err
	}
	fingerprint := conn.ResourceVersion + "," + inputs
	c.mu.Lock()
	cached, ok := c.cache[name]
	c.mu.Unlock()
	if ok && cached.fingerprint == fingerprint {
		return cached.svc, nil
	}
	cfg, err := connsource.Config(ctx, c.reader, conn)
	if err != nil {
		return nil, err
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

// connBuffers recycles the S3Connection each request reads its connection
// into.
var connBuffers = sync.Pool{New: func() any { return &v1alpha1.S3Connection{} }}

// Invalidate drops every Service's scoped credentials; call it whenever the
// index changes, since those credentials embed the caller's grants.
func (c *Connections) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cs := range c.cache {
		cs.svc.Invalidate()
	}
}
