package main

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/review"
	"github.com/ies/cpdaudit/runfolder"
)

// sampleOptions are the flags of sample.
type sampleOptions struct {
	RunDir   string
	Rate     string
	Min      int
	Seed     string
	Stratify string
	Exclude  []string
}

func newSampleCmd(stdio IO) *cobra.Command {
	o := &sampleOptions{}
	cmd := &cobra.Command{
		Use:   "sample --rate RATE [options] RUN_DIR",
		Short: "Choose the members whose outcome an assessor reviews",
		Long: `Choose the members for human review from a run's results: every REVIEW and
NOT_MET member, plus a share of MET members drawn at random. The sample is
written to RUN_DIR/sample.csv and sample.json and recorded, with its seed, on the
Run sheet of summary.xlsx; the same seed and run draw the same sample.

RUN_DIR is the --out folder of "cpdaudit run".`,
		Example: `  cpdaudit sample --rate 5% audit-2025
  cpdaudit sample --rate 5% --stratify grade --exclude-audited-since audit-2024 audit-2025`,
		ValidArgsFunction: completeDirs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(args); err != nil {
				return err
			}
			return cmdSample(cmd.Context(), o, stdio)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Rate, "rate", "", "the share of MET members drawn at random for review, a `RATE` such as 5% (required)")
	fs.IntVar(&o.Min, "min", 0, "draw at least `N` MET members in all, raising the rate when it gives fewer")
	fs.StringVar(&o.Seed, "seed", "", "the random `SEED`, a whole number: the same seed and run draw the same sample (default: chosen at random and printed)")
	fs.StringVar(&o.Stratify, "stratify", "", "draw the rate within each membership `grade` separately (the only value is \"grade\")")
	fs.StringArrayVar(&o.Exclude, "exclude-audited-since", nil, "an earlier sample (`PATH` of its sample.csv or of the run folder holding it) whose members are not drawn again; repeat it for several years")
	markFiles(cmd, "exclude-audited-since", "csv")
	if err := cmd.RegisterFlagCompletionFunc("stratify", cobra.FixedCompletions([]cobra.Completion{"grade"}, cobra.ShellCompDirectiveNoFileComp)); err != nil {
		panic(err)
	}
	return cmd
}

// completeDirs completes a RUN_DIR argument with folders.
func completeDirs(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

func (o *sampleOptions) validate(rest []string) error {
	switch {
	case len(rest) == 0:
		return usagef("sample needs the run folder to sample from (RUN_DIR, the --out folder of \"cpdaudit run\")")
	case len(rest) > 1:
		return usagef("sample takes one RUN_DIR (got %s); give --exclude-audited-since once per earlier sample", strings.Join(rest, " "))
	case o.Rate == "":
		return usagef("sample needs --rate, the share of MET members to review at random (e.g. --rate 5%%)")
	case o.Min < 0:
		return usagef("--min must be 0 or more (it is %d)", o.Min)
	case o.Stratify != "" && !strings.EqualFold(strings.TrimSpace(o.Stratify), "grade"):
		return usagef("--stratify %q: the only stratification is by membership grade (--stratify grade)", o.Stratify)
	}
	o.RunDir = rest[0]
	return nil
}

// cmdSample chooses the members for human review from a run's results and
// records the sample (sample.csv, sample.json, the workbook's Run sheet).
func cmdSample(ctx context.Context, o *sampleOptions, stdio IO) error {
	rate, err := review.ParseRate(o.Rate)
	if err != nil {
		return usagef("--rate: %v", err)
	}
	seed, chosen, err := sampleSeed(o.Seed)
	if err != nil {
		return err
	}
	run, err := review.ReadRun(o.RunDir)
	if err != nil {
		return err
	}
	opts := review.SampleOptions{Rate: rate, Min: o.Min, Seed: seed, Stratify: o.Stratify != "", Exclude: map[string]bool{}}
	var excluded []runfolder.MemberList
	for _, p := range o.Exclude {
		ids, ref, err := review.ReadExcluded(p)
		if err != nil {
			return err
		}
		for _, id := range ids {
			opts.Exclude[id] = true
		}
		excluded = append(excluded, ref)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s := review.Draw(run.Members, opts)
	summary, err := review.HashFile(filepath.Join(o.RunDir, "summary.csv"))
	if err != nil {
		return err
	}
	// Recorded relative to the run folder, so the record stays true when
	// the folder is moved or archived.
	summary.Path, summary.Members = "summary.csv", len(run.Members)
	rec := s.Record(run.Year, summary, excluded)
	if err := writeSample(o.RunDir, &s, rec); err != nil {
		return err
	}
	printSample(stdio, o.RunDir, &s, chosen)
	return nil
}

// sampleSeed parses --seed, or picks one from the system's secure random
// source. A chosen seed stays below 10^12: twelve digits are easy to read
// out and retype, and still far more draws than any audit can tell apart.
func sampleSeed(s string) (uint64, bool, error) {
	if s != "" {
		v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return 0, false, usagef("--seed %q is not a whole number from 0 to 18446744073709551615", s)
		}
		return v, false, nil
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1e12))
	if err != nil {
		return 0, false, fmt.Errorf("cannot choose a random seed: %w; give one with --seed", err)
	}
	return n.Uint64(), true, nil
}

