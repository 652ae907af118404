package auth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/server/auth"
)

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// countRequests counts the requests of cfg's clients whose path matches.
func countRequests(cfg *rest.Config, match func(path string) bool) *atomic.Int64 {
	var n atomic.Int64
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if match(r.URL.Path) {
				n.Add(1)
			}
			return rt.RoundTrip(r)
		})
	}
	return &n
}

func TestServiceAccountTokens(t *testing.T) {
	env := controlplane.Start(t, controlplane.Options{})
	ctx := context.Background()
	cfg := rest.CopyConfig(env.Config)
	cfg.QPS, cfg.Burst = 100, 200
	reviews := countRequests(cfg, func(path string) bool { return strings.HasSuffix(path, "/tokenreviews") })
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}

	const ns, name, audience = "pipelines", "uploader", auth.DefaultServiceAccountAudience
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	token := func(audiences ...string) string {
		t.Helper()
		tr, err := kube.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name, &authnv1.TokenRequest{
			Spec: authnv1.TokenRequestSpec{Audiences: audiences, ExpirationSeconds: new(int64(600))},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("TokenRequest: %v", err)
		}
		return tr.Status.Token
	}

	is := oidcissuer.Start(t)
	a := newApp(t, is, kube, func(c *auth.Config) {
		c.ServiceAccounts = auth.ServiceAccountConfig{Enabled: true} // the default audience, the discovered issuer
	})
	sa := a.stack.ServiceAccounts
	now := time.Now()
	auth.SetReviewClock(sa, func() time.Time { return now })

	good := token(audience)
	t.Run("valid token, through the chain after OIDC", func(t *testing.T) {
		resp, body := a.do("GET", "/api/whoami", bearer(good))
		expectStatus(t, resp, body, 200)
		id := identity(t, body)
		if id.User != "system:serviceaccount:pipelines:uploader" || id.Method != auth.MethodServiceAccount {
			t.Fatalf("identity %+v", id)
		}
		for _, g := range []string{"system:serviceaccounts", "system:serviceaccounts:pipelines", "system:authenticated"} {
			if !slices.Contains(id.Groups, g) {
				t.Fatalf("groups %v lack %s", id.Groups, g)
			}
		}
		if n := reviews.Load(); n != 1 {
			t.Fatalf("%d reviews", n)
		}
	})
	t.Run("cached by hash", func(t *testing.T) {
		for range 5 {
			resp, body := a.do("POST", "/api/things", bearer(good))
			expectStatus(t, resp, body, 200)
		}
		if n := reviews.Load(); n != 1 {
			t.Fatalf("%d reviews for 6 requests within the TTL", n)
		}
	})
	// refusedLocally asserts a 401 with reason, decided without a TokenReview.
	refusedLocally := func(t *testing.T, token, reason string) {
		t.Helper()
		before := reviews.Load()
		resp, body := a.do("GET", "/api/whoami", bearer(token))
		expectStatus(t, resp, body, http.StatusUnauthorized)
		if !strings.Contains(body, reason) {
			t.Fatalf("body %s, want %q", body, reason)
		}
		if n := reviews.Load() - before; n != 0 {
			t.Fatalf("%d TokenReviews sent for a token refused by its claims", n)
		}
	}
	apiAudience := unverifiedClaim(t, token(), "aud")
	t.Run("a token for the API server's audience is refused", func(t *testing.T) {
		refusedLocally(t, token(), "not bound to this server's audience alone")
	})
	t.Run("a token also valid for the API server is refused", func(t *testing.T) {
		refusedLocally(t, token(audience, apiAudience.([]any)[0].(string)), "not bound to this server's audience alone")
	})
	t.Run("wrong audience", func(t *testing.T) {
		refusedLocally(t, token("someone-else"), "not bound to this server's audience alone")
	})
	t.Run("a token of another issuer is never sent to the API server", func(t *testing.T) {
		other := oidcissuer.Start(t)
		refusedLocally(t, other.Sign(other.Claims(map[string]any{"aud": audience, "email": "x@example.com"})), "not issued by this cluster")
	})
	t.Run("configured issuers replace discovery", func(t *testing.T) {
		s, err := auth.NewServiceAccounts(kube, auth.ServiceAccountConfig{Enabled: true, Issuers: []string{"https://kubernetes.default.svc"}})
		if err != nil {
			t.Fatal(err)
		}
		before := reviews.Load()
		_, ok, err := s.Authenticate(bearerRequest(good))
		if !ok || auth.StatusCode(err) != http.StatusUnauthorized || reviews.Load() != before {
			t.Fatalf("a token of the discovered issuer, with another configured: ok %v err %v", ok, err)
		}
	})
	t.Run("forged token", func(t *testing.T) {
		parts := strings.Split(good, ".")
		forged := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
		resp, body := a.do("GET", "/api/whoami", bearer(forged))
		expectStatus(t, resp, body, http.StatusUnauthorized)
		if strings.Contains(body, parts[1]) {
			t.Fatalf("response echoes the token: %s", body)
		}
		before := reviews.Load()
		resp, body = a.do("GET", "/api/whoami", bearer(forged))
		expectStatus(t, resp, body, http.StatusUnauthorized)
		if reviews.Load() != before {
			t.Fatal("rejection not cached briefly")
		}
	})
	t.Run("concurrent first use is one review", func(t *testing.T) {
		fresh := token(audience)
		before := reviews.Load()
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, ok, err := sa.Authenticate(bearerRequest(fresh))
				if !ok || err != nil {
					t.Errorf("ok %v err %v", ok, err)
				}
			})
		}
		wg.Wait()
		if n := reviews.Load() - before; n < 1 || n > 2 {
			t.Fatalf("%d reviews for 8 concurrent first uses", n)
		}
	})
	t.Run("deleted service account: accepted from cache, rejected after the TTL", func(t *testing.T) {
		if err := kube.CoreV1().ServiceAccounts(ns).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		resp, body := a.do("GET", "/api/whoami", bearer(good))
		expectStatus(t, resp, body, 200)
		// The API server caches successful token authentications for ~10s
		// itself, so the deletion shows within our TTL plus that.
		deadline := time.Now().Add(30 * time.Second)
		start := time.Now()
		for {
			before := reviews.Load()
			now = now.Add(auth.DefaultReviewCacheTTL + time.Second)
			resp, body = a.do("GET", "/api/whoami", bearer(good))
			if reviews.Load() != before+1 {
				t.Fatal("no new review after the cache TTL")
			}
			if resp.StatusCode == http.StatusUnauthorized {
				t.Logf("API server rejected the deleted account's token after %s", time.Since(start).Round(100*time.Millisecond))
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("token of a deleted service account still accepted after 30s: %s", body)
			}
			time.Sleep(500 * time.Millisecond)
		}
	})
	t.Run("API server unreachable is 503, not cached", func(t *testing.T) {
		down := rest.CopyConfig(env.Config)
		down.Host = "https://127.0.0.1:1"
		discoveries := countRequests(down, func(path string) bool { return strings.HasPrefix(path, "/.well-known/") })
		downKube, err := kubernetes.NewForConfig(down)
		if err != nil {
			t.Fatal(err)
		}
		for _, cfg := range []auth.ServiceAccountConfig{
			{Enabled: true}, // the issuer cannot be discovered
			{Enabled: true, Issuers: []string{unverifiedClaim(t, good, "iss").(string)}}, // the review cannot be made
		} {
			s, err := auth.NewServiceAccounts(downKube, cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, ok, err := s.Authenticate(bearerRequest(good))
			if !ok || auth.StatusCode(err) != http.StatusServiceUnavailable {
				t.Fatalf("%+v: ok %v err %v", cfg, ok, err)
			}
			if strings.Contains(err.Error(), good) {
				t.Fatal("error echoes the token")
			}
			if n := auth.ReviewCacheLen(s); n != 0 {
				t.Fatalf("%d cached", n)
			}
		}
		// A failed discovery is retried, but not at every token.
		s, err := auth.NewServiceAccounts(downKube, auth.ServiceAccountConfig{Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		clock := time.Now()
		auth.SetReviewClock(s, func() time.Time { return clock })
		before := discoveries.Load()
		for range 3 {
			if _, _, err := s.Authenticate(bearerRequest(good)); auth.StatusCode(err) != http.StatusServiceUnavailable {
				t.Fatalf("err %v", err)
			}
		}
		clock = clock.Add(time.Minute)
		if _, _, err := s.Authenticate(bearerRequest(good)); auth.StatusCode(err) != http.StatusServiceUnavailable {
			t.Fatalf("err %v", err)
		}
		if n := discoveries.Load() - before; n != 2 {
			t.Fatalf("%d discoveries for 3 tokens at once and one a minute later, want 2", n)
		}
	})
	t.Run("non-JWT bearer is not a service account token", func(t *testing.T) {
		_, ok, err := sa.Authenticate(bearerRequest("opaque-token"))
		if ok || err != nil {
			t.Fatalf("ok %v err %v", ok, err)
		}
	})
}

// unverifiedClaim reads a claim of a JWT without verifying it.
func unverifiedClaim(t *testing.T, token, name string) any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims[name]
}

func TestServiceAccountUserNames(t *testing.T) {
	if !auth.IsServiceAccountUser("system:serviceaccount:ns:name") {
		t.Error("system:serviceaccount:ns:name refused")
	}
	for _, u := range []string{"system:serviceaccount:ns:", "system:serviceaccount::name", "system:serviceaccount:a:b:c", "alice", "system:node:worker-1"} {
		if auth.IsServiceAccountUser(u) {
			t.Errorf("%s taken for a service account", u)
		}
	}
}
