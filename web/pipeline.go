package web

import "context"

// Pipeline is what the page needs from the audit: the same four steps as
// the commands check, run, sample and finalize, with structured results.
// cmd/cpdaudit implements it with the code the commands run, so the page
// never has a second implementation of any step; the tests use a fake.
type Pipeline interface {
	// Check reads the inputs and lists every import issue, reporting its
	// progress; it writes nothing.
	Check(ctx context.Context, in Inputs, p Progress) (*CheckResult, error)
	// Run audits every member into the run folder out, reporting its
	// progress. A cancelled run leaves out as it was.
	Run(ctx context.Context, in Inputs, out string, p Progress) (*RunResult, error)
	// Sample draws the members for human review in the run folder dir
	// and records the sample there.
	Sample(ctx context.Context, dir string, o SampleRequest, p Progress) (*SampleResult, error)
	// Finalize applies the assessors' decisions files to the run folder
	// dir and writes the final letters, reporting its progress. A
	// cancelled Finalize leaves the run folder as it was.
	Finalize(ctx context.Context, dir string, decisions []string, p Progress) (*FinalizeResult, error)
}

// Progress receives a run's progress: the stage's name, and how many of
// its total items are done (total 0 when the stage is not counted).
type Progress interface {
	Progress(stage string, done, total int)
}

// Inputs are the files of one audit, as stored under the data folder.
type Inputs struct {
	Year     int
	Files    []string // the exports and members' own workbooks
	Register string   // "" for none
	Policy   string   // "" for the default rules
	Previous string   // last year's run folder, "" for none
	// Force lets a run replace one whose folder holds a sample or final
	// results (they move into its superseded/ folder).
	Force bool
}

// Issue is one import issue: where it is, what is wrong, what to do.
type Issue struct {
	File     string `json:"file"`
	Sheet    string `json:"sheet"`
	Row      int    `json:"row"`
	Column   string `json:"column"`
	Value    string `json:"value"`
	Problem  string `json:"problem"`
	Action   string `json:"action"`
	MemberID string `json:"member_id"`
}

// CheckResult is what check found.
type CheckResult struct {
	Issues   []Issue  `json:"issues"`
	Notices  []string `json:"notices"`
	Warnings []string `json:"warnings"`
	Members  int      `json:"members"`
	Files    int      `json:"files"`
	// Rows is the row accounting in words ("89 rows read: 87 accepted, ...").
	Rows string `json:"rows"`
	// Error is set when the inputs could not be checked at all (no
	// readable input, a register that cannot be used ...).
	Error string `json:"error,omitempty"`
}

// RunResult is what a completed run reports beyond its files.
type RunResult struct {
	Warnings []string `json:"warnings"`
	// Unread is true when some input could not be read (the command's
	// exit status 3).
	Unread bool `json:"unread"`
	// Superseded is the folder an earlier sample and final results moved
	// to, relative to the run folder; "" when none.
	Superseded string `json:"superseded,omitempty"`
}

// SampleRequest are the options of sample.
type SampleRequest struct {
	Rate     string   `json:"rate"`
	Seed     string   `json:"seed"`
	Min      int      `json:"min"`
	Stratify bool     `json:"stratify"`
	Exclude  []string `json:"exclude"` // earlier run folders
}

// SampleResult is the sample drawn; the members are in sample.csv.
type SampleResult struct {
	Seed    string   `json:"seed"`
	Rate    string   `json:"rate"`
	Summary []string `json:"summary"` // the lines the command prints
}

// FinalizeResult is what finalize did.
type FinalizeResult struct {
	Letters  int            `json:"letters"`
	Outcomes map[string]int `json:"final_outcomes"`
	// Agreement is over the members the pre-screen called MET or NOT_MET.
	Agreed         int       `json:"agreed"`
	Decided        int       `json:"decided"`
	Kappa          float64   `json:"kappa"`
	KappaDefined   bool      `json:"kappa_defined"`
	ReviewToMet    int       `json:"review_to_met"`
	ReviewToNotMet int       `json:"review_to_not_met"`
	Problems       []Problem `json:"problems"`
	Summary        []string  `json:"summary"`
}

// Problem is a decision that could not be applied.
type Problem struct {
	File     string `json:"file"`
	MemberID string `json:"member_id"`
	Problem  string `json:"problem"`
}
