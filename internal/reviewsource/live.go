package reviewsource

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
)

// Read lists the grants and connections through r (a client or the
// manager's cache) and returns their entries at now.
func Read(ctx context.Context, r client.Reader, now time.Time) ([]accessreview.Entry, error) {
	grants, conns, err := grantstatus.List(ctx, r)
	if err != nil {
		return nil, err
	}
	return Live(grants, conns, now), nil
}

// Live returns the entries of grants as the servers see them at now: a grant
// is in effect when the index holds it (grantstatus.Authorizing) and its
// connection is Ready, exactly what Decide needs to allow.
func Live(grants []v1alpha1.PrefixGrant, conns []v1alpha1.S3Connection, now time.Time) []accessreview.Entry {
	byName := make(map[string]*v1alpha1.S3Connection, len(conns))
	for i := range conns {
		byName[conns[i].Name] = &conns[i]
	}
	out := make([]accessreview.Entry, 0, len(grants))
	for i := range grants {
		out = append(out, liveEntry(&grants[i], conns, byName, now))
	}
	return out
}

func liveEntry(pg *v1alpha1.PrefixGrant, conns []v1alpha1.S3Connection, byName map[string]*v1alpha1.S3Connection, now time.Time) accessreview.Entry {
	resolved := pg.DeepCopy()
	if name, err := convert.ResolveConnection(pg, conns); err == nil {
		resolved.Spec.Connection = name
	}
	e := baseEntry(resolved)
	ready := meta.FindStatusCondition(pg.Status.Conditions, v1alpha1.ConditionReady)
	if ready != nil {
		e.LastTransition = ready.LastTransitionTime.Time
	}
	validity := grantstatus.Validity(pg, now)
	e.ExpiringSoon = meta.IsStatusConditionTrue(pg.Status.Conditions, v1alpha1.ConditionExpiringSoon) && !validity.Failing
	_, indexed := grantstatus.Authorizing(pg, conns, now)
	conn := byName[resolved.Spec.Connection]
	switch {
	case !pg.DeletionTimestamp.IsZero():
		e.Status, e.Message = accessreview.StatusDeleting, "the grant is being deleted"
	case validity.Failing:
		// Whatever the operator has recorded yet: the index stops at the
		// boundary too.
		e.Status, e.Message = validity.Reason, validity.Message
	case ready == nil || ready.ObservedGeneration != pg.Generation:
		e.Status, e.Message = accessreview.StatusPending, "the operator has not judged the grant's current generation yet"
	case ready.Status != metav1.ConditionTrue:
		e.Status, e.Message = ready.Reason, ready.Message
	case conn == nil:
		e.Status, e.Message = v1alpha1.ReasonConnectionNotFound, fmt.Sprintf("S3Connection %q does not exist", resolved.Spec.Connection)
	case !grantstatus.ConnectionAuthorizes(conn):
		e.Status, e.Message = v1alpha1.ReasonConnectionNotReady, fmt.Sprintf("S3Connection %q is not Ready", conn.Name)
	case indexed:
		e.InEffect = true
		e.Status, e.Message = accessreview.StatusReady, ready.Message
	default:
		e.Status, e.Message = accessreview.StatusInvalid, "the grant cannot be indexed"
	}
	return e
}

// baseEntry fills what every source knows from the spec alone. A grant whose
// permissions do not parse (the schema prevents it) is listed with none.
func baseEntry(pg *v1alpha1.PrefixGrant) accessreview.Entry {
	g, err := convert.Grant(pg)
	if err != nil {
		clean := pg.DeepCopy()
		clean.Spec.Permissions = nil
		g, _ = convert.Grant(clean) // cannot fail without permissions
	}
	e := accessreview.Entry{Grant: g}
	if pg.Spec.ValidFrom != nil {
		e.ValidFrom = pg.Spec.ValidFrom.Time
	}
	if pg.Spec.ValidUntil != nil {
		e.ValidUntil = pg.Spec.ValidUntil.Time
	}
	return e
}

// Reader returns a function that reads the entries through r at the time of
// each call: the server's access review source.
func Reader(r client.Reader) func(ctx context.Context) ([]accessreview.Entry, error) {
	return func(ctx context.Context) ([]accessreview.Entry, error) {
		return Read(ctx, r, time.Now())
	}
}
