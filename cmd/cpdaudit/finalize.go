package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/pipeline"
	"github.com/ies/cpdaudit/review"
)

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

// letterDate is --letter-date; zero when not given, for the pipeline's
// default (today, or SOURCE_DATE_EPOCH's day when set).
func letterDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
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
	prog := newProgress(stdio, true) // warnings only
	defer prog.close()
	res, err := pipeline.Finalize(ctx, pipeline.FinalizeOptions{
		RunDir: o.RunDir, Decisions: o.Decisions, LetterDate: date, Policy: o.Policy,
		Workers: o.Workers, Version: version, Progress: prog,
	})
	if err != nil {
		return 0, err
	}
	for _, p := range res.Problems {
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
	printFinal(stdio.Out, o.RunDir, res.Finals, res.Agreement, res.Letters, res.Date)
	if n := len(res.Problems); n > 0 {
		fmt.Fprintf(stdio.Out, "%d %s could not be applied: listed above and in the problem column of final-summary.csv; those members have no final letter yet.\n",
			n, plural(n, "decision", "decisions"))
		return exitIssues, nil
	}
	return exitOK, nil
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
