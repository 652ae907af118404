// Package load_test is `make loadtest`: it starts the stack as `make demo`
// does (a control plane, MinIO, and `s3am all` with its audit trail in
// SQLite, then in PostgreSQL), drives the partner API with Debian's wrk at
// several connection counts, drives a bare handler doing the same S3 work
// on the same MinIO in the same run, and prints both side by side. Every
// audit event is committed before its answer, as in production.
//
// It is a benchmark so that `go test ./...` does not run it: run it with
// `make loadtest`, or
//
//	go test ./test/load -run '^$' -bench Load -benchtime 1x -timeout 30m
//
// S3AM_LOAD_DURATION (default 5s) is the length of each measured run,
// S3AM_LOAD_CONNECTIONS (default 16,64,256) the connection counts,
// S3AM_LOAD_STORES (default sqlite,postgres) the audit stores and
// S3AM_LOAD_ENDPOINTS (default uploads,downloads,list) the endpoints. With
// S3AM_LOAD_PROFILE=DIR, the server's CPU profile during the uploads at 64
// connections and its allocations after them are written to DIR. Everything
// binds to loopback and stops by itself.
package load_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/s3am/s3-access-manager/internal/demo"
	"github.com/s3am/s3-access-manager/internal/testenv/controlplane"
	"github.com/s3am/s3-access-manager/internal/testenv/postgresserver"
	"github.com/s3am/s3-access-manager/internal/testenv/repo"
)

// user is the demo user the load signs in as, through the identity header
// the demo trusts from loopback (as from an authenticating proxy).
const user = "alice@partner-a.com"

var endpoints = []endpoint{
	{name: "POST /api/v1/uploads", method: "POST", path: "/api/v1/uploads",
		body: `{"connection":"partner-data-prod","bucket":"partner-data","key":"partner-a/uploads/load/{n}.bin","contentType":"application/pdf","size":1048576}`},
	{name: "POST /api/v1/downloads", method: "POST", path: "/api/v1/downloads",
		body: `{"connection":"partner-data-prod","bucket":"partner-data","key":"partner-a/processed/report-2024-11.pdf"}`},
	{name: "GET /api/v1/list", method: "GET", path: "/api/v1/list?connection=partner-data-prod&bucket=partner-data&prefix=partner-a/uploads/2024/"},
}

// row is one line of the table: one endpoint at one connection count,
// through the server and through the bare handler.
type row struct {
	store    string
	endpoint string
	conns    int
	server   result
	bare     result
}

func BenchmarkLoad(b *testing.B) {
	// The demo's in-process control plane logs through controller-runtime;
	// the table is this benchmark's output, not those logs.
	ctrllog.SetLogger(logr.Discard())
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		repo.Missing(b, "wrk", "wrk")
	}
	assets, ok := controlplane.Assets()
	if !ok {
		repo.Missing(b, "the test control plane", "envtest-assets")
	}
	var tools [2]string
	for i, t := range []struct{ env, bin, what, target string }{
		{"S3AM_MINIO", "minio", "MinIO", "minio"},
		{"S3AM_BIN", "s3am", "the s3am binary", "build"},
	} {
		if tools[i], ok = repo.Tool(t.env, t.bin); !ok {
			repo.Missing(b, t.what, t.target)
		}
	}
	minio, s3am := tools[0], tools[1]
	d := envDuration(b, "S3AM_LOAD_DURATION", 5*time.Second)
	conns := envInts(b, "S3AM_LOAD_CONNECTIONS", []int{16, 64, 256})
	stores := strings.Split(envOr("S3AM_LOAD_STORES", "sqlite,postgres"), ",")
	chosen := envEndpoints(b)

	var rows []row
	for _, store := range stores {
		opts := demo.Options{Assets: assets, MinIO: minio, Binary: s3am}
		switch store {
		case "sqlite":
		case "postgres":
			pg := postgresserver.Start(b)
			opts.AuditPostgresDSN = pg.CreateDatabase(b)
		default:
			b.Fatalf("S3AM_LOAD_STORES: unknown store %q: use sqlite or postgres", store)
		}
		rows = append(rows, measure(b, store, opts, wrk, chosen, conns, d)...)
	}
	printTable(rows, d)
	for _, r := range rows {
		if r.conns == 64 && r.bare.perSecond > 0 {
			b.ReportMetric(r.server.perSecond/r.bare.perSecond, "ratio-"+r.store+"-"+strings.TrimPrefix(r.endpoint[strings.LastIndexByte(r.endpoint, '/'):], "/")+"@64")
		}
	}
}

