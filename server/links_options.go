package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/links"
	"github.com/s3am/s3-access-manager/internal/notify"
)

// LinkOptions enable AccessLinks: the links API under /api/v1/links and the
// recipient routes under /l/<token>.
type LinkOptions struct {
	// Client reads AccessLinks from the cache and creates and patches them.
	Client client.Client
	// Indexer is the field indexer of Client's cache (a manager's
	// GetFieldIndexer()); New adds the AccessLink indexes to it, once per
	// indexer, so it must be called before the cache starts.
	Indexer client.FieldIndexer
	// Reader reads a link fresh from the API server at every use, so that a
	// revocation or deletion stops the very next request.
	Reader client.Reader
	// Notifier receives completed uploads through links; nil sends none.
	Notifier *notify.Sender
	// Limiter bounds password guesses; nil: links.NewLimiter's defaults.
	Limiter *links.Limiter
	// MaxLifetime bounds a new link's expiry (default 365 days).
	MaxLifetime time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Cache field indexes of AccessLinks.
const (
	indexLinkTokenHash = "spec.tokenHash"
	indexLinkCreator   = "spec.creator.user"
)

// indexed remembers the indexers that have the AccessLink indexes: several
// servers may share one manager (tests), and an index is added only once.
var indexed = struct {
	sync.Mutex
	done map[client.FieldIndexer]bool
}{done: map[client.FieldIndexer]bool{}}

// registerLinkIndexes adds the AccessLink field indexes to ix, once.
func registerLinkIndexes(ctx context.Context, ix client.FieldIndexer) error {
	indexed.Lock()
	defer indexed.Unlock()
	if indexed.done[ix] {
		return nil
	}
	for name, f := range map[string]func(*v1alpha1.AccessLink) string{
		indexLinkTokenHash: func(l *v1alpha1.AccessLink) string { return l.Spec.TokenHash },
		indexLinkCreator:   func(l *v1alpha1.AccessLink) string { return l.Spec.Creator.User },
	} {
		err := ix.IndexField(ctx, &v1alpha1.AccessLink{}, name, func(o client.Object) []string {
			return []string{f(o.(*v1alpha1.AccessLink))}
		})
		if err != nil {
			return fmt.Errorf("index accesslinks by %s: %w", name, err)
		}
	}
	indexed.done[ix] = true
	return nil
}

// prepare checks o, fills in the defaults and adds the indexes.
func (o *LinkOptions) prepare() error {
	if o.Client == nil || o.Reader == nil || o.Indexer == nil {
		return errors.New("server: links need a client, a reader and an indexer")
	}
	if err := registerLinkIndexes(context.Background(), o.Indexer); err != nil {
		return err
	}
	if o.Limiter == nil {
		o.Limiter = links.NewLimiter(links.LimiterOptions{})
	}
	if o.MaxLifetime <= 0 {
		o.MaxLifetime = 365 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}
