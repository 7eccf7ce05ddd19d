package pipeline

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/review"
	"github.com/ies/cpdaudit/staged"
)

// FinalizeOptions are the inputs of Finalize (the flags of "cpdaudit
// finalize").
type FinalizeOptions struct {
	// RunDir is the run folder (Options.Out of a Run).
	RunDir string
	// Decisions are the assessors' copies of summary.xlsx, one per
	// assessor.
	Decisions []string
	// LetterDate is printed on the letters; zero is today (the day of
	// SOURCE_DATE_EPOCH when set, for reproducible letters).
	LetterDate time.Time
	// Policy is a policy file whose letterhead replaces the run's; "" for
	// the run's.
	Policy string
	// Workers is how many letters are written at once; 0 is one per
	// processor.
	Workers int
	// Version is the program's version, printed in the PDFs.
	Version string
	// Progress receives the letters written and the warnings; nil for none.
	Progress Progress
}

// FinalizeResult is what Finalize applied and wrote.
type FinalizeResult struct {
	// Status is Incomplete when some decisions could not be applied
	// (Problems); those members have no final letter yet.
	Status Status
	// Date is the date printed on the letters.
	Date time.Time
	// Finals are every member's pre-screen and final outcome, with the
	// decision applied or the problem that stopped it, as in
	// final-summary.csv.
	Finals []review.Final
	// Problems are the Finals whose decision could not be applied.
	Problems  []review.Final
	Agreement review.Agreement
	// Letters is how many final letters were written.
	Letters int
	// Warnings were also reported to Progress.
	Warnings []string
}

// finalEntries are what finalize writes in the run folder, swapped in
// together; final-summary.xlsx goes last.
var finalEntries = []string{"final", "letters.csv", "final-summary.csv", "final-summary.xlsx"}

// Finalize reads the assessors' decisions back, applies them to the run's
// pre-screen and writes the final letters (final/), letters.csv,
// final-summary.csv and final-summary.xlsx, all swapped in together so a
// failure leaves the run folder as it was. A cancelled ctx stops it with
// ctx's error.
func Finalize(ctx context.Context, o FinalizeOptions) (*FinalizeResult, error) {
	rep := reporter{o.Progress}
	res := &FinalizeResult{Date: o.LetterDate}
	if res.Date.IsZero() {
		res.Date = today()
	}
	lock, run, err := openRunFolder(o.RunDir, "finalize", rep)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	if o.Policy != "" {
		p, err := importer.ReadPolicy(o.Policy)
		if err != nil {
			return nil, err
		}
		run.Policy.Letterhead = p.Letterhead
	}
	var ds []*review.Decisions
	for _, path := range o.Decisions {
		d, err := review.ReadDecisions(path)
		if err != nil {
			return nil, err
		}
		warning, err := checkDecisionsRun(o.RunDir, run, d)
		if err != nil {
			return nil, err
		}
		if warning != "" {
			rep.warn(warning)
			res.Warnings = append(res.Warnings, warning)
		}
		ds = append(ds, d)
	}
	res.Finals = review.Apply(run, ds...)
	res.Agreement = review.Measure(res.Finals)
	res.Letters, err = writeFinal(ctx, &o, run, res, ds, rep)
	if err != nil {
		return nil, err
	}
	if res.Problems = review.Problems(res.Finals); len(res.Problems) > 0 {
		res.Status = Incomplete
	}
	return res, nil
}

