package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/manifest"
	"github.com/s3am/s3-access-manager/internal/reviewsource"
)

// offlineGrants returns the grants of set that would be Ready, judged from the
// manifests alone (reviewsource.Offline): a connection counts as ready when
// it exists and is not suspended, since its credentials cannot be tested
// offline. Grants that would not be Ready are reported on w with the reason.
func offlineGrants(set *manifest.Set, operatorNamespace string, now time.Time, w io.Writer) ([]grant.Grant, error) {
	var ready []grant.Grant
	for _, e := range reviewsource.Offline(set, operatorNamespace, now) {
		if !e.InEffect {
			fmt.Fprintf(w, "skipped %s: %s: %s\n", e.Grant.ID(), e.Status, e.Message)
			continue
		}
		ready = append(ready, e.Grant)
	}
	return ready, nil
}
