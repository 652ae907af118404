package grantstatus

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/grant"
)

// Authorizing returns the grant as an authorization index holds it, with its
// connection resolved, and whether it authorizes at now: Ready for its
// current generation, not being deleted, and inside its validity window. The
// window is checked here too, so a grant stops authorizing at validUntil
// even before the controller has marked it Expired.
func Authorizing(pg *v1alpha1.PrefixGrant, conns []v1alpha1.S3Connection, now time.Time) (grant.Grant, bool) {
	ready := meta.FindStatusCondition(pg.Status.Conditions, v1alpha1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue || ready.ObservedGeneration != pg.Generation || !pg.DeletionTimestamp.IsZero() {
		return grant.Grant{}, false
	}
	if Validity(pg, now).Failing {
		return grant.Grant{}, false
	}
	name, err := convert.ResolveConnection(pg, conns)
	if err != nil {
		return grant.Grant{}, false
	}
	// A shallow copy: convert.Grant only reads, and a deep copy of every
	// grant was most of the cost of regenerating a connection's policy.
	resolved := *pg
	resolved.Spec.Connection = name
	g, err := convert.Grant(&resolved)
	return g, err == nil
}

// AuthorizingGrants returns the grants among pgs that authorize at now (see
// Authorizing).
func AuthorizingGrants(pgs []v1alpha1.PrefixGrant, conns []v1alpha1.S3Connection, now time.Time) []grant.Grant {
	var out []grant.Grant
	for i := range pgs {
		if g, ok := Authorizing(&pgs[i], conns, now); ok {
			out = append(out, g)
		}
	}
	return out
}

// ConnectionAuthorizes reports whether grants on a connection may authorize:
// it is Ready for its current generation and not suspended.
func ConnectionAuthorizes(c *v1alpha1.S3Connection) bool {
	cond := meta.FindStatusCondition(c.Status.Conditions, v1alpha1.ConditionReady)
	return !c.Spec.Suspend && cond != nil && cond.Status == metav1.ConditionTrue && cond.ObservedGeneration == c.Generation
}

// List lists every PrefixGrant and S3Connection through r (a client, or the
// manager's cache).
func List(ctx context.Context, r client.Reader) ([]v1alpha1.PrefixGrant, []v1alpha1.S3Connection, error) {
	grants := &v1alpha1.PrefixGrantList{}
	conns := &v1alpha1.S3ConnectionList{}
	if err := r.List(ctx, grants); err != nil {
		return nil, nil, fmt.Errorf("list prefixgrants: %w", err)
	}
	if err := r.List(ctx, conns); err != nil {
		return nil, nil, fmt.Errorf("list s3connections: %w", err)
	}
	return grants.Items, conns.Items, nil
}

// ListAuthorizing lists every PrefixGrant and S3Connection through r and
// returns the grants that authorize at now, and the connections.
func ListAuthorizing(ctx context.Context, r client.Reader, now time.Time) ([]grant.Grant, []v1alpha1.S3Connection, error) {
	grants, conns, err := List(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	return AuthorizingGrants(grants, conns, now), conns, nil
}
