package minioserver

import "testing"

// Pause stops the server's processes (SIGSTOP) without closing their
// sockets: connections are accepted by the kernel and never answered, as
// with a hung server. Resume continues them. Unix only.
func (s *Server) Pause() { pauseGroup(s.proc.cmd.Process, true) }

// Resume continues a paused server.
func (s *Server) Resume() { pauseGroup(s.proc.cmd.Process, false) }

// Kill kills the server's process group at once, as a crash would, and
// waits until it is reaped. StartAgain brings it back.
func (s *Server) Kill() {
	signalGroup(s.proc.cmd.Process, true)
	<-s.proc.exited
}

// StartAgain starts a killed server on the same address, credentials and
// data, and waits until it serves again. t should be the test that started
// it: the new process is stopped when t ends.
func (s *Server) StartAgain(t testing.TB) {
	t.Helper()
	if err := s.launch(t); err != nil {
		t.Fatalf("start minio again on %s: %v", s.addr, err)
	}
}
