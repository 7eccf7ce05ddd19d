package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ies/cpdaudit/pipeline"
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

// usageError is wrong usage: the message is printed with a one-line hint
// and the exit status is 2. The pipeline's are the same type.
type usageError = pipeline.UsageError

func usagef(format string, a ...any) error { return usageError{Msg: fmt.Sprintf(format, a...)} }

// errUsageShown is wrong usage whose help was already printed (cpdaudit
// with no command): exit 2 with nothing more to say.
var errUsageShown = errors.New("usage shown")

// reportError prints err, if any, and chooses the exit status. hint is
// the line printed under a usage error.
func reportError(err error, code int, hint string, stdio IO) int {
	var ue usageError
	switch {
	case err == nil:
		return code
	case errors.Is(err, errUsageShown):
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(stdio.Err, "cpdaudit: %s\n%s\n", ue.Msg, hint)
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
	// Verbose adds the time each stage took (run --verbose).
	Verbose    bool
	CPUProfile string
	MemProfile string
	Trace      string
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
	if o.Quiet && o.Verbose {
		return usagef("--quiet and --verbose ask for less and more: give one of them")
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

// defaultWorkers gives --workers its default, one per processor, when it
// was not given. The flag's own default is 0 so that help and the
// generated reference say "one per processor" instead of this machine's
// count.
func defaultWorkers(fs *pflag.FlagSet, workers *int) {
	if !fs.Changed("workers") {
		*workers = runtime.GOMAXPROCS(0)
	}
}

const inputsHelp = `INPUT is a CSV or Excel file (.csv, .xlsx, .xlsm) or a folder, read recursively.`

// addAuditFlags defines the options run and check share.
func addAuditFlags(fs *pflag.FlagSet, o *auditOptions) {
	fs.IntVar(&o.Year, "year", 0, "the CPD year to audit, `YYYY` (default: taken from the data when every activity falls in one year)")
	fs.StringVar(&o.Register, "register", "", "the member register, a CSV or Excel `FILE`: grades, registrations, exemptions")
	fs.StringVar(&o.Policy, "policy", "", "a policy `FILE` (TOML) overriding the default rules; see \"cpdaudit policy\"")
	fs.IntVar(&o.Workers, "workers", 0, "`N` files and members processed at once (default: one per processor)")
	fs.BoolVar(&o.Quiet, "quiet", false, "print no progress, only warnings and the final summary")
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

// completeInputs completes INPUT arguments with folders and spreadsheets.
func completeInputs(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{"csv", "xlsx", "xlsm"}, cobra.ShellCompDirectiveFilterFileExt
}

func newRunCmd(stdio IO, code *int) *cobra.Command {
	o := &auditOptions{}
	cmd := &cobra.Command{
		Use:   "run [options] INPUT...",
		Short: "Audit every member and write the feedback PDFs and the summary workbook",
		Long: `Audit every member's CPD record against the four standards and write, in the
--out folder, a feedback PDF per member (feedback/), the office workbook
summary.xlsx, the CSV tables and run.json. Running again into the same folder
replaces the previous results.

` + inputsHelp,
		Example: `  cpdaudit run --year 2025 --register register.csv --out audit-2025 exports/
  cpdaudit run --previous audit-2024 --out audit-2025 exports/ members-own/*.xlsx`,
		ValidArgsFunction: completeInputs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.prepare(cmd, args, stdio); err != nil {
				return err
			}
			c, err := cmdRun(cmd.Context(), o, stdio)
			*code = c
			return err
		},
	}
	fs := cmd.Flags()
	addAuditFlags(fs, o)
	fs.StringVar(&o.Out, "out", "cpdaudit-out", "the output `FOLDER`")
	fs.StringVar(&o.Previous, "previous", "", "last year's run `FOLDER` (the --out of its \"cpdaudit run\"): compare outcomes and rates with it")
	fs.BoolVar(&o.Force, "force", false, "run again into an --out folder that holds a sample or final results, moving them into its superseded/ folder")
	fs.BoolVar(&o.SharedOutput, "shared-output", false, "make output readable by other users of this machine (default: owner only, as it holds personal data)")
	fs.BoolVar(&o.Verbose, "verbose", false, "also print how long each stage took")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "for developers: write a CPU profile (pprof) to `FILE`")
	fs.StringVar(&o.MemProfile, "memprofile", "", "for developers: write a heap profile (pprof) at the end to `FILE`")
	// Hidden: an execution trace (go tool trace) shows where the cores sit
	// idle, which a CPU profile cannot.
	fs.StringVar(&o.Trace, "trace", "", "for developers: write an execution trace to `FILE`")
	_ = fs.MarkHidden("trace")
	markFiles(cmd, "register", "csv", "xlsx", "xlsm")
	markFiles(cmd, "policy", "toml")
	markDirs(cmd, "out", "previous")
	return cmd
}

// prepare takes run's and check's inputs and workers from the command
// line and validates them.
func (o *auditOptions) prepare(cmd *cobra.Command, args []string, stdio IO) error {
	defaultWorkers(cmd.Flags(), &o.Workers)
	o.Inputs = args
	if err := o.validate(); err != nil {
		return err
	}
	o.Workers = clampWorkers(o.Workers, stdio)
	return nil
}

func newCheckCmd(stdio IO, code *int) *cobra.Command {
	o := &auditOptions{Out: "cpdaudit-out"}
	cmd := &cobra.Command{
		Use:   "check [options] INPUT...",
		Short: "Check the input files and list every row that needs fixing, without auditing",
		Long: `Read every input file and the register, and list every problem with the file,
sheet, row and column (as Excel shows them), the value and what to do; then the
notices (things to know that need no fixing). Nothing is written. The exit
status is 3 when a problem was found.

` + inputsHelp,
		Example:           `  cpdaudit check --year 2025 --register register.csv exports/`,
		ValidArgsFunction: completeInputs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.prepare(cmd, args, stdio); err != nil {
				return err
			}
			c, err := runCheck(cmd.Context(), o, stdio)
			*code = c
			return err
		},
	}
	addAuditFlags(cmd.Flags(), o)
	markFiles(cmd, "register", "csv", "xlsx", "xlsm")
	markFiles(cmd, "policy", "toml")
	return cmd
}

// markFiles makes shell completion offer files of these extensions after
// the option.
func markFiles(cmd *cobra.Command, flag string, exts ...string) {
	if err := cmd.MarkFlagFilename(flag, exts...); err != nil {
		panic(err) // a flag name misspelt here: a bug
	}
}

// markDirs makes shell completion offer folders after the options.
func markDirs(cmd *cobra.Command, flags ...string) {
	for _, f := range flags {
		if err := cmd.MarkFlagDirname(f); err != nil {
			panic(err)
		}
	}
}

func cmdRun(ctx context.Context, o *auditOptions, stdio IO) (int, error) {
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

// noArgs is the argument check of the commands that take none.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments (got %s)", cmd.Name(), strings.Join(args, " "))
	}
	return nil
}

func newVersionCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Print cpdaudit's version, the commit it was built from and that commit's
date. "cpdaudit --version" and "cpdaudit -v" print the same.`,
		Example: "  cpdaudit version",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(stdio.Out, versionLine())
			return nil
		},
	}
}
