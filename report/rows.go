package report

import (
	"strconv"
	"strings"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
)

// Text is a string that came from the input files (a name, a title, a
// reflection, a cell value in an import issue). Spreadsheet programs run a
// cell that starts with =, +, -, @, tab or carriage return as a formula, so
// the CSV form of Text is defused with a leading single quote, as OWASP
// advises for CSV injection. The workbook writes Text as a string cell,
// which no spreadsheet evaluates, so it keeps the value unchanged.
type Text string

// MarshalCSV returns the text, prefixed with ' when a spreadsheet would
// otherwise read it as a formula (runfolder.Defuse).
func (t Text) MarshalCSV() (string, error) { return runfolder.Defuse(string(t)), nil }

// Hours is a number of hours. Its CSV form has a decimal dot and at most
// two decimals, so binary floating-point noise (1.5000000001) never shows.
type Hours float64

// MarshalCSV formats the hours as a plain decimal number.
// The workbook rounds its numbers with audit.RoundHours, so the two agree.
func (h Hours) MarshalCSV() (string, error) { return audit.FormatHours(float64(h)), nil }

// formatHours is audit.FormatHours, the one way hours are written, under
// the name the PDF code uses.
func formatHours(h float64) string { return audit.FormatHours(h) }

// Date is a calendar day; its CSV form is ISO 8601 (YYYY-MM-DD), empty for
// the zero time.
type Date time.Time

// MarshalCSV formats the date as YYYY-MM-DD.
func (d Date) MarshalCSV() (string, error) {
	t := time.Time(d)
	if t.IsZero() {
		return "", nil
	}
	return t.Format(time.DateOnly), nil
}

// RowNumber is a spreadsheet row number; 0 (an issue about a whole file or
// sheet) is written as an empty cell rather than a misleading row 0.
type RowNumber int

// MarshalCSV formats the row number, empty for 0.
func (n RowNumber) MarshalCSV() (string, error) {
	if n <= 0 {
		return "", nil
	}
	return strconv.Itoa(int(n)), nil
}

// SummaryRow is one member in summary.csv and on the Summary sheet. The csv
// tags are SPEC.md's column names, in SPEC.md's order.
type SummaryRow struct {
	MemberID              Text          `csv:"member_id"`
	Name                  Text          `csv:"name"`
	Grade                 Text          `csv:"grade"`
	CountedHours          Hours         `csv:"counted_hours"`
	RequiredHours         Hours         `csv:"required_hours"`
	SubstantiveCategories int           `csv:"substantive_categories"`
	RequiredCategories    int           `csv:"required_categories"`
	Standard1             audit.Verdict `csv:"standard1"`
	Standard2             audit.Verdict `csv:"standard2"`
	Standard3             audit.Verdict `csv:"standard3"`
	Standard4             audit.Verdict `csv:"standard4"`
	Outcome               audit.Verdict `csv:"outcome"`
	// Flags are the assessor flags joined with "; ". They may quote input
	// (an activity title), hence Text.
	Flags Text `csv:"flags"`
	// PreviousOutcome is the member's outcome in the previous run given
	// with --previous; empty when the member was not in it or when no
	// previous run was given. It is not one of SPEC.md's columns: summary.csv
	// carries it as previous_outcome only with --previous (see
	// WriteSummaryCSV).
	PreviousOutcome audit.Verdict `csv:"-"`
}

// ActivityRow is one activity in activities.csv and on the Activities
// sheet. The fields tagged csv:"-" appear only in the workbook, where an
// assessor reads them; the CSV keeps SPEC.md's stable columns.
type ActivityRow struct {
	MemberID        Text                  `csv:"member_id"`
	Source          Text                  `csv:"source"`
	Title           Text                  `csv:"title"`
	Category        audit.Category        `csv:"category"`
	Date            Date                  `csv:"date"`
	Hours           Hours                 `csv:"hours"`
	Counted         bool                  `csv:"counted"`
	Reflection      audit.ReflectionLevel `csv:"reflection"`
	Quality         bool                  `csv:"quality"`
	Users           bool                  `csv:"users"`
	QualityEvidence Text                  `csv:"quality_evidence"`
	UsersEvidence   Text                  `csv:"users_evidence"`

	NotCountedReason Text `csv:"-"`
	Advice           Text `csv:"-"`
	Flags            Text `csv:"-"`
}

// IssueRow is one import issue in import-issues.csv and on the Import
// issues sheet.
type IssueRow struct {
	SourceFile Text      `csv:"source_file"`
	Sheet      Text      `csv:"sheet"`
	Row        RowNumber `csv:"row"`
	Column     Text      `csv:"column"`
	Value      Text      `csv:"value"`
	// Problem is what is wrong followed by what to do about it, so a reader
	// of the CSV alone knows how to fix the file.
	Problem Text `csv:"problem"`
	// MemberID is the member the rejected row names, if any. It comes
	// last, so SPEC.md's columns keep their places.
	MemberID Text `csv:"member_id"`
}

// flagSeparator joins several flags in one cell.
const flagSeparator = "; "

