package auth_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/server/auth"
)

// fromAddr returns a client of a's server whose connections come from the
// loopback address local (127.0.0.0/8 is all loopback on Linux).
func fromAddr(t *testing.T, a *app, local string) *http.Client {
	t.Helper()
	tr := a.srv.Client().Transport.(*http.Transport).Clone()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func proxyGet(t *testing.T, c *http.Client, method, url string, h http.Header) (int, auth.Identity, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var id auth.Identity
	if resp.StatusCode == 200 {
		id = identity(t, string(b))
	}
	return resp.StatusCode, id, string(b)
}

func TestProxyHeaders(t *testing.T) {
	a := newApp(t, nil, nil, func(c *auth.Config) { c.Proxy.TrustedCIDRs = []string{"127.0.0.1/32", "::1"} })
	trusted, untrusted := fromAddr(t, a, "127.0.0.1"), fromAddr(t, a, "127.0.0.2")
	whoamiURL := a.srv.URL + "/api/whoami"
	h := http.Header{
		"X-Forwarded-User":   {"u-alice"},
		"X-Forwarded-Email":  {"alice@example.com"},
		"X-Forwarded-Groups": {"team-a, team-b,,", "team-c"},
	}

	t.Run("from a trusted peer", func(t *testing.T) {
		status, id, body := proxyGet(t, trusted, "GET", whoamiURL, h)
		if status != 200 || id.User != "alice@example.com" || id.Method != auth.MethodProxy || !slices.Equal(id.Groups, []string{"team-a", "team-b", "team-c"}) {
			t.Fatalf("%d %+v %s", status, id, body)
		}
	})
	t.Run("from an untrusted peer the headers are ignored", func(t *testing.T) {
		spoofed := h.Clone()
		spoofed.Set("X-Forwarded-For", "127.0.0.1")
		spoofed.Set("X-Real-Ip", "127.0.0.1")
		status, _, body := proxyGet(t, untrusted, "GET", whoamiURL, spoofed)
		if status != http.StatusUnauthorized || !strings.Contains(body, "authentication required") {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("headers of another family are refused, not read", func(t *testing.T) {
		for _, smuggled := range []http.Header{
			{"X-Forwarded-Email": {"alice@example.com"}, "X-Auth-Request-Groups": {"admins"}},
			{"X-Forwarded-User": {"alice"}, "X-Forwarded-Email": {"alice@example.com"}, "X-Auth-Request-Email": {"bob@example.com"}},
			{"X-Auth-Request-User": {"bob"}, "X-Auth-Request-Email": {"bob@example.com"}},
			{"X-Forwarded-Email": {"alice@example.com"}, "Remote-Groups": {"admins"}},
		} {
			status, _, body := proxyGet(t, trusted, "GET", whoamiURL, smuggled)
			if status != http.StatusUnauthorized || !strings.Contains(body, "does not read") {
				t.Errorf("%v: %d %s", smuggled, status, body)
			}
			if status, _, _ := proxyGet(t, untrusted, "GET", whoamiURL, smuggled); status != http.StatusUnauthorized {
				t.Errorf("%v from an untrusted peer: %d", smuggled, status)
			}
		}
	})
	t.Run("a repeated user or email header is refused", func(t *testing.T) {
		status, _, body := proxyGet(t, trusted, "GET", whoamiURL, http.Header{"X-Forwarded-Email": {"bob@example.com", "alice@example.com"}})
		if status != http.StatusUnauthorized || !strings.Contains(body, "want one") {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("no identity headers from the proxy: not its request", func(t *testing.T) {
		status, _, body := proxyGet(t, trusted, "GET", whoamiURL, http.Header{"X-Forwarded-Groups": {"admins"}})
		if status != http.StatusUnauthorized || !strings.Contains(body, "authentication required") {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("user header but no email", func(t *testing.T) {
		status, _, body := proxyGet(t, trusted, "GET", whoamiURL, http.Header{"X-Forwarded-User": {"bob"}})
		if status != http.StatusUnauthorized || !strings.Contains(body, "no X-Forwarded-Email header") {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("state-changing requests are origin-checked", func(t *testing.T) {
		bad := h.Clone()
		bad.Set("Sec-Fetch-Site", "cross-site")
		bad.Set("Origin", "https://evil.example")
		if status, _, body := proxyGet(t, trusted, "POST", a.srv.URL+"/api/things", bad); status != http.StatusForbidden {
			t.Fatalf("%d %s", status, body)
		}
		ok := h.Clone()
		ok.Set("Sec-Fetch-Site", "same-origin")
		if status, _, body := proxyGet(t, trusted, "POST", a.srv.URL+"/api/things", ok); status != 200 {
			t.Fatalf("%d %s", status, body)
		}
	})
}

func TestProxyConfig(t *testing.T) {
	a := newApp(t, nil, nil, func(c *auth.Config) {
		c.Proxy = auth.ProxyConfig{
			TrustedCIDRs: []string{"127.0.0.0/30"},
			UserHeader:   "remote-user",
			GroupsHeader: "Remote-Groups",
			Username:     auth.ProxyUsernameUser,
		}
	})
	c := fromAddr(t, a, "127.0.0.2")
	status, id, body := proxyGet(t, c, "GET", a.srv.URL+"/api/whoami", http.Header{
		"Remote-User": {"carol"}, "Remote-Groups": {"g1"}, "X-Forwarded-Email": {"carol@example.com"},
	})
	if status != 200 || id.User != "carol" || !slices.Equal(id.Groups, []string{"g1"}) {
		t.Fatalf("%d %+v %s", status, id, body)
	}
	// The default groups header is one of another family once others are
	// configured.
	status, _, body = proxyGet(t, c, "GET", a.srv.URL+"/api/whoami", http.Header{
		"Remote-User": {"carol"}, "Remote-Groups": {"g1"}, "X-Forwarded-Groups": {"admins"},
	})
	if status != http.StatusUnauthorized || !strings.Contains(body, "X-Forwarded-Groups") {
		t.Fatalf("%d %s", status, body)
	}
	if status, _, _ := proxyGet(t, fromAddr(t, a, "127.0.0.5"), "GET", a.srv.URL+"/api/whoami", http.Header{"Remote-User": {"carol"}}); status != http.StatusUnauthorized {
		t.Fatalf("127.0.0.5 outside 127.0.0.0/30: %d", status)
	}

	for _, bad := range []auth.ProxyConfig{
		{},
		{TrustedCIDRs: []string{"not-a-cidr"}},
		{TrustedCIDRs: []string{"10.0.0.0/8"}, Username: "sub"},
		{TrustedCIDRs: []string{"10.0.0.0/8"}, UserHeader: "X-Forwarded-Email"},
	} {
		if _, err := auth.NewProxy(bad); err == nil {
			t.Errorf("config %+v accepted", bad)
		}
	}
}
