package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/internal/filetree"
	"github.com/ies/cpdaudit/internal/testtool"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", nil, exitUsage, "Usage:"},
		{"unknown command", []string{"audit"}, exitUsage, `unknown command "audit"`},
		{"run without input", []string{"run"}, exitUsage, "no INPUT given"},
		{"bad year", []string{"run", "--year", "25", "x.csv"}, exitUsage, "not a plausible CPD year"},
		{"bad workers", []string{"run", "--workers", "0", "x.csv"}, exitUsage, "--workers must be 1 or more"},
		{"unknown flag", []string{"run", "--colour", "x.csv"}, exitUsage, "unknown option --colour"},
		{"year not a number", []string{"run", "--year", "twenty", "x.csv"}, exitUsage, `--year "twenty" is not a whole number`},
		{"quiet and verbose", []string{"run", "--quiet", "--verbose", "x.csv"}, exitUsage, "give one of them"},
		{"template without file", []string{"template"}, exitUsage, "template takes one argument"},
		{"template not xlsx", []string{"template", "a.csv"}, exitUsage, "must be an .xlsx file"},
		{"policy with argument", []string{"policy", "x"}, exitUsage, "takes no arguments"},
		{"help", []string{"run", "--help"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runInProcess(t, context.Background(), tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstderr: %s", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
		})
	}
}

func TestVersionAndPolicy(t *testing.T) {
	r := runInProcess(t, context.Background(), "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "cpdaudit ") {
		t.Errorf("version: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runInProcess(t, context.Background(), "policy")
	if r.code != 0 {
		t.Fatalf("policy: exit %d: %s", r.code, r.stderr)
	}
	// What "policy" prints is a policy file that reads back as the default.
	path := filepath.Join(t.TempDir(), "policy.toml")
	if err := os.WriteFile(path, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := importer.ReadPolicy(path)
	if err != nil {
		t.Fatalf("the printed policy does not read back: %v", err)
	}
	if p.Hours.Required != audit.DefaultPolicy().Hours.Required {
		t.Errorf("printed policy requires %g hours, default %g", p.Hours.Required, audit.DefaultPolicy().Hours.Required)
	}
}

// TestDeterministicAcrossWorkers: 1 and 8 workers give byte-identical files.
func TestDeterministicAcrossWorkers(t *testing.T) {
	dir := t.TempDir()
	var trees []map[string][]byte
	for _, w := range []string{"1", "8"} {
		out := filepath.Join(dir, "w"+w)
		r := runInProcess(t, context.Background(), sampleArgs(out, "--workers", w)...)
		if r.code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, r.code, r.stderr)
		}
		trees = append(trees, treeFiles(t, out))
	}
	compareTrees(t, trees[0], trees[1])
}

// TestRerunReplacesOutputs: a second run into the same folder gives the
// same files, and a PDF left from a member no longer in the input is gone.
func TestRerunReplacesOutputs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if r := runInProcess(t, context.Background(), sampleArgs(out)...); r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
	}
	first := treeFiles(t, out)
	stale := filepath.Join(out, "feedback", "999999.pdf")
	if err := os.WriteFile(stale, []byte("%PDF-old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runInProcess(t, context.Background(), sampleArgs(out)...); r.code != 0 {
		t.Fatalf("second run: exit %d: %s", r.code, r.stderr)
	}
	compareTrees(t, first, treeFiles(t, out))
}

// compareTrees fails unless a and b hold the same files, byte for byte.
func compareTrees(t *testing.T, a, b map[string][]byte) { filetree.Same(t, a, b) }

func TestOutputPermissions(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if r := runInProcess(t, context.Background(), sampleArgs(out)...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, p := range []string{"summary.xlsx", "summary.csv", "run.json"} {
		fi, err := os.Stat(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600 (personal data)", p, fi.Mode().Perm())
		}
	}
	fi, err := os.Stat(filepath.Join(out, "feedback"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("feedback/ has mode %v, want 0700", fi.Mode().Perm())
	}
}

// TestUnwritableOutput: an output folder that cannot be written ends the run
// with exit 1 and a message naming the path.
func TestUnwritableOutput(t *testing.T) {
	// A path under a regular file fails for every user, root included
	// (root ignores permission bits, so a chmod-ed folder would not do).
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(file, "out")
	r := runInProcess(t, context.Background(), sampleArgs(out)...)
	if r.code != exitFailed {
		t.Errorf("exit %d, want %d", r.code, exitFailed)
	}
	if !strings.Contains(r.stderr, out) {
		t.Errorf("the error does not name the output folder %s:\n%s", out, r.stderr)
	}
}

// TestFailedWriteKeepsPreviousRun: when writing fails part way through, as
// on a full disk, the run exits 1 naming the file, and the previous run in
// the output folder is left whole, with nothing partial beside it. The
// failure comes from a file size limit (ulimit -f, 20 KiB): a feedback PDF
// is bigger, so the first one written fails with EFBIG, as a full disk
// fails with ENOSPC.
func TestFailedWriteKeepsPreviousRun(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("needs bash and ulimit")
	}
	out := filepath.Join(t.TempDir(), "out")
	if r := runInProcess(t, context.Background(), sampleArgs(out)...); r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
	}
	before := treeFiles(t, out)
	args := append([]string{"-c", `ulimit -f 20 && exec "$0" "$@"`, buildBinary(t)}, sampleArgs(out)...)
	cmd := exec.Command(bash, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailed, stderr.String())
	}
	if msg := stderr.String(); !strings.Contains(msg, "cannot write "+filepath.Join(out, "feedback")) {
		t.Errorf("the error does not name the file that could not be written:\n%s", msg)
	}
	compareTrees(t, before, treeFiles(t, out))
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind in the output folder: %s", e.Name())
		}
	}
}