// SummaryRows builds one SummaryRow per member result, in input order.
func SummaryRows(results []audit.MemberResult) []SummaryRow {
	rows := make([]SummaryRow, len(results))
	for i := range results {
		rows[i] = summaryRow(&results[i])
	}
	return rows
}

func summaryRow(r *audit.MemberResult) SummaryRow {
	return SummaryRow{
		MemberID:              Text(r.Member.ID),
		Name:                  Text(r.Member.Name),
		Grade:                 Text(r.Member.Grade),
		CountedHours:          Hours(r.CountedHours),
		RequiredHours:         Hours(r.RequiredHours),
		SubstantiveCategories: r.SubstantiveCategories,
		RequiredCategories:    r.RequiredCategories,
		Standard1:             r.Standards[0].Verdict,
		Standard2:             r.Standards[1].Verdict,
		Standard3:             r.Standards[2].Verdict,
		Standard4:             r.Standards[3].Verdict,
		Outcome:               r.Outcome,
		Flags:                 Text(strings.Join(r.Flags, flagSeparator)),
	}
}

// ActivityRows builds one ActivityRow per activity of every member, members
// in input order and each member's activities in their result order.
func ActivityRows(results []audit.MemberResult) []ActivityRow {
	n := 0
	for i := range results {
		n += len(results[i].Activities)
	}
	rows := make([]ActivityRow, 0, n)
	for i := range results {
		for j := range results[i].Activities {
			rows = append(rows, activityRow(results[i].Member.ID, &results[i].Activities[j]))
		}
	}
	return rows
}

func activityRow(memberID string, a *audit.ActivityResult) ActivityRow {
	f := a.Reflection
	return ActivityRow{
		MemberID:         Text(memberID),
		Source:           Text(a.Source.String()),
		Title:            Text(a.Title),
		Category:         a.Category,
		Date:             Date(a.Date),
		Hours:            Hours(a.Hours),
		Counted:          a.Counted,
		Reflection:       f.Level,
		Quality:          f.Quality,
		Users:            f.Users,
		QualityEvidence:  Text(f.QualityEvidence),
		UsersEvidence:    Text(f.UsersEvidence),
		NotCountedReason: Text(a.NotCountedReason),
		Advice:           Text(f.Advice),
		Flags:            Text(strings.Join(a.Flags, flagSeparator)),
	}
}

// IssueRows builds one IssueRow per import issue, in input order.
func IssueRows(issues []runfolder.Issue) []IssueRow {
	rows := make([]IssueRow, len(issues))
	for i, is := range issues {
		rows[i] = IssueRow{
			SourceFile: Text(is.File),
			Sheet:      Text(is.Sheet),
			Row:        RowNumber(is.Row),
			Column:     Text(is.Column),
			Value:      Text(is.Value),
			Problem:    Text(problemText(is)),
			MemberID:   Text(is.MemberID),
		}
	}
	return rows
}

// problemText joins the problem and the action into one sentence pair.
func problemText(is runfolder.Issue) string {
	p := strings.TrimSpace(is.Problem)
	a := strings.TrimSpace(is.Action)
	switch {
	case a == "":
		return p
	case p == "":
		return a
	case strings.HasSuffix(p, ".") || strings.HasSuffix(p, "!") || strings.HasSuffix(p, "?"):
		return p + " " + a
	default:
		return p + ". " + a
	}
}

// The CSV records of the table rows, field by field as gocsv lays out
// their csv-tagged fields (a MarshalCSV method, else the string, "true" or
// "false", or the decimal integer), without its reflection on every row.
// TestCSVRecordsAsGocsv holds them to gocsv's, and fails when a field is
// added to a row without being added here.

// summaryRecord is r's line of summary.csv; previous adds
// previous_outcome. rec is reused.
func summaryRecord(rec []string, r *SummaryRow, previous bool) []string {
	rec = append(rec[:0],
		r.MemberID.csv(), r.Name.csv(), r.Grade.csv(),
		audit.FormatHours(float64(r.CountedHours)), audit.FormatHours(float64(r.RequiredHours)),
		strconv.Itoa(r.SubstantiveCategories), strconv.Itoa(r.RequiredCategories),
		string(r.Standard1), string(r.Standard2), string(r.Standard3), string(r.Standard4),
		string(r.Outcome), r.Flags.csv(),
	)
	if previous {
		rec = append(rec, string(r.PreviousOutcome))
	}
	return rec
}

// activityRecord is r's line of activities.csv. rec is reused.
func activityRecord(rec []string, r *ActivityRow) []string {
	date, _ := r.Date.MarshalCSV()
	return append(rec[:0],
		r.MemberID.csv(), r.Source.csv(), r.Title.csv(), string(r.Category), date,
		audit.FormatHours(float64(r.Hours)), strconv.FormatBool(r.Counted), string(r.Reflection),
		strconv.FormatBool(r.Quality), strconv.FormatBool(r.Users),
		r.QualityEvidence.csv(), r.UsersEvidence.csv(),
	)
}

// csv is MarshalCSV without its error, which is always nil.
func (t Text) csv() string { return runfolder.Defuse(string(t)) }
