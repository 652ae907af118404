package launch_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/s3am/s3-access-manager/internal/launch"
)

func TestRetryPortTakenRetriesOnlyATakenPort(t *testing.T) {
	other := errors.New("no binary")
	for _, tc := range []struct {
		name  string
		errs  []error
		calls int
		want  error
	}{
		{"first start works", []error{nil}, 1, nil},
		{"taken, then works", []error{launch.ErrPortTaken, nil}, 2, nil},
		{"another error ends it", []error{other}, 1, other},
		{"taken three times", []error{launch.ErrPortTaken, launch.ErrPortTaken, fmt.Errorf("wrapped: %w", launch.ErrPortTaken)}, 3, launch.ErrPortTaken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := launch.RetryPortTaken(func() error {
				calls++
				return tc.errs[calls-1]
			})
			if calls != tc.calls || !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("%d calls, %v; want %d calls, %v", calls, err, tc.calls, tc.want)
			}
		})
	}
}

func TestFreePortsAreDistinct(t *testing.T) {
	ports, err := launch.FreePorts(4)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("ports %v: want 4 distinct ports", ports)
		}
		seen[p] = true
	}
}
