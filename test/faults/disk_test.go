//go:build linux

package faults_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// diskSize is the size of the SQLite server's filesystem: room for the
// suite's events, small enough to fill in a moment.
const diskSize = "16m"

// smallDisk is a size-limited tmpfs the SQLite audit store lives on, which
// the suite fills to make the disk full and frees again. Mounting needs
// root (as CI runs); elsewhere the disk-full fault is skipped, loudly.
type smallDisk struct {
	dir     string
	mounted bool
	// why is the reason the disk could not be mounted.
	why error
}

// mountSmallDisk mounts the tmpfs for the test, and unmounts it at cleanup.
func mountSmallDisk(t *testing.T) *smallDisk {
	t.Helper()
	d := &smallDisk{dir: t.TempDir()}
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

// fill writes a filler file until the filesystem has no space left.
func (d *smallDisk) fill(t *testing.T) {
	t.Helper()
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

// free removes the filler.
func (d *smallDisk) free(t *testing.T) {
	t.Helper()
	if err := os.Remove(d.file("filler")); err != nil {
		t.Fatal(err)
	}
}
