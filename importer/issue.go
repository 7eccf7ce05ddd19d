package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Issue is one problem found while importing, with the position a person
// will find in their spreadsheet program. It is shaped like
// encoding/csv.ParseError, but Row is the row Excel or LibreOffice shows
// (a quoted multi-line CSV record is one row) and Column is the letter plus
// the header text, e.g. `D (Hours)`.
type Issue struct {
	File  string
	Sheet string // empty for CSV files
	Row   int    // 0 for an issue about the whole file or sheet
	Line  int    // CSV only: the physical line the record starts on
	// Column is the column letter and its header, e.g. "D (Hours)"; empty
	// when the issue is about a whole row, sheet or file.
	Column string
	Value  string
	// Problem says what is wrong, Action what to do about it; both are
	// plain English for office staff.
	Problem string
	Action  string
	// Kind is a sentinel error (ErrBadHours, ErrDuplicate ...) so callers
	// can tell problems apart with errors.Is.
	Kind error
	// MemberID is the member the rejected row names (its member number
	// cell, or the "Member number:" label above the table); empty when the
	// issue is not about one member's row.
	MemberID string

	// cell names the cell for the member's flag: "hours 'eight'".
	cell string
	// colIndex is the column, counted from 1; 0 when none.
	colIndex int
	// rowsLost: the rows after this one (or the rest of the file) were
	// not read.
	rowsLost bool
}

// Unread reports whether the issue means part of the input was not read
// at all: a file or sheet that could not be opened or read, or the rows
// after a limit. A member whose record was there would be missing from
// the run, which is why a member with no activities is then REVIEW, not
// NOT_MET. A rejected row is not unread: its issue names its member.
func (e Issue) Unread() bool {
	if e.rowsLost {
		return true
	}
	if e.Row > 0 {
		return false
	}
	for _, k := range []error{ErrBadFile, ErrEncrypted, ErrUnsupported, ErrTooLarge, ErrNoTable, ErrEmpty, ErrNotFound} {
		if errors.Is(e.Kind, k) {
			return true
		}
	}
	return false
}

// UnreadFiles counts the files of which some part was not read (see
// Issue.Unread).
func UnreadFiles(issues []Issue) int {
	files := map[string]bool{}
	for _, is := range issues {
		if is.Unread() {
			files[is.File] = true
		}
	}
	return len(files)
}

// UnreadFlag is the flag of a member with no activities found while n
// input files could not be read (in whole or in part).
func UnreadFlag(n int) string {
	files := "input files"
	if n == 1 {
		files = "input file"
	}
	return fmt.Sprintf("no activities found; %d %s could not be read: see Import issues", n, files)
}

// Error formats the issue as one line: where, what, and what to do.
func (e Issue) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, ", sheet %q", e.Sheet)
	}
	if e.Row > 0 {
		b.WriteString(", row " + strconv.Itoa(e.Row))
		if e.Line > 0 && e.Line != e.Row {
			b.WriteString(" (line " + strconv.Itoa(e.Line) + ")")
		}
	}
	if e.Column != "" {
		b.WriteString(", column " + e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	if e.Value != "" {
		fmt.Fprintf(&b, " (value %q)", e.Value)
	}
	if e.Action != "" {
		b.WriteString(". " + e.Action)
	}
	return b.String()
}

// Unwrap returns the issue's kind so errors.Is works on an Issue.
func (e Issue) Unwrap() error { return e.Kind }

// Accounting counts what happened to every data row read.
// Read == Accepted + Rejected + Blank always holds (see Check).
type Accounting struct {
	Read     int `json:"rows_read"`
	Accepted int `json:"rows_accepted"`
	Rejected int `json:"rows_rejected"`
	Blank    int `json:"rows_blank"`
}

// Add returns the sum of two accountings.
func (a Accounting) Add(b Accounting) Accounting {
	return Accounting{a.Read + b.Read, a.Accepted + b.Accepted, a.Rejected + b.Rejected, a.Blank + b.Blank}
}

// Check returns an error when a row was lost: read != accepted + rejected + blank.
func (a Accounting) Check() error {
	if a.Read != a.Accepted+a.Rejected+a.Blank {
		return fmt.Errorf("row accounting does not balance: %d read but %d accepted + %d rejected + %d blank", a.Read, a.Accepted, a.Rejected, a.Blank)
	}
	return nil
}

// String is the accounting line printed at the end of run and check.
func (a Accounting) String() string {
	return fmt.Sprintf("rows read %d = accepted %d + rejected %d + blank %d", a.Read, a.Accepted, a.Rejected, a.Blank)
}

// Notice is something the office should know about an input that is not a
// problem to fix: a column that is not used, a sheet that is not an
// activity table, a guess the importer made (a date order, an id format).
// Notices are listed by check, on the Run sheet and in run.json, apart from
// Issues; they never change check's exit status. Say each one once per
// file or sheet, not once per row.
type Notice struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"` // empty for CSV files and whole files
	// Column is the column letter and its header, e.g. "H (Internal ref)";
	// empty when the notice is about a whole sheet or file.
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// String formats the notice as one line: where, then what.
func (n Notice) String() string {
	var b strings.Builder
	b.WriteString(n.File)
	if n.Sheet != "" {
		fmt.Fprintf(&b, ", sheet %q", n.Sheet)
	}
	if n.Column != "" {
		b.WriteString(", column " + n.Column)
	}
	b.WriteString(": " + n.Message)
	return b.String()
}