// TestCancelledRunLeavesNothing: a run cancelled part way through exits 130
// and leaves no staging or partial files behind.
func TestCancelledRunLeavesNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := runInProcess(t, ctx, sampleArgs(out)...)
	if r.code != exitInterrupted {
		t.Errorf("exit %d, want %d\n%s", r.code, exitInterrupted, r.stderr)
	}
	assertNoLeftovers(t, out)
}

// TestSIGINTLeavesNothing sends a real SIGINT to the built binary while it
// works, then checks the exit status and that nothing partial is left. The
// signal goes only after the program has printed its first progress line,
// so its handler is surely installed.
func TestSIGINTLeavesNothing(t *testing.T) {
	bin := buildBinary(t)
	out := filepath.Join(t.TempDir(), "out")
	for delay := time.Duration(0); delay < 2*time.Second; delay = delay*2 + time.Millisecond {
		os.RemoveAll(out)
		args := []string{"run", "--year", "2025", "--register", sampleRegister, "--out", out, "--workers", "1", sampleDir}
		cmd := exec.Command(bin, args...)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		rd := bufio.NewReader(stderr)
		if _, err := rd.ReadString('\n'); err != nil {
			t.Fatalf("no progress line before the run ended: %v", err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGINT)
		rest, _ := io.ReadAll(rd)
		err = cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		if err == nil && code == 0 {
			// The run finished before the signal: it must then be complete.
			if _, err := os.Stat(filepath.Join(out, "run.json")); err != nil {
				t.Fatalf("a completed run has no run.json")
			}
			continue
		}
		if code != exitInterrupted {
			t.Fatalf("after SIGINT at %v: exit %d, want %d\n%s", delay, code, exitInterrupted, rest)
		}
		assertNoLeftovers(t, out)
		return
	}
	t.Skip("the sample run always finished before the signal; nothing to interrupt")
}

func assertNoLeftovers(t *testing.T, out string) {
	t.Helper()
	entries, err := os.ReadDir(out)
	if err != nil {
		return // no folder at all: nothing left behind
	}
	for _, e := range entries {
		t.Errorf("left behind in the output folder after an interrupted run: %s", e.Name())
	}
}

// TestCheck: check validates without auditing; it exits 3 when a row needs
// fixing, 0 on clean input, and prints the accounting either way.
func TestCheck(t *testing.T) {
	r := runInProcess(t, context.Background(), "check", "--year", "2025", "--register", sampleRegister, sampleDir)
	if r.code != exitOK || !strings.Contains(r.stdout, "No import issues to fix") {
		t.Errorf("check on the sample: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runInProcess(t, context.Background(), "check", "../../fixtures/inputs/good/mixed-rows.csv")
	if r.code != exitIssues {
		t.Errorf("check on mixed-rows.csv: exit %d, want %d\n%s", r.code, exitIssues, r.stdout)
	}
	// The totals row is a notice, listed apart from the issues.
	for _, want := range []string{"mixed-rows.csv, row ", "7 import issues to fix", "2 notices (nothing to fix):\n  ../../fixtures/inputs/good/mixed-rows.csv: row 13 (\"Total\") adds up the hours",
		"mixed-rows.csv, column D (Date): dates are read day first, as in the UK: 01/02/2025 (row 2) is read as 1 February 2025",
		"rows read 11 = accepted 3 + rejected 6 + blank 2"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stdout)
		}
	}

	// A member fills in the template: it imports with no issue and no
	// notice (its Notes sheet is known and skipped quietly).
	tmpl := filepath.Join(t.TempDir(), "my-cpd.xlsx")
	if r := runInProcess(t, context.Background(), "template", tmpl); r.code != 0 {
		t.Fatalf("template: exit %d: %s", r.code, r.stderr)
	}
	fillTemplate(t, tmpl)
	r = runInProcess(t, context.Background(), "check", "--year", "2025", tmpl)
	if r.code != exitOK || !strings.Contains(r.stdout, "1 member from 1 file; rows read 1 = accepted 1") {
		t.Errorf("check on a filled-in template: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "notice") || strings.Contains(r.stdout, "Notes") || strings.Contains(r.stdout, "Warning") {
		t.Errorf("a filled-in template gives notices:\n%s", r.stdout)
	}
}

// TestTemplateNoOverwrite: template never replaces an existing file (it may
// be a member's filled-in record) unless --force is given, before or
// after the file name.
func TestTemplateNoOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my-cpd.xlsx")
	if err := os.WriteFile(path, []byte("a member's record"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runInProcess(t, context.Background(), "template", path)
	if r.code != exitFailed || !strings.Contains(r.stderr, "already exists") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("template over an existing file: exit %d, stderr %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != "a member's record" {
		t.Fatal("template replaced an existing file without --force")
	}
	for _, args := range [][]string{{"template", "--force", path}, {"template", path, "--force"}} {
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if r := runInProcess(t, context.Background(), args...); r.code != exitOK {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("PK")) {
			t.Errorf("%q did not write the workbook", args)
		}
	}
}

// fillTemplate writes a member number and one activity into a template, as
// a member would in Excel.
func fillTemplate(t *testing.T, path string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	for cell, v := range map[string]any{
		"B1": 100101, "B2": "Zoë Hartley", "A6": time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC),
		"B6": "Groundwater risk assessment course", "C6": "Formal Learning", "D6": 6.5,
		"E6": "Two-day course on tiered groundwater risk assessment for contaminated sites.",
		"F6": "It improved my risk assessments because I now screen for PFAS; clients benefit because they hear about costs sooner.",
	} {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestPolicyOverride: a policy file changes the rules without touching
// code. With 20 required hours, the member short on hours (22 of 30)
// meets standard 1; a bad key is an error naming it.
func TestPolicyOverride(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.toml")
	if err := os.WriteFile(policy, []byte("[hours]\nrequired = 20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if r := runInProcess(t, context.Background(), sampleArgs(out, "--policy", policy)...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, row := range readCSV(t, filepath.Join(out, "summary.csv")) {
		if row["member_id"] == "100102" && (row["standard1"] != "MET" || row["required_hours"] != "20") {
			t.Errorf("with 20 required hours, member 100102 (22 hours): standard1 %s, required %s", row["standard1"], row["required_hours"])
		}
	}
	if err := os.WriteFile(policy, []byte("[hours]\nrequried = 20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runInProcess(t, context.Background(), sampleArgs(filepath.Join(dir, "out2"), "--policy", policy)...)
	if r.code != exitFailed || !strings.Contains(r.stderr, "requried") {
		t.Errorf("a misspelt policy key: exit %d, stderr %q; want exit 1 naming the key", r.code, r.stderr)
	}
}

// TestSharedOutput: --shared-output makes the output readable by others.
func TestSharedOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if r := runInProcess(t, context.Background(), sampleArgs(out, "--shared-output")...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for p, want := range map[string]os.FileMode{"summary.csv": 0o644, "feedback": 0o755, "feedback/100101.pdf": 0o644} {
		fi, err := os.Stat(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
}

// TestDocumentDate: files carry no wall-clock time. PDFs are dated the last
// day of the CPD year, or SOURCE_DATE_EPOCH when it is set.
func TestDocumentDate(t *testing.T) {
	pdfinfo := testtool.Require(t, "pdfinfo")
	created := func(out string) string {
		b, err := exec.Command(pdfinfo, "-isodates", filepath.Join(out, "feedback", "100101.pdf")).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "CreationDate:") {
				return strings.TrimSpace(strings.TrimPrefix(l, "CreationDate:"))
			}
		}
		return ""
	}
	dir := t.TempDir()
	if r := runInProcess(t, context.Background(), sampleArgs(filepath.Join(dir, "a"))...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := created(filepath.Join(dir, "a")); !strings.HasPrefix(got, "2025-12-31") {
		t.Errorf("CreationDate %q, want the end of the CPD year 2025-12-31", got)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1000000000") // 2001-09-09
	if r := runInProcess(t, context.Background(), sampleArgs(filepath.Join(dir, "b"))...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := created(filepath.Join(dir, "b")); !strings.HasPrefix(got, "2001-09-09") {
		t.Errorf("with SOURCE_DATE_EPOCH=1000000000, CreationDate %q, want 2001-09-09", got)
	}
	// run.json and the Run sheet date the run the same way.
	for sub, want := range map[string]string{"a": "2025-12-31T00:00:00Z", "b": "2001-09-09T01:46:40Z"} {
		var rec struct {
			Started  string `json:"started_at"`
			Finished string `json:"finished_at"`
		}
		b, err := os.ReadFile(filepath.Join(dir, sub, "run.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Started != want || rec.Finished != want {
			t.Errorf("run.json started_at %q, finished_at %q; want %q", rec.Started, rec.Finished, want)
		}
		vals, _ := runSheetValues(t, filepath.Join(dir, sub, "summary.xlsx"))
		if got := vals["Run date"]; got != want[:10]+" "+want[11:16]+" UTC" {
			t.Errorf("Run sheet: run date %q, want the date of %s", got, want)
		}
		// And the workbook's own properties (report.Input.Created), which
		// Excel shows under File > Info.
		if core := zipPart(t, filepath.Join(dir, sub, "summary.xlsx"), "docProps/core.xml"); !strings.Contains(core, ">"+want+"</dcterms:created>") {
			t.Errorf("summary.xlsx's creation date is not %s:\n%s", want, core)
		}
	}
}

// zipPart is the text of one part of a zip file (a workbook).
func zipPart(t *testing.T, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
