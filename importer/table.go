package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// cell is one cell as read from a CSV record or an Excel row.
type cell struct {
	Text string // what a person sees: Excel's formatted value
	Raw  string // the stored value (an Excel date is its serial); Text for CSV
	// Time: an Excel number cell shown as a time or duration (h:mm), so
	// its raw value is a fraction of a day.
	Time bool
}

func (c cell) blank() bool {
	return strings.TrimSpace(c.Text) == "" && strings.TrimSpace(c.Raw) == ""
}

// srcRow is one row of a CSV file or sheet, numbered as a spreadsheet
// program shows it.
type srcRow struct {
	row   int
	line  int // CSV: physical line the record starts on; 0 for Excel
	cells []cell
	// err: the row could not be split into cells (a CSV quoting error, an
	// unreadable Excel cell). The row is then rejected with this message.
	err error
}

func (r srcRow) blank() bool {
	if r.err != nil {
		return false
	}
	for _, c := range r.cells {
		if !c.blank() {
			return false
		}
	}
	return true
}

// rowSource yields rows in order; false at the end. Rows may skip numbers:
// the skipped rows are blank.
type rowSource func() (srcRow, bool)

// place is where in a file a table is: for Issues and Sources.
type place struct {
	file, sheet string
	opts        Options
	date1904    bool // the workbook uses Excel's 1904 date system
}

// rowFunc turns one non-blank data row into a value, or returns the issues
// that reject it. It reports whether the row was accepted.
type rowFunc func(h *header, lb *labels, r srcRow) (accepted bool, issues []Issue)

// tableStatus says what a sheet (or CSV file) turned out to hold.
type tableStatus int

const (
	sheetEmpty   tableStatus = iota // no cell at all
	tableNone                       // cells, but not one recognised header
	tablePartial                    // some headers, but a required one missing
	tableFound
)

// tableScan reads one sheet: finds the header row among the top rows,
// reads the labels above it, then streams the data rows through convert,
// keeping the accounting. Blank rows count only when a non-blank row
// follows them, so trailing empty (but formatted) rows are not "read".
type tableScan struct {
	at      place
	sc      *schema
	convert rowFunc

	status   tableStatus
	header   header
	labels   labels
	problem  *Issue // for tablePartial / tableNone
	issues   []Issue
	acc      Accounting
	dataRows int // non-blank data rows read
}

func (t *tableScan) run(next rowSource) {
	// Buffer the top rows: the header can be anywhere in them.
	var buf []srcRow
	anyCell := false
	for {
		r, ok := next()
		if !ok {
			break
		}
		if !r.blank() {
			anyCell = true
		}
		buf = append(buf, r)
		if r.row >= t.at.opts.HeaderScanRows {
			break
		}
	}
	if !anyCell {
		t.status = sheetEmpty
		return
	}
	if !t.findHeader(buf) {
		return
	}
	t.status = tableFound
	prev, pending := t.header.row, 0
	process := func(r srcRow) bool {
		if r.row <= t.header.row {
			return true
		}
		if r.row-t.header.row > t.at.opts.MaxRowsPerSheet {
			if r.blank() {
				return true
			}
			t.issues = append(t.issues, Issue{
				File: t.at.file, Sheet: t.at.sheet, Row: r.row, Line: r.line, Kind: ErrTooLarge,
				Problem: fmt.Sprintf("there are more than %d rows below the header; this row and the rows after it were not read", t.at.opts.MaxRowsPerSheet),
				Action:  "Split the data into several files, or ask for a higher row limit",
			})
			return false
		}
		pending += r.row - prev - 1 // rows the source skipped are blank
		prev = r.row
		if r.blank() {
			pending++
			return true
		}
		t.acc.Read += pending + 1
		t.acc.Blank += pending
		pending = 0
		t.dataRows++
		if r.err != nil {
			t.acc.Rejected++
			t.issues = append(t.issues, Issue{
				File: t.at.file, Sheet: t.at.sheet, Row: r.row, Line: r.line, Kind: ErrBadRow,
				Problem: r.err.Error(), Action: "Correct this row and run again (in a CSV file a double quote inside a cell is written twice, \"\", and the cell is put in quotes)",
			})
			return true
		}
		if iss := t.screen(r); iss != nil {
			t.acc.Rejected++
			t.issues = append(t.issues, *iss)
			return true
		}
		ok, issues := t.convert(&t.header, &t.labels, r)
		if ok {
			t.acc.Accepted++
		} else {
			t.acc.Rejected++
			t.issues = append(t.issues, issues...)
		}
		return true
	}
	for _, r := range buf {
		if !process(r) {
			return
		}
	}
	for {
		r, ok := next()
		if !ok || !process(r) {
			return
		}
	}
}

