package runfolder

import (
	"fmt"
	"strings"
)

// FileHash names a file and its SHA-256, so a record says exactly which
// file was used.
type FileHash struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// FileInfo is an input file as run.json records it.
type FileInfo struct {
	FileHash
	Size int64 `json:"size"`
}

// MemberList is a CSV file listing members (a summary.csv, an earlier
// sample.csv) as sample.json records it: which file, and how many members
// it holds.
type MemberList struct {
	FileHash
	Members int `json:"members"`
}

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

// Issue is an import issue as import-issues.csv and the Import issues sheet
// record it: where in the input, what is wrong and what to do. The importer
// finds them (importer.Issue, which also tells problems apart).
type Issue struct {
	File  string
	Sheet string // empty for CSV files
	Row   int    // the row a spreadsheet program shows; 0 for a whole file or sheet
	// Column is the column letter and its header, e.g. "D (Hours)"; empty
	// when the issue is about a whole row, sheet or file.
	Column string
	Value  string
	// Problem says what is wrong, Action what to do about it; both are
	// plain English for office staff.
	Problem string
	Action  string
	// MemberID is the member the rejected row names; empty when the issue
	// is not about one member's row.
	MemberID string
}
