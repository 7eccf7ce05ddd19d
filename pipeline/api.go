// Package pipeline is the audit as a program calls it: Check, Run, Sample
// and Finalize take an options struct and return a structured result, the
// same for the command line (cmd/cpdaudit) and the web page (web/). They
// never print: progress and warnings go to a Progress, the time each stage
// took to a Recorder, and the result says which exit status applies.
//
// Run is five named stages (stages.go): import, merge, index, audit and
// write, each taking and returning typed values.
package pipeline

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ies/cpdaudit/importer"
	"github.com/ies/cpdaudit/runfolder"
)

// Options are the inputs of Check and Run (the flags of "cpdaudit run" and
// "cpdaudit check").
type Options struct {
	// Inputs are the CSV and Excel files, or folders holding them.
	Inputs []string
	// Year is the CPD year; 0 takes it from the data when every activity
	// falls in one year.
	Year int
	// Register is the member register file; "" for none.
	Register string
	// Policy is a policy file (TOML) replacing the default rules; "" for
	// the default.
	Policy string
	// Workers is how many files and members are processed at once; 0 is
	// one per processor.
	Workers int

	// The rest is for Run only.

	// Out is the output folder.
	Out string
	// Previous is last year's run folder, compared with this one; "" for
	// none.
	Previous string
	// Force lets a run replace one whose folder holds a sample or final
	// results; they are moved into the folder's superseded/ first.
	Force bool
	// SharedOutput makes the output readable by other users of the
	// computer (default: owner only, as it holds personal data).
	SharedOutput bool
	// Version is the program's version, printed in the PDFs and run.json.
	Version string

	// Progress receives progress and warnings as they happen; nil for none.
	Progress Progress
	// Timing, when not nil, records how long each stage took.
	Timing *Recorder
}

