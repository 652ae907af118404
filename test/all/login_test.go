package all_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/internal/testenv/probe"
)

// testBrowserLogin signs alice in the way partners do: the app sends the
// browser to the issuer, which approves, and the callback opens a session on
// which the app shows her grants.
func testBrowserLogin(t *testing.T, base string, issuer *oidcissuer.Issuer) {
	issuer.SetUser(map[string]any{"sub": "u-alice", "email": "alice@partner-a.com", "email_verified": true, "groups": []string{"partner-a"}})
	b := browser.Start(t)
	tab := b.NewTab(t)
	b.Do(t, tab, "open the app", chromedp.Navigate(base+"/"))
	b.WaitFor(t, tab, 20*time.Second, "the login page offering the OIDC login",
		`location.pathname === "/login" && document.querySelector('a[href^="/auth/login"]') !== null && document.querySelector('.demo-picker') === null`)
	b.Screenshot(t, tab, "01-login")
	hits := issuer.TokenHits()
	b.Do(t, tab, "sign in with the organisation", chromedp.Click(chromedp.CSS(`a[href^="/auth/login"]`)))
	b.WaitFor(t, tab, 20*time.Second, "alice's dashboard after the code exchange",
		`document.getElementById('current-user')?.textContent.includes('alice@partner-a.com') &&
		 [...document.querySelectorAll('.root-title')].some((e) => e.textContent.endsWith('partner-a/uploads/'))`)
	b.Screenshot(t, tab, "02-dashboard")
	if n := issuer.TokenHits() - hits; n != 1 {
		t.Errorf("token endpoint called %d times for one login, want 1", n)
	}
	// The page's own API calls carry the session cookie and nothing else.
	if got := browser.Eval[string](t, tab, `document.cookie.includes('s3am_session') ? 'readable' : 'hidden'`); got != "hidden" {
		t.Error("the session cookie is readable by scripts")
	}
	// Chromium kept the Secure __Host- cookies over http://127.0.0.1.
	if got := browser.Eval[string](t, tab, `document.cookie.split('; ').some((c) => c.startsWith('__Host-s3am_csrf=')) ? 'kept' : 'dropped'`); got != "kept" {
		t.Error("the browser dropped the __Host-s3am_csrf cookie")
	}
}

// testBearer calls the API with ID tokens of the issuer, as scripts and
// other services do.
func testBearer(t *testing.T, base string, issuer *oidcissuer.Issuer) {
	token := issuer.Sign(issuer.Claims(map[string]any{"sub": "u-alice", "email": "alice@partner-a.com", "email_verified": true}))
	if code, body := get(t, base+"/api/v1/me", "Bearer "+token); code != http.StatusOK || !strings.Contains(body, "partner-a/uploads/") {
		t.Errorf("/api/v1/me with alice's ID token: %d %s", code, body)
	}
	forged := issuer.SignWith(oidcissuer.NewRSAKey(t, "rsa-1"), issuer.Claims(map[string]any{"email": "alice@partner-a.com", "email_verified": true}))
	if code, body := get(t, base+"/api/v1/me", "Bearer "+forged); code != http.StatusUnauthorized {
		t.Errorf("/api/v1/me with a token signed by an unpublished key: %d %s, want 401", code, body)
	}
}

// testServiceAccount calls the API with a ServiceAccount token the API
// server issued, checked by TokenReview, for a grant naming the account.
func testServiceAccount(t *testing.T, base string, env *controlplane.Env) {
	ctx := context.Background()
	if _, err := env.Kubectl(ctx, "", "-n", "s3am-system", "create", "serviceaccount", "ingest-robot"); err != nil {
		t.Fatal(err)
	}
	grant := `apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata: {name: ingest-robot, namespace: s3am-system}
spec: {connection: minio, bucket: partner-data, prefix: ingest/, permissions: [write], subjects: [{kind: User, name: "system:serviceaccount:s3am-system:ingest-robot"}]}
`
	if _, err := env.Kubectl(ctx, grant, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	// The token must be bound to the server's audience alone: a token the API
	// server would accept is refused.
	apiToken, err := env.Kubectl(ctx, "", "-n", "s3am-system", "create", "token", "ingest-robot")
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, base+"/api/v1/me", "Bearer "+strings.TrimSpace(apiToken)); code != http.StatusUnauthorized {
		t.Errorf("/api/v1/me with a ServiceAccount token for the API server's audience: %d %s, want 401", code, body)
	}
	token, err := env.Kubectl(ctx, "", "-n", "s3am-system", "create", "token", "ingest-robot", "--audience", "s3am")
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	poll.Until(t, 30*time.Second, "the robot sees its grant", func() bool {
		code, body := get(t, base+"/api/v1/me", "Bearer "+token)
		return code == http.StatusOK && strings.Contains(body, `"prefix":"ingest/"`) && strings.Contains(body, "system:serviceaccount:s3am-system:ingest-robot")
	})
	if code, body := get(t, base+"/api/v1/me", "Bearer "+token[:len(token)-4]+"AAAA"); code != http.StatusUnauthorized {
		t.Errorf("/api/v1/me with a tampered ServiceAccount token: %d %s, want 401", code, body)
	}
}

func get(t *testing.T, url, authorization string) (int, string) {
	t.Helper()
	code, body, err := probe.Get(http.DefaultClient, url, http.Header{"Authorization": {authorization}})
	if err != nil {
		t.Fatal(err)
	}
	return code, body
}
