package webui_test

import (
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/server/auth"
	"github.com/s3am/s3-access-manager/server/webui"
)

const alice = "alice@partner-a.com"

func newSessions(t *testing.T) *auth.Sessions {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s, err := auth.NewSessions(auth.SessionConfig{Key: auth.Secret(base64.StdEncoding.EncodeToString(key))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// app is an Echo application with only the web app on it.
func app(t *testing.T, o webui.Options) *echo.Echo {
	t.Helper()
	e := echo.New()
	if err := webui.Register(e, o); err != nil {
		t.Fatal(err)
	}
	return e
}

func demoOptions(t *testing.T) webui.Options {
	return webui.Options{
		Sessions:       newSessions(t),
		DemoUsers:      []webui.DemoUser{{User: alice, Description: "Partner A"}, {User: "admin@s3am.example", Groups: []string{"s3am-admins"}}},
		ConnectOrigins: []string{"http://127.0.0.1:9000"},
		AdminGroup:     "s3am-admins",
	}
}

func serve(e *echo.Echo, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w
}

func sessionCookie(w *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == auth.SessionCookie && c.Value != "" {
			return c
		}
	}
	return nil
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	e := app(t, demoOptions(t))
	for _, path := range []string{"/login", "/", "/browse?connection=c&bucket=b&prefix=p/"} {
		w := serve(e, httptest.NewRequest(http.MethodGet, path, nil))
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
			"connect-src 'self' http://127.0.0.1:9000", "base-uri 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		for k, v := range map[string]string{
			"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
		} {
			if got := h.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
	}
}

func TestProductionCSPAllowsHTTPSUploadsOnly(t *testing.T) {
	e := app(t, webui.Options{Sessions: newSessions(t), OIDCLogin: true})
	csp := serve(e, httptest.NewRequest(http.MethodGet, "/login", nil)).Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self' https:;") {
		t.Fatalf("CSP = %q", csp)
	}
}

func TestRegisterRefusesBadOptions(t *testing.T) {
	for name, o := range map[string]webui.Options{
		"demo without sessions": {DemoUsers: []webui.DemoUser{{User: alice}}},
		"duplicate demo user":   {Sessions: newSessions(t), DemoUsers: []webui.DemoUser{{User: alice}, {User: alice}}},
		"empty demo user":       {Sessions: newSessions(t), DemoUsers: []webui.DemoUser{{User: " "}}},
		"origin with a path":    {ConnectOrigins: []string{"https://s3.example.com/bucket"}},
		"origin injecting CSP":  {ConnectOrigins: []string{"https://a.example; script-src *"}},
		"not an origin":         {ConnectOrigins: []string{"s3.example.com"}},
	} {
		if err := webui.Register(echo.New(), o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestUnauthenticatedPagesGoToLogin(t *testing.T) {
	e := app(t, demoOptions(t))
	w := serve(e, httptest.NewRequest(http.MethodGet, "/browse?connection=c&bucket=b&prefix=p/", nil))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d", w.Code)
	}
	loc, _ := url.Parse(w.Header().Get("Location"))
	if loc.Path != "/login" || loc.Query().Get("redirect") != "/browse?connection=c&bucket=b&prefix=p/" {
		t.Fatalf("Location = %s", loc)
	}
	w = serve(e, httptest.NewRequest(http.MethodGet, loc.String(), nil))
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "DEMO") || !strings.Contains(body, `value="`+alice+`"`) {
		t.Fatalf("login page %d:\n%s", w.Code, body)
	}
	if strings.Contains(body, "<script") {
		t.Fatal("the login page has a script")
	}
}

func TestOIDCLoginPageOffersTheRedirect(t *testing.T) {
	e := app(t, webui.Options{Sessions: newSessions(t), OIDCLogin: true})
	body := serve(e, httptest.NewRequest(http.MethodGet, "/login?redirect=/admin/audit", nil)).Body.String()
	if !strings.Contains(body, `href="/auth/login?redirect=%2fadmin%2faudit"`) && !strings.Contains(body, `href="/auth/login?redirect=%2Fadmin%2Faudit"`) {
		t.Fatalf("no OIDC button:\n%s", body)
	}
	if strings.Contains(body, "DEMO") {
		t.Fatal("demo marked without demo users")
	}
}

func demoLogin(e *echo.Echo, form url.Values, origin string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/auth/demo", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		r.Header.Set("Origin", origin)
		r.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	return serve(e, r)
}

func TestDemoLoginIssuesASessionForAConfiguredUser(t *testing.T) {
	o := demoOptions(t)
	e := app(t, o)
	w := demoLogin(e, url.Values{"user": {alice}, "redirect": {"/browse?bucket=b"}}, "")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/browse?bucket=b" {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Location"))
	}
	c := sessionCookie(w)
	if c == nil {
		t.Fatal("no session cookie")
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(c)
	id, ok, err := o.Sessions.Authenticate(r)
	if err != nil || !ok || id.User != alice || id.Method != auth.MethodDemo {
		t.Fatalf("session = %+v %v %v", id, ok, err)
	}
	// Signed in, the pages are served.
	w = serve(e, r)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `type="module"`) {
		t.Fatalf("shell %d", w.Code)
	}
}

