// Package tailbuf keeps the end of a child server's output, with its secret
// (and whatever else internal/redact recognizes) redacted, for failure
// messages.
package tailbuf

import (
	"sync"

	"github.com/s3am/s3-access-manager/internal/redact"
)

// Buffer keeps the last limit bytes written to it. It is safe for
// concurrent writes, such as a process's stdout and stderr.
type Buffer struct {
	mu     sync.Mutex
	buf    []byte
	limit  int
	secret string
}

// New returns a Buffer keeping limit bytes, which shows secret redacted.
func New(limit int, secret string) *Buffer {
	return &Buffer{limit: limit, secret: secret}
}

// Write keeps d, dropping the oldest bytes beyond the limit.
func (b *Buffer) Write(d []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, d...)
	if over := len(b.buf) - b.limit; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(d), nil
}

// String returns the kept output with the secret redacted.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return redact.Values(string(b.buf), b.secret)
}
