package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/pipeline"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/runfolder"
)

// pipelineOptions are the flags of run and check as the pipeline takes
// them.
func (o *auditOptions) pipelineOptions(prog *progress, timing *pipeline.Recorder) pipeline.Options {
	return pipeline.Options{
		Inputs: o.Inputs, Year: o.Year, Register: o.Register, Policy: o.Policy, Workers: o.Workers,
		Out: o.Out, Previous: o.Previous, Force: o.Force, SharedOutput: o.SharedOutput,
		Version: version, Progress: prog, Timing: timing,
	}
}

// runCheck imports and validates only, printing every issue to stdout.
func runCheck(ctx context.Context, o *auditOptions, stdio IO) (int, error) {
	prog := newProgress(stdio, o.Quiet)
	defer prog.close()
	res, err := pipeline.Check(ctx, o.pipelineOptions(prog, nil))
	if err != nil {
		return 0, err
	}
	prog.finish()
	for _, w := range res.Warnings {
		fmt.Fprintln(stdio.Out, "Warning: "+w)
	}
	for _, is := range res.Issues {
		fmt.Fprintln(stdio.Out, is.Error())
	}
	// Notices need no action: listed apart, and not counted in the exit
	// status.
	if len(res.Notices) > 0 {
		fmt.Fprintf(stdio.Out, "%d %s (nothing to fix):\n", len(res.Notices), plural(len(res.Notices), "notice", "notices"))
		for _, n := range res.Notices {
			fmt.Fprintln(stdio.Out, "  "+n.String())
		}
	}
	fmt.Fprintf(stdio.Out, "%d %s from %d %s; %s\n", res.Members, plural(res.Members, "member", "members"),
		len(res.Files), plural(len(res.Files), "file", "files"), res.Accounting)
	if n := len(res.Issues); n > 0 {
		fmt.Fprintf(stdio.Out, "%d import %s to fix.\n", n, plural(n, "issue", "issues"))
		return exitIssues, nil
	}
	fmt.Fprintln(stdio.Out, "No import issues to fix.")
	return exitOK, nil
}

// runAudit is the whole run: import, audit every member, write every
// output. It returns exitIssues when some input could not be read (the
// run completed, but members with no activities are REVIEW).
func runAudit(ctx context.Context, o *auditOptions, stdio IO) (int, error) {
	prog := newProgress(stdio, o.Quiet)
	defer prog.close()
	var timing *pipeline.Recorder
	if o.Verbose {
		timing = pipeline.NewRecorder()
	}
	res, err := pipeline.Run(ctx, o.pipelineOptions(prog, timing))
	if err != nil {
		return 0, err
	}
	prog.finish()
	// Only with --verbose: office staff have no use for it. fixtures/bench
	// parses this line. "audit and PDFs" includes writing the table rows,
	// which happens as members complete; the worker times split it, summed
	// over the workers that run at once; "workbook and tables" is what is
	// left at the end: assembling summary.xlsx.
	if timing != nil {
		prog.note(timeLine(timing))
	}
	printSummary(stdio.Out, res.Record, o.Out)
	if res.Superseded != "" {
		fmt.Fprintf(stdio.Out, "The earlier run's %s moved to %s (with a copy of its summary.csv and run.json): they were made from the pre-screen this run replaces.\n",
			strings.Join(res.Later, ", "), res.Superseded)
	}
	if res.Status == pipeline.Incomplete {
		// Said last, where it is seen, and in the exit status, so a script
		// running the audit notices.
		prog.warn(res.Unread + "; exit status 3")
		return exitIssues, nil
	}
	return exitOK, nil
}

// timeLine is the --verbose Time line: import includes the merge, audit
// and PDFs the reflection index.
func timeLine(t *pipeline.Recorder) string {
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	return fmt.Sprintf("Time: import %s, audit and PDFs %s (worker time: audit %s, PDFs %s, table rows %s), workbook and tables %s",
		ms(t.Stage(pipeline.StageImport)+t.Stage(pipeline.StageMerge)),
		ms(t.Stage(pipeline.StageIndex)+t.Stage(pipeline.StageAudit)),
		ms(t.Work(pipeline.WorkAudit)), ms(t.Work(pipeline.WorkPDF)), ms(t.Work(pipeline.WorkRows)),
		ms(t.Stage(pipeline.StageWrite)))
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
