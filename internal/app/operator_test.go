package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/app"
	s3amscheme "github.com/s3am/s3-access-manager/internal/scheme"
)

// The flags' defaults are a valid operator: the rate limit a cold start of
// thousands of grants needs, the controllers' concurrency, and the
// controller-runtime leader-election timing.
func TestDefaultOperatorOptions(t *testing.T) {
	d := app.DefaultOperatorOptions()
	if err := d.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if d.KubeAPIQPS != 200 || d.KubeAPIBurst != 300 {
		t.Errorf("client rate limit %g/%d, want 200/300", d.KubeAPIQPS, d.KubeAPIBurst)
	}
	if d.MaxConcurrentReconciles != controllers.DefaultMaxConcurrentReconciles {
		t.Errorf("max concurrent reconciles %d, want the controllers' default %d", d.MaxConcurrentReconciles, controllers.DefaultMaxConcurrentReconciles)
	}
	le := d.LeaderElection
	if !le.Enabled || le.LeaseDuration != 15*time.Second || le.RenewDeadline != 10*time.Second || le.RetryPeriod != 2*time.Second {
		t.Errorf("leader election %+v, want on with controller-runtime's 15s/10s/2s", le)
	}
	if d.Namespace != "s3am-system" || d.ExpiryWarningDays != 14 || d.WebhookPort != 9443 {
		t.Errorf("namespace %q, expiry warning %d days, webhook port %d", d.Namespace, d.ExpiryWarningDays, d.WebhookPort)
	}
}

func TestOperatorOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*app.OperatorOptions)
		// flag is the flag the error names; "" means valid.
		flag string
	}{
		{"no client-side limit", func(o *app.OperatorOptions) { o.KubeAPIQPS, o.KubeAPIBurst = -1, 0 }, ""},
		{"warning off", func(o *app.OperatorOptions) { o.ExpiryWarningDays = 0 }, ""},
		{"bad timing without leader election", func(o *app.OperatorOptions) {
			o.LeaderElection = app.LeaderElection{Enabled: false, LeaseDuration: time.Second, RenewDeadline: time.Minute}
		}, ""},
		{"no namespace", func(o *app.OperatorOptions) { o.Namespace = "" }, "--namespace"},
		{"qps zero", func(o *app.OperatorOptions) { o.KubeAPIQPS = 0 }, "--kube-api-qps"},
		{"burst zero", func(o *app.OperatorOptions) { o.KubeAPIBurst = 0 }, "--kube-api-burst"},
		{"no reconciles", func(o *app.OperatorOptions) { o.MaxConcurrentReconciles = 0 }, "--max-concurrent-reconciles"},
		{"negative warning", func(o *app.OperatorOptions) { o.ExpiryWarningDays = -1 }, "--expiry-warning-days"},
		{"webhook port zero", func(o *app.OperatorOptions) { o.WebhookPort = 0 }, "--webhook-port"},
		{"webhook port too large", func(o *app.OperatorOptions) { o.WebhookPort = 65536 }, "--webhook-port"},
		{"renew deadline over lease", func(o *app.OperatorOptions) { o.LeaderElection.RenewDeadline = 20 * time.Second }, "--leader-elect-renew-deadline"},
		{"retry period too close to renew deadline", func(o *app.OperatorOptions) { o.LeaderElection.RetryPeriod = 9 * time.Second }, "--leader-elect-retry-period"},
		{"no retry period", func(o *app.OperatorOptions) { o.LeaderElection.RetryPeriod = 0 }, "--leader-elect-retry-period"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := app.DefaultOperatorOptions()
			tc.edit(&o)
			err := o.Validate()
			switch {
			case tc.flag == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.flag != "" && err == nil:
				t.Fatal("accepted")
			case tc.flag != "" && !strings.Contains(err.Error(), tc.flag):
				t.Fatalf("error %q does not name %s", err, tc.flag)
			}
		})
	}
	// Every problem is reported at once.
	o := app.DefaultOperatorOptions()
	o.Namespace, o.MaxConcurrentReconciles = "", 0
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "--namespace") || !strings.Contains(err.Error(), "--max-concurrent-reconciles") {
		t.Errorf("two problems, error %v", err)
	}
}

