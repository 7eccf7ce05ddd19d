package report

import (
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
}
