package staged

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/internal/filetree"
)

// runEntries are what a run writes, run.json last.
var runEntries = []string{"feedback", "summary.xlsx", "summary.csv", "activities.csv", "import-issues.csv", "results.jsonl.gz", "run.json"}

// stageRun stages a complete set of run outputs whose files all hold tag.
func stageRun(t *testing.T, dir, tag string) *Dir {
	t.Helper()
	o, err := New(dir, Options{Entries: runEntries, Folders: []string{"feedback"}})
	if err != nil {
		t.Fatal(err)
	}
	// Every file a run writes, so the commit moves each of runEntries.
	names := []string{"feedback/100101.pdf", "feedback/100102.pdf"}
	for _, e := range runEntries {
		if e != "feedback" {
			names = append(names, e)
		}
	}
	for _, name := range names {
		if err := o.Write(name, func(w io.Writer) error { _, err := io.WriteString(w, tag+" "+name); return err }); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// TestCommitFailureRestoresPreviousRun makes each rename of the commit
// fail in turn, as a file held open by another program on Windows or a
// folder whose permissions changed would: every time, the commit returns
// an error that says the previous results were kept, and the output folder
// holds exactly the previous run (and the files beside it) again, with no
// staging folder left once the run discards its output.
func TestCommitFailureRestoresPreviousRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	prev := stageRun(t, dir, "previous")
	if err := prev.Commit(); err != nil {
		t.Fatal(err)
	}
	// Files of a later "cpdaudit sample" live beside the run's: a commit
	// never touches them.
	if err := os.WriteFile(filepath.Join(dir, "sample.csv"), []byte("sample"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := filetree.Read(t, dir)

	// A successful commit renames every entry aside and every new one into
	// place: 2 x len(runEntries) renames.
	steps := 2 * len(runEntries)
	for fail := 1; fail <= steps; fail++ {
		t.Run(fmt.Sprintf("rename %d of %d fails", fail, steps), func(t *testing.T) {
			o := stageRun(t, dir, "new")
			calls := 0
			o.rename = func(a, b string) error {
				calls++
				if calls == fail {
					return &os.LinkError{Op: "rename", Old: a, New: b, Err: errors.New("injected failure")}
				}
				return os.Rename(a, b)
			}
			err := o.Commit()
			o.Discard()
			if err == nil {
				t.Fatal("commit succeeded although a rename failed")
			}
			if msg := err.Error(); !strings.Contains(msg, "injected failure") || !strings.Contains(msg, "previous results in "+dir+" were left as they were") {
				t.Errorf("error %q does not give the cause and say the previous results were kept", msg)
			}
			filetree.Same(t, before, filetree.Read(t, dir))
			assertOnlyEntries(t, dir)
		})
	}

	// The same rename failing for good: nothing can be put back, and the
	// previous results are left in the staging folder, which is named.
	o := stageRun(t, dir, "new")
	calls := 0
	o.rename = func(a, b string) error {
		calls++
		if calls >= 3 {
			return errors.New("disk gone")
		}
		return os.Rename(a, b)
	}
	err := o.Commit()
	o.Discard()
	if err == nil || !strings.Contains(err.Error(), "by hand") || !strings.Contains(err.Error(), o.stage) {
		t.Errorf("an undo that fails must say where the previous results are: %v", err)
	}
	if _, err := os.Stat(filepath.Join(o.stage, ".previous", "run.json")); err != nil {
		t.Errorf("the previous run.json is not kept in the staging folder: %v", err)
	}
}

// TestCommitReplacesWhole: a commit that succeeds leaves the new run only,
// plus the files beside it it does not own.
func TestCommitReplacesWhole(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	prev := stageRun(t, dir, "previous")
	if err := prev.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "feedback", "999999.pdf"), []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sample.csv"), []byte("sample"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := stageRun(t, dir, "new")
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	o.Discard()
	got := filetree.Read(t, dir)
	if _, ok := got[filepath.Join("feedback", "999999.pdf")]; ok {
		t.Error("a PDF of the previous run lingers")
	}
	if string(got["sample.csv"]) != "sample" {
		t.Error("sample.csv beside the run was touched")
	}
	if string(got["run.json"]) != "new run.json" {
		t.Errorf("run.json holds %q", got["run.json"])
	}
	assertOnlyEntries(t, dir)
}

// assertOnlyEntries fails when a hidden staging folder is left in dir.
func assertOnlyEntries(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".cpdaudit-run-") {
			t.Errorf("staging folder %s left behind", e.Name())
		}
	}
}

// TestWriteFile: one file replaced whole, with the permissions asked for
// and no staging folder left; a failed write leaves the old file.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "template.xlsx")
	if err := WriteFile(p, true, func(w io.Writer) error { _, err := io.WriteString(w, "old"); return err }); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(p, true, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("disk full") })
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("a failed write: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("the file holds %q after a failed write", b)
	}
	if err := WriteFile(p, true, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("the file holds %q", b)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm()&0o044 != 0o044 {
		t.Errorf("not readable by others: %v", fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left beside the file: %v", entries)
	}
}
