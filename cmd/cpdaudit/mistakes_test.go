package main

// Issue 15: ordinary mistakes of a careless office, and an attacker's
// inputs, must never overwrite or re-read an input, hang, or pass in
// silence.

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ies/cpdaudit/pipeline"
)

// copyFile copies src to dst, making dst's folder.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// exportsFolder is a folder of exports holding the sample activities.
func exportsFolder(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exports")
	entries, err := os.ReadDir(sampleDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		copyFile(t, filepath.Join(sampleDir, e.Name()), filepath.Join(dir, e.Name()))
	}
	return dir
}

// TestOutputNeverReplacesInput: an output that is, or would replace, an
// input is wrong usage (exit 2), refused before anything is read or
// written, and the message names both. The inputs are named as the
// project's own generator and the run's outputs name files.
func TestOutputNeverReplacesInput(t *testing.T) {
	csvSrc, _ := filepath.Abs(sampleDir + "/online-tool-export-1.csv")
	xlsxSrc, _ := filepath.Abs(sampleDir + "/online-tool-export-3.xlsx")
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) (args []string, input string)
	}{
		{"activities.csv in the output folder", func(t *testing.T, dir string) ([]string, string) {
			in := filepath.Join(dir, "activities.csv")
			copyFile(t, csvSrc, in)
			return []string{"run", "--year", "2025", "--out", dir, in}, in
		}},
		{"summary.csv found in the input folder", func(t *testing.T, dir string) ([]string, string) {
			in := filepath.Join(dir, "summary.csv")
			copyFile(t, csvSrc, in)
			return []string{"run", "--year", "2025", "--out", dir, dir}, in
		}},
		{"import-issues.csv, output folder given as .", func(t *testing.T, dir string) ([]string, string) {
			in := filepath.Join(dir, "import-issues.csv")
			copyFile(t, csvSrc, in)
			t.Chdir(dir)
			return []string{"run", "--year", "2025", "--out", ".", "import-issues.csv"}, "import-issues.csv"
		}},
		{"summary.xlsx", func(t *testing.T, dir string) ([]string, string) {
			in := filepath.Join(dir, "summary.xlsx")
			copyFile(t, xlsxSrc, in)
			return []string{"run", "--year", "2025", "--out", dir, in}, in
		}},
		{"a file in the feedback folder", func(t *testing.T, dir string) ([]string, string) {
			in := filepath.Join(dir, "feedback", "notes.csv")
			copyFile(t, csvSrc, in)
			return []string{"run", "--year", "2025", "--out", dir, in}, in
		}},
		{"the register", func(t *testing.T, dir string) ([]string, string) {
			in := filepath.Join(dir, "summary.csv")
			copyFile(t, sampleRegister, in)
			return []string{"run", "--year", "2025", "--register", in, "--out", dir, sampleDir}, in
		}},
		{"--out names the input file", func(t *testing.T, dir string) ([]string, string) {
			in := filepath.Join(dir, "export.csv")
			copyFile(t, csvSrc, in)
			return []string{"run", "--year", "2025", "--out", in, in}, in
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args, input := tt.setup(t, dir)
			before, err := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(input, dir)))
			if err != nil {
				before, _ = os.ReadFile(input)
			}
			r := runInProcess(t, context.Background(), args...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want %d\nstderr: %s", r.code, exitUsage, r.stderr)
			}
			out := args[slicesIndex(args, "--out")+1]
			if !strings.Contains(r.stderr, "--out "+out) || !strings.Contains(r.stderr, input) {
				t.Errorf("the message does not name both the output %s and the input %s:\n%s", out, input, r.stderr)
			}
			after, _ := os.ReadFile(input)
			if string(after) != string(before) {
				t.Errorf("%s was changed", input)
			}
			for _, name := range []string{"run.json", pipeline.LockFile} {
				if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
					t.Errorf("%s was written although the run was refused", name)
				}
			}
		})
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestOwnOutputNotReadBack is issue 15's point 2: "run --out exports/audit
// exports", run twice, must give the same verdicts (before, the second run
// read the first one's activities.csv and summary.xlsx as activities and
// every MET member became NOT_MET). The same holds when the outputs are
// written beside the exports, and for last year's audit folder kept inside
// the exports: their tables are left out with a notice.
func TestOwnOutputNotReadBack(t *testing.T) {
	exports := exportsFolder(t)
	for _, out := range []string{filepath.Join(exports, "audit"), exports} {
		var first []byte
		for i := 1; i <= 2; i++ {
			r := runInProcess(t, context.Background(), "run", "--year", "2025", "--register", sampleRegister, "--out", out, "--quiet", exports)
			if r.code != exitOK {
				t.Fatalf("--out %s, run %d: exit %d\n%s", out, i, r.code, r.stderr)
			}
			summary, err := os.ReadFile(filepath.Join(out, "summary.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if i == 1 {
				first = summary
				checkSampleOutcomes(t, filepath.Join(out, "summary.csv"))
			} else if string(summary) != string(first) {
				t.Errorf("--out %s: the second run's summary.csv differs from the first's", out)
			}
			var rec struct {
				Inputs []struct{ Path string } `json:"inputs"`
				Rows   struct {
					Read int `json:"rows_read"`
				} `json:"rows"`
			}
			b, _ := os.ReadFile(filepath.Join(out, "run.json"))
			if err := json.Unmarshal(b, &rec); err != nil {
				t.Fatal(err)
			}
			if len(rec.Inputs) != 4 || rec.Rows.Read != 89 {
				t.Errorf("--out %s, run %d: %d inputs and %d rows read, want the 4 sample files and their 89 rows: %+v", out, i, len(rec.Inputs), rec.Rows.Read, rec.Inputs)
			}
		}
	}

	// What discovery says about it, in run.json: a notice per table of
	// the run kept beside the exports, and one for the output folder
	// inside them.
	audit := filepath.Join(exports, "audit")
	if r := runInProcess(t, context.Background(), "run", "--year", "2025", "--register", sampleRegister, "--out", audit, "--quiet", exports); r.code != exitOK {
		t.Fatalf("--out %s once more: exit %d\n%s", audit, r.code, r.stderr)
	}
	var rec struct {
		Inputs  []struct{ Path string } `json:"inputs"`
		Notices []struct{ File, Message string }
	}
	b, _ := os.ReadFile(filepath.Join(audit, "run.json"))
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	var notes string
	for _, n := range rec.Notices {
		notes += n.File + ": " + n.Message + "\n"
	}
	for _, want := range []string{
		filepath.Join(exports, "audit") + ": this is the run's output folder, inside an input folder",
		filepath.Join(exports, "activities.csv") + ": this is the table activities.csv written by an earlier cpdaudit run",
		filepath.Join(exports, "summary.xlsx") + ": this is the workbook summary.xlsx written by an earlier cpdaudit run",
	} {
		if !strings.Contains(notes, want) {
			t.Errorf("no notice %q among:\n%s", want, notes)
		}
	}
	if len(rec.Inputs) != 4 {
		t.Errorf("%d files read, want the 4 sample files: %v", len(rec.Inputs), rec.Inputs)
	}

	// Given only a table of a run: nothing to read, exit 1, and why.
	r := runInProcess(t, context.Background(), "run", "--year", "2025", "--out", filepath.Join(t.TempDir(), "out"), filepath.Join(exports, "summary.csv"))
	if r.code != exitFailed || !strings.Contains(r.stderr, "the only CSV and Excel files among the INPUT paths are results cpdaudit wrote") {
		t.Errorf("only an earlier run's summary.csv: exit %d\n%s", r.code, r.stderr)
	}
}

// checkSampleOutcomes compares summary.csv with the sample's expected
// outcomes.
func checkSampleOutcomes(t *testing.T, path string) {
	t.Helper()
	got := map[string]string{}
	for _, row := range readCSV(t, path) {
		got[row["member_id"]] = row["outcome"]
	}
	for _, want := range sampleExpectations {
		if got[want.ID] != want.Outcome {
			t.Errorf("member %s: outcome %q, want %q", want.ID, got[want.ID], want.Outcome)
		}
	}
}

// TestOneRunPerOutputFolder: while a run holds an output folder's lock, a
// second run into it refuses (exit 1), naming the holder and the lock
// file, and writes nothing; a lock left by a run that no longer exists is
// taken over with a warning.
func TestOneRunPerOutputFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if r := runInProcess(t, context.Background(), sampleArgs(out)...); r.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	before := treeFiles(t, out)
	lock := filepath.Join(out, pipeline.LockFile)

	// A live holder: this test's own process.
	host, _ := os.Hostname()
	writeLock := func(pid int) {
		// The lock file's format, as a run writes it.
		b, _ := json.Marshal(map[string]any{"pid": pid, "host": host, "started": time.Now().UTC(), "command": "run"})
		if err := os.WriteFile(lock, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeLock(os.Getpid())
	r := runInProcess(t, context.Background(), sampleArgs(out)...)
	if r.code != exitFailed {
		t.Fatalf("a second run into a locked folder: exit %d, want %d\n%s", r.code, exitFailed, r.stderr)
	}
	for _, want := range []string{"another cpdaudit run is writing to the output folder " + out, "process " + strconv.Itoa(os.Getpid()), "delete " + lock} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, r.stderr)
		}
	}
	delete(before, pipeline.LockFile)
	got := treeFiles(t, out)
	delete(got, pipeline.LockFile)
	compareTrees(t, before, got)

	// A dead holder: a process that has ended.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true command")
	}
	writeLock(cmd.Process.Pid)
	r = runInProcess(t, context.Background(), sampleArgs(out)...)
	if r.code != exitOK || !strings.Contains(r.stderr, "took over the lock "+lock) {
		t.Errorf("a stale lock: exit %d, want 0 and a warning\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(lock); err == nil {
		t.Error("the lock file is left after the run")
	}
}

