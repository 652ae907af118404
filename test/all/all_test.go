// Package all_test runs `s3am all` as a user would, against a real control
// plane and MinIO: one process serving the webhooks, the reconcilers and the
// partner API and web app, which callers reach through a trusted proxy, an
// OIDC login in a browser, OIDC bearer tokens and ServiceAccount tokens.
package all_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/cli"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
	"github.com/s3am/s3-access-manager/internal/testenv/oidcissuer"
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"github.com/s3am/s3-access-manager/internal/testenv/ports"
	"github.com/s3am/s3-access-manager/internal/testenv/probe"
)

func TestAllInOneProcess(t *testing.T) {
	env := controlplane.Start(t, controlplane.Options{Webhooks: true})
	srv := minioserver.Start(t)
	srv.CreateBucket(t, "partner-data")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env.CreateKeysSecret(t, "s3am-system", "minio-keys", srv.RootAccessKey, srv.RootSecretKey)

	listen := ports.Address(t)
	issuer := oidcissuer.Start(t)
	issuer.SetRedirectURI("http://" + listen + "/auth/callback")
	t.Setenv("KUBECONFIG", env.Kubeconfig)
	t.Setenv("S3AM_SESSION_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	t.Setenv("S3AM_OIDC_CLIENT_SECRET", oidcissuer.ClientSecret)
	cmd := cli.NewRoot()
	// Every way in at once, as a deployment behind a proxy with an OIDC
	// login and workloads calling with ServiceAccount tokens would have. The
	// cookies are Secure, with the __Host- prefix: Chromium treats
	// http://127.0.0.1 as a secure origin.
	cmd.SetArgs([]string{"all", "--namespace", "s3am-system", "--listen", listen, "--proxy-trusted-cidrs", "127.0.0.1/32",
		"--oidc-issuer", issuer.URL(), "--oidc-client-id", oidcissuer.ClientID, "--oidc-redirect-url", "http://" + listen + "/auth/callback",
		"--service-accounts", "--web-connect-origins", srv.Endpoint,
		"--metrics-bind-address", "0", "--health-probe-bind-address", "0",
		"--webhook-port", fmt.Sprint(env.Webhook.LocalServingPort), "--webhook-cert-dir", env.Webhook.LocalServingCertDir,
		"--zap-log-level", "error"})
	cmd.SetOut(io.Discard)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	base := "http://" + listen
	poll.Until(t, 60*time.Second, "s3am all ready", func() bool { return probe.Status(http.DefaultClient, base+"/readyz") == http.StatusOK })

	// The webhooks of this process admit the connection and the grant.
	manifest := srv.ConnectionYAML("minio", "s3am-system", "minio-keys") + `---
apiVersion: s3am.io/v1alpha1
kind: PrefixGrant
metadata: {name: alice, namespace: s3am-system}
spec: {connection: minio, bucket: partner-data, prefix: partner-a/uploads/, permissions: [write, list], subjects: [{kind: User, name: alice@partner-a.com}]}
`
	if _, err := env.Kubectl(ctx, manifest, "apply", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(manifest[strings.Index(manifest, "---"):], "partner-a/uploads/", "partner-a/../x/", 1)
	if out, err := env.Kubectl(ctx, bad, "apply", "-f", "-"); err == nil || !strings.Contains(out, "segments") {
		t.Fatalf("a traversal prefix was admitted: %v\n%s", err, out)
	}

	// Its reconcilers make the grant Ready and its server authorizes it.
	took := poll.Until(t, 60*time.Second, "alice sees her grant root", func() bool {
		_, body, _ := probe.Get(http.DefaultClient, base+"/api/v1/me", http.Header{"X-Forwarded-Email": {"alice@partner-a.com"}})
		return strings.Contains(body, "partner-a/uploads/")
	})
	t.Logf("kubectl apply -> /api/v1/me shows the grant: %s", took)
	if got := probe.Status(http.DefaultClient, base+"/api/v1/me"); got != http.StatusUnauthorized {
		t.Errorf("anonymous /api/v1/me: %d, want 401", got)
	}

	t.Run("OIDC login in a browser", func(t *testing.T) { testBrowserLogin(t, base, issuer) })
	t.Run("OIDC bearer token", func(t *testing.T) { testBearer(t, base, issuer) })
	t.Run("ServiceAccount token", func(t *testing.T) { testServiceAccount(t, base, env) })

	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("s3am all: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("s3am all did not stop within 60s of its context ending")
	}
}