func TestDemoLoginRefusesOthers(t *testing.T) {
	e := app(t, demoOptions(t))
	for name, tc := range map[string]struct {
		form   url.Values
		origin string
		status int
	}{
		"unknown user":      {url.Values{"user": {"mallory@evil.example"}}, "", http.StatusForbidden},
		"no user":           {url.Values{}, "", http.StatusForbidden},
		"case variant":      {url.Values{"user": {"Alice@partner-a.com"}}, "", http.StatusForbidden},
		"cross-site post":   {url.Values{"user": {alice}}, "https://evil.example", http.StatusForbidden},
		"two users at once": {url.Values{"user": {"mallory@evil.example", alice}}, "", http.StatusForbidden},
	} {
		w := demoLogin(e, tc.form, tc.origin)
		if w.Code != tc.status || sessionCookie(w) != nil {
			t.Errorf("%s: %d, session %v", name, w.Code, sessionCookie(w) != nil)
		}
	}
	// Without demo users there is no demo login at all.
	e = app(t, webui.Options{Sessions: newSessions(t), OIDCLogin: true})
	if w := demoLogin(e, url.Values{"user": {alice}}, ""); w.Code != http.StatusNotFound && w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("demo login without demo users: %d", w.Code)
	}
}

func TestDemoLoginRedirectsOnlyToThisServer(t *testing.T) {
	e := app(t, demoOptions(t))
	for _, target := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/auth/logout"} {
		w := demoLogin(e, url.Values{"user": {alice}, "redirect": {target}}, "")
		if got := w.Header().Get("Location"); got != "/" {
			t.Errorf("redirect %q: Location %q", target, got)
		}
	}
}

func TestAssetsAreVersionedAndCached(t *testing.T) {
	e := app(t, demoOptions(t))
	r := httptest.NewRequest(http.MethodGet, "/login", nil)
	body := serve(e, r).Body.String()
	m := regexp.MustCompile(`href="(/ui/[0-9a-f]{12}/)app\.css"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no versioned style sheet in:\n%s", body)
	}
	for file, ctype := range map[string]string{"app.css": "text/css", "js/main.js": "text/javascript", "icon.svg": "image/svg+xml"} {
		w := serve(e, httptest.NewRequest(http.MethodGet, m[1]+file, nil))
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), ctype) ||
			!strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q %q", file, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"))
		}
	}
	for _, p := range []string{"/ui/000000000000/app.css", m[1] + "missing.js", m[1] + "../templates/shell.html", m[1] + "js"} {
		if w := serve(e, httptest.NewRequest(http.MethodGet, p, nil)); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d", p, w.Code)
		}
	}
}

func TestAssetsHaveNoInlineCodeOrRemoteURLs(t *testing.T) {
	e := app(t, demoOptions(t))
	body := serve(e, httptest.NewRequest(http.MethodGet, "/login", nil)).Body.String()
	base := regexp.MustCompile(`/ui/[0-9a-f]{12}/`).FindString(body)
	read := func(f string) string {
		b, _ := io.ReadAll(serve(e, httptest.NewRequest(http.MethodGet, base+f, nil)).Body)
		return string(b)
	}
	scripts, err := os.ReadDir("assets/js")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("assets/js: %v", err)
	}
	for _, d := range scripts {
		f := "js/" + d.Name()
		s := read(f)
		if s == "" {
			t.Errorf("%s is not served", f)
		}
		for _, bad := range []string{"http://", "https://", "innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q", f, bad)
			}
		}
	}
	// The style sheet's only URLs are its inline icons.
	css := read("app.css")
	for _, u := range regexp.MustCompile(`url\(([^)]{0,40})`).FindAllStringSubmatch(css, -1) {
		if !strings.HasPrefix(u[1], `"data:image/svg+xml,`) && !strings.HasPrefix(u[1], "var(") {
			t.Errorf("app.css loads %s", u[1])
		}
	}
	if strings.Contains(css, "@import") {
		t.Error("app.css imports")
	}
}

func TestLogoutWithoutOIDC(t *testing.T) {
	o := demoOptions(t)
	e := app(t, o)
	login := demoLogin(e, url.Values{"user": {alice}}, "")
	r := httptest.NewRequest(http.MethodPost, "/auth/logout?redirect=/login", nil)
	r.AddCookie(sessionCookie(login))
	w := serve(e, r)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Location"))
	}
	cleared := false
	for _, c := range w.Result().Cookies() {
		if c.Name == auth.SessionCookie && c.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Fatal("session cookie not cleared")
	}
}