// writeSample records the sample on the workbook's Run sheet, then writes
// sample.csv and sample.json; each file is replaced atomically. The
// workbook goes first because it is the likeliest to fail (open in Excel
// on Windows, which locks it), and then nothing is written; sample.json
// goes last, as run.json does for a run.
func writeSample(dir string, s *review.Sample, rec review.SampleRecord) error {
	wb := filepath.Join(dir, "summary.xlsx")
	if err := review.EditWorkbook(wb, wb, func(f *excelize.File, st report.SheetStyles) error {
		if err := review.MarkSampled(f, s); err != nil {
			return err
		}
		return review.AddSampleToRun(f, st, s)
	}); err != nil {
		return err
	}
	if err := report.WriteFileAtomic(filepath.Join(dir, "sample.csv"), 0o600, func(w io.Writer) error {
		return review.WriteSampleCSV(w, s)
	}); err != nil {
		return err
	}
	return report.WriteFileAtomic(filepath.Join(dir, "sample.json"), 0o600, rec.WriteJSON)
}

func printSample(stdio IO, dir string, s *review.Sample, chosen bool) {
	fmt.Fprintf(stdio.Out, "Sample: %d %s for review: %d REVIEW, %d NOT_MET, %d drawn at random from MET members.\n",
		len(s.Members), plural(len(s.Members), "member", "members"), s.Count(review.ReasonReview), s.Count(review.ReasonNotMet), s.Count(review.ReasonRandom))
	rate := review.FormatRate(s.Options.Rate)
	if s.EffectiveRate != s.Options.Rate {
		rate += fmt.Sprintf(", raised to %s by --min %d", review.FormatRate(s.EffectiveRate), s.Options.Min)
	}
	fmt.Fprintf(stdio.Out, "Rate: %s; stratified by: %s.\n", rate, s.StratifiedBy())
	for _, st := range s.Strata {
		fmt.Fprintf(stdio.Out, "  %s: %d of %d MET drawn (%d left out as audited before)\n", st.Name, st.Drawn, st.MET, st.Excluded)
		if st.Drawn < st.Target {
			fmt.Fprintf(stdio.Err, "warning: %s: the rate asks for %d but only %d MET %s not audited before; all of them were drawn\n",
				st.Name, st.Target, st.MET-st.Excluded, plural(st.MET-st.Excluded, "member is", "members are"))
		}
	}
	if chosen {
		fmt.Fprintf(stdio.Out, "Seed: %d (chosen at random; give --seed %d to draw the same sample again)\n", s.Options.Seed, s.Options.Seed)
	} else {
		fmt.Fprintf(stdio.Out, "Seed: %d\n", s.Options.Seed)
	}
	fmt.Fprintf(stdio.Out, "Wrote %s and %s; recorded the sample on the Run sheet of %s.\n",
		filepath.Join(dir, "sample.csv"), filepath.Join(dir, "sample.json"), filepath.Join(dir, "summary.xlsx"))
}

// finalizeOptions are the flags of finalize.
type finalizeOptions struct {
	RunDir    string
	Decisions []string
	// LetterDate is --letter-date as given; empty for the default.
	LetterDate string
	// Policy is a policy file whose letterhead replaces the run's.
	Policy  string
	Workers int
}

