package audittest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Buffer is a destination of logs or JSON lines safe for concurrent writes.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// locked runs f holding b's lock.
func (b *Buffer) locked(f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f()
}

// Write appends p.
func (b *Buffer) Write(p []byte) (n int, err error) {
	b.locked(func() { n, err = b.b.Write(p) })
	return n, err
}

// String is everything written so far.
func (b *Buffer) String() (s string) {
	b.locked(func() { s = b.b.String() })
	return s
}

// Events decodes the JSON lines written so far.
func (b *Buffer) Events(t testing.TB) []audit.Event {
	t.Helper()
	var out []audit.Event
	sc := bufio.NewScanner(bytes.NewReader([]byte(b.String())))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e audit.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// NewRecorder starts a Recorder with o, closed when t ends. JSON lines and
// logs go nowhere unless o says where.
func NewRecorder(t testing.TB, o audit.Options) *audit.Recorder {
	t.Helper()
	if o.JSON == nil {
		o.JSON = io.Discard
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	r, err := audit.NewRecorder(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(context.Background()) })
	return r
}

// Tampering is an edit made to a stored chain behind the store's back, and
// the first broken link Verify must then report.
type Tampering struct {
	SQL  string
	Seq  int64
	Kind audit.BreakKind
}

// TamperedChainLength is the length of the chain tampered makes.
const TamperedChainLength = 100

// AppendTamperTarget appends to s the chain of writer that tampering
// tests edit: TamperedChainLength events, in two batches.
func AppendTamperTarget(t testing.TB, s audit.Store, writer string) {
	t.Helper()
	AppendN(t, s, rand.New(rand.NewPCG(7, 8)), writer, 60)
	AppendN(t, s, rand.New(rand.NewPCG(7, 9)), writer, TamperedChainLength-60)
}

// CheckTampering runs each case through tampered, which makes its edit on
// a fresh chain (see AppendTamperTarget) and verifies it, and checks that
// the chain breaks where and how the case says, and is verified up to there.
func CheckTampering(t *testing.T, cases map[string]Tampering, tampered func(t *testing.T, sql string) audit.VerifyResult) {
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			res := tampered(t, c.SQL)
			if res.OK() {
				t.Fatal("tampering not detected")
			}
			if res.Break.Seq != c.Seq || res.Break.Kind != c.Kind {
				t.Errorf("break %+v, want seq %d kind %s", *res.Break, c.Seq, c.Kind)
			}
			if res.LastSeq != c.Seq-1 {
				t.Errorf("verified head %d, want %d", res.LastSeq, c.Seq-1)
			}
		})
	}
}
