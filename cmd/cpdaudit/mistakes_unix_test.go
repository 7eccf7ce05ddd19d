//go:build unix

package main

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPipeNamedAsInput: a named pipe given as INPUT, or found in an input
// folder, is an import issue and the run completes (exit 3: an input
// could not be read); before, the run
// blocked for ever opening it, and one SIGTERM did not end it.
func TestPipeNamedAsInput(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "activities.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a named pipe: %v", err)
	}
	out := filepath.Join(dir, "out")
	done := make(chan runResult, 1)
	go func() { done <- runInProcess(t, context.Background(), sampleArgs(out, fifo, dir)...) }()
	var r runResult
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the run blocked on a named pipe")
	}
	// The pipe is an input that could not be read: the run completes with
	// exit 3, as for any unread file.
	if r.code != exitIssues {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitIssues, r.stderr)
	}
	n := 0
	for _, row := range readCSV(t, filepath.Join(out, "import-issues.csv")) {
		if row["source_file"] == fifo {
			n++
			if !strings.Contains(row["problem"], "named pipe (FIFO), not a file, so it was not read") {
				t.Errorf("issue %v", row)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d issues name the pipe, want 2 (named, and found in the folder)", n)
	}
	checkSampleOutcomes(t, filepath.Join(out, "summary.csv"))
}
