package runfolder

import (
	"encoding/json"
	"io"
)

// Record is run.json: what was run, when, on what, and with which rules.
// Its json tags are run.json's schema (SPEC.md's keys first); report
// writes it, review and run --previous read it back.
type Record struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	CPDYear int    `json:"cpd_year"`
	// StartedAt and FinishedAt are RFC 3339 times in UTC; null when the
	// run did not give them.
	StartedAt  *string `json:"started_at"`
	FinishedAt *string `json:"finished_at"`
	// RunID is the SHA-256 of summary.csv: the pre-screen the assessors
	// are given. finalize refuses decisions made on another run.
	RunID string `json:"run_id"`
	// Policy is the policy the run applied, keyed as the policy file is
	// (report.PolicyFromRunJSON reads it back).
	Policy     json.RawMessage `json:"policy"`
	Inputs     []FileInfo      `json:"inputs"`
	Register   *FileInfo       `json:"register"`
	Rows       Accounting      `json:"rows"`
	Members    int             `json:"members"`
	Outcomes   map[string]int  `json:"outcomes"`
	IssueCount int             `json:"import_issues"`
	// Notices and Warnings come after SPEC.md's keys; both are always
	// lists, empty when there are none.
	Notices  []Notice `json:"notices"`
	Warnings []string `json:"warnings"`
}

// WriteJSON writes the record as run.json, indented.
func (r Record) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