func (o *Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Status is the class of a finished step's outcome: which exit status the
// command line gives it.
type Status int

const (
	// OK: the step completed and found nothing to fix (exit status 0).
	OK Status = iota
	// Incomplete: the step completed, but something needs the office:
	// check found import issues, a run could not read some input (members
	// with no activities are REVIEW, not NOT_MET), finalize could not
	// apply some decisions (exit status 3).
	Incomplete
	// NothingRead: no activity could be read, so nothing was audited and
	// nothing written. Run returns a result with the issues that say why
	// and an error wrapping ErrNothingRead (exit status 1).
	NothingRead
)

// MarshalText names the status ("ok", "incomplete", "nothing-read") for
// JSON.
func (s Status) MarshalText() ([]byte, error) {
	return textOf([]string{"ok", "incomplete", "nothing-read"}, int(s), "status")
}

// textOf is names[i], the name of a value of an enumeration.
func textOf(names []string, i int, what string) ([]byte, error) {
	if i < 0 || i >= len(names) {
		return nil, fmt.Errorf("unknown %s %d", what, i)
	}
	return []byte(names[i]), nil
}

// UsageError is wrong usage: an option or argument that cannot work, such
// as an output folder that would replace an input. The command line exits
// with status 2; the message names the option to change.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

func usagef(format string, a ...any) error { return UsageError{fmt.Sprintf(format, a...)} }

// ErrNothingRead is wrapped by Run's error when no activity could be read.
var ErrNothingRead = errors.New("no CPD activity could be read")

// CheckResult is what Check found.
type CheckResult struct {
	Status Status
	// Year is the CPD year, given or taken from the data.
	Year int
	// Issues are the import problems to fix, in input order.
	Issues []importer.Issue
	// Notices need no action (an earlier run's output left out, ...).
	Notices []importer.Notice
	// Warnings are about the inputs as a whole ("412 of 415 activities
	// are dated 2024; is --year 2025 right?").
	Warnings   []string
	Members    int
	Files      []importer.FileInfo
	Accounting importer.Accounting
}

// RunResult is what Run wrote.
type RunResult struct {
	Status Status
	// Out is the output folder.
	Out string
	// Record is run.json's content: the counts, the inputs, the outcomes.
	Record runfolder.Record
	// Issues and Notices are those of the import, as in import-issues.csv
	// and run.json.
	Issues  []importer.Issue
	Notices []importer.Notice
	// Warnings are the run's warnings, as recorded in run.json; all but
	// Unread were also reported to Progress as they arose.
	Warnings []string
	// Unread, when some input could not be read (Status Incomplete), says
	// which and what it means for the members.
	Unread string
	// Superseded is the folder the earlier sample and final results were
	// moved to (Options.Force), and Later what was moved; "" and nil when
	// nothing was.
	Superseded string
	Later      []string
}

// Progress receives what a step is doing. Report is called from several
// goroutines at once: an implementation must be safe for concurrent use,
// and quick (a worker waits for it).
type Progress interface {
	Report(Event)
}

// ProgressFunc makes a function a Progress.
type ProgressFunc func(Event)

// Report calls f.
func (f ProgressFunc) Report(e Event) { f(e) }

// Kind is what an Event reports.
type Kind int

const (
	// Started: a stage begins; Total is how many units it will do (0 when
	// not counted) and Message, when not "", says what it does ("Reading
	// 4 files").
	Started Kind = iota
	// Step: one more unit of the stage is done, Done of Total; Message,
	// when not "", says which ("read a.csv: 12 rows, 1 issue").
	Step
	// Warning: Message is a warning to show now.
	Warning
)

// MarshalText names the kind ("started", "step", "warning"), so an Event
// encodes as JSON a page can read.
func (k Kind) MarshalText() ([]byte, error) {
	return textOf([]string{"started", "step", "warning"}, int(k), "event kind")
}

// RunStages are the stages of Run, in order, for a page that shows them
// all.
func RunStages() []string {
	return []string{StageImport, StageMerge, StageIndex, StageAudit, StageWrite}
}

// Stage names, in the order a run goes through them.
const (
	StageImport  = "import"  // files read: Done and Total count files
	StageMerge   = "merge"   // rows merged by member, with the register
	StageIndex   = "index"   // reflections indexed across members
	StageAudit   = "audit"   // members audited and their PDFs written: members
	StageWrite   = "write"   // tables finished, results swapped into place
	StageSample  = "sample"  // sample drawn and recorded
	StageLetters = "letters" // final letters written: Done and Total count letters
)

// Event is one report of progress.
type Event struct {
	Kind    Kind   `json:"kind"`
	Stage   string `json:"stage,omitempty"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Message string `json:"message,omitempty"`
}

// reporter sends events to a Progress, if any.
type reporter struct{ p Progress }

func (r reporter) started(stage string, total int, msg string) {
	if r.p != nil {
		r.p.Report(Event{Kind: Started, Stage: stage, Total: total, Message: msg})
	}
}

func (r reporter) step(stage string, done, total int, msg string) {
	if r.p != nil {
		r.p.Report(Event{Kind: Step, Stage: stage, Done: done, Total: total, Message: msg})
	}
}

func (r reporter) warn(msg string) {
	if r.p != nil {
		r.p.Report(Event{Kind: Warning, Message: msg})
	}
}

// Recorder records how long each stage took, in wall time, and how much
// worker time each part of auditing a member took, summed over the
// workers (the parts run interleaved on several workers, so no single
// stretch of wall time belongs to one of them). A nil *Recorder records
// nothing. It is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	stages map[string]time.Duration
	work   map[string]*atomic.Int64
}

// Parts of auditing a member, summed over the workers.
const (
	WorkAudit = "audit" // evaluating the rules, encoding the result
	WorkPDF   = "pdf"   // writing the feedback PDF
	WorkRows  = "rows"  // adding the member's rows to the tables
)

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	r := &Recorder{stages: map[string]time.Duration{}, work: map[string]*atomic.Int64{}}
	for _, p := range []string{WorkAudit, WorkPDF, WorkRows} {
		r.work[p] = new(atomic.Int64)
	}
	return r
}

// start begins timing a stage; calling the function it returns ends it.
func (r *Recorder) start(stage string) func() {
	if r == nil {
		return func() {}
	}
	t0 := time.Now()
	return func() {
		r.mu.Lock()
		r.stages[stage] += time.Since(t0)
		r.mu.Unlock()
	}
}

// since adds the time since t0 to a part of auditing a member.
func (r *Recorder) since(part string, t0 time.Time) {
	if r != nil {
		r.work[part].Add(int64(time.Since(t0)))
	}
}

// Stage is the wall time of a stage (StageImport, ...); 0 when it did not
// run.
func (r *Recorder) Stage(name string) time.Duration {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stages[name]
}

// Work is the worker time of a part of auditing a member (WorkAudit,
// WorkPDF, WorkRows), summed over the workers.
func (r *Recorder) Work(part string) time.Duration {
	if r == nil || r.work[part] == nil {
		return 0
	}
	return time.Duration(r.work[part].Load())
}
