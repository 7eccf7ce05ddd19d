package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the command-line reference in docs/cli from the command definitions")

// binResult is what one run of the built binary printed and returned.
type binResult struct {
	code           int
	stdout, stderr string
}

func runBinary(t *testing.T, args ...string) binResult {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("%q: %v", args, err)
	}
	return binResult{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

// commandPaths lists every command a user can call, as the arguments that
// name it ("run", "completion bash").
func commandPaths() [][]string {
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, s := range c.Commands() {
			if !s.IsAvailableCommand() && s.Name() != "help" {
				continue
			}
			p := append(slices.Clone(path), s.Name())
			paths = append(paths, p)
			walk(s, p)
		}
	}
	var code int
	walk(newRootCmd(IO{}, &code), nil)
	return paths
}

// TestCLIHelp: every command's --help goes to stdout with exit 0, has a
// description, a synopsis and an example, and "cpdaudit help CMD" prints
// the same.
func TestCLIHelp(t *testing.T) {
	var code int
	root := newRootCmd(IO{}, &code)
	paths := commandPaths()
	if len(paths) < 10 {
		t.Fatalf("only %d commands found: %v", len(paths), paths)
	}
	for _, p := range append([][]string{nil}, paths...) {
		name := strings.Join(append([]string{"cpdaudit"}, p...), " ")
		t.Run(name, func(t *testing.T) {
			r := runBinary(t, append(slices.Clone(p), "--help")...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("%s --help: exit %d, stderr %q", name, r.code, r.stderr)
			}
			c, _, err := root.Find(p)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"Usage:\n  " + name}
			if c.Long != "" {
				want = append(want, strings.SplitN(c.Long, "\n", 2)[0])
			}
			// Ours all have an example; cobra's completion commands
			// explain their use in the description instead.
			if !strings.HasPrefix(name, "cpdaudit completion") {
				want = append(want, "Examples:\n  cpdaudit")
			}
			for _, w := range want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("%s --help lacks %q:\n%s", name, w, r.stdout)
				}
			}
			if len(p) > 0 {
				h := runBinary(t, append([]string{"help"}, p...)...)
				if h.code != exitOK || h.stdout != r.stdout {
					t.Errorf("cpdaudit help %s: exit %d, and its output differs from --help:\n%s", strings.Join(p, " "), h.code, h.stdout)
				}
			}
		})
	}
	// Every command has its one-line description in the list.
	r := runBinary(t, "help")
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() && !strings.Contains(r.stdout, c.Short) {
			t.Errorf("cpdaudit help does not list %s with %q", c.Name(), c.Short)
		}
	}
}

// TestCLIMistakes: a misspelt command or option is wrong usage (exit 2)
// with a suggestion; the error is printed once, with a one-line hint and
// not the whole usage, and nothing goes to stdout.
func TestCLIMistakes(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
		hint string
	}{
		{[]string{"rn", "--year", "2025", "exports"}, `unknown command "rn"; did you mean "run"?`, `Run "cpdaudit --help" for usage.`},
		{[]string{"chek"}, `unknown command "chek"; did you mean "check"?`, `Run "cpdaudit --help" for usage.`},
		{[]string{"help", "sampel"}, `unknown command "sampel"; did you mean "sample"?`, `Run "cpdaudit --help" for usage.`},
		{[]string{"run", "--yaer", "2025", "exports"}, "unknown option --yaer; did you mean --year?", `Run "cpdaudit run --help" for usage.`},
		{[]string{"run", "exports", "-yaer", "2025"}, "unknown option -yaer; did you mean --year?", `Run "cpdaudit run --help" for usage.`},
		{[]string{"check", "--regsiter", "r.csv", "exports"}, "unknown option --regsiter; did you mean --register?", `Run "cpdaudit check --help" for usage.`},
		{[]string{"sample", "--exclude-audited", "x", "dir"}, "unknown option --exclude-audited; did you mean --exclude-audited-since?", `Run "cpdaudit sample --help" for usage.`},
		{[]string{"finalise", "dir", "--decision", "d.xlsx"}, "unknown option --decision; did you mean --decisions?", `Run "cpdaudit finalize --help" for usage.`},
		{[]string{"run", "-v", "exports"}, "unknown option -v; did you mean --verbose?", `Run "cpdaudit run --help" for usage.`},
		{[]string{"run", "--year"}, "a value is needed after --year", `Run "cpdaudit run --help" for usage.`},
		{[]string{"completion", "bsh"}, `unknown shell "bsh"; did you mean "bash"?`, `Run "cpdaudit completion --help" for usage.`},
		{[]string{"completion"}, "completion needs the name of your shell, bash, zsh, fish or powershell (e.g. cpdaudit completion bash)", `Run "cpdaudit completion --help" for usage.`},
	} {
		r := runBinary(t, c.args...)
		want := "cpdaudit: " + c.want + "\n" + c.hint + "\n"
		if r.code != exitUsage || r.stdout != "" || r.stderr != want {
			t.Errorf("%q: exit %d, want %d; stdout %q\nstderr:\n%s\nwant:\n%s", c.args, r.code, exitUsage, r.stdout, r.stderr, want)
		}
	}
}

