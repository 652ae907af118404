package auth_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"

	"github.com/s3am/s3-access-manager/server/auth"
)

// login runs the browser flow step by step (login, the issuer's authorize,
// callback) and returns the callback's response.
func (a *app) login(is *oidcissuer.Issuer, redirect string) (*http.Response, string) {
	a.t.Helper()
	resp, body := a.do("GET", "/auth/login?redirect="+url.QueryEscape(redirect), nil)
	expectStatus(a.t, resp, body, http.StatusFound)
	authorize := resp.Header.Get("Location")
	if !strings.HasPrefix(authorize, is.URL()+"/authorize?") {
		a.t.Fatalf("login redirects to %q, want the issuer's authorization endpoint", authorize)
	}
	resp, body = a.do("GET", authorize, nil)
	expectStatus(a.t, resp, body, http.StatusFound)
	callback := resp.Header.Get("Location")
	if !strings.HasPrefix(callback, a.srv.URL+"/auth/callback?") {
		a.t.Fatalf("issuer redirects to %q, want the callback", callback)
	}
	return a.do("GET", callback, nil)
}

func cookieNamed(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestBrowserLogin(t *testing.T) {
	is := oidcissuer.Start(t)
	a := newApp(t, is, nil, nil)

	// Step 1: login redirects with PKCE S256, state and nonce, and keeps
	// them in a sealed, short-lived cookie.
	resp, body := a.do("GET", "/auth/login?redirect="+url.QueryEscape("/api/whoami?x=1"), nil)
	expectStatus(t, resp, body, http.StatusFound)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	for _, p := range []string{"state", "nonce", "code_challenge"} {
		if len(q.Get(p)) < 43 {
			t.Fatalf("authorization request %s = %q, want 32 random bytes", p, q.Get(p))
		}
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("client_id") != oidcissuer.ClientID || q.Get("redirect_uri") != a.srv.URL+"/auth/callback" {
		t.Fatalf("authorization request %v", q)
	}
	state := q.Get("state")
	lc := cookieNamed(resp.Cookies(), "__Host-s3am_login_"+state[:16])
	if lc == nil || !lc.HttpOnly || !lc.Secure || lc.SameSite != http.SameSiteLaxMode || lc.MaxAge <= 0 || lc.MaxAge > 600 {
		t.Fatalf("login cookie %+v", lc)
	}
	if strings.Contains(lc.Value, state) || strings.Contains(lc.Value, q.Get("nonce")) {
		t.Fatal("login cookie holds the state or nonce in the clear")
	}

	// Step 2: the issuer approves and sends the browser to the callback.
	resp, body = a.do("GET", loc.String(), nil)
	expectStatus(t, resp, body, http.StatusFound)
	callback := resp.Header.Get("Location")

	// Step 3: the callback exchanges the code (the issuer checks the PKCE
	// verifier), verifies the ID token and issues the session.
	resp, body = a.do("GET", callback, nil)
	expectStatus(t, resp, body, http.StatusFound)
	if got := resp.Header.Get("Location"); got != "/api/whoami?x=1" {
		t.Fatalf("callback redirects to %q", got)
	}
	sc := cookieNamed(resp.Cookies(), auth.SessionCookie)
	if sc == nil || !sc.HttpOnly || !sc.Secure || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" {
		t.Fatalf("session cookie %+v", sc)
	}
	if life, want := sc.MaxAge, int(auth.DefaultSessionLifetime.Seconds()); life < want-60 || life > want {
		t.Fatalf("session cookie Max-Age %ds, want %s", life, auth.DefaultSessionLifetime)
	}
	if strings.Contains(sc.Value, "alice") || strings.Contains(sc.Value, "team-a") {
		t.Fatal("session cookie is readable")
	}
	cc := cookieNamed(resp.Cookies(), auth.CSRFCookie)
	if cc == nil || cc.HttpOnly || !cc.Secure || cc.Path != "/" || cc.Value == "" {
		t.Fatalf("CSRF cookie %+v", cc)
	}
	if lc := cookieNamed(resp.Cookies(), "__Host-s3am_login_"+state[:16]); lc == nil || lc.MaxAge >= 0 {
		t.Fatalf("login cookie not expired by the callback: %+v", lc)
	}

	resp, body = a.do("GET", "/api/whoami", nil)
	expectStatus(t, resp, body, 200)
	if id := identity(t, body); id.User != "alice@example.com" || !slices.Equal(id.Groups, []string{"team-a"}) || id.Method != auth.MethodSession {
		t.Fatalf("identity %+v", id)
	}

	t.Run("callback replay", func(t *testing.T) {
		resp, body := a.do("GET", callback, nil)
		expectStatus(t, resp, body, http.StatusBadRequest)
	})

	t.Run("groups changed at the issuer are read at the next login", func(t *testing.T) {
		is.SetUser(map[string]any{"sub": "u-alice", "email": "alice@example.com", "groups": []string{"team-b", "auditors"}})
		resp, body := a.do("GET", "/api/whoami", nil)
		if id := identity(t, body); resp.StatusCode != 200 || !slices.Equal(id.Groups, []string{"team-a"}) {
			t.Fatalf("before the new login: %d %+v", resp.StatusCode, id)
		}
		resp, body = a.login(is, "/")
		expectStatus(t, resp, body, http.StatusFound)
		resp, body = a.do("GET", "/api/whoami", nil)
		if id := identity(t, body); resp.StatusCode != 200 || !slices.Equal(id.Groups, []string{"team-b", "auditors"}) {
			t.Fatalf("after the new login: %d %+v", resp.StatusCode, id)
		}
	})

	t.Run("logout", func(t *testing.T) {
		resp, body := a.do("POST", "/auth/logout", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}})
		expectStatus(t, resp, body, http.StatusForbidden)
		resp, body = a.do("GET", "/api/whoami", nil)
		expectStatus(t, resp, body, 200)

		resp, body = a.do("POST", "/auth/logout?redirect=//evil.example/", http.Header{"Origin": {a.srv.URL}, "Sec-Fetch-Site": {"same-origin"}})
		expectStatus(t, resp, body, http.StatusSeeOther)
		if resp.Header.Get("Location") != "/" {
			t.Fatalf("logout redirects to %q", resp.Header.Get("Location"))
		}
		for _, name := range []string{auth.SessionCookie, auth.CSRFCookie} {
			if c := cookieNamed(resp.Cookies(), name); c == nil || c.MaxAge >= 0 {
				t.Fatalf("logout leaves %s: %+v", name, c)
			}
		}
		resp, body = a.do("GET", "/api/whoami", nil)
		expectStatus(t, resp, body, http.StatusUnauthorized)
	})
}

