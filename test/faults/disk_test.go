//go:build linux

package faults_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// diskSize is the size of the SQLite server's filesystem: room for the
// suite's events, small enough to fill in a moment.
const diskSize = "16m"

// envNoTmpfs, set, makes the suite use the RLIMIT_FSIZE fallback even
// where it could mount a tmpfs, to exercise it.
const envNoTmpfs = "S3AM_FAULTS_NO_TMPFS"

// smallDisk is where the SQLite audit store lives, and how it is made
// full. As root (as CI runs) it is a size-limited tmpfs that the suite
// fills with a file and frees again: a real ENOSPC. Where mounting is not
// allowed, the server's RLIMIT_FSIZE is lowered to the write-ahead log's
// size, so that no commit can grow it (EFBIG; Go ignores SIGXFSZ), and
// raised again.
type smallDisk struct {
	dir     string
	mounted bool
	// why is the reason no tmpfs could be mounted.
	why error
}

// mountSmallDisk mounts the tmpfs for the test, and unmounts it at cleanup.
func mountSmallDisk(t *testing.T) *smallDisk {
	t.Helper()
	d := &smallDisk{dir: t.TempDir()}
	if os.Getenv(envNoTmpfs) != "" {
		d.why = fmt.Errorf("%s is set", envNoTmpfs)
		return d
	}
	if err := syscall.Mount("tmpfs", d.dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+diskSize+",mode=0700"); err != nil {
		d.why = err
		return d
	}
	d.mounted = true
	t.Cleanup(func() {
		if err := syscall.Unmount(d.dir, 0); err != nil {
			// Something still holds a file open; detach it so that the
			// temporary directory can go.
			_ = syscall.Unmount(d.dir, syscall.MNT_DETACH)
		}
	})
	return d
}

// file is a path on the disk.
func (d *smallDisk) file(name string) string { return filepath.Join(d.dir, name) }

// how says how the disk is made full, for the table.
func (d *smallDisk) how() string {
	if d.mounted {
		return "a " + diskSize + " tmpfs filled up"
	}
	return fmt.Sprintf("RLIMIT_FSIZE at the WAL's size (no tmpfs: %v)", d.why)
}

// fill makes the disk full for pid, the server writing to it.
func (d *smallDisk) fill(t *testing.T, pid int) {
	t.Helper()
	if !d.mounted {
		var size uint64
		if fi, err := os.Stat(d.file("audit.db-wal")); err == nil {
			size = uint64(fi.Size())
		}
		setFileSizeLimit(t, pid, size)
		return
	}
	f, err := os.Create(d.file("filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatalf("fill the disk: %v", err)
		}
	}
}

// free gives pid its space back.
func (d *smallDisk) free(t *testing.T, pid int) {
	t.Helper()
	if !d.mounted {
		setFileSizeLimit(t, pid, unix.RLIM_INFINITY)
		return
	}
	if err := os.Remove(d.file("filler")); err != nil {
		t.Fatal(err)
	}
}

// setFileSizeLimit sets the RLIMIT_FSIZE of pid.
func setFileSizeLimit(t *testing.T, pid int, size uint64) {
	t.Helper()
	limit := unix.Rlimit{Cur: size, Max: unix.RLIM_INFINITY}
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &limit, nil); err != nil {
		t.Fatalf("set RLIMIT_FSIZE of %d to %d: %v", pid, size, err)
	}
}
