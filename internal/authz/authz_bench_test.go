package authz_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
)

// seedIndex is the seed's data structure: each subject's grants in a slice.
type seedIndex map[grant.Subject][]*grant.Grant

func newSeedIndex(grants []grant.Grant) seedIndex {
	s := seedIndex{}
	for i := range grants {
		for _, subj := range grants[i].Subjects {
			s[subj] = append(s[subj], &grants[i])
		}
	}
	return s
}

// seedDecide is the seed's algorithm, kept as the baseline: for the user and
// each group, scan the subject's grants with strings.HasPrefix. It validates
// the key like Decide does so that both sides do the same work.
func seedDecide(s seedIndex, p grant.Principal, perm grant.Permission, connection, bucket, key string) bool {
	if keys.ValidateKey(key) != nil {
		return false
	}
	scan := func(subj grant.Subject) bool {
		for _, g := range s[subj] {
			if g.Connection == connection && g.Bucket == bucket && strings.HasPrefix(key, g.Prefix) && g.Permissions.Has(perm) {
				return true
			}
		}
		return false
	}
	if scan(grant.Subject{Kind: grant.User, Name: p.User}) {
		return true
	}
	for _, g := range p.Groups {
		if scan(grant.Subject{Kind: grant.Group, Name: g}) {
			return true
		}
	}
	return false
}

// cpuMeter reports CPU time per operation, measured from its creation.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := cpuTime()
	return cpuMeter{t, ok}
}

func (m cpuMeter) report(b *testing.B) {
	if end, ok := cpuTime(); m.ok && ok && b.N > 0 {
		b.ReportMetric(float64(end-m.start)/float64(b.N), "cpu-ns/op")
	}
}

type benchQuery struct {
	p                 grant.Principal
	perm              grant.Permission
	conn, bucket, key string
}

type benchData struct {
	grants  []grant.Grant
	queries []benchQuery
}

const (
	benchUsers  = 8000
	benchGroups = 2000 // 10k subjects in all
	benchConns  = 3
)

func benchUser(i int) string   { return fmt.Sprintf("user-%05d", i) }
func benchGroup(i int) string  { return fmt.Sprintf("team-%04d", i) }
func benchConn(i int) string   { return fmt.Sprintf("conn-%d", i) }
func benchBucket(i int) string { return fmt.Sprintf("bucket-%d", i) }

// makeBenchData spreads n grants over 10k subjects (80% users, 20% groups),
// 3 connections and 5 buckets, with prefixes one to three folders deep, and
// draws 4096 requests: three in four under a grant of the principal (with a
// random permission, so some are PermissionMissing), one in four elsewhere.
// Every principal has a user and three groups.
func makeBenchData(n int) benchData {
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	d := benchData{grants: make([]grant.Grant, n)}
	for i := range d.grants {
		var subj grant.Subject
		if rng.IntN(5) == 0 {
			subj = group(benchGroup(rng.IntN(benchGroups)))
		} else {
			subj = user(benchUser(rng.IntN(benchUsers)))
		}
		prefix := fmt.Sprintf("partner-%d/", rng.IntN(5000))
		for range rng.IntN(3) {
			prefix += fmt.Sprintf("dir-%d/", rng.IntN(20))
		}
		d.grants[i] = grant.Grant{
			Namespace: fmt.Sprintf("ns-%d", i%50), Name: fmt.Sprintf("grant-%06d", i),
			Connection: benchConn(rng.IntN(benchConns)), Bucket: benchBucket(rng.IntN(5)),
			Prefix: prefix, Subjects: []grant.Subject{subj},
			Permissions: grant.Permissions(1 + rng.IntN(15)),
		}
	}
	groups := func() []string {
		return []string{benchGroup(rng.IntN(benchGroups)), benchGroup(rng.IntN(benchGroups)), benchGroup(rng.IntN(benchGroups))}
	}
	for range 4096 {
		g := d.grants[rng.IntN(n)]
		q := benchQuery{perm: grant.AllPermissions[rng.IntN(4)], conn: g.Connection, bucket: g.Bucket}
		if s := g.Subjects[0]; s.Kind == grant.User {
			q.p = grant.Principal{User: s.Name, Groups: groups()}
		} else {
			q.p = grant.Principal{User: benchUser(rng.IntN(benchUsers)), Groups: groups()}
			q.p.Groups[1] = s.Name
		}
		if rng.IntN(4) == 0 {
			q.key = fmt.Sprintf("partner-%d/elsewhere/file-%d.bin", rng.IntN(5000), rng.IntN(1000))
		} else {
			q.key = fmt.Sprintf("%sreports/2024/file-%d.pdf", g.Prefix, rng.IntN(1000))
		}
		d.queries = append(d.queries, q)
	}
	return d
}

