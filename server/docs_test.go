package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/s3am/s3-access-manager/server"
)

// get GETs rawURL as the test user "reader".
func get(t *testing.T, rawURL string) (*http.Response, []byte) {
	t.Helper()
	resp, body := getWithHeaders(t, rawURL, map[string]string{"X-Test-User": "reader"})
	return resp, []byte(body)
}

// getWithHeaders GETs rawURL with the headers h and reads the whole body.
func getWithHeaders(t *testing.T, rawURL string, h map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

var (
	// absoluteURL finds any http(s) URL, wherever it appears.
	absoluteURL = regexp.MustCompile(`(?i)https?:`)
	// htmlRef finds the URLs an HTML page makes the browser load or follow.
	htmlRef = regexp.MustCompile(`(?i)\b(?:src|href|action|srcset|data)\s*=\s*["']?([^"'\s>]*)`)
	// fetchArg finds the first argument of fetch calls.
	fetchArg = regexp.MustCompile(`\bfetch\(\s*([^,)]*)`)
)

func TestDocsServedOffline(t *testing.T) {
	ts := httptest.NewServer(newTestServer(t))
	defer ts.Close()

	resp, body := get(t, ts.URL+"/openapi.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/openapi.json: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("/openapi.json: Content-Type %q", ct)
	}
	if !json.Valid(body) || string(body) != string(server.OpenAPI()) {
		t.Error("/openapi.json does not serve the embedded document")
	}

	resp, page := get(t, ts.URL+"/docs")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/docs: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("/docs: Content-Type %q", ct)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("/docs: Content-Security-Policy %q does not confine the page to this server", csp)
	}
	for _, want := range []string{`<html lang="en">`, "<main", "<nav", "<label for=\"filter\"", "<title>"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("/docs: the page has no %s", want)
		}
	}

	base, err := url.Parse(ts.URL + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{"/docs": string(page)}
	wantTypes := map[string]string{".js": "text/javascript", ".css": "text/css", ".json": "application/json"}
	loaded := 0
	for _, m := range htmlRef.FindAllStringSubmatch(string(page), -1) {
		ref := m[1]
		u, err := url.Parse(ref)
		if err != nil {
			t.Errorf("/docs: reference %q: %v", ref, err)
			continue
		}
		if u.Scheme != "" || u.Host != "" || strings.HasPrefix(ref, "//") {
			t.Errorf("/docs: reference %q leaves the server", ref)
			continue
		}
		if u.Path == "" {
			continue // a fragment on the page itself
		}
		target := base.ResolveReference(u)
		resp, body := get(t, target.String())
		if resp.StatusCode != http.StatusOK {
			t.Errorf("/docs: reference %q (%s): %s", ref, target.Path, resp.Status)
			continue
		}
		ext := target.Path[strings.LastIndex(target.Path, "."):]
		if want := wantTypes[ext]; want == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), want) {
			t.Errorf("%s: Content-Type %q", target.Path, resp.Header.Get("Content-Type"))
		}
		bodies[target.Path] = string(body)
		loaded++
	}
	if _, ok := bodies["/docs/viewer.js"]; !ok {
		t.Fatalf("/docs does not load its script; loaded %d references", loaded)
	}
	for path, body := range bodies {
		if path == "/openapi.json" {
			continue
		}
		if loc := absoluteURL.FindStringIndex(body); loc != nil {
			t.Errorf("%s names an absolute URL near %q", path, body[max(loc[0]-20, 0):min(loc[1]+40, len(body))])
		}
		if strings.Contains(body, "@import") || strings.Contains(body, "url(") {
			t.Errorf("%s loads from CSS", path)
		}
	}
	for _, m := range fetchArg.FindAllStringSubmatch(bodies["/docs/viewer.js"], -1) {
		arg := strings.TrimSpace(m[1])
		if arg != `"openapi.json"` {
			t.Errorf("viewer.js fetches %s; it may fetch only \"openapi.json\"", arg)
		}
	}

	for _, missing := range []string{"/docs/missing.js", "/docs/openapi.go", "/docs/..%2fopenapi.go", "/docs/index.txt"} {
		if resp, _ := get(t, ts.URL+missing); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %s, want 404", missing, resp.Status)
		}
	}
	for _, path := range []string{"/api/v1/me", "/docs", "/openapi.json"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without a caller: %s, want 401: only health, readiness and metrics are anonymous", path, resp.Status)
		}
	}
}
