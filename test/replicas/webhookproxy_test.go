//go:build unix

package replicas_test

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// webhookProxy stands in for the webhook Service of a cluster: the API
// server calls one address, and each connection goes to the operator
// replicas in turn, skipping any that refuses it. TLS passes through, so
// the replicas' own certificates answer.
type webhookProxy struct {
	ln       net.Listener
	mu       sync.Mutex
	backends []string
	next     int
	open     map[net.Conn]struct{}
	closed   bool
	conns    sync.WaitGroup
}

// startWebhookProxy listens on addr (where the API server sends admission
// requests) until cleanup.
func startWebhookProxy(t *testing.T, addr string) *webhookProxy {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("webhook proxy: %v", err)
	}
	p := &webhookProxy{ln: ln, open: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(p.close)
	return p
}

// close stops listening and ends the connections the API server keeps alive.
func (p *webhookProxy) close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.open {
		_ = c.Close()
	}
	p.mu.Unlock()
	_ = p.ln.Close()
	p.conns.Wait()
}

// track records c as open, or closes it if the proxy is closing; untrack
// forgets it. An accepted connection also counts in conns, which close
// waits for; it is added under the lock so that no Add follows the Wait.
func (p *webhookProxy) track(c net.Conn, accepted bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return false
	}
	p.open[c] = struct{}{}
	if accepted {
		p.conns.Add(1)
	}
	return true
}

func (p *webhookProxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.open, c)
	_ = c.Close()
}

// add makes the replica at backend ("host:port") one of the targets.
func (p *webhookProxy) add(backend string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.backends = append(p.backends, backend)
}

// order is the backends, starting with the next in turn.
func (p *webhookProxy) order() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.backends)
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, p.backends[(p.next+i)%n])
	}
	p.next++
	return out
}

func (p *webhookProxy) serve() {
	for {
		in, err := p.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil || !p.track(in, true) {
			continue
		}
		go func() {
			defer p.conns.Done()
			defer p.untrack(in)
			p.pipe(in)
		}()
	}
}

// pipe connects in to the first backend that accepts, in turn order.
func (p *webhookProxy) pipe(in net.Conn) {
	for _, b := range p.order() {
		out, err := net.DialTimeout("tcp", b, time.Second)
		if err != nil {
			continue
		}
		if !p.track(out, false) {
			return
		}
		defer p.untrack(out)
		done := make(chan struct{})
		go func() {
			_, _ = io.Copy(out, in)
			closeWrite(out)
			close(done)
		}()
		_, _ = io.Copy(in, out)
		closeWrite(in)
		<-done
		return
	}
}

// closeWrite half-closes c so that the other side sees the end of the stream.
func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}
