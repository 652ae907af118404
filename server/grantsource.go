package server

import (
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// grantSourceTimeout bounds one read of the grants from the cache.
const grantSourceTimeout = 10 * time.Second

// ReadyGrantsFrom returns the objects.GrantSource of scoped credentials: the
// grants the index holds (grantstatus.Authorizing), read through r (the
// manager's cache, so it does not block on the API server). A failed read
// yields no grants, so scoped credentials allow nothing rather than too
// much.
func ReadyGrantsFrom(r client.Reader) objects.GrantSource {
	return func() []grant.Grant {
		ctx, cancel := context.WithTimeout(context.Background(), grantSourceTimeout)
		defer cancel()
		grants, _, err := grantstatus.ListAuthorizing(ctx, r, time.Now())
		if err != nil {
			return nil
		}
		return grants
	}
}
