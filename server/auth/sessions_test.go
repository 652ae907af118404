package auth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/server/auth"
)

// newDemoApp is an app with sessions only, and a demo login issuing a
// session for the identity the test sets.
func newDemoApp(t *testing.T, configure func(*auth.Config)) (*app, *auth.Identity) {
	t.Helper()
	a := newApp(t, nil, nil, configure)
	demo := &auth.Identity{User: "demo@example.com", Groups: []string{"demo"}, Method: auth.MethodDemo}
	a.e.POST("/demo/login", func(c echo.Context) error {
		if err := a.stack.Sessions.Issue(c.Response(), *demo); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})
	a.e.POST("/demo/logout", a.stack.Sessions.Logout)
	return a, demo
}

func (a *app) demoLogin() {
	a.t.Helper()
	resp, body := a.do("POST", "/demo/login", nil)
	expectStatus(a.t, resp, body, http.StatusNoContent)
}

// csrfHeader returns the same-origin headers and token a page's script
// sends.
func (a *app) csrfHeader() http.Header {
	a.t.Helper()
	u := a.srv.URL + "/"
	req := httptest.NewRequest("GET", u, nil)
	for _, c := range a.client.Jar.Cookies(req.URL) {
		if c.Name == auth.CSRFCookie {
			h := http.Header{}
			h.Set(auth.CSRFHeader, c.Value)
			h.Set("Origin", a.srv.URL)
			h.Set("Sec-Fetch-Site", "same-origin")
			return h
		}
	}
	a.t.Fatal("no CSRF cookie in the jar")
	return nil
}

func TestDemoSession(t *testing.T) {
	a, _ := newDemoApp(t, nil)
	a.demoLogin()
	resp, body := a.do("GET", "/api/whoami", nil)
	expectStatus(t, resp, body, 200)
	if id := identity(t, body); id.User != "demo@example.com" || id.Method != auth.MethodDemo || !slices.Equal(id.Groups, []string{"demo"}) {
		t.Fatalf("identity %+v", id)
	}
	resp, body = a.do("POST", "/demo/logout", http.Header{"Sec-Fetch-Site": {"same-origin"}})
	expectStatus(t, resp, body, http.StatusSeeOther)
	resp, body = a.do("GET", "/api/whoami", nil)
	expectStatus(t, resp, body, http.StatusUnauthorized)
}

func TestCSRF(t *testing.T) {
	a, _ := newDemoApp(t, func(c *auth.Config) { c.Session.TrustedOrigins = []string{"https://console.example"} })
	a.demoLogin()
	good := a.csrfHeader()
	with := func(h http.Header, kv ...string) http.Header {
		out := h.Clone()
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				out.Del(kv[i])
			} else {
				out.Set(kv[i], kv[i+1])
			}
		}
		return out
	}
	cases := []struct {
		name   string
		method string
		header http.Header
		want   int
	}{
		{"token and same origin", "POST", good, 200},
		{"safe method needs no token", "GET", nil, 200},
		{"no token", "POST", with(good, auth.CSRFHeader, ""), 403},
		{"wrong token", "POST", with(good, auth.CSRFHeader, "AAAA"), 403},
		{"token but cross-site", "POST", with(good, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"), 403},
		{"token but same-site sibling", "POST", with(good, "Sec-Fetch-Site", "same-site", "Origin", "https://other.127.0.0.1.example"), 403},
		{"token, cross-origin Origin, no Sec-Fetch-Site", "POST", with(good, "Sec-Fetch-Site", "", "Origin", "https://evil.example"), 403},
		{"token from a trusted origin", "POST", with(good, "Sec-Fetch-Site", "cross-site", "Origin", "https://console.example"), 200},
		{"token, no browser headers", "POST", with(good, "Sec-Fetch-Site", "", "Origin", ""), 200},
		{"DELETE is checked too", "DELETE", with(good, auth.CSRFHeader, ""), 403},
	}
	a.e.DELETE("/api/things", whoami, auth.Middleware(a.stack.Chain))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := "/api/things"
			if tc.method == "GET" {
				path = "/api/whoami"
			}
			resp, body := a.do(tc.method, path, tc.header)
			expectStatus(t, resp, body, tc.want)
		})
	}

	t.Run("a new session has a new token", func(t *testing.T) {
		a.demoLogin()
		resp, body := a.do("POST", "/api/things", good)
		expectStatus(t, resp, body, 403)
		resp, body = a.do("POST", "/api/things", a.csrfHeader())
		expectStatus(t, resp, body, 200)
	})
}

