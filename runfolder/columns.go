package runfolder

import (
	"strings"
	"unicode"
)

// The columns of the run folder's CSV files, in order: the names SPEC.md
// fixes (other systems read these files by name or by position). report's
// row types carry them as csv tags, and its tests hold the tags to these
// lists.
var (
	// SummaryColumns are summary.csv's columns; a run given --previous adds
	// PreviousOutcomeColumn after them.
	SummaryColumns = []string{"member_id", "name", "grade", "counted_hours", "required_hours", "substantive_categories", "required_categories", "standard1", "standard2", "standard3", "standard4", "outcome", "flags"}
	// ActivityColumns are activities.csv's columns.
	ActivityColumns = []string{"member_id", "source", "title", "category", "date", "hours", "counted", "reflection", "quality", "users", "quality_evidence", "users_evidence"}
	// IssueColumns are import-issues.csv's columns: SPEC.md's, then
	// member_id last so they keep their places.
	IssueColumns = []string{"source_file", "sheet", "row", "column", "value", "problem", "member_id"}
	// SampleColumns are sample.csv's columns.
	SampleColumns = []string{"member_id", "name", "grade", "outcome", "reason"}
	// FinalSummaryColumns are final-summary.csv's columns. assessor_comment
	// is the internal comment; comment_to_member is the one printed in
	// letters.
	FinalSummaryColumns = []string{"member_id", "name", "prescreen_outcome", "decision", "final_outcome", "assessor_comment", "problem", "comment_to_member", "decisions_file"}
)

// PreviousOutcomeColumn is the column summary.csv gains, last, when the run
// was given last year's run (run --previous).
const PreviousOutcomeColumn = "previous_outcome"

// HeaderKey reduces a column header to the key it is matched on: its
// letters and digits, lower-cased and run together, so "Member ID",
// "member_id", "MemberID" and "MEMBER-ID " all give "memberid". The
// importer matches input headers on it, review the headers of the run's
// own files and of the assessors' workbooks.
func HeaderKey(h string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(h) {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			b.WriteRune(c)
		}
	}
	return b.String()
}
