package launch

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
)

// ErrPortTaken means a server exited because a port chosen for it was taken
// by another process between choosing and binding it.
var ErrPortTaken = errors.New("port taken")

// startAttempts bounds the starts RetryPortTaken makes.
const startAttempts = 3

// FreePorts reserves n distinct loopback ports by binding them all at once,
// then releases them for a server to bind.
func FreePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("reserve port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// RetryPortTaken calls start until it succeeds, fails otherwise than with
// ErrPortTaken, or has been tried three times; it returns start's last error.
// start chooses its ports anew on each call.
func RetryPortTaken(start func() error) error {
	var err error
	for range startAttempts {
		if err = start(); !errors.Is(err, ErrPortTaken) {
			return err
		}
	}
	return err
}

// RandomHex returns n random bytes in hex, for passwords and user names.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails: crypto/rand.Read crashes the program instead
	return hex.EncodeToString(b)
}
