package importer

import "errors"

// Problem kinds. Every Issue's Kind is one of these, so callers (and tests)
// tell problems apart with errors.Is instead of matching message text.
var (
	// ErrBadHours: an hours cell that is not a positive duration.
	ErrBadHours = errors.New("bad hours")
	// ErrBadDate: a date cell that is not a calendar date.
	ErrBadDate = errors.New("bad date")
	// ErrBadCategory: a category that is not one of the five.
	ErrBadCategory = errors.New("bad category")
	// ErrBadValue: another register value (grade, exempt months ...) that
	// cannot be read.
	ErrBadValue = errors.New("bad value")
	// ErrMissingValue: a required cell is empty.
	ErrMissingValue = errors.New("missing value")
	// ErrBadRow: a CSV record that cannot be split into cells (a stray
	// quote), or a row that is not an activity at all (a totals row).
	ErrBadRow = errors.New("bad row")
	// ErrDuplicate: an exact duplicate of an earlier row.
	ErrDuplicate = errors.New("duplicate")
	// ErrAmbiguousID: a member id that could name two members (the
	// register lists both 007 and 7, and a row says 0007), or a register
	// id that is another's written otherwise.
	ErrAmbiguousID = errors.New("ambiguous member id")
	// ErrNoTable: a file or sheet where no header row was recognised.
	ErrNoTable = errors.New("no table")
	// ErrAmbiguousHeader: a header that could name two fields ("Reflection
	// date"), so its column was not read.
	ErrAmbiguousHeader = errors.New("ambiguous header")
	// ErrFormula: a formula cell saved without its result, so there is no
	// value to read.
	ErrFormula = errors.New("formula not calculated")
	// ErrBadFile: a file that is damaged or is not a spreadsheet.
	ErrBadFile = errors.New("bad file")
	// ErrEncrypted: a password-protected workbook.
	ErrEncrypted = errors.New("encrypted")
	// ErrUnsupported: a file type cpdaudit does not read (.xls, .ods ...).
	ErrUnsupported = errors.New("unsupported file type")
	// ErrNotFound: a path on the command line that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrTooLarge: a file, sheet, cell or unzipped size over a limit.
	ErrTooLarge = errors.New("too large")
	// ErrEmpty: a file with no data rows.
	ErrEmpty = errors.New("empty")
)

// errCancelled is FileResult.Err of a file whose reading was stopped
// because Options.Done was closed.
var errCancelled = errors.New("the reading was stopped")

// stopped reports whether done is closed; a nil done never is.
func stopped(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// valueError is what the value parsers return: a plain-English message
// for Issue.Problem that still matches its kind with errors.Is.
type valueError struct {
	kind error
	msg  string
}

func (e *valueError) Error() string { return e.msg }
func (e *valueError) Unwrap() error { return e.kind }

func badValue(kind error, msg string) error { return &valueError{kind: kind, msg: msg} }