func readyBenchIndex(b *testing.B, grants []grant.Grant) *authz.Index {
	b.Helper()
	ix := authz.New()
	if err := ix.Replace(grants); err != nil {
		b.Fatal(err)
	}
	for i := range benchConns {
		ix.SetConnectionReady(benchConn(i), true)
	}
	ix.MarkSynced()
	return ix
}

// BenchmarkDecide compares the index with the seed's linear scan on the same
// grants and requests.
func BenchmarkDecide(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		d := makeBenchData(n)
		ix := readyBenchIndex(b, d.grants)
		seed := newSeedIndex(d.grants)
		// The two must agree before their speed means anything.
		for _, q := range d.queries {
			if got, want := ix.Decide(q.p, q.perm, q.conn, q.bucket, q.key).Allowed, seedDecide(seed, q.p, q.perm, q.conn, q.bucket, q.key); got != want {
				b.Fatalf("index says %v, seed says %v for %+v", got, want, q)
			}
		}
		b.Run(fmt.Sprintf("grants=%d/index", n), func(b *testing.B) {
			b.ReportAllocs()
			allowed := 0
			cpu := startCPU()
			for i := 0; b.Loop(); i++ {
				q := &d.queries[i&4095]
				if ix.Decide(q.p, q.perm, q.conn, q.bucket, q.key).Allowed {
					allowed++
				}
			}
			cpu.report(b)
			b.ReportMetric(float64(allowed)/float64(b.N), "allowed/op")
		})
		b.Run(fmt.Sprintf("grants=%d/seed", n), func(b *testing.B) {
			b.ReportAllocs()
			allowed := 0
			cpu := startCPU()
			for i := 0; b.Loop(); i++ {
				q := &d.queries[i&4095]
				if seedDecide(seed, q.p, q.perm, q.conn, q.bucket, q.key) {
					allowed++
				}
			}
			cpu.report(b)
			b.ReportMetric(float64(allowed)/float64(b.N), "allowed/op")
		})
	}
}

// BenchmarkDecideOnePrincipal separates compute from memory latency: one
// principal (a user and three groups) sends many requests, as a person
// browsing does, so its tables stay in cache while the index holds 100k
// grants. BenchmarkDecide, where every request comes from another principal,
// is bound by cache misses instead.
func BenchmarkDecideOnePrincipal(b *testing.B) {
	const n = 100_000
	d := makeBenchData(n)
	ix := readyBenchIndex(b, d.grants)
	seed := newSeedIndex(d.grants)
	q := d.queries[0]
	for q.p.User == "" || !ix.Decide(q.p, q.perm, q.conn, q.bucket, q.key).Allowed {
		d.queries = d.queries[1:]
		q = d.queries[0]
	}
	paths := make([]string, 1024)
	for i := range paths {
		dir := q.key[:strings.LastIndexByte(q.key, '/')+1]
		paths[i] = fmt.Sprintf("%sfile-%d.pdf", dir, i)
	}
	b.Run(fmt.Sprintf("grants=%d/index", n), func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for i := 0; b.Loop(); i++ {
			if !ix.Decide(q.p, q.perm, q.conn, q.bucket, paths[i&1023]).Allowed {
				b.Fatal("denied")
			}
		}
		cpu.report(b)
	})
	b.Run(fmt.Sprintf("grants=%d/seed", n), func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for i := 0; b.Loop(); i++ {
			if !seedDecide(seed, q.p, q.perm, q.conn, q.bucket, paths[i&1023]) {
				b.Fatal("denied")
			}
		}
		cpu.report(b)
	})
}