// TestCookiesAreHostPrefixed holds the __Host- prefix on every cookie the
// login, the session and the logout set: Secure, Path=/ and no Domain, so
// that neither a sibling subdomain nor a plain-HTTP page can plant one.
func TestCookiesAreHostPrefixed(t *testing.T) {
	is := oidcissuer.Start(t)
	a := newApp(t, is, nil, nil)
	resp, body := a.login(is, "/")
	expectStatus(t, resp, body, http.StatusFound)
	resp, body = a.do("POST", "/auth/logout", http.Header{"Origin": {a.srv.URL}, "Sec-Fetch-Site": {"same-origin"}})
	expectStatus(t, resp, body, http.StatusSeeOther)
	for _, c := range *a.set {
		if !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Errorf("cookie %s: Secure %v, Path %q, Domain %q: not a __Host- cookie", c.Name, c.Secure, c.Path, c.Domain)
		}
	}
	for _, want := range []string{auth.SessionCookie, auth.CSRFCookie, "__Host-s3am_login_"} {
		if !slices.ContainsFunc(*a.set, func(c *http.Cookie) bool { return strings.HasPrefix(c.Name, want) }) {
			t.Errorf("no %s cookie among the %d set", want, len(*a.set))
		}
	}
}

func TestBrowserLoginRejections(t *testing.T) {
	is := oidcissuer.Start(t)

	t.Run("open redirect refused", func(t *testing.T) {
		a := newApp(t, is, nil, nil)
		for _, target := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "/\t/evil.example"} {
			resp, body := a.login(is, target)
			expectStatus(t, resp, body, http.StatusFound)
			if got := resp.Header.Get("Location"); got != "/" {
				t.Fatalf("login?redirect=%q ends at %q, want /", target, got)
			}
		}
	})

	t.Run("nonce mismatch", func(t *testing.T) {
		a := newApp(t, is, nil, nil)
		is.SetWrongNonce(true)
		defer is.SetWrongNonce(false)
		resp, body := a.login(is, "/")
		expectStatus(t, resp, body, http.StatusUnauthorized)
		if !strings.Contains(body, "nonce") || cookieNamed(resp.Cookies(), auth.SessionCookie) != nil {
			t.Fatalf("body %s, cookies %v", body, resp.Cookies())
		}
	})

	t.Run("callback without the login cookie (login CSRF)", func(t *testing.T) {
		victim, attacker := newApp(t, is, nil, nil), newApp(t, is, nil, nil)
		// The attacker starts a login in their own browser and has the
		// victim's browser open the callback.
		resp, _ := attacker.do("GET", "/auth/login", nil)
		resp, _ = attacker.do("GET", resp.Header.Get("Location"), nil)
		callback := strings.Replace(resp.Header.Get("Location"), attacker.srv.URL, victim.srv.URL, 1)
		resp, body := victim.do("GET", callback, nil)
		expectStatus(t, resp, body, http.StatusBadRequest)
	})

	t.Run("state from another login", func(t *testing.T) {
		a := newApp(t, is, nil, nil)
		resp, _ := a.do("GET", "/auth/login", nil)
		resp, _ = a.do("GET", resp.Header.Get("Location"), nil)
		cb, _ := url.Parse(resp.Header.Get("Location"))
		q := cb.Query()
		q.Set("state", strings.Repeat("A", 43))
		cb.RawQuery = q.Encode()
		resp, body := a.do("GET", cb.String(), nil)
		expectStatus(t, resp, body, http.StatusBadRequest)
	})

	t.Run("identity provider error", func(t *testing.T) {
		a := newApp(t, is, nil, nil)
		resp, body := a.do("GET", "/auth/callback?error=access_denied&error_description=%3Cscript%3E", nil)
		expectStatus(t, resp, body, http.StatusUnauthorized)
		if !strings.Contains(body, "access_denied") || strings.Contains(body, "script") {
			t.Fatalf("body %s", body)
		}
	})

	t.Run("the test issuer enforces PKCE", func(t *testing.T) {
		a := newApp(t, is, nil, nil)
		resp, _ := a.do("GET", "/auth/login", nil)
		resp, _ = a.do("GET", resp.Header.Get("Location"), nil)
		cb, _ := url.Parse(resp.Header.Get("Location"))
		form := url.Values{
			"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")},
			"redirect_uri": {a.srv.URL + "/auth/callback"}, "code_verifier": {strings.Repeat("x", 43)},
			"client_id": {oidcissuer.ClientID}, "client_secret": {oidcissuer.ClientSecret},
		}
		tr, err := http.PostForm(is.URL()+"/token", form)
		if err != nil {
			t.Fatal(err)
		}
		_ = tr.Body.Close()
		if tr.StatusCode != http.StatusBadRequest {
			t.Fatalf("token endpoint accepted a wrong verifier: %d", tr.StatusCode)
		}
	})

	t.Run("a login cookie is not a session", func(t *testing.T) {
		a := newApp(t, is, nil, nil)
		resp, _ := a.do("GET", "/auth/login", nil)
		i := slices.IndexFunc(resp.Cookies(), func(c *http.Cookie) bool { return strings.HasPrefix(c.Name, "__Host-s3am_login_") })
		if i < 0 {
			t.Fatal("no login cookie")
		}
		replayed := http.Header{"Cookie": {auth.SessionCookie + "=" + resp.Cookies()[i].Value}}
		if status, _, body := proxyGet(t, a.srv.Client(), "GET", a.srv.URL+"/api/whoami", replayed); status != http.StatusUnauthorized {
			t.Fatalf("the login cookie as a session: %d %s", status, body)
		}
	})

	t.Run("concurrent logins in two tabs", func(t *testing.T) {
		a := newApp(t, is, nil, nil)
		r1, _ := a.do("GET", "/auth/login?redirect=/one", nil)
		r2, _ := a.do("GET", "/auth/login?redirect=/two", nil)
		c1, _ := a.do("GET", r1.Header.Get("Location"), nil)
		c2, _ := a.do("GET", r2.Header.Get("Location"), nil)
		for i, c := range []*http.Response{c2, c1} {
			resp, body := a.do("GET", c.Header.Get("Location"), nil)
			expectStatus(t, resp, body, http.StatusFound)
			if want := []string{"/two", "/one"}[i]; resp.Header.Get("Location") != want {
				t.Fatalf("tab %d lands on %q", i, resp.Header.Get("Location"))
			}
		}
	})
}
