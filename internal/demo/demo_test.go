package demo_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/s3am/s3-access-manager/internal/demo"
	"github.com/s3am/s3-access-manager/internal/proc"
	"github.com/s3am/s3-access-manager/internal/testenv/browser"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/ports"
	"github.com/s3am/s3-access-manager/internal/testenv/probe"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// TestDemoAsANewUser runs the demo, opens the printed URL in a headless
// browser and signs in as alice, applies the printed example grant with the
// printed kubeconfig and kubectl, sees it on her dashboard, stops the demo
// and checks that nothing is left behind.
func TestDemoAsANewUser(t *testing.T) {
	assets, ok := controlplane.Assets()
	if !ok {
		repo.Missing(t, "the test control plane", "envtest-assets")
	}
	minio := repo.RequireTool(t, "MinIO", "minio", "S3AM_MINIO", "minio")
	s3am := repo.S3am(t)
	listen := ports.Address(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	up := make(chan *demo.Running, 1)
	done := make(chan error, 1)
	go func() {
		done <- demo.Run(ctx, demo.Options{Listen: listen, Assets: assets, MinIO: minio, Binary: s3am, Out: &out, Ready: func(r *demo.Running) { up <- r }})
	}()
	var r *demo.Running
	select {
	case r = <-up:
	case err := <-done:
		t.Fatalf("demo stopped: %v\n%s", err, out.String())
	case <-time.After(3 * time.Minute):
		t.Fatalf("demo did not come up:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "export KUBECONFIG="+r.Kubeconfig) {
		t.Errorf("instructions lack the kubeconfig:\n%s", out.String())
	}

	me := apiGet(t, r.URL+"/api/v1/me", "alice@partner-a.com")
	if !strings.Contains(me, "partner-a/uploads/") {
		t.Errorf("/api/v1/me of alice lacks her grant root: %s", me)
	}
	listing := apiGet(t, r.URL+"/api/v1/list?connection=partner-data-prod&bucket=partner-data&prefix=partner-a/uploads/2024/", "alice@partner-a.com")
	if !strings.Contains(listing, "january") || !strings.Contains(listing, "quarterly-report.pdf") {
		t.Errorf("alice's listing of 2024/ lacks the sample folders: %s", listing)
	}

	// As a new user would: open the printed URL, sign in as alice, apply
	// the printed example grant with the printed kubeconfig and kubectl, and
	// see her dashboard show it.
	b := browser.Start(t)
	tab := b.NewTab(t)
	b.Do(t, tab, "open the printed URL", chromedp.Navigate(r.URL))
	b.WaitFor(t, tab, 20*time.Second, "the login page with the demo users",
		`location.pathname === "/login" && document.querySelector('button[name="user"][value="alice@partner-a.com"]') !== null`)
	b.Screenshot(t, tab, "01-login")
	b.Do(t, tab, "sign in as alice", chromedp.Click(chromedp.CSS(`button[name="user"][value="alice@partner-a.com"]`)))
	b.WaitFor(t, tab, 20*time.Second, "alice's dashboard", rootShown("partner-a/uploads/"))
	b.Screenshot(t, tab, "02-dashboard")

	cmd := exec.Command(r.Kubectl, "--kubeconfig", r.Kubeconfig, "apply", "-f", "-")
	cmd.Stdin = strings.NewReader(demo.NewGrantExample)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	start := time.Now()
	for {
		b.Do(t, tab, "reload the dashboard", chromedp.Reload())
		b.WaitFor(t, tab, 20*time.Second, "the dashboard", `document.documentElement.dataset.ready === 'true'`)
		if browser.Eval[bool](t, tab, rootShown("shared/contracts/")) {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("a grant applied with kubectl did not show on the dashboard within 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("kubectl apply -> on alice's dashboard after a reload: %s", time.Since(start))
	b.Screenshot(t, tab, "03-new-grant")

	dir := filepath.Dir(r.Kubeconfig)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("demo left %s behind", dir)
	}
	// Only this demo's children: another demo on the machine is none of
	// this test's business.
	for _, pgid := range r.ProcessGroups {
		if !proc.GroupGone(pgid) {
			t.Errorf("demo left process group %d running", pgid)
		}
	}
}

func apiGet(t *testing.T, url, user string) string {
	t.Helper()
	code, body, err := probe.Get(http.DefaultClient, url, http.Header{"X-Forwarded-Email": {user}})
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	return body
}

func TestDemoRefusesNonLoopback(t *testing.T) {
	err := demo.Run(context.Background(), demo.Options{Listen: "0.0.0.0:8080", Out: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("demo on 0.0.0.0: %v, want a refusal naming loopback", err)
	}
}

// rootShown is a script telling whether the dashboard lists a grant root
// ending in prefix.
func rootShown(prefix string) string {
	return `[...document.querySelectorAll('.root-title')].some((e) => e.textContent.endsWith(` + strconv.Quote(prefix) + `))`
}
