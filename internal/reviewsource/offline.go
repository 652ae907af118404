package reviewsource

import (
	"time"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/accessreview"
	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/delegation"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
	"github.com/s3am/s3-access-manager/internal/manifest"
)

// Offline returns the entries of the grants in set, judged from the
// manifests alone as `s3am can-i -f` judges them: a connection counts as
// ready when it exists and is not suspended, since its credentials cannot be
// tested offline. Nothing has transitioned, so LastTransition stays zero.
func Offline(set *manifest.Set, operatorNamespace string, now time.Time) []accessreview.Entry {
	out := make([]accessreview.Entry, 0, len(set.Grants))
	for i := range set.Grants {
		pg := set.Grants[i].DeepCopy()
		conn, err := convert.ResolveConnection(pg, set.Connections)
		if err != nil {
			e := baseEntry(pg)
			e.Status, e.Message = v1alpha1.ReasonConnectionNotFound, err.Error()
			out = append(out, e)
			continue
		}
		pg.Spec.Connection = conn
		c := set.Connection(conn)
		ns := set.Namespace(pg.Namespace)
		res := grantstatus.Evaluate(grantstatus.Input{
			Grant:             pg,
			ConnectionName:    conn,
			Connection:        c,
			ConnectionReady:   c != nil && !c.Spec.Suspend,
			Namespace:         delegation.Namespace{Name: ns.Name, Labels: ns.Labels},
			OperatorNamespace: operatorNamespace,
			Now:               now,
			ExpiryWarning:     grantstatus.DefaultExpiryWarning,
		})
		e := baseEntry(pg)
		e.InEffect, e.Status, e.Message = res.Ready, res.Reason, res.Message
		e.ExpiringSoon = res.ExpiringSoon.Failing
		if _, err := convert.Grant(pg); err != nil {
			e.InEffect, e.Status, e.Message = false, accessreview.StatusInvalid, err.Error()
		}
		out = append(out, e)
	}
	return out
}
