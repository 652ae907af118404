package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/app"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/audit/sqlite"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/notify/notifytest"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/testenv/asuser"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/server/auth"
)

const (
	bucket     = "partner-data"
	alice      = "alice@partner-a.com"
	admin      = "auditor@s3am.example"
	adminGroup = "s3am-admins"
)

// lockedBuffer is a bytes.Buffer safe for the recorder's and the logger's
// goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// stack is one running server and what the test inspects around it.
type stack struct {
	conn      string
	minio     *minioserver.Server
	url       string
	store     *sqlite.Store
	storePath string
	recorder  *audit.Recorder
	app       *app.Server
	logs      *lockedBuffer
	jsonl     *lockedBuffer
	hooks     *notifytest.Receiver
	closer    func()
}

// startStack starts MinIO with the bucket and its seed objects, the
// connection (Ready), and the server with proxy-header authentication from
// loopback.
func startStack(t *testing.T) *stack {
	t.Helper()
	return startStackWith(t, "partner-data-e2e")
}

// startStackWith is startStack with the connection named conn, so that
// tests do not wait for each other's connections to be deleted and grants
// of one test never reach another's.
func startStackWith(t testing.TB, conn string) *stack {
	t.Helper()
	srv := minioserver.Start(t)
	srv.Seed(t, bucket, map[string]string{
		"partner-a/uploads/2024/january/scans/page-1.png": "png",
		"partner-a/secret/plans.txt":                      "sibling",
		"partner-a/processed/report.pdf":                  "%PDF-1.7 processed report",
		"partner-b/uploads/existing.pdf":                  "partner b",
	})
	operator.ConnectMinIO(t, conn, srv)

	st := &stack{conn: conn, minio: srv, logs: &lockedBuffer{}, jsonl: &lockedBuffer{}, hooks: notifytest.Start(t)}
	served := operator.Serve(t, app.Options{
		Links:      &server.LinkOptions{Notifier: st.hooks.Sender},
		Auth:       auth.Config{Proxy: auth.ProxyConfig{TrustedCIDRs: []string{"127.0.0.1/32"}}},
		AdminGroup: adminGroup, AuditJSON: st.jsonl, AuditWriter: "e2e",
		Logger: slog.New(slog.NewJSONHandler(st.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	st.app, st.url, st.store, st.storePath, st.closer = served.Server, served.URL, served.Store, served.StorePath, served.Stop
	st.recorder = served.Recorder
	return st
}

// applyGrant applies a PrefixGrant for alice with kubectl and waits until
// the index allows probe with perm.
func applyGrant(t *testing.T, conn, name, prefix string, perms []string, probe string, perm grant.Permission) {
	t.Helper()
	y := `apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata:
  name: ` + name + `
  namespace: ` + operatorNamespace + `
spec:
  connection: ` + conn + `
  bucket: ` + bucket + `
  prefix: ` + prefix + `
  subjects:
    - kind: User
      name: ` + alice + `
  permissions: [` + strings.Join(perms, ", ") + `]
  upload:
    maxObjectSize: 20Mi
`
	if out, err := operator.Env.Kubectl(context.Background(), y, "apply", "-f", "-"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	poll.Until(t, 20*time.Second, "grant "+name+" authorizes", func() bool {
		return operator.Index.Decide(grant.Principal{User: alice}, perm, conn, bucket, probe).Allowed
	})
}

// caller is a person behind the trusted proxy.
type caller struct {
	t      testing.TB
	base   string
	user   string
	groups string
}

// response is an answer of the server.
type response struct {
	status int
	body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r response) errorBody(t *testing.T) server.ErrorBody {
	t.Helper()
	var e server.ErrorBody
	r.decode(t, &e)
	return e
}

// do sends a request; body is JSON-encoded unless it is []byte.
func (c caller) do(method, path string, query url.Values, body any) response {
	c.t.Helper()
	u := c.base + path
	if query != nil {
		u += "?" + query.Encode()
	}
	req, err := asuser.Person{User: c.user, Groups: c.groups}.Request(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", "s3am-e2e")
	status, data, err := asuser.Do(http.DefaultClient, req)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{status: status, body: data}
}

// send performs a presigned request with body, as a browser would.
func send(t *testing.T, pr objects.PresignedRequest, body []byte) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(pr.Method, pr.URL, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range pr.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

// eventsOf returns every stored event of user, oldest first.
func (st *stack) eventsOf(t *testing.T, user string) []audit.Event {
	t.Helper()
	page, err := st.store.Query(context.Background(), audit.Filter{User: user, Limit: audit.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return page.Events
}
