package importer

import (
	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
)

// FileInfo identifies one input file for the run record; the run folder
// defines it, as run.json records it.
type FileInfo = runfolder.FileInfo

// FileResult is everything read from one input file.
type FileResult struct {
	File FileInfo
	// Activities are the accepted activities in file order, unless
	// Options.Store was set: then they are in the store and Rows, in the
	// same order, says where.
	Activities []audit.Activity
	Rows       []Row
	Issues     []Issue
	// Notices are what the office should know but need not fix (see Notice).
	Notices    []Notice
	Accounting Accounting
	// Err is set when the accepted activities could not be kept (the
	// Store could not write its file): not a problem of the input, but
	// the run cannot go on.
	Err error
	// idColumns names the member id column of each table read, by sheet
	// ("" for a CSV file), for the issues Merge raises on a row.
	idColumns map[string]string
}

// Row is what merging needs of one accepted activity kept in a Store.
type Row struct {
	Ref      Ref
	MemberID string
	Name     string // the member's name as the row gives it
	Year     int    // the year of the activity's date
	key      uint64 // dupHash of the activity (its member is not in it)
	// refl is the hash of the activity's reflection, when the Store
	// hashes them (HashReflections) and reflOK says there is one.
	refl   uint64
	reflOK bool
}
