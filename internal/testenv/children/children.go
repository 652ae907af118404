//go:build linux

// Package children finds the processes this test process started (the
// harnesses' kube-apiserver, etcd, MinIO), so that tests can hang, stop
// or restart a real dependency without a harness change.
package children

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Named returns the pid of the one child of this process whose command
// (comm) is name.
func Named(name string) (int, error) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return 0, fmt.Errorf("list processes: %w", err)
	}
	var found []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // the process exited meanwhile
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(string(b[end+1:]))
		if len(fields) < 2 || string(b[open+1:end]) != name || fields[1] != strconv.Itoa(os.Getpid()) {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:open])))
		found = append(found, pid)
	}
	if len(found) != 1 {
		return 0, fmt.Errorf("children of this process named %s: %v, want exactly one", name, found)
	}
	return found[0], nil
}
