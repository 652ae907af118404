package app

import (
	"context"
	"fmt"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/server"
)

// Feed is an authorization index kept in step with a manager's informer
// cache by a controllers.IndexFeeder, which needs no leader election.
type Feed struct {
	// Index decides every request.
	Index *authz.Index
	// Feeder keeps Index current; its ReadyzCheck fails until Index synced.
	Feeder *controllers.IndexFeeder
	// Cache reads through the manager's informers.
	Cache client.Client
	// Indexer is the cache's field indexer and Reader the manager's
	// uncached reader, for the server's AccessLinks.
	Indexer client.FieldIndexer
	Reader  client.Reader
	// config is the manager's, for the clients a server needs besides the
	// cache (TokenReview).
	config *rest.Config
	// connections are the current server's: every change of the index
	// drops the credentials they scoped to the grants it held.
	connections atomic.Pointer[server.Connections]
}

// NewFeed registers a new index and its feeder on mgr; they start with it.
func NewFeed(mgr ctrl.Manager) (*Feed, error) {
	f := &Feed{Index: authz.New(), Cache: mgr.GetClient(), Indexer: mgr.GetFieldIndexer(), Reader: mgr.GetAPIReader(), config: mgr.GetConfig()}
	f.Feeder = &controllers.IndexFeeder{Client: mgr.GetClient(), Index: f.Index, OnChange: func() {
		if c := f.connections.Load(); c != nil {
			c.Invalidate()
		}
	}}
	if err := f.Feeder.SetupWithManager(mgr); err != nil {
		return nil, err
	}
	if err := watchConnectionInputs(mgr); err != nil {
		return nil, err
	}
	return f, nil
}

// watchConnectionInputs registers the informers of the Secrets and
// ConfigMaps that connections read before the manager starts. The cache
// would otherwise start each on the first request that needs it, and that
// request would wait for a list from the API server: while the API server
// is down, every request of a server that had not yet read a Secret hung
// until its deadline. Registered now, they sync with the other caches
// before the feeder (and so readiness) starts, and are served from memory
// when the API server goes away.
func watchConnectionInputs(mgr ctrl.Manager) error {
	for _, obj := range []client.Object{&corev1.Secret{}, &corev1.ConfigMap{}} {
		if _, err := mgr.GetCache().GetInformer(context.Background(), obj); err != nil {
			return fmt.Errorf("watch %T: %w", obj, err)
		}
	}
	return nil
}
