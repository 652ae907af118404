//go:build linux

package objects_test

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3am/s3-access-manager/internal/objects"
)

// TestCallsEndWhenS3Hangs stops a MinIO of its own (SIGSTOP: connections
// are accepted by the kernel and never answered) and checks that calls to
// it fail with KindTimeout (504) soon after the call timeout, instead of
// waiting for as long as MinIO is stopped.
func TestCallsEndWhenS3Hangs(t *testing.T) {
	env := startMinIO(t)
	svc := env.service(t, false, objects.Options{CallTimeout: time.Second})
	env.putObject(t, "hang/a.txt", []byte("a"))
	if _, err := svc.HeadObject(t.Context(), testBucket, "hang/a.txt"); err != nil {
		t.Fatal(err)
	}
	pgid := processGroupListeningOn(t, strings.TrimPrefix(env.srv.Endpoint, "http://"))
	if err := syscall.Kill(-pgid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resume := func() { _ = syscall.Kill(-pgid, syscall.SIGCONT) }
	t.Cleanup(resume)
	waitStopped(t, pgid)

	for name, call := range map[string]func() error{
		"ListObjects": func() error {
			_, err := svc.ListObjects(t.Context(), objects.ListRequest{Bucket: testBucket, Prefix: "hang/"})
			return err
		},
		"DeleteObject": func() error { return svc.DeleteObject(t.Context(), testBucket, "hang/a.txt") },
		"CreateMultipartUpload": func() error {
			_, err := svc.CreateMultipartUpload(t.Context(), objects.MultipartRequest{Bucket: testBucket, Key: "hang/mp.bin", ContentType: "application/octet-stream"})
			return err
		},
	} {
		start := time.Now()
		err := call()
		took := time.Since(start)
		if e := wantKind(t, err, objects.KindTimeout); e != nil && objects.KindTimeout.HTTPStatus() != 504 {
			t.Errorf("%s: status %d, want 504", name, objects.KindTimeout.HTTPStatus())
		}
		if took > 15*time.Second {
			t.Errorf("%s took %s with a 1s call timeout", name, took)
		}
		t.Logf("%s: %v after %s", name, err, took.Round(time.Millisecond))
	}
	resume()
	if _, err := svc.HeadObject(t.Context(), testBucket, "hang/a.txt"); err != nil {
		t.Fatalf("after MinIO continued: %v", err)
	}
}

// processGroupListeningOn returns the process group of the MinIO started
// with --address addr: the harness starts each server in a group of its own.
func processGroupListeningOn(t *testing.T, addr string) int {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("--address\x00" + addr + "\x00")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + d.Name() + "/cmdline")
		if err != nil || !bytes.Contains(cmdline, want) {
			continue
		}
		pgid, err := syscall.Getpgid(pid)
		if err != nil || pgid == syscall.Getpgrp() {
			t.Fatalf("MinIO %d is not in a process group of its own (%d, %v)", pid, pgid, err)
		}
		return pgid
	}
	t.Fatalf("no MinIO process with --address %s", addr)
	return 0
}

// waitStopped waits until every thread of process pid is stopped: SIGSTOP
// is delivered asynchronously, and a thread still running would answer.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		tasks, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		stopped := 0
		for _, task := range tasks {
			stat, err := os.ReadFile(dir + task.Name() + "/stat")
			// The state follows the command name, which is in parentheses.
			if i := bytes.LastIndexByte(stat, ')'); err == nil && i+2 < len(stat) && (stat[i+2] == 'T' || stat[i+2] == 't') {
				stopped++
			}
		}
		if stopped == len(tasks) {
			return
		}
	}
	t.Fatalf("MinIO %d did not stop", pid)
}
