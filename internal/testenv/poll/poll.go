// Package poll waits, in tests, for what the system does asynchronously: a
// grant reaching the index, a condition being set, a process answering.
package poll

import (
	"context"
	"errors"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// interval is how often a condition is tried again.
const interval = 10 * time.Millisecond

// Until tries cond at once and then every 10 ms until it holds, and returns
// how long that took; after timeout it fails t, naming what did not happen.
func Until(t testing.TB, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	return UntilNoError(t, timeout, what, func() error {
		if cond() {
			return nil
		}
		return errNotYet
	})
}

// UntilNoError is Until for a check that explains itself: it fails t with
// the last error f returned.
func UntilNoError(t testing.TB, timeout time.Duration, what string, f func() error) time.Duration {
	t.Helper()
	start := time.Now()
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), interval, timeout, true, func(context.Context) (bool, error) {
		last = f()
		return last == nil, nil
	})
	if err != nil {
		if last == errNotYet {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		t.Fatalf("%s: not within %s: %v", what, timeout, last)
	}
	return time.Since(start)
}

// errNotYet stands for a condition that does not hold yet.
var errNotYet = errors.New("not yet")
