package runfolder

// The sheets of summary.xlsx, in tab order.
const (
	SheetSummary    = "Summary"
	SheetActivities = "Activities"
	SheetIssues     = "Import issues"
	SheetCompliance = "Compliance"
	SheetRun        = "Run"
)

// RunIDLabel labels the run ID on the Run sheet: the SHA-256 of the run's
// summary.csv. finalize reads it back from the assessors' copies.
const RunIDLabel = "Run ID (SHA-256 of summary.csv)"

// Headers of the Summary sheet's columns that sample and finalize find by
// their text (HeaderKey), wherever an assessor moved them.
const (
	HeaderMemberID = "Member ID"
	HeaderName     = "Name"
	HeaderOutcome  = "Outcome"
	// HeaderLastYear follows Outcome when the run was given --previous.
	HeaderLastYear = "Last year's outcome"
	// Sampled and Sample reason are filled by "cpdaudit sample".
	HeaderSampled      = "Sampled"
	HeaderSampleReason = "Sample reason"
	HeaderDecision     = "Assessor decision"
	// Of the two comments, only the one to the member is ever printed in a
	// letter.
	HeaderCommentToMember = "Comment to member (printed in the letter)"
	HeaderAssessorComment = "Assessor comment (internal, never printed)"
)