// measure starts the stack with opts, runs every endpoint at every
// connection count through the server and the bare handler, and stops it.
func measure(b *testing.B, store string, opts demo.Options, wrk string, chosen []endpoint, conns []int, d time.Duration) []row {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	opts.Listen = freeLoopback(b)
	profiles := os.Getenv("S3AM_LOAD_PROFILE")
	pprofAddr := ""
	if profiles != "" {
		pprofAddr = freeLoopback(b)
		opts.Args = append(opts.Args, "--pprof-bind-address", pprofAddr)
	}
	var out strings.Builder
	opts.Out = &out
	up := make(chan *demo.Running, 1)
	opts.Ready = func(r *demo.Running) { up <- r }
	done := make(chan error, 1)
	go func() { done <- demo.Run(ctx, opts) }()
	defer func() {
		cancel()
		<-done
	}()
	var running *demo.Running
	select {
	case running = <-up:
	case err := <-done:
		b.Fatalf("%s: the stack stopped: %v\n%s", store, err, out.String())
	case <-time.After(5 * time.Minute):
		b.Fatalf("%s: the stack did not come up:\n%s", store, out.String())
	}
	access, secret := minioKeys(b, running)
	bare := startBaseline(b, running.MinIO, access, secret)

	var rows []row
	for _, e := range chosen {
		// Warm both sides up: connection pools, scoped credentials, caches.
		runWrk(b, wrk, running.URL, e, user, 64, 2*time.Second)
		runWrk(b, wrk, bare, e, user, 64, 2*time.Second)
		for _, c := range conns {
			r := row{store: store, endpoint: e.name, conns: c}
			if profiles != "" && c == 64 && e.path == endpoints[0].path {
				r.server = profile(b, pprofAddr, profiles, store, d, func() result { return runWrk(b, wrk, running.URL, e, user, c, d) })
			} else {
				r.server = runWrk(b, wrk, running.URL, e, user, c, d)
			}
			r.bare = runWrk(b, wrk, bare, e, user, c, d)
			b.Logf("%s %s c=%d: server %.0f/s, bare %.0f/s", store, e.name, c, r.server.perSecond, r.bare.perSecond)
			rows = append(rows, r)
		}
	}
	return rows
}

// minioKeys reads the demo MinIO's keys from the Secret the demo created.
func minioKeys(tb testing.TB, r *demo.Running) (string, string) {
	tb.Helper()
	c, err := client.New(r.Config, client.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	s := &corev1.Secret{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Get(ctx, types.NamespacedName{Namespace: demo.OperatorNamespace, Name: "demo-minio-keys"}, s); err != nil {
		tb.Fatalf("demo MinIO keys: %v", err)
	}
	return string(s.Data["accessKeyID"]), string(s.Data["secretAccessKey"])
}

func printTable(rows []row, d time.Duration) {
	fmt.Printf("\nmake loadtest: wrk, 2 threads, %s per run; alice@partner-a.com through the server (durable audit) and the bare handler on the same MinIO\n\n", d)
	fmt.Println("| audit store | endpoint | connections | server req/s | p50 | p99 | non-2xx | bare req/s | p50 | p99 | non-2xx | ratio |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		ratio := 0.0
		if r.bare.perSecond > 0 {
			ratio = r.server.perSecond / r.bare.perSecond
		}
		fmt.Printf("| %s | `%s` | %d | %.0f | %s | %s | %d | %.0f | %s | %s | %d | %.2f× |\n", r.store, r.endpoint, r.conns,
			r.server.perSecond, ms(r.server.p50), ms(r.server.p99), r.server.failed,
			r.bare.perSecond, ms(r.bare.p50), ms(r.bare.p99), r.bare.failed, ratio)
	}
	fmt.Println()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func freeLoopback(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// envEndpoints returns the endpoints S3AM_LOAD_ENDPOINTS names by the last
// element of their path (uploads, downloads, list); all by default.
func envEndpoints(tb testing.TB) []endpoint {
	tb.Helper()
	v := os.Getenv("S3AM_LOAD_ENDPOINTS")
	if v == "" {
		return endpoints
	}
	var out []endpoint
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(endpoints, func(e endpoint) bool { return e.short() == name })
		if i < 0 {
			tb.Fatalf("S3AM_LOAD_ENDPOINTS=%q: unknown endpoint %q: use uploads, downloads or list", v, name)
		}
		out = append(out, endpoints[i])
	}
	return out
}

// short is the endpoint's path without its query, from its last slash on:
// uploads, downloads, list.
func (e endpoint) short() string {
	p, _, _ := strings.Cut(e.path, "?")
	return p[strings.LastIndexByte(p, '/')+1:]
}

func envDuration(tb testing.TB, name string, def time.Duration) time.Duration {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second {
		tb.Fatalf("%s=%q: want a duration of at least 1s", name, v)
	}
	return d
}

func envInts(tb testing.TB, name string, def []int) []int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			tb.Fatalf("%s=%q: want connection counts such as 16,64,256", name, v)
		}
		out = append(out, n)
	}
	return out
}
