//go:build linux

// Package coldstart measures how long an operator that starts with
// thousands of PrefixGrants already in the cluster (1,000 and 10,000; more
// with -grants) takes to mark them all Ready and index them, and how much
// heap it needs on the way.
package coldstart_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/controllers"
	"github.com/s3am/s3-access-manager/internal/app"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/testenv/children"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/minioserver"
)

const operatorNamespace = "s3am-system"

// grantCounts are the sizes BenchmarkColdStart measures; other sizes with
// -args -grants=100000.
var grantCounts = flag.String("grants", "1000,10000", "comma-separated numbers of grants to cold-start with")

// BenchmarkColdStart: run with -benchtime=1x; each iteration is a whole
// control plane, its grants and a fresh operator. 1,000 and 10,000 grants
// give the curve (-bench=ColdStart/grants=10000 for one point).
func BenchmarkColdStart(b *testing.B) {
	// The operator's own logs would drown the figures; without a logger
	// controller-runtime prints a warning with a stack trace instead.
	ctrl.SetLogger(logr.Discard())
	for _, field := range strings.Split(*grantCounts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			b.Fatalf("-grants: %q is not a number of grants", field)
		}
		b.Run(fmt.Sprintf("grants=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				coldStart(b, n)
			}
		})
	}
}

func coldStart(b *testing.B, grantCount int) {
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
	createGrants(b, ctx, env, grantCount)

	opCtx, stopOperator := context.WithCancel(ctx)
	var first requestCounts
	mgr, index := startOperator(b, opCtx, env, &first)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stopSampling := sampleHeap(&peak)

	cpuBefore := cpuTimes(b)
	b.StartTimer()
	start := time.Now()
	stopped := make(chan struct{})
	go func() { _ = mgr.Start(opCtx); close(stopped) }()
	waitIndexed(b, index, start, grantCount)
	elapsed := time.Since(start)
	b.StopTimer()
	stopSampling()

	cpu := cpuTimes(b).since(cpuBefore)
	// Let the connection's policy catch up with the last grants (it is
	// regenerated at most every few seconds while they change), so that
	// the restart finds everything current.
	for time.Since(first.lastPolicyWrite()) < 15*time.Second && time.Since(start) < 10*time.Minute {
		time.Sleep(time.Second)
	}
	policyFinal := first.lastPolicyWrite().Sub(start)
	b.Logf("first start: %d grants Ready and indexed %s after the operator started; peak heap %.0f MiB; %s",
		grantCount, elapsed.Round(time.Millisecond), float64(peak.Load())/(1<<20), first.summary())
	b.Logf("first start: CPU seconds used by kube-apiserver %.1f, etcd %.1f, this process (operator and benchmark) %.1f; policy ConfigMap %s, last written %s after the start",
		cpu.apiserver.Seconds(), cpu.etcd.Seconds(), cpu.self.Seconds(), policySize(b, ctx, c), policyFinal.Round(time.Millisecond))
	b.ReportMetric(policyFinal.Seconds(), "s-until-policy-final")
	b.ReportMetric(cpu.apiserver.Seconds(), "cpu-s-apiserver")
	b.ReportMetric(cpu.etcd.Seconds(), "cpu-s-etcd")
	b.ReportMetric(cpu.self.Seconds(), "cpu-s-operator")

	// Restart: a new operator finds every grant's status current, so it
	// writes none and only indexes them.
	stopOperator()
	<-stopped
	var again requestCounts
	restartCtx, stopRestarted := context.WithCancel(ctx)
	defer stopRestarted()
	mgr, index = startOperator(b, restartCtx, env, &again)
	restart := time.Now()
	go func() { _ = mgr.Start(restartCtx) }()
	waitIndexed(b, index, restart, grantCount)
	restarted := time.Since(restart)
	// Give late reconciles a moment to (wrongly) write.
	time.Sleep(2 * time.Second)
	b.ReportMetric(float64(first.statusWrites()), "status-writes-first-start")
	b.ReportMetric(float64(first.writes()), "writes-first-start")
	b.ReportMetric(restarted.Seconds(), "s-restart-until-indexed")
	b.ReportMetric(float64(again.statusWrites()), "status-writes-restart")
	b.ReportMetric(float64(again.writes()), "writes-restart")
	b.Logf("restart: %d grants indexed %s after the operator started; %s",
		grantCount, restarted.Round(time.Millisecond), again.summary())
	b.ReportMetric(elapsed.Seconds(), "s-until-all-ready")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapAlloc))/(1<<20), "peak-heap-growth-MiB")
	b.Logf("%d grants Ready and indexed %s after the operator started; peak heap %.0f MiB",
		grantCount, elapsed.Round(time.Millisecond), float64(peak.Load())/(1<<20))
}

var skipNameValidation = true

// startOperator builds the operator as `s3am operator` does, with its
// default options (client rate limit, concurrency, cache), and the index
// feed as `s3am all` does; only the listeners, leader election and the
// webhooks are left out. Its requests to the API server are counted.
func startOperator(b *testing.B, ctx context.Context, env *controlplane.Env, counts *requestCounts) (ctrl.Manager, *authz.Index) {
	b.Helper()
	o := app.DefaultOperatorOptions()
	o.Namespace, o.MetricsAddr, o.ProbeAddr = operatorNamespace, "0", "0"
	o.LeaderElection.Enabled = false
	must(b, o.Validate())
	cfg := o.RESTConfig(env.Config)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return countingTransport{next: rt, counts: counts} }
	opts := o.ManagerOptions(env.Scheme)
	// The restart registers the controllers' names a second time.
	opts.Controller = config.Controller{SkipNameValidation: &skipNameValidation}
	mgr, err := ctrl.NewManager(cfg, opts)
	must(b, err)
	must(b, controllers.Setup(ctx, mgr, o.ControllerOptions()))
	feed, err := app.NewFeed(mgr)
	must(b, err)
	return mgr, feed.Index
}