// Validate refuses exactly the lease timings client-go's leader election
// refuses when the manager starts, so a mistyped flag fails before the
// process connects, and a valid one is never refused.
func TestLeaderElectionTimingAgreesWithClientGo(t *testing.T) {
	s := time.Second
	for _, timing := range [][3]time.Duration{
		{15 * s, 10 * s, 2 * s}, {15 * s, 15 * s, 2 * s}, {10 * s, 15 * s, 2 * s},
		{15 * s, 12 * s, 10 * s}, {15 * s, 12 * s, 9 * s}, {15 * s, 12 * s, 10*s - time.Nanosecond},
		{15 * s, 10 * s, 0}, {3 * s, 2 * s, time.Second},
	} {
		o := app.DefaultOperatorOptions()
		o.LeaderElection = app.LeaderElection{Enabled: true, LeaseDuration: timing[0], RenewDeadline: timing[1], RetryPeriod: timing[2]}
		ours := o.Validate()
		_, theirs := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock:          &resourcelock.LeaseLock{LockConfig: resourcelock.ResourceLockConfig{Identity: "test"}},
			LeaseDuration: timing[0], RenewDeadline: timing[1], RetryPeriod: timing[2],
			Callbacks: leaderelection.LeaderCallbacks{OnStartedLeading: func(context.Context) {}, OnStoppedLeading: func() {}},
		})
		if (ours == nil) != (theirs == nil) {
			t.Errorf("lease %s, renew %s, retry %s: we say %v, client-go %v", timing[0], timing[1], timing[2], ours, theirs)
		}
	}
}

// The rate limit goes on a copy: the kubeconfig's rest.Config is shared.
func TestRESTConfig(t *testing.T) {
	in := &rest.Config{Host: "https://example.invalid", QPS: -1}
	o := app.DefaultOperatorOptions()
	got := o.RESTConfig(in)
	if got.QPS != 200 || got.Burst != 300 || got.Host != in.Host {
		t.Errorf("config %+v", got)
	}
	if in.QPS != -1 || in.Burst != 0 {
		t.Errorf("the caller's config changed to %g/%d", in.QPS, in.Burst)
	}
}

func TestManagerOptions(t *testing.T) {
	scheme, err := s3amscheme.New()
	if err != nil {
		t.Fatal(err)
	}
	o := app.DefaultOperatorOptions()
	o.Namespace, o.MetricsAddr, o.ProbeAddr, o.PprofAddr = "ops", ":1", ":2", ":3"
	o.LeaderElection.LeaseDuration = 30 * time.Second
	m := o.ManagerOptions(scheme)
	if !m.LeaderElection || m.LeaderElectionNamespace != "ops" || m.LeaderElectionID != "s3am-operator.s3am.io" || !m.LeaderElectionReleaseOnCancel {
		t.Errorf("leader election: on %v, lease %s/%s, release on cancel %v", m.LeaderElection, m.LeaderElectionNamespace, m.LeaderElectionID, m.LeaderElectionReleaseOnCancel)
	}
	if *m.LeaseDuration != 30*time.Second || *m.RenewDeadline != 10*time.Second || *m.RetryPeriod != 2*time.Second {
		t.Errorf("lease timing %s/%s/%s", *m.LeaseDuration, *m.RenewDeadline, *m.RetryPeriod)
	}
	if m.Metrics.BindAddress != ":1" || m.HealthProbeBindAddress != ":2" || m.PprofBindAddress != ":3" {
		t.Errorf("addresses %q %q %q", m.Metrics.BindAddress, m.HealthProbeBindAddress, m.PprofBindAddress)
	}
	if m.Scheme != scheme || m.WebhookServer == nil {
		t.Error("scheme or webhook server not set")
	}
	// The cache keeps no managedFields.
	if m.Cache.DefaultTransform == nil {
		t.Fatal("no cache transform")
	}
	pg := &v1alpha1.PrefixGrant{ObjectMeta: metav1.ObjectMeta{Name: "g", ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}}}
	out, err := m.Cache.DefaultTransform(pg)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.(*v1alpha1.PrefixGrant); len(got.ManagedFields) != 0 || got.Name != "g" {
		t.Errorf("cached grant %+v", got.ObjectMeta)
	}
}

func TestControllerOptions(t *testing.T) {
	o := app.DefaultOperatorOptions()
	o.Namespace, o.MaxConcurrentReconciles = "ops", 3
	c := o.ControllerOptions()
	if c.OperatorNamespace != "ops" || c.MaxConcurrentReconciles != 3 || c.ExpiryWarning != 14*24*time.Hour {
		t.Errorf("controller options %+v", c)
	}
	// 0 days turns the warning off, which controllers.Options spells
	// negative (its zero is the default).
	o.ExpiryWarningDays = 0
	if c := o.ControllerOptions(); c.ExpiryWarning >= 0 {
		t.Errorf("warning off became %s", c.ExpiryWarning)
	}
}
