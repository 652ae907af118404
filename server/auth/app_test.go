package auth_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"

	"github.com/labstack/echo/v4"
	"k8s.io/client-go/kubernetes"

	"github.com/s3am/s3-access-manager/server/auth"
)

// app is a real Echo server over TLS using the package the way the server
// will: a Stack, its Chain behind Middleware, and the login routes.
type app struct {
	t      *testing.T
	e      *echo.Echo // routes may be added before the first request
	srv    *httptest.Server
	stack  *auth.Stack
	client *http.Client    // keeps cookies, does not follow redirects
	set    *[]*http.Cookie // every cookie the app has set, in order
}

// cookieRecorder records the cookies the app's answers set.
type cookieRecorder struct {
	next http.RoundTripper
	host string
	set  *[]*http.Cookie
}

func (c cookieRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil && r.URL.Host == c.host {
		*c.set = append(*c.set, resp.Cookies()...)
	}
	return resp, err
}

func newSessionKey(t testing.TB) auth.Secret {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return auth.Secret(base64.StdEncoding.EncodeToString(b))
}

// newApp starts the app. With is non-nil, OIDC is configured against it
// (browser login included); configure adjusts the config before the stack
// is built.
func newApp(t *testing.T, is *oidcissuer.Issuer, kube kubernetes.Interface, configure func(*auth.Config)) *app {
	t.Helper()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	srv := httptest.NewUnstartedServer(e)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	cfg := auth.Config{Session: auth.SessionConfig{Key: newSessionKey(t)}}
	if is != nil {
		cfg.OIDC = auth.OIDCConfig{
			IssuerURL:    is.URL(),
			ClientID:     oidcissuer.ClientID,
			ClientSecret: oidcissuer.ClientSecret,
			RedirectURL:  srv.URL + "/auth/callback",
		}
		is.SetRedirectURI(cfg.OIDC.RedirectURL)
	}
	if configure != nil {
		configure(&cfg)
	}
	stack, err := auth.NewStack(context.Background(), cfg, kube, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stack.OIDC != nil && cfg.OIDC.RedirectURL != "" {
		if err := stack.OIDC.Register(e.Group("/auth")); err != nil {
			t.Fatal(err)
		}
	}
	api := e.Group("/api")
	api.GET("/whoami", whoami, auth.Middleware(stack.Chain))
	api.POST("/things", whoami, auth.Middleware(stack.Chain))

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	shared := *srv.Client() // a copy: the server's own client serves other helpers
	client := &shared
	set := &[]*http.Cookie{}
	client.Transport = cookieRecorder{next: client.Transport, host: strings.TrimPrefix(srv.URL, "https://"), set: set}
	client.Jar = jar
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &app{t: t, e: e, srv: srv, stack: stack, client: client, set: set}
}

func whoami(c echo.Context) error {
	id, ok := auth.FromContext(c.Request().Context())
	if !ok {
		return echo.NewHTTPError(http.StatusInternalServerError, "no identity behind the middleware")
	}
	return c.JSON(http.StatusOK, id)
}

// do sends a request to the app (path relative to it, or an absolute URL)
// and returns the response with its body read.
func (a *app) do(method, path string, header http.Header) (*http.Response, string) {
	a.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = a.srv.URL + path
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp, string(body)
}

// identity decodes a whoami body.
func identity(t testing.TB, body string) auth.Identity {
	t.Helper()
	var id auth.Identity
	if err := json.Unmarshal([]byte(body), &id); err != nil {
		t.Fatalf("whoami body %q: %v", body, err)
	}
	return id
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// bearerRequest is a request to the app with the bearer token, for calling
// an authenticator directly.
func bearerRequest(token string) *http.Request {
	r := httptest.NewRequest("GET", "/api/whoami", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

// expectStatus fails unless resp has the status.
func expectStatus(t testing.TB, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, body)
	}
}
