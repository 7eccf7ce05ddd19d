package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/internal/english"
	"github.com/ies/cpdaudit/report"
)

// Check imports and validates the inputs without auditing or writing
// anything. Its Status is Incomplete when there are import issues to fix.
// A cancelled ctx stops it within a second with ctx's error.
func Check(ctx context.Context, o Options) (*CheckResult, error) {
	if _, err := loadPolicy(o.Policy); err != nil {
		return nil, err
	}
	found, err := findInputs(&o, false)
	if err != nil {
		return nil, err
	}
	var res *CheckResult
	err = withInputs(ctx, &o, found, reporter{o.Progress}, nil, func(im *imported, _ string) error {
		year, err := chooseYear(o.Year, im.years)
		if err != nil {
			return err
		}
		res = &CheckResult{Year: year, Issues: im.issues, Notices: im.notices, Members: len(im.members), Files: im.files, Accounting: im.acc}
		if w := yearWarning(o.Year, im.years); w != "" {
			res.Warnings = append(res.Warnings, w)
		}
		if len(im.issues) > 0 {
			res.Status = Incomplete
		}
		return nil
	})
	return res, err
}

// Run audits every member and writes every output into o.Out: the
// feedback PDFs, summary.xlsx, the CSV tables, the results file and
// run.json, swapped in for the previous results only once all are
// complete. It holds the output folder's lock meanwhile. Its Status is
// Incomplete when some input could not be read (the run completed, but
// members with no activities are REVIEW). A cancelled ctx stops it within
// a second with ctx's error, leaving the previous results as they were.
func Run(ctx context.Context, o Options) (*RunResult, error) {
	rep := reporter{o.Progress}
	policy, err := loadPolicy(o.Policy)
	if err != nil {
		return nil, err
	}
	// A folder holding a sample or final results is refused before any
	// work, unless Force says to move them aside at the end.
	if later := laterStagesIn(o.Out); len(later) > 0 && !o.Force {
		return nil, refuseLaterStages(o.Out, later)
	}
	// Last year's run is read first, so a wrong folder fails fast.
	previous, err := loadPrevious(o.Previous, rep)
	if err != nil {
		return nil, err
	}
	// Nothing is read before the outputs are known not to replace an input.
	found, err := findInputs(&o, true)
	if err != nil {
		return nil, err
	}
	lock, err := lockOutputFolder(o.Out, o.SharedOutput, rep)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	// The fixed costs of the audit overlap the import.
	warm := startWarmUp(policy)
	var res *RunResult
	// The reflections are hashed for the shared-reflection index as they
	// are imported, so the index stage reads no activity back.
	err = withInputs(ctx, &o, found, rep, reflectionHash(policy.Reflection), func(im *imported, tmp string) error {
		if err := nothingRead(im); err != nil {
			res = &RunResult{Status: NothingRead, Out: o.Out, Issues: im.issues, Notices: im.notices}
			return err
		}
		job, err := newAuditJob(&o, im, policy, previous, tmp, rep)
		if err != nil {
			return err
		}
		job.warm = warm
		res, err = job.run(ctx)
		return err
	})
	return res, err
}

// withInputs makes the run's temporary folder, reads the inputs found
// into it (the import and merge stages) and hands what was read to use.
// hash, when not nil, is given every reflection read
// (importer.Store.HashReflections).
// The folder and what was read are gone when it returns; an error about
// a file in the folder says what to do.
func withInputs(ctx context.Context, o *Options, found runInputs, rep reporter, hash func(string) (uint64, bool), use func(im *imported, tmp string) error) error {
	tmp, err := runTempDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	im, err := readAll(ctx, o, found, tmp, hash, rep)
	if err != nil {
		return tempHint(err, tmp)
	}
	defer im.close()
	return tempHint(use(im, tmp), tmp)
}