func newFinalizeCmd(stdio IO, code *int) *cobra.Command {
	o := &finalizeOptions{}
	cmd := &cobra.Command{
		Use:     "finalize RUN_DIR --decisions FILE.xlsx [options]",
		Aliases: []string{"finalise"},
		Short:   "Apply the assessors' decisions and write the final letters",
		Long: `Read the assessors' decisions back from their copy of summary.xlsx (the
Assessor decision and comment columns) and write RUN_DIR/final/ with a final
letter for every member whose outcome is final, final-summary.csv and
final-summary.xlsx (with the Final outcomes and Agreement sheets). The exit
status is 3 when some decisions could not be applied; they are listed.
Several assessors' copies can be given, one --decisions each.

RUN_DIR is the --out folder of "cpdaudit run".`,
		Example: `  cpdaudit finalize audit-2025 --decisions decisions.xlsx
  cpdaudit finalize audit-2025 --decisions anna.xlsx --decisions ben.xlsx --letter-date 2026-03-14`,
		ValidArgsFunction: completeDirs,
		RunE: func(cmd *cobra.Command, args []string) error {
			defaultWorkers(cmd.Flags(), &o.Workers)
			if err := o.validate(args); err != nil {
				return err
			}
			o.Workers = clampWorkers(o.Workers, stdio)
			c, err := finalizeStatus(cmd.Context(), o, stdio)
			*code = c
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&o.Decisions, "decisions", nil, "an assessors' copy of summary.xlsx, a `FILE.xlsx` with the Assessor decision and comment columns filled in (required; repeat it for each assessor's copy)")
	fs.StringVar(&o.LetterDate, "letter-date", "", "the `DATE` printed on the letters, as YYYY-MM-DD (default: today, or SOURCE_DATE_EPOCH when set)")
	fs.StringVar(&o.Policy, "policy", "", "a policy `FILE` whose [letterhead] section replaces the one the run used (the rules stay the run's)")
	fs.IntVar(&o.Workers, "workers", 0, "`N` letters written at once (default: one per processor)")
	markFiles(cmd, "decisions", "xlsx")
	markFiles(cmd, "policy", "toml")
	return cmd
}

func (o *finalizeOptions) validate(rest []string) error {
	switch {
	case len(rest) != 1:
		return usagef("finalize takes one RUN_DIR, the --out folder of \"cpdaudit run\" (e.g. cpdaudit finalize cpdaudit-out --decisions decisions.xlsx)")
	case len(o.Decisions) == 0:
		return usagef("finalize needs --decisions FILE.xlsx, the assessors' copy of summary.xlsx (give --decisions once for each assessor's copy)")
	case o.Workers < 1:
		return usagef("--workers must be 1 or more (it is %d)", o.Workers)
	}
	o.RunDir = rest[0]
	return nil
}

// letterDate is the date printed on the letters: --letter-date, else the
// day finalize runs (SOURCE_DATE_EPOCH's day when set, for reproducible
// letters).
func letterDate(s string) (time.Time, error) {
	if s == "" {
		if e := os.Getenv("SOURCE_DATE_EPOCH"); e != "" {
			if n, err := strconv.ParseInt(e, 10, 64); err == nil {
				return time.Unix(n, 0).UTC(), nil
			}
		}
		y, m, d := time.Now().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, usagef("--letter-date %q is not a date written as YYYY-MM-DD (e.g. --letter-date 2026-03-14)", s)
	}
	return t, nil
}

// finalizeStatus reads assessors' decisions back and writes the final
// letters. It returns finalize's exit status: exitIssues (3) when some
// decisions could not be applied, like check's 3 for import issues.
func finalizeStatus(ctx context.Context, o *finalizeOptions, stdio IO) (int, error) {
	date, err := letterDate(o.LetterDate)
	if err != nil {
		return 0, err
	}
	run, err := review.ReadRun(o.RunDir)
	if err != nil {
		return 0, err
	}
	if o.Policy != "" {
		p, err := importer.ReadPolicy(o.Policy)
		if err != nil {
			return 0, err
		}
		run.Policy.Letterhead = p.Letterhead
	}
	var ds []*review.Decisions
	for _, path := range o.Decisions {
		d, err := review.ReadDecisions(path)
		if err != nil {
			return 0, err
		}
		if err := checkDecisionsRun(o.RunDir, run, d, stdio); err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	finals := review.Apply(run, ds...)
	agreement := review.Measure(finals)
	sent, err := writeLetters(ctx, o, run, finals, date)
	if err != nil {
		return 0, err
	}
	if err := report.WriteFileAtomic(filepath.Join(o.RunDir, "letters.csv"), 0o600, func(w io.Writer) error {
		return writeLettersCSV(w, finals, sent)
	}); err != nil {
		return 0, err
	}
	if err := report.WriteFileAtomic(filepath.Join(o.RunDir, "final-summary.csv"), 0o600, func(w io.Writer) error {
		return review.WriteFinalSummaryCSV(w, finals)
	}); err != nil {
		return 0, err
	}
	if err := review.EditWorkbook(filepath.Join(o.RunDir, "summary.xlsx"), filepath.Join(o.RunDir, "final-summary.xlsx"),
		func(f *excelize.File, st report.SheetStyles) error {
			return review.FinalizeWorkbook(f, st, finals, agreement, ds, run.Policy)
		}); err != nil {
		return 0, err
	}
	problems := review.Problems(finals)
	for _, p := range problems {
		who := ""
		if p.InRun {
			who = "member " + p.ID + ": "
		}
		file := p.File
		if file == "" {
			file = strings.Join(o.Decisions, ", ")
		}
		fmt.Fprintf(stdio.Err, "%s: %s%s\n", file, who, p.Problem)
	}
	printFinal(stdio.Out, o.RunDir, finals, agreement, len(sent.letters), date)
	if len(problems) > 0 {
		fmt.Fprintf(stdio.Out, "%d %s could not be applied: listed above and in the problem column of final-summary.csv; those members have no final letter yet.\n",
			len(problems), plural(len(problems), "decision", "decisions"))
		return exitIssues, nil
	}
	return exitOK, nil
}

// checkDecisionsRun refuses a decisions workbook made from another run
// than the one in dir: its CPD year or its run ID (the SHA-256 of the
// summary.csv it was made with) differs. A workbook from an older
// cpdaudit has no run ID; its decisions are still checked against the
// pre-screen cell by cell.
func checkDecisionsRun(dir string, run *review.Run, d *review.Decisions, stdio IO) error {
	path := d.File.Path
	if d.Year != 0 && run.Year != 0 && d.Year != run.Year {
		return fmt.Errorf("%s is the summary of CPD year %d, but %s holds the run of %d: give the decisions for this run", path, d.Year, dir, run.Year)
	}
	switch {
	case d.RunID == "":
		fmt.Fprintf(stdio.Err, "warning: %s records no run ID (it was made by an older cpdaudit); each decision is checked against the pre-screen cell by cell instead\n", path)
	case d.RunID != run.ID:
		return fmt.Errorf("%s was made from another run than the one now in %s (run ID %s on its Run sheet, %s for the folder): "+
			"the folder was run again after the workbook was handed out. Give the assessors a copy of the new %s, "+
			"or finalize in the folder the workbook came from (a replaced run's sample and results are kept in %s)",
			path, dir, shortID(d.RunID), shortID(run.ID), filepath.Join(dir, "summary.xlsx"), filepath.Join(dir, supersededDir))
	}
	return nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
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

// writeLetters writes, for every member with a final outcome, the final
// letter (final/<id>.pdf) and the feedback that goes with it
// (final/feedback/<id>.pdf), whose outcome and standards agree with the
// final outcome; it reads each member's whole result from the run's
// results file. Everything goes into a staging folder swapped in as
// RUN_DIR/final, so letters from an earlier finalize never linger beside
// the new ones and an interrupted run leaves the old set whole.
func writeLetters(ctx context.Context, o *finalizeOptions, run *review.Run, finals []review.Final, date time.Time) (sentSet, error) {
	sent := sentSet{letters: map[string]bool{}, emails: map[string]string{}}
	fonts, err := report.LoadFonts()
	if err != nil {
		return sent, fmt.Errorf("internal error, please report it: loading the PDF fonts: %w", err)
	}
	stage, err := os.MkdirTemp(o.RunDir, ".cpdaudit-final-*")
	if err != nil {
		return sent, fmt.Errorf("cannot write in the run folder %s: %w", o.RunDir, err)
	}
	defer os.RemoveAll(stage)
	if err := os.Chmod(stage, 0o700); err != nil {
		return sent, err
	}
	if err := os.Mkdir(filepath.Join(stage, "feedback"), 0o700); err != nil {
		return sent, err
	}
	byID := make(map[string]*review.Final, len(run.Members))
	for i := range finals {
		if finals[i].InRun {
			byID[finals[i].ID] = &finals[i]
		}
	}
	opts := report.PDFOptions{Version: version, Created: documentDate(run.Year), Policy: run.Policy}
	resultsPath := filepath.Join(o.RunDir, report.ResultsFile)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Workers)
	seen := 0
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
		fo := report.FinalOutcome{Prescreen: f.Outcome, Reviewed: f.Applied(), Final: f.Final, CommentToMember: f.MemberComment}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			name := report.FeedbackFileName(f.ID)
			l := report.FinalLetter{
				MemberID: f.ID, Name: f.Name, Grade: f.Grade, Year: run.Year, Standards: f.Standards,
				FinalOutcome: fo, Date: date,
			}
			if err := createFile(filepath.Join(stage, name), filepath.Join(o.RunDir, letterPath(f.ID)), func(w io.Writer) error {
				return report.WriteFinalPDF(w, l, fonts, opts)
			}); err != nil {
				return err
			}
			return createFile(filepath.Join(stage, "feedback", name), filepath.Join(o.RunDir, feedbackPath(f.ID)), func(w io.Writer) error {
				return report.WriteFinalFeedbackPDF(w, r, fo, fonts, opts)
			})
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
	if err := ctx.Err(); err != nil {
		return sent, err
	}
	final := filepath.Join(o.RunDir, "final")
	if _, err := os.Lstat(final); err == nil {
		if err := os.Rename(final, filepath.Join(stage, "final.old")); err != nil {
			return sent, fmt.Errorf("cannot replace %s: %w", final, err)
		}
	}
	if err := os.Rename(stage, final); err != nil {
		// Put the earlier letters back rather than let the deferred
		// clean-up remove them with the staging folder.
		os.Rename(filepath.Join(stage, "final.old"), final)
		return sent, fmt.Errorf("cannot move the final letters into %s: %w", final, err)
	}
	// The old letters moved in with the new ones; remove them now.
	if err := os.RemoveAll(filepath.Join(final, "final.old")); err != nil {
		return sent, fmt.Errorf("cannot remove the earlier letters in %s: %w", filepath.Join(final, "final.old"), err)
	}
	return sent, nil
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

// createFile writes a new file (0600: letters hold personal data); errors
// name shown, the path the user will find the file at.
func createFile(path, shown string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", shown, err)
	}
	err = fn(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", shown, err)
	}
	return nil
}

func printFinal(w io.Writer, dir string, finals []review.Final, a review.Agreement, letters int, date time.Time) {
	var confirmed, overridden, none, awaiting int
	outcomes := map[audit.Verdict]int{}
	for i := range finals {
		f := &finals[i]
		switch {
		case !f.InRun || f.Problem != "":
			continue
		case f.Decision == review.NoDecision:
			none++
			if f.Final == audit.Review {
				awaiting++
			}
		case f.Final == f.Outcome:
			confirmed++
		default:
			overridden++
		}
		outcomes[f.Final]++
	}
	fmt.Fprintf(w, "Decisions: %d kept the pre-screen outcome, %d changed it; %d %s no decision.\n", confirmed, overridden, none, plural(none, "member has", "members have"))
	fmt.Fprintf(w, "Final outcomes: MET %d, NOT_MET %d, EXEMPT %d, still REVIEW %d.\n",
		outcomes[audit.Met], outcomes[audit.NotMet], outcomes[audit.Exempt], outcomes[audit.Review])
	if l := a.ToolDecided; l.N > 0 {
		kappa := ""
		if l.KappaDefined {
			kappa = fmt.Sprintf(" (Cohen's kappa %.2f)", l.Kappa)
		}
		fmt.Fprintf(w, "Agreement: assessors kept %d of %d MET/NOT_MET pre-screens%s; see the Agreement sheet.\n", l.Agreed, l.N, kappa)
	}
	if awaiting > 0 {
		fmt.Fprintf(w, "%d %s at REVIEW with no decision: no final letter until an assessor decides.\n", awaiting, plural(awaiting, "member is", "members are"))
	}
	fmt.Fprintf(w, "Wrote %s (%d %s dated %s, each with its member's final feedback in %s), %s (the mailing list), %s and %s.\n",
		filepath.Join(dir, "final"), letters, plural(letters, "letter", "letters"), date.Format("2 January 2006"),
		filepath.Join(dir, "final", "feedback"), filepath.Join(dir, "letters.csv"),
		filepath.Join(dir, "final-summary.csv"), filepath.Join(dir, "final-summary.xlsx"))
}