// screen rejects, with one issue, a row that cannot be read field by
// field: a cell over MaxCellLength (whatever its column; Excel itself
// stops at 32,767 characters), or a row whose only values are outside the
// table's columns, such as a stray cell far to the right. Without it such
// a row would give one "missing value" issue per required column.
func (t *tableScan) screen(r srcRow) *Issue {
	limit := t.at.opts.MaxCellLength
	for i, c := range r.cells {
		if len(c.Text) <= limit { // bytes >= characters
			continue
		}
		if n := utf8.RuneCountInString(c.Text); n > limit {
			return &Issue{File: t.at.file, Sheet: t.at.sheet, Row: r.row, Line: r.line, Column: t.header.column(i),
				Value: shorten(c.Text), Kind: ErrTooLarge,
				Problem: fmt.Sprintf("the cell has %d characters, more than the limit of %d", n, limit),
				Action:  "Shorten the text in this cell"}
		}
	}
	for _, f := range t.sc.fields {
		if i := t.header.col[f]; i >= 0 && i < len(r.cells) && !r.cells[i].blank() {
			return nil
		}
	}
	for i, c := range r.cells {
		if !c.blank() {
			return &Issue{File: t.at.file, Sheet: t.at.sheet, Row: r.row, Line: r.line, Column: t.header.column(i),
				Value: shorten(c.Text), Kind: ErrBadRow,
				Problem: fmt.Sprintf("the row is empty in every column of the table; its only value is in column %s, outside the table", t.header.column(i)),
				Action:  "Delete the stray value, or move it into the table's columns"}
		}
	}
	return nil
}

// findHeader picks the top row that names the most fields; the rows above
// it are read for labels. It reports whether a usable header was found and
// otherwise sets status and problem.
func (t *tableScan) findHeader(buf []srcRow) bool {
	best := -1
	var bestH header
	for i, r := range buf {
		if r.err != nil || r.row > t.at.opts.HeaderScanRows {
			continue
		}
		h := matchRow(t.sc, r.cells, r.row)
		if best < 0 || h.found(t.sc) > bestH.found(t.sc) {
			best, bestH = i, h
		}
	}
	if best < 0 || bestH.found(t.sc) == 0 {
		t.status = tableNone
		return false
	}
	if t.sc.idFromLabel {
		for _, r := range buf[:best] {
			t.labels.read(r.cells)
		}
	}
	t.header = bestH
	missing := bestH.missing(t.sc, t.labels.id != "")
	if len(missing) == 0 {
		return true
	}
	t.status = tablePartial
	found := bestH.recognised()
	problem := fmt.Sprintf("no table of %s found: the best header row (row %d) has %s but no %s column",
		t.sc.what, bestH.row, quoteList(found), strings.Join(missing, ", "))
	action := "Add the missing column headers (" + strings.Join(missing, ", ") + ") in the header row"
	if t.sc.idFromLabel && slices.Contains(missing, fieldSpecs[fID].label) {
		action += ", or put a \"Member number: 12345\" line above the table"
	}
	t.problem = &Issue{File: t.at.file, Sheet: t.at.sheet, Kind: ErrNoTable, Problem: problem, Action: action}
	return false
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// rowIssues collects the issues of one row, each naming its cell.
type rowIssues struct {
	at     place
	h      *header
	r      srcRow
	issues []Issue
}

func (ri *rowIssues) add(f field, value string, kind error, problem, action string) {
	col := ""
	if i := ri.h.col[f]; i >= 0 {
		col = ri.h.column(i)
	}
	ri.issues = append(ri.issues, Issue{
		File: ri.at.file, Sheet: ri.at.sheet, Row: ri.r.row, Line: ri.r.line,
		Column: col, Value: shorten(value), Problem: problem, Action: action, Kind: kind,
	})
}

// get returns the cell of a field, empty when the column is absent or the
// row is short; ok is false when the cell is too long to use (an issue is
// then already recorded).
func (ri *rowIssues) get(f field) (cell, bool) {
	i := ri.h.col[f]
	if i < 0 || i >= len(ri.r.cells) {
		return cell{}, true
	}
	c := ri.r.cells[i]
	if n := utf8.RuneCountInString(c.Text); n > ri.at.opts.MaxCellLength {
		ri.add(f, c.Text, ErrTooLarge,
			fmt.Sprintf("the cell has %d characters, more than the limit of %d", n, ri.at.opts.MaxCellLength),
			"Shorten the text in this cell")
		return cell{}, false
	}
	return c, true
}

// text returns a field's text, trimmed, with Windows line ends made plain.
func (ri *rowIssues) text(f field) (string, bool) {
	c, ok := ri.get(f)
	return strings.TrimSpace(strings.ReplaceAll(c.Text, "\r\n", "\n")), ok
}

// shorten keeps an Issue's Value readable when a cell is very long.
func shorten(s string) string {
	const max = 200
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// looksLikeTotal: a row that is a sum under the table, not an activity.
func looksLikeTotal(r srcRow) bool {
	for _, c := range r.cells {
		t := strings.ToLower(strings.TrimSpace(c.Text))
		if strings.HasPrefix(t, "total") || strings.HasPrefix(t, "sum") || strings.HasPrefix(t, "=sum") {
			return true
		}
	}
	return false
}