func waitIndexed(b *testing.B, index *authz.Index, start time.Time, grantCount int) {
	b.Helper()
	// 10 minutes per 10,000 grants: the status patches alone need a
	// minute per 12,000 at the operator's 200 requests per second.
	limit := time.Duration(grantCount/10000+1) * 10 * time.Minute
	for index.Len() < grantCount {
		if time.Since(start) > limit {
			b.Fatalf("only %d of %d grants indexed after %s", index.Len(), grantCount, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// requestCounts counts an operator's requests to the API server by method
// and kind of path (names and namespaces left out).
type requestCounts struct {
	m sync.Map
	// policyWritten is when the policy ConfigMap was last patched (Unix ns).
	policyWritten atomic.Int64
}

func (c *requestCounts) lastPolicyWrite() time.Time { return time.Unix(0, c.policyWritten.Load()) }

// countingTransport counts every request that goes through it.
type countingTransport struct {
	next   http.RoundTripper
	counts *requestCounts
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.counts.add(r)
	return t.next.RoundTrip(r)
}

// pathKind keeps the resources of a path and drops names: "prefixgrants/
// status" for /apis/s3am.io/v1alpha1/namespaces/ns/prefixgrants/g/status.
func pathKind(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) > 2 && parts[0] == "api":
		parts = parts[2:] // api, v1
	case len(parts) > 3 && parts[0] == "apis":
		parts = parts[3:] // apis, group, version
	default:
		return "(discovery)"
	}
	if len(parts) >= 2 && parts[0] == "namespaces" && len(parts) > 2 {
		parts = parts[2:]
	}
	kind := parts[0]
	if len(parts) == 3 {
		kind += "/" + parts[2]
	}
	return kind
}

func (c *requestCounts) add(r *http.Request) {
	key := r.Method + " " + pathKind(r.URL.Path)
	if r.URL.Query().Get("watch") == "true" {
		key += " (watch)"
	}
	if key == "PATCH configmaps" && strings.HasSuffix(r.URL.Path, "/s3am-policy-minio") {
		c.policyWritten.Store(time.Now().UnixNano())
	}
	n, _ := c.m.LoadOrStore(key, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
}

func (c *requestCounts) get(key string) int64 {
	if n, ok := c.m.Load(key); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

// statusWrites are the status patches (or updates) of PrefixGrants.
func (c *requestCounts) statusWrites() int64 {
	return c.get("PATCH prefixgrants/status") + c.get("PUT prefixgrants/status")
}

// writes are all requests but reads.
func (c *requestCounts) writes() int64 {
	var n int64
	c.m.Range(func(k, v any) bool {
		if m, _, _ := strings.Cut(k.(string), " "); m != http.MethodGet {
			n += v.(*atomic.Int64).Load()
		}
		return true
	})
	return n
}

// summary lists the counts, largest first.
func (c *requestCounts) summary() string {
	type kv struct {
		k string
		n int64
	}
	var all []kv
	c.m.Range(func(k, v any) bool {
		all = append(all, kv{k.(string), v.(*atomic.Int64).Load()})
		return true
	})
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].k < all[j].k })
	parts := make([]string, len(all))
	for i, e := range all {
		parts[i] = fmt.Sprintf("%d %s", e.n, e.k)
	}
	return fmt.Sprintf("%d status writes, %d writes in all; requests: %s", c.statusWrites(), c.writes(), strings.Join(parts, ", "))
}

// createGrants creates the grants with eight writers before any operator
// runs: ten folders for each partner (1,000 partners for 10,000 grants).
func createGrants(b *testing.B, ctx context.Context, env *controlplane.Env, grantCount int) {
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

// cpu is the CPU time used so far by the control plane's processes and by
// this one (the operator, and the benchmark's sampling).
type cpu struct{ apiserver, etcd, self time.Duration }

func (c cpu) since(before cpu) cpu {
	return cpu{c.apiserver - before.apiserver, c.etcd - before.etcd, c.self - before.self}
}

func cpuTimes(b *testing.B) cpu {
	b.Helper()
	var c cpu
	for name, d := range map[string]*time.Duration{"kube-apiserver": &c.apiserver, "etcd": &c.etcd} {
		pid, err := children.Named(name)
		must(b, err)
		*d = processCPU(b, strconv.Itoa(pid))
	}
	c.self = processCPU(b, "self")
	return c
}

// processCPU is the user and system time of a process, from /proc.
func processCPU(b *testing.B, pid string) time.Duration {
	b.Helper()
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	must(b, err)
	// pid (comm) state ...: utime and stime are the 12th and 13th fields
	// after comm, in clock ticks (100 a second on Linux).
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	must(b, errors.Join(err1, err2))
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// policySize describes the connection's published policy.
func policySize(b *testing.B, ctx context.Context, c client.Client) string {
	b.Helper()
	cm := &corev1.ConfigMap{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: operatorNamespace, Name: "s3am-policy-minio"}, cm); err != nil {
		return err.Error()
	}
	n := 0
	for _, v := range cm.Data {
		n += len(v)
	}
	return fmt.Sprintf("%d document(s), %d KiB", len(cm.Data), n/1024)
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
