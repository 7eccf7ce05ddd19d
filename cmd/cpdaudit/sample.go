package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ies/cpdaudit/pipeline"
	"github.com/ies/cpdaudit/review"
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
	res, err := pipeline.Sample(ctx, pipeline.SampleOptions{
		RunDir: o.RunDir, Rate: rate, Min: o.Min, Seed: seed, Stratify: o.Stratify != "", Exclude: o.Exclude,
	})
	if err != nil {
		return err
	}
	printSample(stdio, o.RunDir, res.Sample, chosen)
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
