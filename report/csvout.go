package report

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"reflect"
	"time"

	"github.com/gocarina/gocsv"
	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
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

// NewRunRecord builds the run record (run.json) from the run's input. Its
// times are Input.Started and Input.Finished, which the pipeline takes from
// the run's document date rather than the wall clock, so two runs over the
// same input give the same file.
func NewRunRecord(in Input) runfolder.Record {
	outcomes := newOutcomeCounts()
	for i := range in.Results {
		outcomes[string(in.Results[i].Outcome)]++
	}
	rec := newRunRecord(in, len(in.Results), outcomes)
	h := sha256.New()
	if err := WriteSummaryCSV(h, in); err == nil {
		rec.RunID = hex.EncodeToString(h.Sum(nil))
	}
	return rec
}

// newOutcomeCounts returns outcome counts with every verdict at 0, so
// run.json always names all four.
func newOutcomeCounts() map[string]int {
	outcomes := map[string]int{}
	for _, v := range []audit.Verdict{audit.Met, audit.Review, audit.NotMet, audit.Exempt} {
		outcomes[string(v)] = 0
	}
	return outcomes
}

// newRunRecord builds the run record from the run's input and the member
// and outcome counts, which a streamed run tallies rather than takes from
// in.Results.
func newRunRecord(in Input, members int, outcomes map[string]int) runfolder.Record {
	inputs := in.Files
	if inputs == nil {
		inputs = []runfolder.FileInfo{}
	}
	notices, warnings := in.Notices, in.Warnings
	if notices == nil {
		notices = []runfolder.Notice{}
	}
	if warnings == nil {
		warnings = []string{}
	}
	// A policy that does not marshal cannot happen (it is numbers, strings
	// and lists); were it to, run.json says null rather than fail the run.
	policy, _ := json.Marshal(tomlObject(reflect.ValueOf(in.Policy)))
	return runfolder.Record{
		Notices:    notices,
		Warnings:   warnings,
		Tool:       "cpdaudit",
		Version:    in.Version,
		CPDYear:    in.Year,
		StartedAt:  rfc3339(in.Started),
		FinishedAt: rfc3339(in.Finished),
		Policy:     policy,
		Inputs:     inputs,
		Register:   in.Register,
		Rows:       in.Accounting,
		Members:    members,
		Outcomes:   outcomes,
		IssueCount: len(in.Issues),
	}
}

// rfc3339 is t as run.json writes it, nil for the zero time.
func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// runTime is a run.json time as the Run sheet shows it: date and minute,
// in UTC. A value that does not parse is shown as it is.
func runTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// WriteRunJSON writes run.json: tool version, CPD year, the policy values
// under the names the policy file uses, input files with their SHA-256 and
// the row accounting.
func WriteRunJSON(w io.Writer, in Input) error {
	return NewRunRecord(in).WriteJSON(w)
}
