package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ies/cpdaudit/runfolder"
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

// Record is the issue as the run folder records it (import-issues.csv,
// the Import issues sheet).
func (e Issue) Record() runfolder.Issue {
	return runfolder.Issue{File: e.File, Sheet: e.Sheet, Row: e.Row, Column: e.Column, Value: e.Value,
		Problem: e.Problem, Action: e.Action, MemberID: e.MemberID}
}

// Records returns the run folder's record of each issue, in order.
func Records(issues []Issue) []runfolder.Issue {
	out := make([]runfolder.Issue, len(issues))
	for i, e := range issues {
		out[i] = e.Record()
	}
	return out
}

// Accounting counts what happened to every data row read; the run folder
// defines it, as run.json records it.
type Accounting = runfolder.Accounting

// Notice is something the office should know about an input that is not a
// problem to fix (see runfolder.Notice). Say each one once per file or
// sheet, not once per row.
type Notice = runfolder.Notice
