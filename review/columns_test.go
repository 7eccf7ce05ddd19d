package review

import (
	"slices"
	"strings"
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

// TestCommentHeadersAreRunFolders: the comment columns, matched by prefix
// so older workbooks still read, match the headers a run writes today.
func TestCommentHeadersAreRunFolders(t *testing.T) {
	for prefix, header := range map[string]string{hdrComment: runfolder.HeaderAssessorComment, hdrMemberComment: runfolder.HeaderCommentToMember} {
		if !strings.HasPrefix(runfolder.HeaderKey(header), prefix) {
			t.Errorf("review finds the column %q by the prefix %q, which it does not start with", header, prefix)
		}
	}
	// The assessor's comment must not be taken for the member's, nor the
	// other way round: one prefix may not match both.
	if strings.HasPrefix(runfolder.HeaderKey(runfolder.HeaderCommentToMember), hdrComment) ||
		strings.HasPrefix(runfolder.HeaderKey(runfolder.HeaderAssessorComment), hdrMemberComment) {
		t.Error("one comment prefix matches both comment columns")
	}
}