func TestSessionCookieRejections(t *testing.T) {
	a, _ := newDemoApp(t, nil)
	a.demoLogin()
	u := a.srv.URL + "/api/whoami"
	sessionValue := func() string {
		req := httptest.NewRequest("GET", u, nil)
		for _, c := range a.client.Jar.Cookies(req.URL) {
			if c.Name == auth.SessionCookie {
				return c.Value
			}
		}
		t.Fatal("no session cookie")
		return ""
	}
	withCookie := func(value string) *http.Response {
		req, _ := http.NewRequest("GET", u, nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: value})
		resp, err := a.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp
	}
	good := sessionValue()
	if resp := withCookie(good); resp.StatusCode != 200 {
		t.Fatalf("untouched cookie: %d", resp.StatusCode)
	}
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for name, v := range map[string]string{
		"tampered in the middle": flip(good, len(good)/2),
		"tampered at the end":    flip(good, len(good)-1),
		"truncated":              good[:len(good)-4],
		"not base64":             "!!!" + good,
		"empty":                  "",
		"garbage":                "abc",
	} {
		t.Run(name, func(t *testing.T) {
			if resp := withCookie(v); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
	}
	t.Run("sealed with another key", func(t *testing.T) {
		other, _ := newDemoApp(t, nil)
		other.demoLogin()
		req := httptest.NewRequest("GET", other.srv.URL+"/", nil)
		var v string
		for _, c := range other.client.Jar.Cookies(req.URL) {
			if c.Name == auth.SessionCookie {
				v = c.Value
			}
		}
		if resp := withCookie(v); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("expired", func(t *testing.T) {
		now := time.Now()
		auth.SetSessionsClock(a.stack.Sessions, func() time.Time { return now.Add(8*time.Hour + time.Second) })
		defer auth.SetSessionsClock(a.stack.Sessions, time.Now)
		resp, body := a.do("GET", "/api/whoami", nil)
		expectStatus(t, resp, body, http.StatusUnauthorized)
		if !strings.Contains(body, "session expired") {
			t.Fatalf("body %s", body)
		}
		auth.SetSessionsClock(a.stack.Sessions, func() time.Time { return now.Add(8*time.Hour - time.Minute) })
		resp, body = a.do("GET", "/api/whoami", nil)
		expectStatus(t, resp, body, 200)
	})
}

func TestSessionsDirect(t *testing.T) {
	key, oldKey := newSessionKey(t), newSessionKey(t)
	issue := func(s *auth.Sessions, id auth.Identity) []*http.Cookie {
		t.Helper()
		w := httptest.NewRecorder()
		if err := s.Issue(w, id); err != nil {
			t.Fatal(err)
		}
		return w.Result().Cookies()
	}
	read := func(s *auth.Sessions, cookies []*http.Cookie) (auth.Session, bool, error) {
		r := httptest.NewRequest("GET", "/", nil)
		for _, c := range cookies {
			if c.MaxAge >= 0 {
				r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
		}
		return s.Read(r)
	}

	t.Run("key rotation", func(t *testing.T) {
		old, err := auth.NewSessions(auth.SessionConfig{Key: oldKey})
		if err != nil {
			t.Fatal(err)
		}
		rotated, err := auth.NewSessions(auth.SessionConfig{Key: key, PreviousKeys: []auth.Secret{oldKey}})
		if err != nil {
			t.Fatal(err)
		}
		cs := issue(old, auth.Identity{User: "u"})
		if sess, ok, err := read(rotated, cs); !ok || err != nil || sess.Identity.User != "u" || sess.Identity.Method != auth.MethodSession {
			t.Fatalf("old cookie after rotation: %+v %v %v", sess, ok, err)
		}
		if _, _, err := read(old, issue(rotated, auth.Identity{User: "u"})); err == nil {
			t.Fatal("a server without the new key opened a new cookie")
		}
	})

	t.Run("many groups span several cookies", func(t *testing.T) {
		s, err := auth.NewSessions(auth.SessionConfig{Key: key})
		if err != nil {
			t.Fatal(err)
		}
		var groups []string
		for i := range 250 {
			groups = append(groups, fmt.Sprintf("6f1c2d4e-0000-4000-8000-%012d", i))
		}
		cs := issue(s, auth.Identity{User: "u", Groups: groups})
		var live int
		for _, c := range cs {
			if c.MaxAge > 0 && strings.HasPrefix(c.Name, auth.SessionCookie) {
				live++
				if len(c.String()) > 4096 {
					t.Fatalf("cookie %s is %d bytes", c.Name, len(c.String()))
				}
			}
		}
		if live < 3 {
			t.Fatalf("%d session cookies for 250 groups", live)
		}
		sess, ok, err := read(s, cs)
		if !ok || err != nil || !slices.Equal(sess.Identity.Groups, groups) {
			t.Fatalf("read back: ok %v err %v groups %d", ok, err, len(sess.Identity.Groups))
		}
		// A smaller session replacing it expires the extra chunks, and stale
		// chunks left in a browser are not read.
		small := issue(s, auth.Identity{User: "v"})
		mixed := append(slices.Clone(cs[1:]), small...)
		if sess, _, err := read(s, mixed); err != nil || sess.Identity.User != "v" {
			t.Fatalf("small session with stale chunks: %+v %v", sess, err)
		}
		// Too many groups for a browser is an error at issue time.
		for i := range 2000 {
			groups = append(groups, fmt.Sprintf("extra-group-%d", i))
		}
		if err := s.Issue(httptest.NewRecorder(), auth.Identity{User: "u", Groups: groups}); err == nil {
			t.Fatal("issued a session too large for browsers")
		}
	})

	t.Run("bad configs", func(t *testing.T) {
		for _, k := range []auth.Secret{"", "c2hvcnQ=", "not base64 at all!!", auth.Secret(strings.Repeat("A", 64))} {
			if _, err := auth.NewSessions(auth.SessionConfig{Key: k}); err == nil {
				t.Fatalf("key %q accepted", k.Reveal())
			} else if k != "" && strings.Contains(err.Error(), k.Reveal()) {
				t.Fatalf("error shows the key: %v", err)
			}
		}
		if _, err := auth.NewSessions(auth.SessionConfig{Key: key, TrustedOrigins: []string{"not an origin"}}); err == nil {
			t.Fatal("bad trusted origin accepted")
		}
		if _, err := auth.NewSessions(auth.SessionConfig{Key: key, Lifetime: -time.Second}); err == nil {
			t.Fatal("negative lifetime accepted")
		}
	})

	t.Run("insecure cookies only on loopback", func(t *testing.T) {
		c := auth.SessionConfig{Key: key, InsecureCookies: true}
		for addr, ok := range map[string]bool{"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:8080": true, ":8080": false, "0.0.0.0:8080": false, "10.1.2.3:80": false, "nonsense": false} {
			if err := c.CheckListenAddress(addr); (err == nil) != ok {
				t.Errorf("%s: %v", addr, err)
			}
		}
		s, err := auth.NewSessions(c)
		if err != nil {
			t.Fatal(err)
		}
		// Browsers drop a __Host- cookie that is not Secure.
		for _, ck := range issue(s, auth.Identity{User: "u"}) {
			if ck.Secure || !strings.HasPrefix(ck.Name, auth.InsecureName(auth.SessionCookie)) && ck.Name != auth.InsecureName(auth.CSRFCookie) {
				t.Fatalf("cookie %s Secure %v with InsecureCookies", ck.Name, ck.Secure)
			}
		}
	})
}
