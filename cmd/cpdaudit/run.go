package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Exit statuses: the contract scripts and other systems rely on.
const (
	exitOK          = 0   // the run completed, whatever the verdicts
	exitFailed      = 1   // the run could not complete
	exitUsage       = 2   // wrong usage
	exitIssues      = 3   // check: import issues were found; run: an input could not be read
	exitInterrupted = 130 // stopped by Ctrl-C or SIGTERM
)

// IO is where a command reads and writes; tests replace it with buffers.
type IO struct {
	In    io.Reader
	Out   io.Writer // results only: the final summary
	Err   io.Writer // progress, warnings and errors
	IsTTY bool      // Err is a terminal: draw a progress bar
}

func stdIO() IO {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, IsTTY: tty}
}

const usageText = `cpdaudit audits IES members' CPD records against the four CPD standards.

Usage:
  cpdaudit run   [--year YYYY] [--register FILE] [--policy FILE] [--out DIR] [--workers N] [--previous RUN_DIR] [--force] INPUT...
  cpdaudit check [--year YYYY] [--register FILE] INPUT...
  cpdaudit sample --rate 5% [--min N] [--seed S] [--stratify grade] [--exclude-audited-since FILE...] RUN_DIR
  cpdaudit finalize RUN_DIR --decisions FILE.xlsx [--decisions FILE.xlsx]... [--letter-date YYYY-MM-DD] [--policy FILE]
  cpdaudit policy
  cpdaudit template [--force] [--policy FILE] FILE.xlsx
  cpdaudit version

INPUT is a CSV or Excel file (.csv, .xlsx, .xlsm) or a folder, read recursively.
Run "cpdaudit COMMAND --help" for the options of a command.

Exit status:
  0   the run completed (whatever the verdicts)
  1   the run could not complete (no readable input or no activity read, an output that
      could not be written, another run writing to the same --out)
  2   wrong usage
  3   check found import issues; run could not read some input (members with
      no activities found are then REVIEW); finalize could not apply some decisions
  130 interrupted (Ctrl-C)
`

// usageError is wrong usage: the message is printed with a hint and the
// exit status is 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// run is the whole program behind main, testable in-process.
func run(ctx context.Context, args []string, stdio IO) int {
	if len(args) == 0 {
		fmt.Fprint(stdio.Err, usageText)
		return exitUsage
	}
	var err error
	code := exitOK
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		code, err = cmdRun(ctx, rest, stdio)
	case "check":
		code, err = cmdCheck(ctx, rest, stdio)
	case "sample":
		err = cmdSample(ctx, rest, stdio)
	case "finalize", "finalise":
		code, err = finalizeStatus(ctx, rest, stdio)
	case "policy":
		err = cmdPolicy(rest, stdio)
	case "template":
		err = cmdTemplate(rest, stdio)
	case "version", "--version":
		err = cmdVersion(rest, stdio)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdio.Out, usageText)
	default:
		err = usagef("unknown command %q", cmd)
	}
	return reportError(err, code, stdio)
}

// reportError prints err, if any, and chooses the exit status.
func reportError(err error, code int, stdio IO) int {
	var ue usageError
	switch {
	case err == nil:
		return code
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stdio.Err, "cpdaudit: %s\nRun \"cpdaudit --help\" for usage.\n", ue.msg)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stdio.Err, "cpdaudit: interrupted; the earlier results, if any, were left as they were.")
		return exitInterrupted
	default:
		fmt.Fprintf(stdio.Err, "cpdaudit: %v\n", err)
		return exitFailed
	}
}

// auditOptions are the flags of run and check.
type auditOptions struct {
	Year         int
	Register     string
	Policy       string
	Out          string
	Workers      int
	SharedOutput bool
	Quiet        bool
	CPUProfile   string
	MemProfile   string
	// Previous is last year's run folder (run --previous), compared with
	// this year's on the Summary and Compliance sheets.
	Previous string
	// Force lets a run replace one whose folder holds a sample or final
	// results; they are moved into the folder's superseded/ first.
	Force  bool
	Inputs []string
}

func (o *auditOptions) validate() error {
	if len(o.Inputs) == 0 {
		return usagef("no INPUT given: name the CSV or Excel files, or the folders holding them")
	}
	if o.Year != 0 && (o.Year < 1990 || o.Year > 2200) {
		return usagef("--year %d is not a plausible CPD year (give it as YYYY, e.g. --year 2025)", o.Year)
	}
	if o.Workers < 1 {
		return usagef("--workers must be 1 or more (it is %d)", o.Workers)
	}
	if o.Previous != "" && sameFolder(o.Previous, o.Out) {
		return usagef("--previous %s is also the output folder: this run would replace last year's; give this year's run another --out", o.Previous)
	}
	return nil
}

