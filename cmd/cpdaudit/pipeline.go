package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/review"
)

// imported is everything the import stage produced, merged in input order.
type imported struct {
	files    []importer.FileInfo
	register *importer.FileInfo
	members  []importer.MemberRecord
	issues   []importer.Issue
	acc      importer.Accounting
}

// importAll discovers the inputs, reads them concurrently (results kept by
// index so the order never depends on timing), reads the register and
// merges everything by member.
func importAll(ctx context.Context, o *auditOptions, prog *progress) (*imported, error) {
	opts := importer.DefaultOptions()
	paths, issues := importer.Discover(o.Inputs)
	if len(paths) == 0 {
		for _, is := range issues {
			prog.warn(is.Error())
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
	im := &imported{}
	for _, r := range results {
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
		im.register = &r.File
	}
	members, mergeIssues, acc := importer.Merge(results, reg)
	im.members, im.acc = members, acc
	// Merge returns every file's issues (with duplicates placed among their
	// file's rows); discovery and register issues come from elsewhere.
	im.issues = append(im.issues, issues...)
	im.issues = append(im.issues, mergeIssues...)
	if reg != nil {
		im.issues = append(im.issues, reg.Issues...)
	}
	if err := acc.Check(); err != nil {
		return nil, fmt.Errorf("internal error, please report it: %w", err)
	}
	return im, nil
}

// chooseYear returns --year, or the one calendar year all activities fall in.
func chooseYear(o *auditOptions, members []importer.MemberRecord) (int, error) {
	if o.Year != 0 {
		return o.Year, nil
	}
	var all []audit.Activity
	years := map[int]int{}
	for _, m := range members {
		all = append(all, m.Activities...)
		for _, a := range m.Activities {
			years[a.Date.Year()]++
		}
	}
	if y, ok := audit.InferYear(all); ok {
		return y, nil
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
func runCheck(ctx context.Context, o *auditOptions, stdio IO) (int, error) {
	prog := newProgress(stdio, o.Quiet)
	if _, err := loadPolicy(o); err != nil {
		return 0, err
	}
	im, err := importAll(ctx, o, prog)
	if err != nil {
		return 0, err
	}
	if _, err := chooseYear(o, im.members); err != nil {
		return 0, err
	}
	prog.finish()
	for _, is := range im.issues {
		fmt.Fprintln(stdio.Out, is.Error())
	}
	fmt.Fprintf(stdio.Out, "%d %s from %d %s; %s\n", len(im.members), plural(len(im.members), "member", "members"),
		len(im.files), plural(len(im.files), "file", "files"), im.acc)
	// A skipped notes sheet is reported but needs no action, so it alone
	// does not make check fail.
	actionable := 0
	for _, is := range im.issues {
		if !is.Informational() {
			actionable++
		}
	}
	if actionable > 0 {
		fmt.Fprintf(stdio.Out, "%d import %s to fix.\n", actionable, plural(actionable, "issue", "issues"))
		return exitIssues, nil
	}
	fmt.Fprintln(stdio.Out, "No import issues to fix.")
	return exitOK, nil
}

// runAudit is the whole run: import, audit every member, write every output.
func runAudit(ctx context.Context, o *auditOptions, stdio IO) error {
	prog := newProgress(stdio, o.Quiet)
	policy, err := loadPolicy(o)
	if err != nil {
		return err
	}
	// Last year's run is read first, so a wrong folder fails fast.
	previous, err := loadPrevious(o.Previous)
	if err != nil {
		return err
	}
	t0 := time.Now()
	im, err := importAll(ctx, o, prog)
	if err != nil {
		return err
	}
	year, err := chooseYear(o, im.members)
	if err != nil {
		return err
	}
	if previous != nil && previous.Year != year-1 {
		prog.warn(fmt.Sprintf("--previous %s holds the run for CPD year %d, but this run is for %d, so last year's would be %d; the two are compared all the same",
			o.Previous, previous.Year, year, year-1))
	}
	tImport := time.Since(t0)

	out, err := newOutput(o.Out, o.SharedOutput)
	if err != nil {
		return err
	}
	defer out.discard()

	t1 := time.Now()
	results, err := auditMembers(ctx, o, audit.Env{Year: year, Policy: policy}, im.members, out, prog)
	if err != nil {
		return err
	}
	tAudit := time.Since(t1)

	t2 := time.Now()
	in := report.Input{
		Version: version, Year: year, Policy: policy, Results: results,
		Issues: im.issues, Accounting: im.acc, Files: im.files, Register: im.register,
		Previous: previous,
	}
	if err := writeTables(out, in); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := out.commit(); err != nil {
		return err
	}
	tTables := time.Since(t2)
	prog.finish()
	prog.note(fmt.Sprintf("Time: import %s, audit and PDFs %s, workbook and tables %s",
		tImport.Round(time.Millisecond), tAudit.Round(time.Millisecond), tTables.Round(time.Millisecond)))
	printSummary(stdio.Out, in, o.Out)
	return nil
}

// loadPrevious reads last year's run folder (--previous) through the
// review package, which reads run folders, and hands the report plain
// data. An empty dir means no --previous: nil, nil.
func loadPrevious(dir string) (*report.PreviousRun, error) {
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
	members := make([]report.PreviousMember, len(run.Members))
	for i, m := range run.Members {
		members[i] = report.PreviousMember{ID: m.ID, Grade: m.Grade, Standards: m.Standards, Outcome: m.Outcome}
	}
	return report.NewPreviousRun(run.Year, members), nil
}

// auditMembers evaluates every member and writes their PDF as soon as their
// result is ready, with at most o.Workers at once. Results are stored by
// index, so their order is the members' (sorted by id) whatever the timing.
func auditMembers(ctx context.Context, o *auditOptions, env audit.Env, members []importer.MemberRecord, out *output, prog *progress) ([]audit.MemberResult, error) {
	fonts, err := report.LoadFonts()
	if err != nil {
		return nil, fmt.Errorf("internal error, please report it: loading the PDF fonts: %w", err)
	}
	env.Shared = audit.NewReflectionIndexFor(env.Policy.Reflection)
	for _, m := range members {
		env.Shared.Add(m.Member.ID, m.Activities)
	}
	pdfOpts := report.PDFOptions{Version: version, Created: documentDate(env.Year)}
	prog.startMembers(len(members))
	results := make([]audit.MemberResult, len(members))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Workers)
	for i := range members {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			r := audit.Evaluate(members[i].Member, members[i].Activities, env)
			name := filepath.Join("feedback", report.FeedbackFileName(r.Member.ID))
			if err := out.write(name, func(w io.Writer) error { return report.WritePDF(w, r, fonts, pdfOpts) }); err != nil {
				return err
			}
			members[i] = importer.MemberRecord{} // the result holds what the tables need
			slimForTables(&r)
			results[i] = r
			prog.memberDone()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, ctx.Err()
}

// slimForTables drops what only the feedback PDF needed once it is
// written: descriptions and reflection texts are most of a record's bytes,
// and the tables show findings and evidence, not the texts. Evidence
// sentences are copied so they no longer keep whole reflections in memory.
// This is what lets a whole membership's results stay in memory until the
// workbook is written.
func slimForTables(r *audit.MemberResult) {
	for j := range r.Activities {
		a := &r.Activities[j]
		a.Activity.Description, a.Activity.Reflection = "", ""
		a.Reflection.QualityEvidence = strings.Clone(a.Reflection.QualityEvidence)
		a.Reflection.UsersEvidence = strings.Clone(a.Reflection.UsersEvidence)
	}
	for k := range r.Standards {
		for e := range r.Standards[k].Evidence {
			ev := &r.Standards[k].Evidence[e]
			ev.Text = strings.Clone(ev.Text)
		}
	}
}

// writeTables writes the office's workbook, the CSV tables and run.json.
// run.json goes last: its presence marks a complete run.
func writeTables(out *output, in report.Input) error {
	files := []struct {
		name  string
		write func(io.Writer, report.Input) error
	}{
		{"summary.xlsx", report.WriteWorkbook},
		{"summary.csv", report.WriteSummaryCSVWithPrevious},
		{"activities.csv", report.WriteActivitiesCSV},
		{"import-issues.csv", report.WriteIssuesCSV},
		{"run.json", report.WriteRunJSON},
	}
	for _, f := range files {
		if err := out.write(f.name, func(w io.Writer) error { return f.write(w, in) }); err != nil {
			return err
		}
	}
	return nil
}

// documentDate is the creation date written into PDFs and the workbook.
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

func printSummary(w io.Writer, in report.Input, outDir string) {
	counts := map[audit.Verdict]int{}
	for _, r := range in.Results {
		counts[r.Outcome]++
	}
	fmt.Fprintf(w, "CPD year %d: %d %s audited from %d input %s.\n", in.Year, len(in.Results),
		plural(len(in.Results), "member", "members"), len(in.Files), plural(len(in.Files), "file", "files"))
	fmt.Fprintf(w, "Outcomes: MET %d, REVIEW %d, NOT_MET %d, EXEMPT %d.\n",
		counts[audit.Met], counts[audit.Review], counts[audit.NotMet], counts[audit.Exempt])
	fmt.Fprintf(w, "Rows: %s.\n", in.Accounting)
	if n := len(in.Issues); n > 0 {
		fmt.Fprintf(w, "Import issues: %d (see import-issues.csv or the Import issues sheet).\n", n)
	} else {
		fmt.Fprintln(w, "Import issues: none.")
	}
	fmt.Fprintf(w, "Output: %s (summary.xlsx, feedback/ with %d PDFs, summary.csv, activities.csv, import-issues.csv, run.json)\n",
		outDir, len(in.Results))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
