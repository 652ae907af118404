package minioserver

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Pause stops the server's process group (SIGSTOP) without closing its
// sockets: connections are accepted by the kernel and never answered, as
// with a hung server. It returns once every thread is stopped. Resume
// continues the server, and so does t's cleanup, so that it can be stopped.
// Linux only (it reads the threads' states in /proc).
func (s *Server) Pause(t testing.TB) {
	t.Helper()
	s.minio.Process.Signal(syscall.SIGSTOP)
	s.paused.Store(true)
	t.Cleanup(s.Resume)
	waitStopped(t, s.minio.Process.Pid())
}

// Resume continues a paused server; it does nothing otherwise.
func (s *Server) Resume() {
	if s.paused.Swap(false) {
		s.minio.Process.Signal(syscall.SIGCONT)
	}
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
