package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"reflect"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
)

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