// TestCLIExitCodes runs the built binary as a script would and checks the
// documented exit statuses and where the output goes. (130 is
// TestSIGINTLeavesNothing's; finalize's 3 is TestFinalizeLibreOffice's.)
func TestCLIExitCodes(t *testing.T) {
	for _, c := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{nil, exitUsage, "", "Usage:\n  cpdaudit COMMAND"},
		{[]string{"run"}, exitUsage, "", "no INPUT given"},
		{[]string{"check", "--year", "2025", "--register", sampleRegister, sampleDir}, exitOK, "No import issues to fix", ""},
		{[]string{"check", "../../fixtures/inputs/good/mixed-rows.csv"}, exitIssues, "import issues to fix", ""},
		{[]string{"check", filepath.Join(t.TempDir(), "missing.csv")}, exitFailed, "", "missing.csv"},
		{[]string{"version"}, exitOK, "cpdaudit ", ""},
		{[]string{"--version"}, exitOK, "cpdaudit ", ""},
		{[]string{"-v"}, exitOK, "cpdaudit ", ""},
		{[]string{"policy"}, exitOK, "[hours]", ""},
	} {
		r := runBinary(t, c.args...)
		if r.code != c.code || !strings.Contains(r.stdout, c.stdout) || !strings.Contains(r.stderr, c.stderr) {
			t.Errorf("%q: exit %d, want %d (stdout with %q, stderr with %q)\nstdout:\n%s\nstderr:\n%s", c.args, r.code, c.code, c.stdout, c.stderr, r.stdout, r.stderr)
		}
	}
	// The three ways of asking for the version print versionLine.
	v := runBinary(t, "version").stdout
	if !strings.HasPrefix(v, "cpdaudit ") || strings.Count(v, "\n") != 1 {
		t.Errorf("version printed %q", v)
	}
	for _, a := range []string{"--version", "-v", "-version"} {
		if got := runBinary(t, a).stdout; got != v {
			t.Errorf("cpdaudit %s printed %q, version %q", a, got, v)
		}
	}
}

