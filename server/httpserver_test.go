package server_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/server"
)

// slowTimeouts are short, so that a stalled connection is closed quickly.
var slowTimeouts = server.Timeouts{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond, Write: time.Second, Idle: time.Second}

// serveSlow serves h on loopback with srv's timeouts and returns the address.
func serveSlow(t *testing.T, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// trickle writes first, then one byte of more every 100 ms, until the
// server closes the connection or giveUp passes; it reports whether the
// server closed it.
func trickle(t *testing.T, addr, first, more string, giveUp time.Duration) bool {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, first); err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() {
		// The server answers (408/400) or just closes: either way the read
		// ends when it drops the connection.
		_, _ = io.Copy(io.Discard, conn)
		close(closed)
	}()
	deadline := time.After(giveUp)
	for i := 0; ; i++ {
		select {
		case <-closed:
			return true
		case <-deadline:
			return false
		case <-time.After(100 * time.Millisecond):
			if _, err := io.WriteString(conn, more[i%len(more):i%len(more)+1]); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				<-closed
				return true
			}
		}
	}
}

// TestSlowClientsAreClosed trickles headers, then a body, a byte every
// 100 ms (slowloris): the server closes both connections. With only a
// header timeout, the server's configuration before NewHTTPServer, the
// trickled body holds its connection.
func TestSlowClientsAreClosed(t *testing.T) {
	readsBody := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	srv, err := server.NewHTTPServer("", readsBody, slowTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	addr := serveSlow(t, srv)
	const headers = "POST /api/v1/uploads HTTP/1.1\r\nHost: s3am\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
	if !trickle(t, addr, "POST /api/v1/uploads HTTP/1.1\r\nHost: s3am\r\n", "X-Slow: abcdefghijklmnopqrstuvwxyz\r\n", 10*time.Second) {
		t.Error("a client trickling its headers kept its connection for 10s")
	}
	if !trickle(t, addr, headers, "{", 10*time.Second) {
		t.Error("a client trickling its body kept its connection for 10s")
	}

	old := &http.Server{Handler: readsBody, ReadHeaderTimeout: slowTimeouts.ReadHeader}
	if trickle(t, serveSlow(t, old), headers, "{", 3*time.Second) {
		t.Error("control: with only a header timeout the trickled body was cut; this test no longer tells the configurations apart")
	}
}

func TestNewHTTPServerDefaults(t *testing.T) {
	srv, err := server.NewHTTPServer(":8080", http.NotFoundHandler(), server.Timeouts{Read: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	d := server.DefaultTimeouts
	if srv.ReadTimeout != time.Second || srv.ReadHeaderTimeout != d.ReadHeader || srv.WriteTimeout != d.Write || srv.IdleTimeout != d.Idle {
		t.Errorf("timeouts %v %v %v %v: want the one set and the defaults", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	if _, err := server.NewHTTPServer(":8080", http.NotFoundHandler(), server.Timeouts{Idle: -time.Second}); err == nil {
		t.Error("a negative timeout was accepted")
	}
}
