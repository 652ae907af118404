// Package coldstart measures how long an operator that starts with 10,000
// PrefixGrants already in the cluster takes to mark them all Ready and
// index them, and how much heap it needs on the way.
package coldstart_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

const (
	grantCount        = 10000
	operatorNamespace = "s3am-system"
)

// BenchmarkColdStart10kGrants: run with -benchtime=1x; each iteration is a
// whole control plane, 10,000 grants and a fresh operator.
func BenchmarkColdStart10kGrants(b *testing.B) {
	for i := 0; i < b.N; i++ {
		coldStart(b)
	}
}

func coldStart(b *testing.B) {
	b.StopTimer()
	env := controlplane.Start(b, controlplane.Options{})
	srv := minioserver.Start(b)
	srv.CreateBucket(b, "partner-data")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := env.Client
	must(b, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNamespace}}))
	must(b, c.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "keys", Namespace: operatorNamespace},
		Data:       map[string][]byte{"accessKeyID": []byte(srv.RootAccessKey), "secretAccessKey": []byte(srv.RootSecretKey)},
	}))
	must(b, c.Create(ctx, &v1alpha1.S3Connection{
		ObjectMeta: metav1.ObjectMeta{Name: "minio"},
		Spec: v1alpha1.S3ConnectionSpec{
			Provider: v1alpha1.ProviderS3Compatible, Endpoint: srv.Endpoint, PathStyle: true, Region: srv.Region,
			Auth: v1alpha1.ConnectionAuth{AccessKey: &v1alpha1.SecretKeysRef{Namespace: operatorNamespace, Name: "keys",
				AccessKeyIDKey: "accessKeyID", SecretAccessKeyKey: "secretAccessKey"}},
		},
	}))
	createGrants(b, ctx, env)

	opCtx, stopOperator := context.WithCancel(ctx)
	var writes atomic.Int64
	mgr, index := startOperator(b, opCtx, env, &writes)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stopSampling := sampleHeap(&peak)

	b.StartTimer()
	start := time.Now()
	stopped := make(chan struct{})
	go func() { _ = mgr.Start(opCtx); close(stopped) }()
	waitIndexed(b, index, start)
	elapsed := time.Since(start)
	b.StopTimer()
	stopSampling()

	b.Logf("first start: %d grants Ready and indexed %s after the operator started; peak heap %.0f MiB",
		grantCount, elapsed.Round(time.Millisecond), float64(peak.Load())/(1<<20))

	// Restart: a new operator finds every grant's status current, so it
	// writes none and only indexes them.
	stopOperator()
	<-stopped
	firstWrites := writes.Swap(0)
	restartCtx, stopRestarted := context.WithCancel(ctx)
	defer stopRestarted()
	mgr, index = startOperator(b, restartCtx, env, &writes)
	restart := time.Now()
	go func() { _ = mgr.Start(restartCtx) }()
	waitIndexed(b, index, restart)
	restarted := time.Since(restart)
	// Give late reconciles a moment to (wrongly) write.
	time.Sleep(2 * time.Second)
	b.ReportMetric(float64(firstWrites), "status-writes-first-start")
	b.ReportMetric(restarted.Seconds(), "s-restart-until-indexed")
	b.ReportMetric(float64(writes.Load()), "status-writes-restart")
	b.Logf("restart: %d grants indexed %s after the operator started, %d status writes (first start: %d)",
		grantCount, restarted.Round(time.Millisecond), writes.Load(), firstWrites)
	b.ReportMetric(elapsed.Seconds(), "s-until-all-ready")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapAlloc))/(1<<20), "peak-heap-growth-MiB")
	b.Logf("%d grants Ready and indexed %s after the operator started; peak heap %.0f MiB",
		grantCount, elapsed.Round(time.Millisecond), float64(peak.Load())/(1<<20))
}

var skipNameValidation = true

// startOperator sets up the controllers and an index feeder on a new
// manager whose client counts the status writes to PrefixGrants.
func startOperator(b *testing.B, ctx context.Context, env *controlplane.Env, writes *atomic.Int64) (ctrl.Manager, *authz.Index) {
	b.Helper()
	cfg := *env.Config
	cfg.QPS, cfg.Burst = 500, 1000
	mgr, err := ctrl.NewManager(&cfg, ctrl.Options{
		Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"},
		// The restart registers the controllers' names a second time.
		Controller: config.Controller{SkipNameValidation: &skipNameValidation},
		NewClient: func(config *rest.Config, options client.Options) (client.Client, error) {
			c, err := client.New(config, options)
			return countingClient{Client: c, writes: writes}, err
		},
	})
	must(b, err)
	must(b, controllers.Setup(ctx, mgr, controllers.Options{OperatorNamespace: operatorNamespace}))
	index := authz.New()
	must(b, (&controllers.IndexFeeder{Client: mgr.GetClient(), Index: index}).SetupWithManager(mgr))
	return mgr, index
}

func waitIndexed(b *testing.B, index *authz.Index, start time.Time) {
	b.Helper()
	for index.Len() < grantCount {
		if time.Since(start) > 10*time.Minute {
			b.Fatalf("only %d of %d grants indexed after 10 minutes", index.Len(), grantCount)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// countingClient counts the status writes to PrefixGrants (the controllers
// write status through Status() only).
type countingClient struct {
	client.Client
	writes *atomic.Int64
}

func (c countingClient) Status() client.SubResourceWriter {
	return countingWriter{SubResourceWriter: c.Client.Status(), writes: c.writes}
}

type countingWriter struct {
	client.SubResourceWriter
	writes *atomic.Int64
}

func (w countingWriter) Patch(ctx context.Context, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
	count(w.writes, obj)
	return w.SubResourceWriter.Patch(ctx, obj, patch, opts...)
}

func (w countingWriter) Update(ctx context.Context, obj client.Object, opts ...client.SubResourceUpdateOption) error {
	count(w.writes, obj)
	return w.SubResourceWriter.Update(ctx, obj, opts...)
}

func count(writes *atomic.Int64, obj client.Object) {
	if _, ok := obj.(*v1alpha1.PrefixGrant); ok {
		writes.Add(1)
	}
}

// createGrants creates the grants with eight writers before any operator
// runs: 1,000 partners with ten folders each.
func createGrants(b *testing.B, ctx context.Context, env *controlplane.Env) {
	b.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < grantCount; i += 8 {
				partner, folder := i/10, i%10
				g := &v1alpha1.PrefixGrant{
					ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("g-%05d", i), Namespace: operatorNamespace},
					Spec: v1alpha1.PrefixGrantSpec{
						Connection:  "minio",
						Bucket:      "partner-data",
						Prefix:      v1alpha1.KeyPrefix(fmt.Sprintf("partner-%04d/folder-%d/", partner, folder)),
						Subjects:    []v1alpha1.Subject{{Kind: v1alpha1.SubjectUser, Name: fmt.Sprintf("user-%04d@partner.example", partner)}},
						Permissions: []v1alpha1.Permission{v1alpha1.PermissionRead, v1alpha1.PermissionList},
					},
				}
				if err := env.Client.Create(ctx, g); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// sampleHeap records the largest HeapAlloc seen every 50 ms until stopped.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