// today is the day finalize runs, or SOURCE_DATE_EPOCH's when set.
func today() time.Time {
	if e := os.Getenv("SOURCE_DATE_EPOCH"); e != "" {
		if n, err := strconv.ParseInt(e, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	y, m, d := time.Now().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkDecisionsRun refuses a decisions workbook made from another run
// than the one in dir: its CPD year or its run ID (the SHA-256 of the
// summary.csv it was made with) differs. A workbook from an older
// cpdaudit has no run ID: its decisions are still checked against the
// pre-screen cell by cell, and the warning says so.
func checkDecisionsRun(dir string, run *review.Run, d *review.Decisions) (warning string, err error) {
	path := d.File.Path
	if d.Year != 0 && run.Year != 0 && d.Year != run.Year {
		return "", fmt.Errorf("%s is the summary of CPD year %d, but %s holds the run of %d: give the decisions for this run", path, d.Year, dir, run.Year)
	}
	switch {
	case d.RunID == "":
		return fmt.Sprintf("%s records no run ID (it was made by an older cpdaudit); each decision is checked against the pre-screen cell by cell instead", path), nil
	case d.RunID != run.ID:
		return "", fmt.Errorf("%s was made from another run than the one now in %s (run ID %s on its Run sheet, %s for the folder): "+
			"the folder was run again after the workbook was handed out. Give the assessors a copy of the new %s, "+
			"or finalize in the folder the workbook came from (a replaced run's sample and results are kept in %s)",
			path, dir, shortID(d.RunID), shortID(run.ID), filepath.Join(dir, "summary.xlsx"), filepath.Join(dir, supersededDir))
	}
	return "", nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}

// writeFinal stages the letters, letters.csv, final-summary.csv and
// final-summary.xlsx, then swaps them in; it returns how many letters
// were written.
func writeFinal(ctx context.Context, o *FinalizeOptions, run *review.Run, res *FinalizeResult, ds []*review.Decisions, rep reporter) (int, error) {
	out, err := staged.New(o.RunDir, staged.Options{Entries: finalEntries, Folders: []string{"final", "final/feedback"}, Prefix: ".cpdaudit-final-", Rename: testRename})
	if err != nil {
		return 0, err
	}
	defer out.Discard()
	sent, err := writeLetters(ctx, o, run, res, out, rep)
	if err != nil {
		return 0, err
	}
	if err := out.Write("letters.csv", func(w io.Writer) error { return writeLettersCSV(w, res.Finals, sent) }); err != nil {
		return 0, err
	}
	if err := out.Write("final-summary.csv", func(w io.Writer) error { return review.WriteFinalSummaryCSV(w, res.Finals) }); err != nil {
		return 0, err
	}
	if err := out.Write("final-summary.xlsx", func(w io.Writer) error {
		return review.EditWorkbook(filepath.Join(o.RunDir, "summary.xlsx"), w, func(f *excelize.File, st report.SheetStyles) error {
			return review.FinalizeWorkbook(f, st, res.Finals, res.Agreement, ds, run.Policy)
		})
	}); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return len(sent.letters), out.Commit()
}

// hasLetter reports whether a member gets a final letter: only a final
// outcome does. A member still at REVIEW, or whose decision could not be
// applied, has none, so no letter can be sent before the outcome is final.
func hasLetter(f *review.Final) bool {
	return f.InRun && f.Problem == "" && (f.Final == audit.Met || f.Final == audit.NotMet || f.Final == audit.Exempt)
}

// sentSet is what writeLetters wrote: the members with a letter, and every
// member's email from the run's results.
type sentSet struct {
	letters map[string]bool
	emails  map[string]string
}

// Paths of a member's letter and final feedback, relative to the run
// folder: what letters.csv lists.
func letterPath(id string) string   { return "final/" + report.FeedbackFileName(id) }
func feedbackPath(id string) string { return "final/feedback/" + report.FeedbackFileName(id) }

// writeLetters stages, for every member with a final outcome, the final
// letter (final/<id>.pdf) and the feedback that goes with it
// (final/feedback/<id>.pdf), whose outcome and standards agree with the
// final outcome; it reads each member's whole result from the run's
// results file.
func writeLetters(ctx context.Context, o *FinalizeOptions, run *review.Run, res *FinalizeResult, out *staged.Dir, rep reporter) (sentSet, error) {
	sent := sentSet{letters: map[string]bool{}, emails: map[string]string{}}
	fonts, err := report.LoadFonts()
	if err != nil {
		return sent, fmt.Errorf("internal error, please report it: loading the PDF fonts: %w", err)
	}
	byID, total := lettersDue(res.Finals)
	rep.started(StageLetters, total, "")
	opts := report.PDFOptions{Version: o.Version, Created: documentDate(run.Year), Policy: run.Policy}
	resultsPath := filepath.Join(o.RunDir, report.ResultsFile)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit((&Options{Workers: o.Workers}).workers())
	seen := 0
	var done counter
	err = report.ReadResults(resultsPath, func(r audit.MemberResult) error {
		if err := gctx.Err(); err != nil {
			return err
		}
		f := byID[r.Member.ID]
		if f == nil || f.Outcome != r.Outcome {
			return fmt.Errorf("%s does not match %s (member %s): the folder holds parts of two runs; run the audit again",
				resultsPath, filepath.Join(o.RunDir, "summary.csv"), r.Member.ID)
		}
		seen++
		sent.emails[f.ID] = r.Member.Email
		if !hasLetter(f) {
			return nil
		}
		sent.letters[f.ID] = true
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if err := writeLetter(out, f, r, run.Year, res.Date, fonts, opts); err != nil {
				return err
			}
			done.step(rep, StageLetters, total, "")
			return nil
		})
		return nil
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return sent, err
	}
	if seen != len(run.Members) {
		return sent, fmt.Errorf("%s holds %d members but %s holds %d: the folder holds parts of two runs; run the audit again",
			resultsPath, seen, filepath.Join(o.RunDir, "summary.csv"), len(run.Members))
	}
	return sent, ctx.Err()
}

// lettersDue indexes the members of the run by id and counts those who
// get a letter.
func lettersDue(finals []review.Final) (byID map[string]*review.Final, letters int) {
	byID = make(map[string]*review.Final, len(finals))
	for i := range finals {
		if f := &finals[i]; f.InRun {
			byID[f.ID] = f
			if hasLetter(f) {
				letters++
			}
		}
	}
	return byID, letters
}

// writeLetter stages one member's final letter and final feedback.
func writeLetter(out *staged.Dir, f *review.Final, r audit.MemberResult, year int, date time.Time, fonts *report.Fonts, opts report.PDFOptions) error {
	fo := report.FinalOutcome{Prescreen: f.Outcome, Reviewed: f.Applied(), Final: f.Final, CommentToMember: f.MemberComment}
	l := report.FinalLetter{
		MemberID: f.ID, Name: f.Name, Grade: f.Grade, Year: year, Standards: f.Standards,
		FinalOutcome: fo, Date: date,
	}
	if err := out.Write(letterPath(f.ID), func(w io.Writer) error { return report.WriteFinalPDF(w, l, fonts, opts) }); err != nil {
		return err
	}
	return out.Write(feedbackPath(f.ID), func(w io.Writer) error { return report.WriteFinalFeedbackPDF(w, r, fo, fonts, opts) })
}

// writeLettersCSV writes letters.csv, the office's mail-merge list: every
// member of the run with their email (from the register, through the
// run's results), their final outcome and the paths of the letter and the
// feedback to send, relative to the run folder. A member without a final
// outcome has no files and a note saying why.
func writeLettersCSV(w io.Writer, finals []review.Final, sent sentSet) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"member_id", "name", "email", "outcome", "letter", "feedback", "note"}); err != nil {
		return err
	}
	for i := range finals {
		f := &finals[i]
		if !f.InRun {
			continue
		}
		letter, fb, note := "", "", ""
		switch {
		case sent.letters[f.ID]:
			letter, fb = letterPath(f.ID), feedbackPath(f.ID)
		case f.Problem != "":
			note = "no letter yet: the decision could not be applied (see final-summary.csv)"
		default:
			note = "no letter yet: still at REVIEW with no decision"
		}
		email := sent.emails[f.ID]
		if email == "" && letter != "" {
			note = "no email in the member register"
		}
		rec := []string{f.ID, f.Name, email, string(f.Final), letter, fb, note}
		for k, v := range rec {
			rec[k], _ = report.Text(v).MarshalCSV()
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
