package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/review"
	"github.com/ies/cpdaudit/runfolder"
)

// imported is everything the import stage produced, merged in input order.
type imported struct {
	files    []importer.FileInfo
	register *importer.FileInfo
	members  []importer.MemberRecord
	issues   []importer.Issue
	notices  []importer.Notice
	// unread counts the input files that could not be read, in whole or
	// in part (importer.UnreadFiles).
	unread int
	acc    importer.Accounting
	years  map[int]int // accepted activities by year
	// store holds the activities until each member is audited; close it
	// when done.
	store *importer.Store
}

func (im *imported) close() { im.store.Close() }

// importAll reads the files found (concurrently, results kept by index so
// the order never depends on timing), reads the register and merges
// everything by member. The activities go to a Store in the run's
// temporary folder tmp, so they are not all in memory at once (issue 6);
// the caller closes it. Ctrl-C ends it at once (see interruptible).
func importAll(ctx context.Context, o *auditOptions, found runInputs, tmp string, prog *progress) (*imported, error) {
	st := importer.NewStore(tmp, 0)
	var im *imported
	err := interruptible(ctx, func() (err error) {
		im, err = importInto(ctx, o, found, tmp, prog, st)
		return err
	})
	if err != nil {
		st.Close()
		return nil, err
	}
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

func importInto(ctx context.Context, o *auditOptions, found runInputs, tmp string, prog *progress, st *importer.Store) (*imported, error) {
	opts := importer.DefaultOptions()
	opts.Store = st
	opts.Year = o.Year // two-digit years are read around the CPD year
	opts.Done = ctx.Done()
	opts.TempDir = tmp
	paths, issues := found.files, found.issues
	if len(paths) == 0 {
		for _, is := range issues {
			prog.warn(is.Error())
		}
		for _, n := range found.notices {
			prog.warn(n.String())
		}
		if len(found.notices) > 0 {
			return nil, errors.New("no readable input: the only CSV and Excel files among the INPUT paths are results cpdaudit wrote (see the warnings above)")
		}
		return nil, errors.New("no readable input: none of the INPUT paths is a CSV or Excel file, or a folder holding one")
	}
	prog.stage(fmt.Sprintf("Reading %d %s", len(paths), plural(len(paths), "file", "files")))
	results := make([]importer.FileResult, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Workers)
	for i, p := range paths {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			results[i] = importer.ImportActivities(p, opts)
			if err := gctx.Err(); err != nil {
				return err // stopped part way: nothing to report
			}
			prog.fileDone(p, results[i].Accounting.Read, len(results[i].Issues))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	im := &imported{store: st, notices: found.notices}
	for _, r := range results {
		if r.Err != nil {
			return nil, fmt.Errorf("%s: %w", r.File.Path, r.Err)
		}
		im.files = append(im.files, r.File)
	}
	var reg *importer.Register
	if o.Register != "" {
		r := importer.ReadRegister(o.Register, opts)
		if len(r.Members) == 0 {
			msg := "the member register " + o.Register + " could not be used"
			for _, is := range r.Issues {
				msg += "\n  " + is.Error()
			}
			return nil, errors.New(msg + "\nFix the register or run without --register.")
		}
		reg = &r
		file := r.File // not &r.File, which would keep the whole register alive
		im.register = &file
	}
	merged, err := importer.Merge(results, reg, st)
	if err != nil {
		return nil, err
	}
	im.members, im.acc, im.years = merged.Members, merged.Accounting, merged.Years
	// Merge returns every file's issues (with duplicates placed among their
	// file's rows); discovery and register issues come from elsewhere.
	im.issues = append(im.issues, issues...)
	im.issues = append(im.issues, merged.Issues...)
	if reg != nil {
		im.issues = append(im.issues, reg.Issues...)
	}
	im.notices = append(im.notices, merged.Notices...)
	if reg != nil {
		im.notices = append(im.notices, reg.Notices...)
	}
	if err := im.acc.Check(); err != nil {
		return nil, fmt.Errorf("internal error, please report it: %w", err)
	}
	im.markUnread()
	return im, nil
}

// markUnread: when some input could not be read, a member with no
// activities found may have their record in it, so their flag says so
// (and audit.Env.UnreadInputs makes their outcome REVIEW, not NOT_MET).
func (im *imported) markUnread() {
	im.unread = importer.UnreadFiles(im.issues)
	if im.unread == 0 {
		return
	}
	flag := importer.UnreadFlag(im.unread)
	for i := range im.members {
		m := &im.members[i]
		if len(m.Rows) > 0 {
			continue
		}
		if k := slices.Index(m.Member.Flags, importer.FlagNoActivities); k >= 0 {
			m.Member.Flags[k] = flag
		} else {
			m.Member.Flags = append(m.Member.Flags, flag)
		}
	}
}

// withoutActivities counts the members with no activity found.
func (im *imported) withoutActivities() int {
	n := 0
	for _, m := range im.members {
		if len(m.Rows) == 0 {
			n++
		}
	}
	return n
}

// yearWarning is the warning for a --year that most accepted activities
// are not dated in ("412 of 415 activities are dated 2024; is --year 2025
// right?"), or "" when it fits. years counts the activities by year.
func yearWarning(o *auditOptions, years map[int]int) string {
	if o.Year == 0 {
		return "" // taken from the data, so it fits
	}
	total, outside, other, otherN := 0, 0, 0, 0
	for y, n := range years {
		total += n
		if y == o.Year {
			continue
		}
		outside += n
		if n > otherN || (n == otherN && y < other) {
			other, otherN = y, n
		}
	}
	if total == 0 || outside*2 <= total {
		return ""
	}
	if otherN == outside {
		return fmt.Sprintf("%d of %d activities are dated %d; is --year %d right?", outside, total, other, o.Year)
	}
	return fmt.Sprintf("%d of %d activities are dated outside %d (most of them, %d, in %d); is --year %d right?",
		outside, total, o.Year, otherN, other, o.Year)
}

// unreadWarning is the warning that ends a run in which some input could
// not be read: the run's exit status is then 3.
func unreadWarning(im *imported) string {
	msg := fmt.Sprintf("%d input %s could not be read (see Import issues)", im.unread, plural(im.unread, "file", "files"))
	if n := im.withoutActivities(); n > 0 {
		msg += fmt.Sprintf("; %d %s with no activities found %s marked REVIEW, not NOT_MET, as their record may be in %s",
			n, plural(n, "member", "members"), plural(n, "is", "are"), plural(im.unread, "that file", "those files"))
	}
	return msg
}

// nothingRead is the error of a run in which no activity row was
// accepted: letters would tell every member in the register that they
// recorded nothing, because of unreadable files or a wrong INPUT. The
// issues say why; the first few are in the message.
func nothingRead(im *imported) error {
	if im.acc.Accepted > 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no CPD activity could be read from the %d input %s (%s), so nothing was audited and no letters were written",
		len(im.files), plural(len(im.files), "file", "files"), im.acc)
	const show = 10
	if len(im.issues) > 0 {
		b.WriteString(". Why:")
	}
	for i, is := range im.issues {
		if i == show {
			fmt.Fprintf(&b, "\n  ... and %d more; \"cpdaudit check\" with the same INPUT lists them all", len(im.issues)-show)
			break
		}
		b.WriteString("\n  " + is.Error())
	}
	if len(im.issues) == 0 {
		b.WriteString("; check that INPUT names the CPD activity exports, not only the member register")
	}
	return errors.New(b.String())
}

// chooseYear returns --year, or the one calendar year all activities fall
// in (years counts the activities by year).
func chooseYear(o *auditOptions, years map[int]int) (int, error) {
	if o.Year != 0 {
		return o.Year, nil
	}
	if len(years) == 1 {
		for y := range years {
			return y, nil
		}
	}
	keys := make([]int, 0, len(years))
	for y := range years {
		keys = append(keys, y)
	}
	sort.Ints(keys)
	var parts []string
	for _, y := range keys {
		parts = append(parts, fmt.Sprintf("%d (%d %s)", y, years[y], plural(years[y], "activity", "activities")))
	}
	if len(parts) == 0 {
		return 0, usagef("no activity has a date, so the CPD year cannot be taken from the data: give it with --year YYYY")
	}
	return 0, usagef("the activities fall in more than one year: %s; give the CPD year with --year YYYY", strings.Join(parts, ", "))
}

func loadPolicy(o *auditOptions) (audit.Policy, error) {
	if o.Policy == "" {
		return audit.DefaultPolicy(), nil
	}
	return importer.ReadPolicy(o.Policy)
}

// runCheck imports and validates only, printing every issue to stdout.
func runCheck(ctx context.Context, o *auditOptions, stdio IO) (_ int, err error) {
	prog := newProgress(stdio, o.Quiet)
	if _, err := loadPolicy(o); err != nil {
		return 0, err
	}
	defer prog.close()
	found, err := findInputs(o, false)
	if err != nil {
		return 0, err
	}
	tmp, err := runTempDir()
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	defer func() { err = tempHint(err, tmp) }()
	im, err := importAll(ctx, o, found, tmp, prog)
	if err != nil {
		return 0, err
	}
	defer im.close()
	if _, err := chooseYear(o, im.years); err != nil {
		return 0, err
	}
	prog.finish()
	if w := yearWarning(o, im.years); w != "" {
		fmt.Fprintln(stdio.Out, "Warning: "+w)
	}
	for _, is := range im.issues {
		fmt.Fprintln(stdio.Out, is.Error())
	}
	// Notices need no action: listed apart, and not counted in the exit
	// status.
	if len(im.notices) > 0 {
		fmt.Fprintf(stdio.Out, "%d %s (nothing to fix):\n", len(im.notices), plural(len(im.notices), "notice", "notices"))
		for _, n := range im.notices {
			fmt.Fprintln(stdio.Out, "  "+n.String())
		}
	}
	fmt.Fprintf(stdio.Out, "%d %s from %d %s; %s\n", len(im.members), plural(len(im.members), "member", "members"),
		len(im.files), plural(len(im.files), "file", "files"), im.acc)
	if n := len(im.issues); n > 0 {
		fmt.Fprintf(stdio.Out, "%d import %s to fix.\n", n, plural(n, "issue", "issues"))
		return exitIssues, nil
	}
	fmt.Fprintln(stdio.Out, "No import issues to fix.")
	return exitOK, nil
}

// runAudit is the whole run: import, audit every member, write every
// output. It returns exitIssues when some input could not be read (the
// run completed, but members with no activities are REVIEW).
func runAudit(ctx context.Context, o *auditOptions, stdio IO) (_ int, err error) {
	prog := newProgress(stdio, o.Quiet)
	policy, err := loadPolicy(o)
	if err != nil {
		return 0, err
	}
	// A folder holding a sample or final results is refused before any
	// work, unless --force says to move them aside at the end.
	later := laterStagesIn(o.Out)
	if len(later) > 0 && !o.Force {
		return 0, refuseLaterStages(o.Out, later)
	}
	// Last year's run is read first, so a wrong folder fails fast.
	previous, err := loadPrevious(o.Previous, prog)
	if err != nil {
		return 0, err
	}
	// Nothing is read before the outputs are known not to replace an input.
	found, err := findInputs(o, true)
	if err != nil {
		return 0, err
	}
	lock, err := lockOutputFolder(o.Out, o.SharedOutput, prog)
	if err != nil {
		return 0, err
	}
	defer lock.release()
	defer prog.close()
	tmp, err := runTempDir()
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	defer func() { err = tempHint(err, tmp) }()
	t0 := time.Now()
	im, err := importAll(ctx, o, found, tmp, prog)
	if err != nil {
		return 0, err
	}
	defer im.close()
	if err := nothingRead(im); err != nil {
		return 0, err
	}
	year, err := chooseYear(o, im.years)
	if err != nil {
		return 0, err
	}
	var warnings []string
	if w := yearWarning(o, im.years); w != "" {
		prog.warn(w)
		warnings = append(warnings, w)
	}
	var unread string
	if im.unread > 0 {
		unread = unreadWarning(im)
		warnings = append(warnings, unread)
	}
	if err := writeRun(ctx, o, stdio, prog, im, year, policy, previous, warnings, t0, tmp); err != nil {
		return 0, err
	}
	if unread != "" {
		// Said last, where it is seen, and in the exit status, so a script
		// running the audit notices.
		prog.warn(unread + "; exit status 3")
		return exitIssues, nil
	}
	return exitOK, nil
}

// writeRun audits every member and writes every output; tmp is the run's
// temporary folder.
func writeRun(ctx context.Context, o *auditOptions, stdio IO, prog *progress, im *imported, year int,
	policy audit.Policy, previous *report.PreviousRun, warnings []string, t0 time.Time, tmp string) error {
	if previous != nil && previous.Year != year-1 {
		prog.warn(fmt.Sprintf("--previous %s holds the run for CPD year %d, but this run is for %d, so last year's would be %d; the two are compared all the same",
			o.Previous, previous.Year, year, year-1))
	}
	tImport := time.Since(t0)

	out, err := newOutput(o.Out, o.SharedOutput, runEntries, "feedback")
	if err != nil {
		return err
	}
	defer func() {
		out.discard()
		if !out.committed && out.leftover != "" {
			prog.warn(fmt.Sprintf("the unfinished files of this run in %s were not all removed in time; the next run into %s removes them (or delete that folder)", out.leftover, o.Out))
		}
	}()

	// The tables are written as the members are audited, in member order,
	// so no result is kept once its rows are written (issue 6: memory that
	// does not grow with the membership).
	t1 := time.Now()
	// The run's date, like the PDFs' (documentDate), is never the wall
	// clock: the same input gives the same summary.xlsx and run.json.
	date := documentDate(year)
	in := report.Input{
		Version: version, Year: year, Policy: policy,
		Issues: importer.Records(im.issues), Notices: im.notices, Warnings: warnings,
		Accounting: im.acc, Files: im.files, Register: im.register,
		Previous: previous, Created: date, Started: date, Finished: date, TempDir: tmp,
	}
	tables, err := openTables(out, in)
	if err != nil {
		return err
	}
	defer tables.abandon()
	var clk stageClock
	addRows := func(r audit.MemberResult, encoded []byte) error {
		defer clk.rows.since(time.Now())
		if err := tables.results.AddEncoded(encoded); err != nil {
			return err
		}
		return tables.tw.Add(r)
	}
	env := audit.Env{Year: year, Policy: policy, UnreadInputs: im.unread}
	if err := auditMembers(ctx, o, env, im.members, out, prog, &clk, addRows); err != nil {
		return err
	}
	im.members = nil
	tAudit := time.Since(t1)

	t2 := time.Now()
	var rec runfolder.Record
	if err := interruptible(ctx, func() (err error) {
		rec, err = tables.close(out, in)
		return err
	}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	superseded := ""
	later := laterStagesIn(o.Out)
	if len(later) > 0 {
		if superseded, err = supersede(o.Out, later, time.Now()); err != nil {
			return err
		}
	}
	if err := out.commit(); err != nil {
		return err
	}
	if out.leftover != "" {
		prog.warn(fmt.Sprintf("the run is complete, but the previous results could not be removed from %s; delete that folder", out.leftover))
	}
	tTables := time.Since(t2)
	prog.finish()
	// Only with --verbose: office staff have no use for it. fixtures/bench
	// parses this line. "audit and PDFs" includes writing
	// the table rows, which happens as members complete; the worker times
	// split it, summed over the workers that run at once; "workbook and
	// tables" is what is left at the end: assembling summary.xlsx.
	if o.Verbose {
		prog.note(fmt.Sprintf("Time: import %s, audit and PDFs %s (worker time: audit %s, PDFs %s, table rows %s), workbook and tables %s",
			tImport.Round(time.Millisecond), tAudit.Round(time.Millisecond),
			clk.audit.round(), clk.pdf.round(), clk.rows.round(), tTables.Round(time.Millisecond)))
	}
	printSummary(stdio.Out, rec, o.Out)
	if superseded != "" {
		fmt.Fprintf(stdio.Out, "The earlier run's %s moved to %s (with a copy of its summary.csv and run.json): they were made from the pre-screen this run replaces.\n",
			strings.Join(later, ", "), superseded)
	}
	return nil
}

// loadPrevious reads last year's run folder (--previous) through the
// review package, which reads run folders, and hands the report plain
// data. An empty dir means no --previous: nil, nil.
func loadPrevious(dir string, prog *progress) (*report.PreviousRun, error) {
	if dir == "" {
		return nil, nil
	}
	const what = "give the output folder of last year's \"cpdaudit run\" (it holds summary.csv and run.json)"
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("--previous %s: there is no such folder; %s", dir, what)
	case err != nil:
		return nil, fmt.Errorf("--previous %s: %w; %s", dir, err, what)
	case !fi.IsDir():
		return nil, fmt.Errorf("--previous %s is a file, not a folder; %s", dir, what)
	}
	var missing []string
	for _, name := range []string{"summary.csv", "run.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("--previous %s does not hold a complete cpdaudit run (no %s); %s", dir, strings.Join(missing, " and no "), what)
	}
	run, err := review.ReadRun(dir)
	if err != nil {
		return nil, fmt.Errorf("--previous %s cannot be used: %w", dir, err)
	}
	if run.Year == 0 {
		return nil, fmt.Errorf("--previous %s: its run.json gives no CPD year; %s", dir, what)
	}
	// Where last year's run was finalised, its final outcomes are what
	// happened: a member an assessor overrode to MET was MET.
	finals, err := review.ReadFinalOutcomes(run)
	if err != nil {
		return nil, fmt.Errorf("--previous %s: %w", dir, err)
	}
	if finals.Stale > 0 {
		prog.warn(fmt.Sprintf("--previous %s: final-summary.csv does not match that run's summary.csv for %d %s (the run was repeated after finalize?); their pre-screen outcomes are used",
			dir, finals.Stale, plural(finals.Stale, "member", "members")))
	}
	members := make([]report.PreviousMember, len(run.Members))
	for i, m := range run.Members {
		members[i] = report.PreviousMember{ID: m.ID, Grade: m.Grade, Standards: m.Standards, Outcome: m.Outcome, Final: finals.Final[m.ID]}
	}
	p := report.NewPreviousRun(run.Year, members)
	p.Dir, p.FinalFile, p.Stale = dir, finals.Path, finals.Stale
	return p, nil
}

// auditMembers evaluates every member and writes their PDF as soon as their
// result is ready, with at most o.Workers at once, and hands each result to
// emit in member order (sorted by id) whatever the timing: a result that
// finishes early waits in a reorder buffer until every earlier one has been
// emitted, and is dropped once emitted. emit is called by one goroutine at
// a time, with the result and its line of the results file, which the
// worker encoded so the one goroutine writing in order only copies bytes.
func auditMembers(ctx context.Context, o *auditOptions, env audit.Env, members []importer.MemberRecord, out *output, prog *progress, clk *stageClock, emit func(audit.MemberResult, []byte) error) error {
	fonts, err := report.LoadFonts()
	if err != nil {
		return fmt.Errorf("internal error, please report it: loading the PDF fonts: %w", err)
	}
	if env.Shared, err = indexReflections(ctx, o.Workers, env.Policy.Reflection, members); err != nil {
		return err
	}
	pdfOpts := report.PDFOptions{Version: version, Created: documentDate(env.Year), Policy: env.Policy}
	prog.startMembers(len(members))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Workers)
	// A member is started only when it is within window of the next one to
	// emit, so one slow member cannot make the buffer grow without bound
	// while the workers race ahead.
	window := reorderWindow(o.Workers)
	// encoded[i] is member i's results line from its worker until emitted;
	// the reorder emits in index order, so a counter finds it.
	encoded := make([][]byte, len(members))
	next := 0
	ro := newReorder(window, func(r audit.MemberResult) error {
		b := encoded[next]
		encoded[next] = nil
		next++
		return emit(r, b)
	})
	for i := range members {
		select {
		case ro.slots <- struct{}{}:
		case <-gctx.Done():
		}
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			t0 := time.Now()
			acts, err := members[i].Activities()
			if err != nil {
				return err
			}
			r := audit.Evaluate(members[i].Member, acts, env)
			members[i] = importer.MemberRecord{} // the result holds what the tables need
			t1 := time.Now()
			clk.audit.add(t1.Sub(t0))
			name := filepath.Join("feedback", report.FeedbackFileName(r.Member.ID))
			if err := out.write(name, func(w io.Writer) error { return report.WritePDF(w, r, fonts, pdfOpts) }); err != nil {
				return err
			}
			// After the PDF, so the note reaches the summary for the
			// office, not the member's own letter.
			r.Flags = append(r.Flags, fonts.TextFlags(&r)...)
			clk.pdf.since(t1)
			t2 := time.Now()
			if encoded[i], err = report.EncodeResult(&r); err != nil {
				return fmt.Errorf("cannot write %s: member %s: %w", filepath.Join(o.Out, report.ResultsFile), r.Member.ID, err)
			}
			clk.audit.since(t2) // keeping the result is part of auditing it
			prog.memberDone()
			return ro.done(i, r)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if ro.next != len(members) {
		return fmt.Errorf("internal error, please report it: %d of %d members reached the tables", ro.next, len(members))
	}
	return nil
}

// stageClock sums the time the workers spend in each part of auditing a
// member, for the Time line: the parts run interleaved on several workers,
// so no single stretch of wall time belongs to one of them.
type stageClock struct{ audit, pdf, rows duration }

// duration is a time.Duration added to from several goroutines.
type duration struct{ atomic.Int64 }

func (d *duration) add(t time.Duration)  { d.Add(int64(t)) }
func (d *duration) since(t time.Time)    { d.add(time.Since(t)) }
func (d *duration) round() time.Duration { return time.Duration(d.Load()).Round(time.Millisecond) }

// indexReflections builds the index of reflections shared between
// members. Every member's activities are read back from the store and
// hashed, workers at a time, a batch of members at once; the hashes are
// added in member order, so the index does not depend on timing.
func indexReflections(ctx context.Context, workers int, p audit.ReflectionPolicy, members []importer.MemberRecord) (*audit.ReflectionIndex, error) {
	ix := audit.NewReflectionIndexFor(p)
	const batch = 1024
	hashes := make([][]uint64, batch)
	for start := 0; start < len(members); start += batch {
		part := members[start:min(start+batch, len(members))]
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for i := range part {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				acts, err := part[i].Activities()
				hashes[i] = ix.Hashes(acts)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		for i, m := range part {
			ix.AddHashes(m.Member.ID, hashes[i])
		}
	}
	return ix, ctx.Err()
}

// reorderWindow is how many members may be in flight or waiting in the
// reorder buffer at once: enough that a worker rarely waits for a slow
// member, few enough that the buffer's results stay a small, fixed amount
// of memory.
func reorderWindow(workers int) int { return 16 * max(workers, 1) }

// reorder hands results to emit in index order. Workers deposit results in
// any order; whichever deposits the next one due emits it and every
// consecutive one after it, under the mutex, so emit runs on one goroutine
// at a time. No worker ever waits on another except for that mutex.
type reorder struct {
	mu      sync.Mutex
	next    int                        // index of the next result to emit
	pending map[int]audit.MemberResult // results waiting for an earlier one
	emit    func(audit.MemberResult) error
	err     error // emit's first error; later results are dropped
	// slots holds a token for every member started and not yet emitted;
	// its capacity is the window.
	slots chan struct{}
}

func newReorder(window int, emit func(audit.MemberResult) error) *reorder {
	return &reorder{pending: make(map[int]audit.MemberResult, window), emit: emit, slots: make(chan struct{}, window)}
}

// done deposits result i and emits what is now in order. It returns emit's
// error, which stops the run.
func (ro *reorder) done(i int, r audit.MemberResult) error {
	ro.mu.Lock()
	defer ro.mu.Unlock()
	if ro.err != nil {
		return ro.err
	}
	ro.pending[i] = r
	for {
		r, ok := ro.pending[ro.next]
		if !ok {
			return nil
		}
		delete(ro.pending, ro.next)
		ro.next++
		<-ro.slots // never blocks: every started member holds a token
		if ro.err = ro.emit(r); ro.err != nil {
			ro.pending = nil
			return ro.err
		}
	}
}

// tables are the files the TableWriter and the ResultsWriter write over
// the whole audit stage.
type tables struct {
	// mu is held by close, which may go on in the background after Ctrl-C
	// while the run returns and abandon is called.
	mu      sync.Mutex
	tw      *report.TableWriter
	results *report.ResultsWriter
	files   []io.WriteCloser // summary.xlsx, summary.csv, activities.csv, results.jsonl.gz
}

// openTables creates summary.xlsx, summary.csv, activities.csv and the
// results file in the staging folder and starts the writers on them.
func openTables(out *output, in report.Input) (*tables, error) {
	t := &tables{}
	for _, name := range []string{"summary.xlsx", "summary.csv", "activities.csv", report.ResultsFile} {
		f, err := out.create(name)
		if err != nil {
			t.abandon()
			return nil, err
		}
		t.files = append(t.files, f)
	}
	tw, err := report.NewTableWriter(in, t.files[0], t.files[1], t.files[2])
	if err != nil {
		t.abandon()
		return nil, fmt.Errorf("cannot write the tables: %w", err)
	}
	t.tw = tw
	if t.results, err = report.NewResultsWriter(t.files[3], in.Version, in.Year); err != nil {
		t.abandon()
		return nil, fmt.Errorf("cannot write %s: %w", report.ResultsFile, err)
	}
	return t, nil
}

// close finishes the workbook and the CSVs, then writes import-issues.csv
// and run.json, which goes last: its presence marks a complete run. It
// returns the run record, whose counts the run's summary prints.
func (t *tables) close(out *output, in report.Input) (runfolder.Record, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if testHookTablesClose != nil {
		testHookTablesClose()
	}
	err := t.tw.Close()
	// Close has tallied every result, so the record counts every member.
	rec := t.tw.RunRecord()
	t.tw = nil
	if rerr := t.results.Close(); err == nil {
		err = rerr
	}
	t.results = nil
	for _, f := range t.files {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	t.files = nil
	if err != nil {
		return runfolder.Record{}, err
	}
	if err := out.write("import-issues.csv", func(w io.Writer) error { return report.WriteIssuesCSV(w, in) }); err != nil {
		return rec, err
	}
	return rec, out.write("run.json", rec.WriteJSON)
}

// testHookTablesClose, when set by a test, runs as the tables start to
// close: it stands in for the seconds summary.xlsx takes for a large run.
var testHookTablesClose func()

// abandon closes whatever is still open after a failed or cancelled run;
// the staging folder, and the files in it, are then removed by discard.
// While close is still running (stopped by Ctrl-C), close is left to
// close everything itself.
func (t *tables) abandon() {
	if !t.mu.TryLock() {
		return
	}
	defer t.mu.Unlock()
	if t.tw != nil {
		t.tw.Abort()
		t.tw = nil
	}
	for _, f := range t.files {
		f.Close()
	}
	t.files = nil
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

func printSummary(w io.Writer, rec runfolder.Record, outDir string) {
	o := rec.Outcomes
	fmt.Fprintf(w, "CPD year %d: %d %s audited from %d input %s.\n", rec.CPDYear, rec.Members,
		plural(rec.Members, "member", "members"), len(rec.Inputs), plural(len(rec.Inputs), "file", "files"))
	fmt.Fprintf(w, "Outcomes: MET %d, REVIEW %d, NOT_MET %d, EXEMPT %d.\n",
		o[string(audit.Met)], o[string(audit.Review)], o[string(audit.NotMet)], o[string(audit.Exempt)])
	fmt.Fprintf(w, "Rows: %s.\n", rec.Rows)
	if n := rec.IssueCount; n > 0 {
		fmt.Fprintf(w, "Import issues: %d (see import-issues.csv or the Import issues sheet).\n", n)
	} else {
		fmt.Fprintln(w, "Import issues: none.")
	}
	if n := len(rec.Notices); n > 0 {
		fmt.Fprintf(w, "Notices: %d, nothing to fix (see the Run sheet or run.json).\n", n)
	}
	fmt.Fprintf(w, "Output: %s (summary.xlsx, feedback/ with %d PDFs, summary.csv, activities.csv, import-issues.csv, %s, run.json)\n",
		outDir, rec.Members, report.ResultsFile)
}
