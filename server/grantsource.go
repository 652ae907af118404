package server

import (
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// grantSourceTimeout bounds one read of the grants from the cache.
const grantSourceTimeout = 10 * time.Second

// ReadyGrantsFrom returns the objects.GrantSource of scoped credentials: the
// grants the index holds (controllers.IndexedGrant), read through r (the
// manager's cache, so it does not block on the API server). A failed read
// yields no grants, so scoped credentials allow nothing rather than too
// much.
func ReadyGrantsFrom(r client.Reader) objects.GrantSource {
	return func() []grant.Grant {
		ctx, cancel := context.WithTimeout(context.Background(), grantSourceTimeout)
		defer cancel()
		pgs := &v1alpha1.PrefixGrantList{}
		conns := &v1alpha1.S3ConnectionList{}
		if r.List(ctx, pgs) != nil || r.List(ctx, conns) != nil {
			return nil
		}
		now := time.Now()
		var out []grant.Grant
		for i := range pgs.Items {
			if g, ok := controllers.IndexedGrant(&pgs.Items[i], conns.Items, now); ok {
				out = append(out, g)
			}
		}
		return out
	}
}
