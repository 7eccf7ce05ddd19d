package report

import (
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
)

// Input is everything the office outputs are made from. Results are sorted
// by member id; the writers keep that order.
type Input struct {
	Version string
	Year    int
	Policy  audit.Policy
	Results []audit.MemberResult
	Issues  []runfolder.Issue
	// Notices are what the office should know about the inputs but need
	// not fix (an unused column, a skipped sheet): on the Run sheet and in
	// run.json, apart from the issues.
	Notices []runfolder.Notice
	// Warnings are the run's warnings about its own settings or inputs
	// (a --year most activities are not dated in, files that could not be
	// read), as printed at the top of the run.
	Warnings   []string
	Accounting runfolder.Accounting
	Files      []runfolder.FileInfo
	// Register is the member register file, when one was given.
	Register *runfolder.FileInfo
	// Created is written as the workbook's creation and modification
	// date. The pipeline always sets it, to the PDFs' date
	// (PDFOptions.Created: SOURCE_DATE_EPOCH, else the last day of the CPD
	// year); zero, as some tests leave it, keeps excelize's fixed default.
	// The wall clock is never used, so output stays byte-identical.
	Created time.Time
	// Started and Finished are the run's times for run.json and the Run
	// sheet; zero leaves them out. The pipeline passes the same date as
	// Created, never the wall clock, so output stays byte-identical.
	Started, Finished time.Time
	// Previous is last year's run, when one was given (run --previous):
	// the Summary sheet then shows each member's outcome last year and
	// flags NOT_MET two years running, and the Compliance sheet puts both
	// years' rates side by side. Nil leaves every output as without it.
	Previous *PreviousRun
	// TempDir is where the workbook's temporary files go ("" is the
	// system's temporary folder).
	TempDir string
}
