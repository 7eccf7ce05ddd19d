//go:build unix

package importer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDiscoverNotAFile: a named pipe, a device and a folder named like a
// spreadsheet are each an issue, named or found in a folder, and nothing
// waits on the pipe (before, a pipe named as input blocked for ever and a
// pipe, a folder named x.csv or a device link inside a folder were skipped
// without a word).
func TestDiscoverNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "export.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a named pipe: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.xlsx"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "device.csv")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "other.fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	var files []string
	var issues []Issue
	go func() {
		defer close(done)
		files, issues = Discover([]string{dir, fifo, filepath.Join(dir, "folder.xlsx")})
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Discover blocked")
	}
	if len(files) != 1 || files[0] != good {
		t.Errorf("files %v, want only %s", files, good)
	}
	want := map[string]string{
		"device.csv":  "this is a device, not a file",
		"export.csv":  "this is a named pipe (FIFO), not a file, so it was not read",
		"folder.xlsx": "this is a folder, not a file, although its name ends in .xlsx, so nothing in it was read",
	}
	got := map[string]int{}
	for _, is := range issues {
		base := filepath.Base(is.File)
		got[base]++
		if !strings.Contains(is.Problem, want[base]) || !errors.Is(is, ErrUnsupported) {
			t.Errorf("%s: %v", base, is)
		}
	}
	// Named and found in the folder: the pipe and the folder are listed
	// once for each time they were given.
	if got["export.csv"] != 2 || got["folder.xlsx"] != 2 || got["device.csv"] != 1 || len(got) != 3 {
		t.Errorf("issues per file %v", got)
	}

	// Read directly (the register is), the pipe is an issue at once.
	start := time.Now()
	ch := make(chan Register, 1)
	go func() { ch <- ReadRegister(fifo, Options{}) }()
	select {
	case r := <-ch:
		if len(r.Issues) != 1 || !strings.Contains(r.Issues[0].Problem, "named pipe") {
			t.Errorf("register from a pipe: %v", r.Issues)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadRegister blocked on a named pipe")
	}
	t.Logf("the pipe was refused in %v", time.Since(start))
}
