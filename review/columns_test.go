package review

import (
	"slices"
	"testing"

	"github.com/ies/cpdaudit/runfolder"
)

// TestReadsRunFolderColumns: every column the review reads back is one the
// run folder's contract says its writer writes, so renaming a column in
// runfolder breaks this test rather than a finalize in the office.
func TestReadsRunFolderColumns(t *testing.T) {
	for _, tt := range []struct {
		file         string
		read, exists []string
	}{
		{runfolder.SummaryCSV, summaryColumns, runfolder.SummaryColumns},
		{runfolder.FinalSummaryCSV, finalColumns, runfolder.FinalSummaryColumns},
		{runfolder.SampleCSV, []string{"member_id"}, runfolder.SampleColumns},
	} {
		for _, c := range tt.read {
			if !slices.Contains(tt.exists, c) {
				t.Errorf("review reads column %s of %s, which runfolder does not list: %q", c, tt.file, tt.exists)
			}
		}
	}
}
