package pipeline

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/ies/cpdaudit/staged"
)

// writeStage finishes the tables and run.json, moves an earlier sample and
// final results aside (Options.Force) and swaps the staged results in for
// the previous ones.
func writeStage(ctx context.Context, o *Options, t *tables, rep reporter) (*RunResult, error) {
	rep.started(StageWrite, 0, "")
	var rec runfolder.Record
	if err := interruptible(ctx, func() (err error) {
		rec, err = t.close()
		return err
	}); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &RunResult{Out: o.Out, Record: rec, Notices: t.in.Notices, Warnings: t.in.Warnings}
	var moved *superseded
	if res.Later = laterStagesIn(o.Out); len(res.Later) > 0 {
		var err error
		if moved, err = supersede(o.Out, res.Later, time.Now()); err != nil {
			return nil, err
		}
		res.Superseded = moved.dest
	}
	if err := t.out.Commit(); err != nil {
		if moved != nil {
			// The sample and final results go back beside the run
			// they were made from, which is still there.
			err = moved.undo(err)
		}
		return nil, err
	}
	if t.out.Leftover() != "" {
		rep.warn(fmt.Sprintf("the run is complete, but the previous results could not be removed from %s; delete that folder", t.out.Leftover()))
	}
	return res, nil
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
	// out is the staged folder the tables are in; in describes the run.
	out    *staged.Dir
	in     report.Input
	timing *Recorder
}

// openTables creates summary.xlsx, summary.csv, activities.csv and the
// results file in the staging folder and starts the writers on them; in
// describes the run to every table.
func openTables(out *staged.Dir, in report.Input, timing *Recorder) (*tables, error) {
	t := &tables{out: out, in: in, timing: timing}
	for _, name := range []string{"summary.xlsx", "summary.csv", "activities.csv", report.ResultsFile} {
		f, err := out.Create(name)
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

// add writes one member's rows: its line of the results file, encoded by
// the worker, and its rows of the workbook and the CSVs.
func (t *tables) add(r audit.MemberResult, encoded []byte) error {
	defer t.timing.since(WorkRows, time.Now())
	if err := t.results.AddEncoded(encoded); err != nil {
		return err
	}
	return t.tw.Add(r)
}

// close finishes the workbook and the CSVs, then writes import-issues.csv
// and run.json, which goes last: its presence marks a complete run. It
// returns the run record, whose counts the run's summary prints.
func (t *tables) close() (runfolder.Record, error) {
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
	if err := t.out.Write("import-issues.csv", func(w io.Writer) error { return report.WriteIssuesCSV(w, t.in) }); err != nil {
		return rec, err
	}
	return rec, t.out.Write("run.json", rec.WriteJSON)
}

// testHookTablesClose, when set by a test, runs as the tables start to
// close: it stands in for the seconds summary.xlsx takes for a large run.
var testHookTablesClose func()

// abandon closes whatever is still open after a failed or cancelled run;
// the staging folder, and the files in it, are then removed by Discard.
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
