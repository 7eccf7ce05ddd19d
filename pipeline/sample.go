package pipeline

import (
	"context"
	"io"
	"path/filepath"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/review"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/ies/cpdaudit/staged"
)

// SampleOptions are the inputs of Sample (the flags of "cpdaudit sample").
type SampleOptions struct {
	// RunDir is the run folder to sample from (Options.Out of a Run).
	RunDir string
	// Rate is the share of MET members drawn at random, 0 to 1
	// (review.ParseRate reads "5%").
	Rate float64
	// Min, when above 0, is the least number of MET members drawn in all.
	Min int
	// Seed fixes the draw: the same seed and run draw the same sample.
	Seed uint64
	// Stratify draws the rate within each membership grade separately.
	Stratify bool
	// Exclude are earlier samples (a sample.csv, or the run folder
	// holding one) whose members are not drawn again.
	Exclude []string
	// Progress receives the stage's start; nil for none.
	Progress Progress
}

// SampleResult is the sample drawn and recorded.
type SampleResult struct {
	// Sample lists the members drawn, with the reason each was, and the
	// counts per stratum.
	Sample *review.Sample
	// Record is sample.json's content.
	Record review.SampleRecord
}

// sampleEntries are what sample writes in the run folder; sample.json
// goes last, as run.json does for a run.
var sampleEntries = []string{"summary.xlsx", "sample.csv", "sample.json"}

// Sample chooses the members for human review from a run's results:
// every REVIEW and NOT_MET member and a share of MET members drawn at
// random. It records the sample on the Run sheet of summary.xlsx and in
// sample.csv and sample.json, all three swapped in together, so a failure
// leaves the run folder as it was.
func Sample(ctx context.Context, o SampleOptions) (*SampleResult, error) {
	reporter{o.Progress}.started(StageSample, 0, "")
	lock, run, err := openRunFolder(o.RunDir, "sample", reporter{o.Progress})
	if err != nil {
		return nil, err
	}
	defer lock.release()
	opts := review.SampleOptions{Rate: o.Rate, Min: o.Min, Seed: o.Seed, Stratify: o.Stratify, Exclude: map[string]bool{}}
	var excluded []runfolder.MemberList
	for _, p := range o.Exclude {
		ids, ref, err := review.ReadExcluded(p)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			opts.Exclude[id] = true
		}
		excluded = append(excluded, ref)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := review.Draw(run.Members, opts)
	summary, err := review.HashFile(filepath.Join(o.RunDir, "summary.csv"))
	if err != nil {
		return nil, err
	}
	// Recorded relative to the run folder, so the record stays true when
	// the folder is moved or archived.
	summary.Path, summary.Members = "summary.csv", len(run.Members)
	rec := s.Record(run.Year, summary, excluded)
	if err := writeSample(o.RunDir, &s, rec); err != nil {
		return nil, err
	}
	return &SampleResult{Sample: &s, Record: rec}, nil
}

// writeSample stages the workbook with the sample on its Run sheet,
// sample.csv and sample.json, then swaps them in.
func writeSample(dir string, s *review.Sample, rec review.SampleRecord) error {
	out, err := staged.New(dir, staged.Options{Entries: sampleEntries, Prefix: ".cpdaudit-sample-", Rename: testRename})
	if err != nil {
		return err
	}
	defer out.Discard()
	// The workbook goes first because it is the likeliest to fail (open
	// in Excel on Windows, which locks it), and then nothing is written.
	if err := out.Write("summary.xlsx", func(w io.Writer) error {
		return review.EditWorkbook(filepath.Join(dir, "summary.xlsx"), w, func(f *excelize.File, st report.SheetStyles) error {
			if err := review.MarkSampled(f, s); err != nil {
				return err
			}
			return review.AddSampleToRun(f, st, s)
		})
	}); err != nil {
		return err
	}
	if err := out.Write("sample.csv", func(w io.Writer) error { return review.WriteSampleCSV(w, s) }); err != nil {
		return err
	}
	if err := out.Write("sample.json", rec.WriteJSON); err != nil {
		return err
	}
	return out.Commit()
}
