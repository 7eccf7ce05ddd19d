package report

import (
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/importer"
)

// Input is everything the office outputs are made from. Results are sorted
// by member id; the writers keep that order.
type Input struct {
	Version    string
	Year       int
	Policy     audit.Policy
	Results    []audit.MemberResult
	Issues     []importer.Issue
	Accounting importer.Accounting
	Files      []importer.FileInfo
	// Register is the member register file, when one was given.
	Register *importer.FileInfo
	// Created, when set, is written as the workbook's creation and
	// modification date (pass the same SOURCE_DATE_EPOCH-derived time as
	// PDFOptions.Created). Zero keeps excelize's fixed default date; the
	// wall clock is never used, so output stays byte-identical.
	Created time.Time
	// Previous is last year's run, when one was given (run --previous):
	// the Summary sheet then shows each member's outcome last year and
	// flags NOT_MET two years running, and the Compliance sheet puts both
	// years' rates side by side. Nil leaves every output as without it.
	Previous *PreviousRun
}
