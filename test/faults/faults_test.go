//go:build linux

// Package faults_test injects faults into a running s3am under a steady
// load and checks that the promises hold through each: the server fails
// closed, no request hangs (every answer comes within the S3 deadline and
// some slack), every answered request is recorded (one event, or a pending
// event and its outcome for a change of S3), each writer's hash chain
// verifies, no presigned URL leaves without a committed event, and service
// comes back once the dependency does.
//
// Everything is real and on loopback: envtest's kube-apiserver and etcd,
// MinIO, PostgreSQL, `s3am operator` and two `s3am server` processes (one
// recording into PostgreSQL, one into SQLite on a small tmpfs). The faults:
// MinIO hung (SIGSTOP) and resumed; MinIO killed and restarted; the
// kube-apiserver stopped and restarted; PostgreSQL stopped and restarted;
// the SQLite disk full and freed; `s3am server` killed (SIGKILL) mid-load
// and restarted. The table of what each did is logged and written to
// bin/artifacts/faults/faults.md (or $S3AM_ARTIFACTS/faults).
package faults_test

import (
	"github.com/s3am/s3-access-manager/internal/testenv/poll"
	"syscall"
	"testing"
	"time"
)

// Phases of each fault: load before it, how long it lasts, load after
// recovery.
const (
	warmUp   = 2 * time.Second
	cooldown = 2 * time.Second
	// hungFor outlasts answerBound, so that a request waiting on a hung
	// MinIO cannot pass for a slow one.
	hungFor = answerBound + 3*time.Second
	downFor = 4 * time.Second
)

// fault is one fault: what it does to the stack and how it ends.
type fault struct {
	name string
	// target is the server the load goes to.
	target func(*stack) *server
	// hold is how long the fault lasts.
	hold time.Duration
	// inject starts the fault; clear ends it, returning once the
	// dependency is back (not necessarily the server).
	inject, clear func(t *testing.T, s *stack)
	// auditDown says the target's audit store cannot record anything while
	// the fault lasts: no URL may leave and every answer is a refusal. (A
	// full disk is not that: SQLite still commits what fits in the pages
	// its write-ahead log already has, and those requests are served,
	// recorded; the promise it is held to is every suite's: no URL without
	// a committed event.)
	auditDown bool
	// refuses says some answers during the fault must be refusals (the
	// fault reached the server); false for faults the server rides out.
	refuses bool
	// killsServer says requests may get no answer: the server is down.
	killsServer bool
	// after, if set, checks more once the server is back and returns a
	// note for the table.
	after func(t *testing.T, s *stack, phase string) string
}

// apiServerGrace is how long the kube-apiserver may drain its requests on
// SIGTERM before it is killed; with watches open it may take a minute.
const apiServerGrace = 3 * time.Second

func pgServer(s *stack) *server     { return s.pgServer }
func sqliteServer(s *stack) *server { return s.sqliteServer }

var faults = []fault{{
	name: "S3 hung (SIGSTOP), resumed", target: pgServer, hold: hungFor, refuses: true,
	inject: func(t *testing.T, s *stack) { s.s3.pause() },
	clear:  func(t *testing.T, s *stack) { s.s3.resume() },
}, {
	name: "S3 killed, restarted", target: pgServer, hold: downFor, refuses: true,
	inject: func(t *testing.T, s *stack) { s.s3.stop(t, syscall.SIGKILL, 0) },
	clear:  func(t *testing.T, s *stack) { s.s3.start() },
}, {
	name: "kube-apiserver stopped, restarted", target: pgServer, hold: downFor,
	inject: func(t *testing.T, s *stack) { s.api.stop(t, syscall.SIGTERM, apiServerGrace) },
	clear: func(t *testing.T, s *stack) {
		s.api.start()
		poll.Until(t, time.Minute, "kube-apiserver back", func() bool {
			_, err := s.env.Kubectl(t.Context(), "", "get", "--raw", "/readyz")
			return err == nil
		})
	},
	after: grantAfterRestart,
}, {
	name: "audit store (PostgreSQL) stopped, restarted", target: pgServer, hold: downFor, auditDown: true, refuses: true,
	inject: func(t *testing.T, s *stack) { s.pg.Stop() },
	clear:  func(t *testing.T, s *stack) { s.pg.StartAgain(s.top) },
}, {
	name: "audit disk (SQLite) full, freed", target: sqliteServer, hold: downFor, refuses: true,
	inject: func(t *testing.T, s *stack) { s.disk.fill(t, s.sqliteServer.pid()) },
	clear:  func(t *testing.T, s *stack) { s.disk.free(t, s.sqliteServer.pid()) },
	after:  func(t *testing.T, s *stack, _ string) string { return s.disk.how() },
}, {
	name: "s3am server SIGKILLed, restarted", target: pgServer, hold: time.Second, killsServer: true,
	inject: func(t *testing.T, s *stack) { s.pgServer.stop(syscall.SIGKILL, 0) },
	clear:  func(t *testing.T, s *stack) { s.pgServer.start(s.top) },
}}

func TestFaults(t *testing.T) {
	began := time.Now()
	s := startStack(t)
	t.Logf("stack up in %s", time.Since(began).Round(100*time.Millisecond))
	var rows []result
	for i, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			r := runFault(t, s, f, i)
			rows = append(rows, r)
			r.check(t, f)
		})
	}
	writeTable(t, rows)
	t.Logf("%d faults in %s", len(faults), time.Since(began).Round(100*time.Millisecond))
}
