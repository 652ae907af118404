package load_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// profile runs load while the server's CPU profile is taken over most of
// it, then takes its allocation profile, and writes both into dir as
// STORE-cpu.pprof and STORE-allocs.pprof.
func profile(tb testing.TB, addr, dir, store string, d time.Duration, load func() result) result {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	seconds := max(1, int(d.Seconds())-1)
	cpu := make(chan error, 1)
	go func() {
		cpu <- fetch(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, seconds), filepath.Join(dir, store+"-cpu.pprof"), d+time.Minute)
	}()
	r := load()
	if err := <-cpu; err != nil {
		tb.Fatalf("CPU profile: %v", err)
	}
	if err := fetch("http://"+addr+"/debug/pprof/allocs", filepath.Join(dir, store+"-allocs.pprof"), time.Minute); err != nil {
		tb.Fatalf("allocation profile: %v", err)
	}
	tb.Logf("%s: profiles in %s", store, dir)
	return r
}

// fetch saves the body of url to path.
func fetch(url, path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
