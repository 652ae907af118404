package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	authnv1client "k8s.io/client-go/kubernetes/typed/authentication/v1"
	"k8s.io/client-go/rest"
)

const (
	// serviceAccountUserPrefix starts every ServiceAccount's user name:
	// system:serviceaccount:<namespace>:<name>.
	serviceAccountUserPrefix = "system:serviceaccount:"
	// reviewTimeout bounds one TokenReview.
	reviewTimeout = 10 * time.Second
	// negativeTTL caches rejections briefly, so that a pipeline retrying with
	// an expired token costs the API server one review per negativeTTL.
	negativeTTL = 5 * time.Second
)

// ServiceAccounts authenticates Kubernetes ServiceAccount tokens with the API
// server's TokenReview. The server's own ServiceAccount needs permission to
// create tokenreviews (e.g. the system:auth-delegator ClusterRole) and, unless
// the issuers are configured, to read /.well-known/openid-configuration
// (every ServiceAccount may, by the default system:service-account-issuer-
// discovery binding).
type ServiceAccounts struct {
	reviews   authnv1client.TokenReviewInterface
	discovery rest.Interface // reads the cluster's issuer when issuers is empty
	audiences []string
	issuers   []string
	ttl       time.Duration
	cache     *reviewCache
	inflight  singleflight.Group
	found     atomic.Pointer[string]    // the discovered issuer
	failed    atomic.Pointer[time.Time] // when discovery last failed
	now       func() time.Time
}

// NewServiceAccounts returns the TokenReview authenticator.
func NewServiceAccounts(kube kubernetes.Interface, cfg ServiceAccountConfig) (*ServiceAccounts, error) {
	cfg.setDefaults()
	if kube == nil {
		return nil, errors.New("service accounts: no Kubernetes client")
	}
	if cfg.CacheTTL < 0 || cfg.CacheSize < 1 {
		return nil, fmt.Errorf("service accounts: cache TTL %s and size %d must be positive", cfg.CacheTTL, cfg.CacheSize)
	}
	if slices.Contains(cfg.Audiences, "") || slices.Contains(cfg.Issuers, "") {
		return nil, errors.New("service accounts: empty audience or issuer")
	}
	s := &ServiceAccounts{
		reviews:   kube.AuthenticationV1().TokenReviews(),
		audiences: slices.Clone(cfg.Audiences),
		issuers:   slices.Clone(cfg.Issuers),
		ttl:       cfg.CacheTTL,
		cache:     newReviewCache(cfg.CacheSize),
		now:       time.Now,
	}
	if len(s.issuers) == 0 {
		if d := kube.Discovery(); d != nil {
			s.discovery = d.RESTClient()
		}
		if s.discovery == nil {
			return nil, errors.New("service accounts: no issuer configured and no client to discover it")
		}
	}
	return s, nil
}

// Authenticate reviews a bearer JWT (ServiceAccount tokens are JWTs; other
// bearer tokens are not its own). Without asking the API server, it refuses
// a token whose (unverified) issuer is not the cluster's, or that is bound
// to any audience besides the configured ones: this server must never see a
// token the API server would accept, nor send it one it did not issue. The
// API server must then say it is authenticated, for one of the configured
// audiences, as a ServiceAccount. Outcomes are cached by the token's
// SHA-256: positive ones for the cache TTL (never past the token's expiry),
// rejections for a few seconds; a failed review (API server unreachable,
// 503) is not cached.
func (s *ServiceAccounts) Authenticate(r *http.Request) (Identity, bool, error) {
	token, ok := bearerToken(r)
	if !ok {
		return Identity{}, false, nil
	}
	claims, ok := peekClaims(token)
	if !ok {
		return Identity{}, false, nil
	}
	if err := s.checkLocally(r.Context(), claims); err != nil {
		return Identity{}, true, err
	}
	key := tokenKey(sha256.Sum256([]byte(token)))
	if rv, ok := s.cache.get(key, s.now()); ok {
		return rv.id.Clone(), true, rv.err
	}
	v, err, _ := s.inflight.Do(hex.EncodeToString(key[:]), func() (any, error) {
		rv, err := s.review(r.Context(), token, claims)
		if err != nil {
			return nil, err
		}
		s.cache.put(key, rv)
		return rv, nil
	})
	if err != nil {
		return Identity{}, true, err
	}
	rv := v.(review)
	return rv.id.Clone(), true, rv.err
}

// review asks the API server; the error is for a review that could not be
// made, a rejection is in the returned review.
func (s *ServiceAccounts) review(ctx context.Context, token string, claims unverifiedClaims) (review, error) {
	// A request cancelled by its own client must not fail the others that
	// share this review through singleflight.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reviewTimeout)
	defer cancel()
	tr, err := s.reviews.Create(ctx, &authnv1.TokenReview{
		Spec: authnv1.TokenReviewSpec{Token: token, Audiences: s.audiences},
	}, metav1.CreateOptions{})
	if err != nil {
		return review{}, unavailable(MethodServiceAccount, "cannot review the service account token", err)
	}
	now := s.now()
	reject := func(reason string, cause error) review {
		return review{err: rejected(MethodServiceAccount, reason, cause), expires: now.Add(min(negativeTTL, s.ttl))}
	}
	st := tr.Status
	if !st.Authenticated {
		var cause error
		if st.Error != "" {
			cause = errors.New(st.Error)
		}
		return reject("service account token rejected", cause), nil
	}
	if len(s.audiences) > 0 && !slices.ContainsFunc(st.Audiences, func(a string) bool { return slices.Contains(s.audiences, a) }) {
		return reject("service account token not meant for this server", fmt.Errorf("token audiences %v, want one of %v", st.Audiences, s.audiences)), nil
	}
	if !isServiceAccountUser(st.User.Username) {
		return reject("token is not a service account's", fmt.Errorf("user %q", st.User.Username)), nil
	}
	expires := now.Add(s.ttl)
	if claims.Expiry != nil {
		expires = minTime(expires, time.Unix(*claims.Expiry, 0))
	}
	return review{
		id:      Identity{User: st.User.Username, Groups: slices.Clone(st.User.Groups), Method: MethodServiceAccount},
		expires: expires,
	}, nil
}

// isServiceAccountUser reports system:serviceaccount:<namespace>:<name>.
func isServiceAccountUser(u string) bool {
	rest, ok := strings.CutPrefix(u, serviceAccountUserPrefix)
	if !ok {
		return false
	}
	ns, name, ok := strings.Cut(rest, ":")
	return ok && ns != "" && name != "" && !strings.Contains(name, ":")
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
