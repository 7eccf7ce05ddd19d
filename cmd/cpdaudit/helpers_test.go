package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ies/cpdaudit/internal/filetree"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

// TestMain removes the shared build folder after all tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

// buildBinary builds the real cpdaudit once for the tests that check what a
// user sees: exit codes, the stdout/stderr split, signals.
func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "cpdaudit-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "cpdaudit")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building cpdaudit: %v", buildErr)
	}
	return binPath
}

// runResult is what one in-process run printed and returned.
type runResult struct {
	code   int
	stdout string
	stderr string
}

// runInProcess calls run() with buffers, as main would with the terminal.
func runInProcess(t *testing.T, ctx context.Context, args ...string) runResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, args, IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return runResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// readCSV reads an output table into header-keyed rows.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s is empty", path)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// treeFiles lists every file under dir, relative to it.
func treeFiles(t *testing.T, dir string) map[string][]byte { return filetree.Read(t, dir) }

const (
	sampleDir      = "../../fixtures/sample/activities"
	sampleRegister = "../../fixtures/sample/register.csv"
)

func sampleArgs(out string, extra ...string) []string {
	args := []string{"run", "--year", "2025", "--register", sampleRegister, "--out", out, "--quiet"}
	return append(append(args, extra...), sampleDir)
}
