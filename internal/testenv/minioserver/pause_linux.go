package minioserver

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Pause stops the server's process group (SIGSTOP) without closing its
// sockets: connections are accepted by the kernel and never answered, as
// with a hung server. It returns once every thread is stopped. Resume
// continues the server, and so does t's cleanup, so that it can be stopped.
// The group is found by the server's address, so Pause needs nothing from
// how the process was started but its own group. Linux only (/proc).
func (s *Server) Pause(t testing.TB) {
	t.Helper()
	pgid := s.group(t)
	if err := syscall.Kill(-pgid, syscall.SIGSTOP); err != nil {
		t.Fatalf("pause minio: %v", err)
	}
	t.Cleanup(s.Resume)
	waitStopped(t, pgid)
	s.paused = pgid
}

// Resume continues a paused server; it does nothing otherwise.
func (s *Server) Resume() {
	if s.paused != 0 {
		_ = syscall.Kill(-s.paused, syscall.SIGCONT)
		s.paused = 0
	}
}

// group returns the process group of the MinIO serving s.Endpoint.
func (s *Server) group(t testing.TB) int {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("--address\x00" + strings.TrimPrefix(s.Endpoint, "http://") + "\x00")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if err != nil || !bytes.Contains(cmdline, want) {
			continue
		}
		pgid, err := syscall.Getpgid(pid)
		if err != nil || pgid == syscall.Getpgrp() {
			t.Fatalf("minio %d is not in a process group of its own (%d, %v)", pid, pgid, err)
		}
		return pgid
	}
	t.Fatalf("no minio process serving %s", s.Endpoint)
	return 0
}

// waitStopped waits until every thread of process pid is stopped: SIGSTOP
// is delivered asynchronously, and a thread still running would answer.
func waitStopped(t testing.TB, pid int) {
	t.Helper()
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		tasks, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		stopped := 0
		for _, task := range tasks {
			stat, err := os.ReadFile(dir + task.Name() + "/stat")
			// The state follows the command name, which is in parentheses.
			if i := bytes.LastIndexByte(stat, ')'); err == nil && i+2 < len(stat) && (stat[i+2] == 'T' || stat[i+2] == 't') {
				stopped++
			}
		}
		if stopped == len(tasks) {
			return
		}
	}
	t.Fatalf("minio %d did not stop", pid)
}
