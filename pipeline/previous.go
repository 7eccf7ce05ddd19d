package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/review"
)

// loadPrevious reads last year's run folder (--previous) through the
// review package, which reads run folders, and hands the report plain
// data. An empty dir means no --previous: nil, nil.
func loadPrevious(dir string, rep reporter) (*report.PreviousRun, error) {
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
		rep.warn(fmt.Sprintf("--previous %s: final-summary.csv does not match that run's summary.csv for %d %s (the run was repeated after finalize?); their pre-screen outcomes are used",
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