// sameFolder reports whether a and b name the same folder, by path or, when
// both exist, as the same file on disk.
func sameFolder(a, b string) bool {
	if aa, err := filepath.Abs(a); err == nil {
		if bb, err := filepath.Abs(b); err == nil && aa == bb {
			return true
		}
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// newFlagSet makes a flag set whose errors and help go to stderr and never exit.
func newFlagSet(name, synopsis string, stdio IO) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.Usage = func() {
		fmt.Fprintf(stdio.Err, "Usage:\n  %s\n\nOptions:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments (office staff type "cpdaudit run exports/ --year 2025").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func parseAuditFlags(name string, args []string, stdio IO) (*auditOptions, error) {
	o := &auditOptions{Out: "cpdaudit-out", Workers: runtime.GOMAXPROCS(0)}
	synopsis := "cpdaudit check [--year YYYY] [--register FILE] [--policy FILE] INPUT..."
	if name == "run" {
		synopsis = "cpdaudit run [--year YYYY] [--register FILE] [--policy FILE] [--out DIR] [--workers N] [--previous RUN_DIR] [--force] INPUT..."
	}
	fs := newFlagSet(name, synopsis, stdio)
	fs.IntVar(&o.Year, "year", 0, "CPD `year` to audit (default: taken from the data when every activity falls in one year)")
	fs.StringVar(&o.Register, "register", "", "member register `file` (CSV or Excel): grades, registrations, exemptions")
	fs.StringVar(&o.Policy, "policy", "", "policy `file` (TOML) overriding the default rules; see \"cpdaudit policy\"")
	fs.IntVar(&o.Workers, "workers", o.Workers, "number of files and members processed at once")
	fs.BoolVar(&o.Quiet, "quiet", false, "print no progress, only warnings and the final summary")
	if name == "run" {
		fs.StringVar(&o.Out, "out", o.Out, "output `folder`")
		fs.StringVar(&o.Previous, "previous", "", "last year's run `folder` (the --out of its \"cpdaudit run\"): compare outcomes and rates with it")
		fs.BoolVar(&o.Force, "force", false, "run again into an --out folder that holds a sample or final results, moving them into its superseded/ folder")
		fs.BoolVar(&o.SharedOutput, "shared-output", false, "make output readable by other users of this machine (default: owner only, as it holds personal data)")
		fs.StringVar(&o.CPUProfile, "cpuprofile", "", "for developers: write a CPU profile (pprof) to `file`")
		fs.StringVar(&o.MemProfile, "memprofile", "", "for developers: write a heap profile (pprof) at the end to `file`")
	}
	inputs, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, err
	}
	o.Inputs = inputs
	if err := o.validate(); err != nil {
		return nil, err
	}
	o.Workers = clampWorkers(o.Workers, stdio)
	return o, nil
}

// maxWorkers is the most workers worth running: beyond four per processor
// they only add memory (each holds a member's PDF) and goroutines, so a
// mistyped --workers 1000000000 cannot exhaust the machine.
func maxWorkers() int { return min(4*runtime.NumCPU(), 256) }

// clampWorkers lowers --workers to maxWorkers, saying so on stderr.
func clampWorkers(n int, stdio IO) int {
	if limit := maxWorkers(); n > limit {
		fmt.Fprintf(stdio.Err, "warning: --workers %d is more than this computer can use; using %d (4 per processor, at most 256)\n", n, limit)
		return limit
	}
	return n
}

func cmdRun(ctx context.Context, args []string, stdio IO) (int, error) {
	o, err := parseAuditFlags("run", args, stdio)
	if err != nil {
		return 0, err
	}
	stop, err := startProfiles(o)
	if err != nil {
		return 0, err
	}
	code, err := runAudit(ctx, o, stdio)
	if perr := stop(); err == nil {
		err = perr
	}
	return code, err
}

func cmdCheck(ctx context.Context, args []string, stdio IO) (int, error) {
	o, err := parseAuditFlags("check", args, stdio)
	if err != nil {
		return 0, err
	}
	return runCheck(ctx, o, stdio)
}

func noArgs(name string, args []string, stdio IO) error {
	fs := newFlagSet(name, "cpdaudit "+name, stdio)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("%s takes no arguments (got %s)", name, strings.Join(rest, " "))
	}
	return nil
}

func cmdVersion(args []string, stdio IO) error {
	if err := noArgs("version", args, stdio); err != nil {
		return err
	}
	fmt.Fprintln(stdio.Out, versionLine())
	return nil
}
