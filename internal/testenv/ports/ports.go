// Package ports hands tests loopback ports to listen on.
package ports

import (
	"net"
	"strconv"
	"testing"
)

// Free returns n loopback ports that were free a moment ago, all different.
func Free(t testing.TB, n int) []string {
	t.Helper()
	var ports []string
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, l)
		ports = append(ports, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	return ports
}

// Address returns "127.0.0.1:PORT" with a port that was free a moment ago.
func Address(t testing.TB) string {
	t.Helper()
	return "127.0.0.1:" + Free(t, 1)[0]
}