// TestCLIOldForms: the single-dash forms of the standard flag package
// (-year 2025, -register=FILE, -quiet) still work, and give what the
// double-dash forms give.
func TestCLIOldForms(t *testing.T) {
	dashes := runBinary(t, "check", "--year", "2025", "--register="+sampleRegister, "--quiet", sampleDir)
	single := runBinary(t, "check", sampleDir, "-year", "2025", "-register="+sampleRegister, "-quiet")
	if dashes.code != exitOK || single.code != dashes.code || single.stdout != dashes.stdout {
		t.Errorf("single-dash check: exit %d, stdout:\n%s\ndouble-dash: exit %d, stdout:\n%s\n%s", single.code, single.stdout, dashes.code, dashes.stdout, single.stderr)
	}
	if r := runBinary(t, "run", "-help"); r.code != exitOK || !strings.Contains(r.stdout, "--register FILE") {
		t.Errorf("run -help: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestNormaliseArgs(t *testing.T) {
	var code int
	root := newRootCmd(IO{}, &code)
	for _, c := range []struct{ in, want string }{
		{"run -year 2025 x", "run --year 2025 x"},
		{"run x -out=dir -quiet", "run x --out=dir --quiet"},
		{"run -year=2025 --register r.csv x", "run --year=2025 --register r.csv x"},
		// A value is never rewritten, even one that starts with a dash.
		{"run --out -year x", "run --out -year x"},
		{"run -out -year x", "run --out -year x"},
		// Shorthands and unknown names are left to pflag, which reports them.
		{"run -h", "run -h"},
		{"-v", "-v"},
		{"run -yaer 2025 x", "run -yaer 2025 x"},
		// Nothing after "--".
		{"run -- -year", "run -- -year"},
		// Each command's own options; an alias is the command.
		{"finalise dir -decisions a.xlsx -decisions b.xlsx", "finalise dir --decisions a.xlsx --decisions b.xlsx"},
		{"sample -rate 5% -exclude-audited-since old d", "sample --rate 5% --exclude-audited-since old d"},
		{"check -out x", "check -out x"},
		{"-version", "--version"},
		{"-help", "--help"},
		{"__complete run -year ", "__complete run --year "},
	} {
		got := strings.Join(normaliseArgs(root, strings.Split(c.in, " ")), " ")
		if got != c.want {
			t.Errorf("normaliseArgs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCLICompletion: the completion scripts name the program and ask it
// for the commands; bash, given the script, completes the commands and an
// option's values.
func TestCLICompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		r := runBinary(t, "completion", sh)
		if r.code != exitOK || len(r.stdout) < 1000 || !strings.Contains(r.stdout, "cpdaudit") || !strings.Contains(r.stdout, "__complete") {
			t.Errorf("completion %s: exit %d, %d bytes\n%s", sh, r.code, len(r.stdout), r.stderr)
		}
	}
	// What the scripts ask the program for: every command, with its
	// description.
	r := runBinary(t, "__complete", "")
	for _, c := range []string{"check\t", "run\t", "sample\t", "finalize\t", "policy\t", "template\t", "version\t", "completion\t", "help\t"} {
		if !strings.Contains(r.stdout, "\n"+c) && !strings.HasPrefix(r.stdout, c) {
			t.Errorf("completion of a command lacks %q:\n%s", c, r.stdout)
		}
	}
	// The script needs the bash-completion package, as bash users have
	// it (.ci/run installs it).
	const bashCompletion = "/usr/share/bash-completion/bash_completion"
	bash, err := exec.LookPath("bash")
	if _, serr := os.Stat(bashCompletion); err != nil || serr != nil {
		t.Skip("no bash with the bash-completion package to try the script in")
	}
	script := filepath.Join(t.TempDir(), "cpdaudit.bash")
	if err := os.WriteFile(script, []byte(runBinary(t, "completion", "bash").stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	// complete asks bash to complete the words typed so far, as pressing
	// Tab would, and prints the candidates.
	complete := func(words ...string) []string {
		t.Helper()
		line := strings.Join(words, " ")
		prog := `source ` + bashCompletion + `; source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; __start_cpdaudit; printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command(bash, append([]string{"-c", prog, "bash", script, buildBinary(t)}, words...)...)
		// compopt complains on stderr outside a real Tab press: only the
		// candidates on stdout matter.
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("completing %q: %v\n%s", line, err, out)
		}
		return strings.Fields(string(out))
	}
	if got := complete(""); !slices.Contains(got, "run") || !slices.Contains(got, "finalize") {
		t.Errorf("bash completes the commands as %q", got)
	}
	if got := complete("fi"); !slices.Equal(got, []string{"finalize"}) {
		t.Errorf("bash completes \"fi\" as %q", got)
	}
	if got := complete("run", "--reg"); !slices.Equal(got, []string{"--register"}) {
		t.Errorf("bash completes \"run --reg\" as %q", got)
	}
	if got := complete("sample", "--stratify", ""); !slices.Equal(got, []string{"grade"}) {
		t.Errorf("bash completes \"sample --stratify\" as %q", got)
	}
}

// TestVerboseTiming: the stage times are printed only with --verbose, and
// the rest of what a run prints is the same.
func TestVerboseTiming(t *testing.T) {
	args := func(out string, extra ...string) []string {
		return append([]string{"run", "--year", "2025", "--register", sampleRegister, "--out", out, "--workers", "2"}, append(extra, sampleDir)...)
	}
	dir := t.TempDir()
	plain := runInProcess(t, context.Background(), args(filepath.Join(dir, "out"))...)
	verbose := runInProcess(t, context.Background(), args(filepath.Join(dir, "out"), "--verbose")...)
	if plain.code != exitOK || verbose.code != exitOK {
		t.Fatalf("exit %d and %d\n%s\n%s", plain.code, verbose.code, plain.stderr, verbose.stderr)
	}
	if strings.Contains(plain.stderr, "Time:") || strings.Contains(plain.stderr, "worker time") {
		t.Errorf("a run without --verbose prints its timing:\n%s", plain.stderr)
	}
	var timing, rest []string
	for _, l := range strings.Split(verbose.stderr, "\n") {
		if strings.HasPrefix(l, "Time: import ") && strings.Contains(l, "worker time: audit ") {
			timing = append(timing, l)
		} else {
			rest = append(rest, l)
		}
	}
	if len(timing) != 1 {
		t.Errorf("--verbose printed %d timing lines:\n%s", len(timing), verbose.stderr)
	}
	// The files are read at once, so their lines come in any order.
	plainLines := strings.Split(plain.stderr, "\n")
	slices.Sort(plainLines)
	slices.Sort(rest)
	if !slices.Equal(rest, plainLines) {
		t.Errorf("--verbose changed the rest of stderr:\n%s\nwithout it:\n%s", verbose.stderr, plain.stderr)
	}
	if verbose.stdout != plain.stdout {
		t.Errorf("--verbose changed stdout:\n%s\nwithout it:\n%s", verbose.stdout, plain.stdout)
	}
}

// TestCLIReference: docs/cli is generated from the command definitions.
// After changing a command, its options or its help, rewrite it with
//
//	go test ./cmd/cpdaudit -run TestCLIReference -update-docs
func TestCLIReference(t *testing.T) {
	const dir = "../../docs/cli"
	got := t.TempDir()
	var code int
	root := newRootCmd(IO{}, &code)
	root.DisableAutoGenTag = true // no date: the reference changes only with the commands
	if err := doc.GenMarkdownTree(root, got); err != nil {
		t.Fatal(err)
	}
	if *updateDocs {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(dir, os.DirFS(got)); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, have := treeFiles(t, got), treeFiles(t, dir)
	for name, b := range want {
		if !bytes.Equal(have[name], b) {
			t.Errorf("docs/cli/%s is stale or missing: run go test ./cmd/cpdaudit -run TestCLIReference -update-docs", name)
		}
	}
	for name := range have {
		if _, ok := want[name]; !ok {
			t.Errorf("docs/cli/%s is no longer a command: run go test ./cmd/cpdaudit -run TestCLIReference -update-docs", name)
		}
	}
}
