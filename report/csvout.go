package report

import (
	"encoding/csv"
	"io"

	"github.com/gocarina/gocsv"
)

// writeCSV lays rows out with gocsv. A fresh SafeCSVWriter is built per
// call rather than through gocsv's package-level SetCSVWriter, so
// concurrent writers and tests never share configuration.
func writeCSV(w io.Writer, rows any) error {
	return gocsv.MarshalCSV(rows, newCSVWriter(w))
}

func newCSVWriter(w io.Writer) *gocsv.SafeCSVWriter {
	return gocsv.NewSafeCSVWriter(csv.NewWriter(w))
}

// WriteSummaryCSV writes summary.csv: one row per member with SPEC.md's
// columns, and previous_outcome last when in.Previous is set.
//
// previous_outcome is added only when a previous run was given, rather
// than always (empty): SPEC.md fixes summary.csv's columns, and a run
// without --previous then stays exactly what it was, byte for byte, for the
// systems that check the header. With --previous the new column comes last,
// so readers of SPEC's columns, by name or by position, are not disturbed.
// The two-years-running flag goes into the flags column either way.
//
// It is the TableWriter fed in.Results, so it writes exactly what a
// streamed run writes.
func WriteSummaryCSV(w io.Writer, in Input) error {
	return writeTables(in, nil, w, nil)
}

// WriteActivitiesCSV writes activities.csv: one row per activity with
// SPEC.md's columns. Like WriteSummaryCSV it goes through the TableWriter.
func WriteActivitiesCSV(w io.Writer, in Input) error {
	return writeTables(in, nil, nil, w)
}

// WriteIssuesCSV writes import-issues.csv: one row per import issue with
// SPEC.md's columns.
func WriteIssuesCSV(w io.Writer, in Input) error {
	return writeCSV(w, IssueRows(in.Issues))
}
