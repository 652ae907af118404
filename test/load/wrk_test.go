package load_test

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

//go:embed script.lua
var script []byte

// endpoint is one request the load repeats.
type endpoint struct {
	name   string
	method string
	// path includes the query.
	path string
	// body is JSON; "{n}" is replaced per request with a unique number.
	body string
}

// result is what one wrk run measured.
type result struct {
	requests  int
	perSecond float64
	p50, p99  time.Duration
	// failed counts non-2xx/3xx answers and socket errors (timeouts
	// included): requests that did not get their answer.
	failed int
}

// runWrk drives base+e.path with conns connections for d, as user, and
// returns what wrk measured.
func runWrk(tb testing.TB, wrk, base string, e endpoint, user string, conns int, d time.Duration) result {
	tb.Helper()
	dir := tb.TempDir()
	lua := filepath.Join(dir, "load.lua")
	if err := os.WriteFile(lua, script, 0o600); err != nil {
		tb.Fatal(err)
	}
	threads := min(2, conns)
	// wrk stops after d by itself; the deadline only guards a hung wrk.
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", int(d.Seconds())), "--timeout", "5s", "--latency", "-s", lua, base+e.path)
	cmd.Env = append(os.Environ(), "LOAD_METHOD="+e.method, "LOAD_PATH="+e.path, "LOAD_BODY="+e.body, "LOAD_USER="+user)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		tb.Fatalf("wrk %s: %v\n%s", e.name, err, out.String())
	}
	r, err := parseWrk(out.String())
	if err != nil {
		tb.Fatalf("wrk %s: %v\n%s", e.name, err, out.String())
	}
	return r
}

var (
	wrkPercentile = regexp.MustCompile(`^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$`)
	wrkRequests   = regexp.MustCompile(`^\s*(\d+) requests in`)
	wrkPerSecond  = regexp.MustCompile(`^Requests/sec:\s+([\d.]+)`)
	wrkNon2xx     = regexp.MustCompile(`^\s*Non-2xx or 3xx responses:\s+(\d+)`)
	wrkSocket     = regexp.MustCompile(`^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads wrk's report (with --latency).
func parseWrk(out string) (result, error) {
	var r result
	var have50, have99, haveRate bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := wrkPercentile.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}[m[3]]
			if m[1] == "50" {
				r.p50, have50 = time.Duration(v*float64(unit)), true
			} else {
				r.p99, have99 = time.Duration(v*float64(unit)), true
			}
		}
		if m := wrkRequests.FindStringSubmatch(line); m != nil {
			r.requests, _ = strconv.Atoi(m[1])
		}
		if m := wrkPerSecond.FindStringSubmatch(line); m != nil {
			r.perSecond, _ = strconv.ParseFloat(m[1], 64)
			haveRate = true
		}
		if m := wrkNon2xx.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			r.failed += n
		}
		if m := wrkSocket.FindStringSubmatch(line); m != nil {
			for _, s := range m[1:] {
				n, _ := strconv.Atoi(s)
				r.failed += n
			}
		}
	}
	if !have50 || !have99 || !haveRate {
		return r, fmt.Errorf("no latency distribution or rate in wrk's report")
	}
	return r, nil
}