// TestConcurrentRunsRefused starts the real program and, while it works,
// a second run into the same folder: the second refuses at once.
func TestConcurrentRunsRefused(t *testing.T) {
	bin := buildBinary(t)
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "run", "--year", "2025", "--register", sampleRegister, "--out", out, "--workers", "1", sampleDir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Signal(syscall.SIGTERM)
	// The first progress line comes after the lock is taken.
	if _, err := bufio.NewReader(stderr).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	r := runInProcess(t, context.Background(), sampleArgs(out)...)
	if cmd.ProcessState != nil {
		t.Skip("the first run ended before the second started")
	}
	if r.code != exitFailed || !strings.Contains(r.stderr, "another cpdaudit run is writing") {
		t.Errorf("second run: exit %d\n%s", r.code, r.stderr)
	}
	go func() { _, _ = bufio.NewReader(stderr).ReadString(0) }()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the first run failed: %v", err)
	}
	checkSampleOutcomes(t, filepath.Join(out, "summary.csv"))
}

// TestNoLettersFromNothing: a run in which no activity row could be read
// (only unreadable workbooks, or only the register given as INPUT) exits 1
// with the reason and writes no letter; before, every register member got
// a NOT_MET letter and the exit status was 0.
func TestNoLettersFromNothing(t *testing.T) {
	tests := []struct {
		name   string
		inputs []string
		want   []string
	}{
		{"unreadable workbooks", []string{badDir + "/encrypted.xlsx", badDir + "/truncated.xlsx"},
			[]string{"encrypted.xlsx: the workbook is protected with a password", "truncated.xlsx: the workbook is damaged"}},
		{"only the register", []string{sampleRegister},
			[]string{"register.csv: no table of CPD activities found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append([]string{"run", "--year", "2025", "--register", sampleRegister, "--out", out, "--quiet"}, tt.inputs...)
			r := runInProcess(t, context.Background(), args...)
			if r.code != exitFailed {
				t.Fatalf("exit %d, want %d\n%s", r.code, exitFailed, r.stderr)
			}
			for _, want := range append(tt.want, "no CPD activity could be read", "no letters were written") {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("the output folder %s was made", out)
			}
		})
	}
}

// TestWorkersClamped: a huge --workers used to panic (makechan: size out
// of range) or take 24 GB; it is now lowered to the ceiling with a
// warning, and the run completes with the usual results.
func TestWorkersClamped(t *testing.T) {
	for _, n := range []string{"9223372036854775807", "1000000000"} {
		out := filepath.Join(t.TempDir(), "out")
		r := runInProcess(t, context.Background(), sampleArgs(out, "--workers", n)...)
		if r.code != exitOK {
			t.Fatalf("--workers %s: exit %d\n%s", n, r.code, r.stderr)
		}
		want := "warning: --workers " + n + " is more than this computer can use; using " + strconv.Itoa(maxWorkers())
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
		checkSampleOutcomes(t, filepath.Join(out, "summary.csv"))
	}
}
