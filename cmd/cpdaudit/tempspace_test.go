package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestUnusableTMPDIR: a TMPDIR that cannot hold the run's temporary
// folder ends the run at once with exit 1, naming the folder and TMPDIR.
func TestUnusableTMPDIR(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", file)
	out := filepath.Join(t.TempDir(), "out")
	r := runInProcess(t, context.Background(), sampleArgs(out)...)
	if r.code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitFailed, r.stderr)
	}
	for _, want := range []string{"cannot make a temporary folder in " + file, "set TMPDIR to a folder"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// TestFullTemporaryDisk: the activities of 10,000 members do not fit in
// memory, so the store writes them to its temporary file; when that write
// fails (here a 1 MB file size limit, ulimit -f, fails it with EFBIG as a
// full disk fails with ENOSPC), the run exits 1 naming the file and
// suggesting TMPDIR. Before, a full temporary folder named no file.
func TestFullTemporaryDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the generated 10,000 members")
	}
	bash, err := exec.LookPath("bash")
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("needs bash and ulimit")
	}
	data := generated10k(t)
	tmp := t.TempDir()
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bash, "-c", `ulimit -f 1024 && exec "$0" "$@"`, buildBinary(t), "run", "--year", "2025", "--out", out, filepath.Join(data, "activities.csv"))
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailed, stderr.String())
	}
	msg := stderr.String()
	for _, want := range []string{"cannot write the temporary file that holds the imported activities: write " + tmp + string(filepath.Separator) + "cpdaudit-", "file too large", "set TMPDIR"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %q:\n%s", want, msg)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left in the temporary folder: %v", left)
	}
}