// newAuditJob checks that what was read falls in one CPD year and
// gathers what the audit and write stages need.
func newAuditJob(o *Options, im *imported, policy audit.Policy, previous *report.PreviousRun, tmp string, rep reporter) (*auditJob, error) {
	year, err := chooseYear(o.Year, im.years)
	if err != nil {
		return nil, err
	}
	var warnings []string
	if w := yearWarning(o.Year, im.years); w != "" {
		rep.warn(w)
		warnings = append(warnings, w)
	}
	unread := ""
	if im.unread > 0 {
		// Before the audit, which empties the members' records.
		unread = unreadWarning(im)
		warnings = append(warnings, unread)
	}
	if previous != nil && previous.Year != year-1 {
		rep.warn(fmt.Sprintf("--previous %s holds the run for CPD year %d, but this run is for %d, so last year's would be %d; the two are compared all the same",
			o.Previous, previous.Year, year, year-1))
	}
	// The run's date, like the PDFs', is never the wall clock: the same
	// input gives the same summary.xlsx and run.json.
	date := documentDate(year)
	in := report.Input{
		Version: o.Version, Year: year, Policy: policy,
		Issues: importer.Records(im.issues), Notices: im.notices, Warnings: warnings,
		Accounting: im.acc, Files: im.files, Register: im.register,
		Previous: previous, Created: date, Started: date, Finished: date, TempDir: tmp,
	}
	env := audit.Env{Year: year, Policy: policy, UnreadInputs: im.unread}
	return &auditJob{o: o, in: in, env: env, members: im.members, issues: im.issues, unread: unread, rep: rep}, nil
}

// readAll is the import and merge stages, which Ctrl-C ends at once (see
// interruptible). The activities go to a Store in the run's temporary
// folder tmp, so they are not all in memory at once (issue 6); the
// caller closes it with the result.
func readAll(ctx context.Context, o *Options, found runInputs, tmp string, hash func(string) (uint64, bool), rep reporter) (*imported, error) {
	st := importer.NewStore(tmp, 0)
	if hash != nil {
		st.HashReflections(hash)
	}
	opts := importer.DefaultOptions()
	opts.Store = st
	opts.Year = o.Year // two-digit years are read around the CPD year
	opts.Done = ctx.Done()
	opts.TempDir = tmp
	var im *imported
	err := interruptible(ctx, func() error {
		// The register is read beside the import rather than after it:
		// the merge, which waits for both, is all that needs it.
		type registerRead struct {
			reg *importer.Register
			err error
		}
		regc := make(chan registerRead, 1)
		go func() {
			reg, err := readRegister(o.Register, opts)
			regc <- registerRead{reg, err}
		}()
		stop := o.Timing.start(StageImport)
		results, err := importStage(ctx, importJob{files: found, opts: opts, workers: o.workers(), rep: rep})
		stop()
		if err != nil {
			return err
		}
		defer o.Timing.start(StageMerge)()
		r := <-regc
		im, err = mergeStage(results, found, r.reg, r.err, opts, rep)
		return err
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	im.store = st
	return im, nil
}

// interruptible runs fn and returns its error, or ctx's as soon as ctx is
// cancelled, without waiting for fn. Some work cannot be stopped part way
// (excelize unzipping a large sheet to a temporary file, reading one row,
// merging): it is left to finish in the background, and the program exits
// meanwhile, within a second of Ctrl-C. fn must touch nothing the caller
// releases on return other than through values that are safe for
// concurrent use (the Store, the output, the progress; the run's
// temporary folder is removed under it).
func interruptible(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runTempDir makes the run's own temporary folder, in TMPDIR, for the
// large sheets excelize unzips, the activity store and the workbook's
// spool; removing it removes whatever a stopped stage left behind.
func runTempDir() (string, error) {
	dir, err := os.MkdirTemp("", "cpdaudit-")
	if err != nil {
		return "", fmt.Errorf("cannot make a temporary folder in %s: %w; set TMPDIR to a folder that exists, can be written and has free space (see \"Temporary space\" in the README)", os.TempDir(), err)
	}
	return dir, nil
}

// tempHint adds what to do to an error about a file in the run's
// temporary folder tmp (a full disk as the activity store or the
// workbook's stream files are written), unless the error says it already.
func tempHint(err error, tmp string) error {
	if err == nil || !strings.Contains(err.Error(), tmp) || strings.Contains(err.Error(), "TMPDIR") {
		return err
	}
	return fmt.Errorf("%w; that is cpdaudit's temporary folder in %s: free some space there, or set TMPDIR to a folder on a disk with more (see \"Temporary space\" in the README)", err, filepath.Dir(tmp))
}

func loadPolicy(path string) (audit.Policy, error) {
	if path == "" {
		return audit.DefaultPolicy(), nil
	}
	return importer.ReadPolicy(path)
}

// documentDate is the creation date written into PDFs and the workbook,
// and the run's start and end in run.json and on the Run sheet.
// It is never the wall clock, so the same input gives byte-identical files:
// SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else the
// last day of the CPD year.
func documentDate(year int) time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
}

// plural is english.Plural, under the short name the messages use.
var plural = english.Plural
