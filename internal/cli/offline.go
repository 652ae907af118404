package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/s3am/s3-access-manager/internal/convert"
	"github.com/s3am/s3-access-manager/internal/delegation"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/grantstatus"
	"github.com/s3am/s3-access-manager/internal/manifest"
)

// offlineGrants returns the grants of set that would be Ready, judged from the
// manifests alone: a connection counts as ready when it exists and is not
// suspended, since its credentials cannot be tested offline. Grants that would
// not be Ready are reported on w with the reason.
func offlineGrants(set *manifest.Set, operatorNamespace string, now time.Time, w io.Writer) ([]grant.Grant, error) {
	var ready []grant.Grant
	for i := range set.Grants {
		pg := &set.Grants[i]
		id := pg.Namespace + "/" + pg.Name
		conn, err := convert.ResolveConnection(pg, set.Connections)
		if err != nil {
			fmt.Fprintf(w, "skipped %s: %v\n", id, err)
			continue
		}
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
		})
		if !res.Ready {
			fmt.Fprintf(w, "skipped %s: %s: %s\n", id, res.Reason, res.Message)
			continue
		}
		resolved := pg.DeepCopy()
		resolved.Spec.Connection = conn
		g, err := convert.Grant(resolved)
		if err != nil {
			return nil, err
		}
		ready = append(ready, g)
	}
	return ready, nil
}
