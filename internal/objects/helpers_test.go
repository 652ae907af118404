package objects_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/internal/redact"
	"github.com/s3am/s3-access-manager/internal/s3conn"
	"github.com/s3am/s3-access-manager/internal/testenv/awsenv"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

// testBucket is the bucket every MinIO test works in.
const testBucket = "data"

// connUser is the MinIO user behind the test connection: a non-root user
// with the built-in readwrite policy, as an operator would configure one.
const (
	connUserID     = "s3am-objects"
	connUserSecret = "s3am-objects-secret-0123456789"
)

// minioEnv is one MinIO server with the test bucket and connection user.
type minioEnv struct {
	srv  *minioserver.Server
	root *s3.Client
}

func startMinIO(t testing.TB) *minioEnv {
	t.Helper()
	awsenv.Isolate(t)
	srv := minioserver.Start(t)
	srv.CreateBucket(t, testBucket)
	srv.MC(t, "admin", "user", "add", minioserver.MCAlias, connUserID, connUserSecret)
	srv.MC(t, "admin", "policy", "attach", minioserver.MCAlias, "readwrite", "--user", connUserID)
	return &minioEnv{srv: srv, root: srv.S3Client(t, nil)}
}

// spec is the connection spec of the test user; scoping selects
// credentialScoping SessionPolicy.
func (e *minioEnv) spec(scoping bool) v1alpha1.S3ConnectionSpec {
	spec := v1alpha1.S3ConnectionSpec{
		Provider: v1alpha1.ProviderS3Compatible, Endpoint: e.srv.Endpoint, PathStyle: true,
		Region: e.srv.Region,
		Auth:   v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: "ops", Name: "s3-keys"}},
	}
	if scoping {
		spec.IAM = &v1alpha1.IAMConfig{CredentialScoping: v1alpha1.CredentialScopingSessionPolicy}
	}
	return spec
}

// keysSource serves the connection user's keys as the controller's Secret
// reader would.
var keysSource = s3conn.Sources{Secrets: s3conn.ReaderFunc(func(_ context.Context, ns, name, key string) ([]byte, error) {
	if ns != "ops" || name != "s3-keys" {
		return nil, fmt.Errorf("secret %s/%s not found", ns, name)
	}
	switch key {
	case s3conn.DefaultAccessKeyIDKey:
		return []byte(connUserID), nil
	case s3conn.DefaultSecretAccessKeyKey:
		return []byte(connUserSecret), nil
	}
	return nil, fmt.Errorf("secret %s/%s has no key %s", ns, name, key)
})}

// service builds the Service exactly as the server will.
func (e *minioEnv) service(t testing.TB, scoping bool, opts objects.Options) *objects.Service {
	t.Helper()
	spec := e.spec(scoping)
	cfg, err := s3conn.Config(context.Background(), spec, keysSource)
	if err != nil {
		t.Fatalf("Config: %v", err)
	}
	opts.ClientOptions = append(opts.ClientOptions, func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	svc, err := objects.New(cfg, spec, "minio", opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return svc
}

// grantSource is a settable GrantSource, standing in for the index.
type grantSource struct {
	mu     sync.Mutex
	grants []grant.Grant
}

func (g *grantSource) set(grants ...grant.Grant) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.grants = grants
}

func (g *grantSource) get(grant.Principal) []grant.Grant {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]grant.Grant(nil), g.grants...)
}

func testGrant(name, prefix string, perms grant.Permissions, subjects ...grant.Subject) grant.Grant {
	return grant.Grant{
		Namespace: "team", Name: name, Connection: "minio", Bucket: testBucket, Prefix: prefix,
		Subjects: subjects, Permissions: perms,
	}
}

var alice = grant.Principal{User: "alice", Groups: []string{"staff"}}

// response is what S3 answered to a presigned request.
type response struct {
	status int
	header http.Header
	body   []byte
}

// code is the S3 error code in an error response's XML body.
func (r response) code() string {
	var e struct{ Code string }
	_ = xml.Unmarshal(r.body, &e)
	return e.Code
}

func (r response) String() string {
	if r.status < 300 {
		return fmt.Sprintf("HTTP %d", r.status)
	}
	return fmt.Sprintf("HTTP %d %s", r.status, r.code())
}

// send performs a presigned request the way a client does: the listed
// headers, then overrides (a "" value deletes a header), and body.
func send(t testing.TB, req objects.PresignedRequest, body []byte, overrides map[string]string) response {
	t.Helper()
	return sendTo(t, req.Method, req.URL, req.Headers, body, overrides)
}

func sendTo(t testing.TB, method, url string, headers map[string]string, body []byte, overrides map[string]string) response {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	hr, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatalf("request: %v", redact.String(err.Error()))
	}
	for k, v := range headers {
		hr.Header.Set(k, v)
	}
	for k, v := range overrides {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", method, redact.String(url), redact.String(err.Error()))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// postForm uploads data through a presigned POST as a browser form would,
// with the form's fields, then extra fields, then the file.
func postForm(t testing.TB, post objects.PresignedPost, extra map[string]string, filename string, data []byte) response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fields := map[string]string{}
	for k, v := range post.Fields {
		fields[k] = v
	}
	for k, v := range extra {
		fields[k] = v
	}
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return sendTo(t, http.MethodPost, post.URL, map[string]string{"Content-Type": w.FormDataContentType()}, buf.Bytes(), nil)
}

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	_, _ = r.Read(b)
	return b
}

// getObject reads an object as root.
func (e *minioEnv) getObject(t testing.TB, key string) ([]byte, error) {
	t.Helper()
	out, err := e.root.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// putObject writes an object as root.
func (e *minioEnv) putObject(t testing.TB, key string, data []byte) {
	t.Helper()
	_, err := e.root.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String(key), Body: bytes.NewReader(data),
	})
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// wantKind fails unless err is an *objects.Error of kind.
func wantKind(t testing.TB, err error, kind objects.Kind) *objects.Error {
	t.Helper()
	e, ok := errors.AsType[*objects.Error](err)
	if !ok || e.Kind != kind {
		t.Fatalf("error = %v, want kind %s", err, kind)
	}
	assertNoSecrets(t, err)
	return e
}

// assertNoSecrets checks every printed form of err for the connection's
// keys and for URL signatures.
func assertNoSecrets(t testing.TB, err error) {
	t.Helper()
	forms := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		forms = append(forms, u.Error())
	}
	for _, f := range forms {
		for _, s := range []string{connUserSecret, "X-Amz-Signature=", "X-Amz-Credential=" + connUserID} {
			if strings.Contains(f, s) {
				t.Errorf("error text %q contains %q", f, s)
			}
		}
	}
}
