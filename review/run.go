package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/memberid"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/runfolder"
)

// Member is one row of a run's summary.csv: what an assessor may not change.
type Member struct {
	ID    string
	Name  string
	Grade audit.Grade
	// Standards holds the pre-screen verdicts; Standards[i] is standard i+1.
	Standards [4]audit.Verdict
	Outcome   audit.Verdict
}

// Run is what the review steps need from a run folder.
type Run struct {
	Dir  string
	Year int
	// ID is the run ID: the SHA-256 of summary.csv, as the workbook's Run
	// sheet records it.
	ID string
	// Policy is the policy the run applied (from run.json), letterhead
	// included.
	Policy  audit.Policy
	Members []Member // in summary.csv order (sorted by member id)
	byID    memberid.Index[int]
}

// Lookup returns the member with the given id, compared the one way ids
// are compared everywhere (memberid): a decision row that lost the leading
// zeros of 000007 still finds member 000007. An id that could be either of
// two members of the run (007 and 7) finds neither.
func (r *Run) Lookup(id string) (Member, bool) {
	f := r.byID.Find(id)
	if f.Match != memberid.Exact && f.Match != memberid.Same {
		return Member{}, false
	}
	return r.Members[f.Value], true
}

// summaryColumns are the summary.csv columns the review reads (of
// runfolder.SummaryColumns).
var summaryColumns = []string{"member_id", "name", "grade", "standard1", "standard2", "standard3", "standard4", "outcome"}

// ReadRun reads summary.csv and run.json from a run folder.
func ReadRun(dir string) (*Run, error) {
	run := &Run{Dir: dir}
	rec, err := readRunJSON(filepath.Join(dir, runfolder.RunJSON))
	if err != nil {
		return nil, err
	}
	run.Year = rec.CPDYear
	if run.Policy, err = report.PolicyFromRunJSON(rec.Policy); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, runfolder.RunJSON), err)
	}
	path := filepath.Join(dir, runfolder.SummaryCSV)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w; RUN_DIR must be a folder written by \"cpdaudit run\"", path, err)
	}
	sum := sha256.Sum256(b)
	run.ID = hex.EncodeToString(sum[:])
	members, err := parseSummary(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, m := range members {
		if _, exact := run.byID.Add(m.ID, i); exact {
			return nil, fmt.Errorf("%s: member id %s appears twice; re-run the audit", path, m.ID)
		}
	}
	run.Members = members
	return run, nil
}

// parseSummary reads summary.csv rows, undoing the quote the report adds
// in front of text a spreadsheet would take for a formula.
func parseSummary(r io.Reader) ([]Member, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("no header row: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, c := range summaryColumns {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("column %s is missing; this is not a summary.csv written by \"cpdaudit run\"", c)
		}
	}
	var out []Member
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		get := func(name string) string { return runfolder.Undefuse(rec[col[name]]) }
		m := Member{ID: get("member_id"), Name: get("name"), Grade: audit.Grade(get("grade")), Outcome: audit.Verdict(get("outcome"))}
		for i := range m.Standards {
			m.Standards[i] = audit.Verdict(get(fmt.Sprintf("standard%d", i+1)))
		}
		out = append(out, m)
	}
}

// readRunJSON reads a run's run.json; the review uses its CPD year and
// policy.
func readRunJSON(path string) (runfolder.Record, error) {
	var rec runfolder.Record
	b, err := os.ReadFile(path)
	if err != nil {
		return rec, fmt.Errorf("cannot read %s: %w; RUN_DIR must be a folder written by a complete \"cpdaudit run\"", path, err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("%s is not a valid run record: %w", path, err)
	}
	return rec, nil
}

// finalColumns are the final-summary.csv columns the review reads (of
// runfolder.FinalSummaryColumns).
var finalColumns = []string{"member_id", "prescreen_outcome", "final_outcome", "problem"}

// FinalOutcomes is what a finalised run's final-summary.csv says.
type FinalOutcomes struct {
	// Path is the final-summary.csv read; empty when the run was not
	// finalised.
	Path string
	// Final maps a member id to their final outcome, for the members whose
	// decision was applied or who kept their pre-screen outcome with no
	// decision. A member with a problem, still at REVIEW, or whose
	// pre-screen in final-summary.csv is not the run's (a stale file) is
	// left out: their pre-screen is all that is known.
	Final map[string]audit.Verdict
	// Stale counts the members left out because final-summary.csv's
	// pre-screen outcome differs from summary.csv's.
	Stale int
}

// ReadFinalOutcomes reads the final outcomes of the run in run.Dir, when
// it was finalised (final-summary.csv is there); a run never finalised
// gives empty FinalOutcomes and no error.
func ReadFinalOutcomes(run *Run) (FinalOutcomes, error) {
	fo := FinalOutcomes{Final: map[string]audit.Verdict{}}
	path := filepath.Join(run.Dir, runfolder.FinalSummaryCSV)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return fo, nil
	}
	if err != nil {
		return fo, fmt.Errorf("cannot read %s: %w", path, err)
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return fo, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return fo, fmt.Errorf("%s is empty; run \"cpdaudit finalize\" again or remove it", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range finalColumns {
		if _, ok := col[c]; !ok {
			return fo, fmt.Errorf("%s has no %s column; it is not a final-summary.csv written by \"cpdaudit finalize\"", path, c)
		}
	}
	fo.Path = path
	for _, rec := range recs[1:] {
		get := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(runfolder.Undefuse(rec[i]))
			}
			return ""
		}
		m, ok := run.Lookup(get("member_id"))
		if !ok {
			continue
		}
		final := audit.Verdict(get("final_outcome"))
		switch {
		case get("problem") != "" || final == "" || final == audit.Review:
		case audit.Verdict(get("prescreen_outcome")) != m.Outcome:
			fo.Stale++
		default:
			fo.Final[m.ID] = final
		}
	}
	return fo, nil
}