// BenchmarkDecideSkewed is the case the seed scales worst on: one group holds
// many grants in one bucket (a "partners" group with a folder per partner).
func BenchmarkDecideSkewed(b *testing.B) {
	const n = 10_000
	grants := make([]grant.Grant, n)
	for i := range grants {
		grants[i] = grant.Grant{
			Namespace: "partners", Name: fmt.Sprintf("partner-%05d", i),
			Connection: benchConn(0), Bucket: benchBucket(0),
			Prefix: fmt.Sprintf("partner-%05d/uploads/", i), Subjects: []grant.Subject{group("partners")},
			Permissions: perms(grant.Read, grant.List),
		}
	}
	ix := readyBenchIndex(b, grants)
	seed := newSeedIndex(grants)
	p := grant.Principal{User: "user-1", Groups: []string{"staff", "partners", "vpn"}}
	conn, bucket := benchConn(0), benchBucket(0)
	paths := make([]string, 1024)
	for i := range paths {
		paths[i] = fmt.Sprintf("partner-%05d/uploads/file-%d.pdf", (i*7919)%n, i)
	}
	b.Run(fmt.Sprintf("group-grants=%d/index", n), func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for i := 0; b.Loop(); i++ {
			if !ix.Decide(p, grant.Read, conn, bucket, paths[i&1023]).Allowed {
				b.Fatal("denied")
			}
		}
		cpu.report(b)
	})
	b.Run(fmt.Sprintf("group-grants=%d/seed", n), func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for i := 0; b.Loop(); i++ {
			if !seedDecide(seed, p, grant.Read, conn, bucket, paths[i&1023]) {
				b.Fatal("denied")
			}
		}
		cpu.report(b)
	})
}

// BenchmarkDecideParallel measures readers on both cores at 100k grants.
func BenchmarkDecideParallel(b *testing.B) {
	d := makeBenchData(100_000)
	ix := readyBenchIndex(b, d.grants)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			q := &d.queries[i&4095]
			ix.Decide(q.p, q.perm, q.conn, q.bucket, q.key)
		}
	})
}

// BenchmarkSnapshotAfterOneChange measures publishing a new snapshot after one
// grant changes, at 100k grants: a full Replace against Upsert and Delete.
func BenchmarkSnapshotAfterOneChange(b *testing.B) {
	const n = 100_000
	d := makeBenchData(n)
	ix := readyBenchIndex(b, d.grants)
	changed := d.grants[n/2]
	moved := changed
	moved.Prefix = "moved/" + changed.Prefix
	b.Run(fmt.Sprintf("grants=%d/full-replace", n), func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for i := 0; b.Loop(); i++ {
			d.grants[n/2] = changed
			if i%2 == 1 {
				d.grants[n/2] = moved
			}
			if err := ix.Replace(d.grants); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
		d.grants[n/2] = changed
	})
	b.Run(fmt.Sprintf("grants=%d/upsert", n), func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for i := 0; b.Loop(); i++ {
			g := changed
			if i%2 == 1 {
				g = moved
			}
			if err := ix.Upsert(g); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
	})
	b.Run(fmt.Sprintf("grants=%d/delete+upsert", n), func(b *testing.B) {
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			ix.Delete(changed.Namespace, changed.Name)
			if err := ix.Upsert(changed); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
	})
	b.Run(fmt.Sprintf("grants=%d/set-connection-ready", n), func(b *testing.B) {
		b.ReportAllocs()
		conn := benchConn(0)
		cpu := startCPU()
		for i := 0; b.Loop(); i++ {
			ix.SetConnectionReady(conn, i%2 == 0)
		}
		cpu.report(b)
	})
}

// BenchmarkMemoryLatency is the floor under BenchmarkDecide on the machine
// it runs on: loads at random over a footprint, each depending on the one
// before, so none overlaps the next. At 100k grants the index's hot part
// (tables and blocks) is about 8 MiB. "chain" is one load per op; "decide"
// is what a Decide of a principal of four names needs at best: two rounds
// (table slot, then block) of four independent loads.
func BenchmarkMemoryLatency(b *testing.B) {
	for _, mib := range []int{1, 8, 32} {
		const line = 64 / 4 // uint32s per cache line: one load per line
		n := mib << 20 / 64
		next := make([]uint32, n*line)
		perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
		for i := range n {
			next[perm[i]*line] = uint32(perm[(i+1)%n])
		}
		b.Run(fmt.Sprintf("MiB=%d/chain", mib), func(b *testing.B) {
			p := uint32(perm[0])
			cpu := startCPU()
			for b.Loop() {
				p = next[p*line]
			}
			cpu.report(b)
			runtime.KeepAlive(p)
		})
		b.Run(fmt.Sprintf("MiB=%d/decide", mib), func(b *testing.B) {
			p := [4]uint32{uint32(perm[0]), uint32(perm[n/4]), uint32(perm[n/2]), uint32(perm[3*n/4])}
			cpu := startCPU()
			for b.Loop() {
				for range 2 {
					p[0], p[1], p[2], p[3] = next[p[0]*line], next[p[1]*line], next[p[2]*line], next[p[3]*line]
				}
			}
			cpu.report(b)
			runtime.KeepAlive(p)
		})
	}
}
