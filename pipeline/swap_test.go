package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ies/cpdaudit/internal/filetree"
)

// failRename makes the n-th rename of the next commits fail, as a file
// held open by another program on Windows would, and counts the calls.
func failRename(t *testing.T, n int) *int {
	t.Helper()
	calls := new(int)
	testRename = func(a, b string) error {
		*calls++
		if *calls == n {
			return &os.LinkError{Op: "rename", Old: a, New: b, Err: errors.New("injected failure")}
		}
		return os.Rename(a, b)
	}
	t.Cleanup(func() { testRename = nil })
	return calls
}

// swapFails runs step (which writes into dir what differs from what is
// there) with the first, a middle and the last rename of its commit made
// to fail: each time the step returns an error that says the previous
// results were kept, and dir holds exactly the bytes it held before.
// renames is how many renames a commit over dir makes.
func swapFails(t *testing.T, dir string, renames int, step func() error) {
	t.Helper()
	before := filetree.Read(t, dir)
	for _, n := range []int{1, renames / 2, renames} {
		t.Run(fmt.Sprintf("rename %d of %d fails", n, renames), func(t *testing.T) {
			calls := failRename(t, n)
			err := step()
			if err == nil {
				t.Fatalf("the step succeeded although rename %d failed (%d calls)", n, *calls)
			}
			if !strings.Contains(err.Error(), "injected failure") || !strings.Contains(err.Error(), "were left as they were") {
				t.Errorf("the error does not give the cause and say the previous results were kept: %v", err)
			}
			filetree.Same(t, before, filetree.Read(t, dir))
		})
	}
	// And with nothing failing, the step does change the folder, so the
	// comparisons above could fail.
	if err := step(); err != nil {
		t.Fatal(err)
	}
	after := filetree.Read(t, dir)
	changed := len(after) != len(before)
	for name, b := range before {
		if string(after[name]) != string(b) {
			changed = true
		}
	}
	if !changed {
		t.Error("the step wrote the same files as before: the test proves nothing")
	}
}

// TestRunFailedSwapKeepsPrevious: a run whose swap fails leaves the
// previous run's folder byte for byte as it was.
func TestRunFailedSwapKeepsPrevious(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Run(context.Background(), sampleOptions(out)); err != nil {
		t.Fatal(err)
	}
	// One file fewer: other members, other tables.
	o := sampleOptions(out)
	o.Inputs = []string{filepath.Join(sampleDir, "online-tool-export-1.csv")}
	swapFails(t, out, 2*len(runEntries), func() error {
		_, err := Run(context.Background(), o)
		return err
	})
}

// TestSampleFailedSwapKeepsPrevious: a sample whose swap fails leaves the
// run folder, its workbook and the earlier sample, as they were.
func TestSampleFailedSwapKeepsPrevious(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	copyTree(t, reviewRun, dir)
	if _, err := Sample(context.Background(), SampleOptions{RunDir: dir, Rate: 0.2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	swapFails(t, dir, 2*len(sampleEntries), func() error {
		_, err := Sample(context.Background(), SampleOptions{RunDir: dir, Rate: 0.5, Seed: 2})
		return err
	})
}

// TestFinalizeFailedSwapKeepsPrevious: a finalize whose swap fails leaves
// the earlier letters and final summaries as they were.
func TestFinalizeFailedSwapKeepsPrevious(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	copyTree(t, reviewRun, dir)
	o := FinalizeOptions{RunDir: dir, Decisions: []string{reviewDecisions}, LetterDate: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Workers: 2, Version: "test"}
	if _, err := Finalize(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	o.LetterDate = o.LetterDate.AddDate(0, 0, 1)
	swapFails(t, dir, 2*len(finalEntries), func() error {
		_, err := Finalize(context.Background(), o)
		return err
	})
}

// TestForcedRunFailedSwapKeepsPrevious: a run with Force into a folder
// holding a sample moves it to superseded/ before the swap; when the swap
// fails, the sample goes back, and the folder is byte for byte as it was,
// with no superseded/ folder.
func TestForcedRunFailedSwapKeepsPrevious(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Run(context.Background(), sampleOptions(out)); err != nil {
		t.Fatal(err)
	}
	if _, err := Sample(context.Background(), SampleOptions{RunDir: out, Rate: 0.2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	o := sampleOptions(out)
	o.Inputs, o.Force = []string{filepath.Join(sampleDir, "online-tool-export-1.csv")}, true
	swapFails(t, out, 2*len(runEntries), func() error {
		_, err := Run(context.Background(), o)
		return err
	})
}
