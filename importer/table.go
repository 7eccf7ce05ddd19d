package importer

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
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
	// delim is a CSV file's delimiter; 0 for a workbook sheet.
	delim rune
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

	status  tableStatus
	header  header
	labels  labels
	problem *Issue // for tablePartial / tableNone
	// attempt: the sheet looks like an attempt at a table (see
	// looksLikeAttempt), so a missing column is an issue, not a notice.
	attempt  bool
	issues   []Issue
	notices  []Notice
	acc      Accounting
	dataRows int // non-blank data rows read
	// firstText is the first non-blank cell's text, to know a sheet.
	firstText string
	// totals are the rows skipped as totals rows, with their label.
	totals []totalsRow
	// emptyCells are the issues of empty cells, by index in issues, so a
	// workbook can say when the cell is a formula never calculated.
	emptyCells []int
	// lastRow is the last row number read.
	lastRow int
}

// totalsRow is a row under (or inside) the table that adds up the hours.
type totalsRow struct {
	row   int
	label string
}

// maxEmptyCells bounds the formula check's list.
const maxEmptyCells = 200

func (t *tableScan) run(source rowSource) {
	done := t.at.opts.Done
	// Every cell read is cleaned first (see cleanText), so the header
	// matching and every field see the same text. A cancelled run stops
	// between rows; the result is thrown away.
	next := func() (srcRow, bool) {
		if stopped(done) {
			return srcRow{}, false
		}
		r, ok := source()
		for i := range r.cells {
			c := &r.cells[i]
			same := c.Raw == c.Text
			c.Text = cleanText(c.Text)
			if same {
				c.Raw = c.Text
			} else {
				c.Raw = cleanText(c.Raw)
			}
		}
		return r, ok
	}
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
			if t.firstText == "" {
				t.firstText = firstText(r)
			}
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
		if t.status == tableNone && t.sc.idFromLabel {
			t.attempt = activityLikeRows(buf) >= minActivityLikeRows
		}
		return
	}
	t.status = tableFound
	t.issues = append(t.issues, t.header.ambiguityIssues(t.at)...)
	t.notices = append(t.notices, t.header.notices(t.at, t.sc)...)
	defer t.noteTotals()
	prev, pending := t.header.row, 0
	process := func(r srcRow) bool {
		t.lastRow = r.row
		if r.row <= t.header.row {
			return true
		}
		if r.row-t.header.row > t.at.opts.MaxRowsPerSheet {
			if r.blank() {
				return true
			}
			t.issues = append(t.issues, Issue{
				File: t.at.file, Sheet: t.at.sheet, Row: r.row, Line: r.line, Kind: ErrTooLarge, rowsLost: true,
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
		if label, ok := t.totalsLabel(r); ok {
			// Not a data row: it is named in one notice, not counted.
			t.totals = append(t.totals, totalsRow{row: r.row, label: label})
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
		if iss := t.shape(r); iss != nil {
			t.acc.Rejected++
			t.issues = append(t.issues, *iss)
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
		}
		// An accepted row may have issues too: a register row with one bad
		// cell is kept without that value.
		for _, is := range issues {
			if !ok && errors.Is(is.Kind, ErrMissingValue) && is.colIndex > 0 && len(t.emptyCells) < maxEmptyCells {
				t.emptyCells = append(t.emptyCells, len(t.issues))
			}
			t.issues = append(t.issues, is)
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

// shape rejects a CSV row with more cells than the header row: its cells
// no longer sit under their headers (an unquoted decimal comma, 1,5, makes
// the hours 1 and moves the description into the reflection), so reading
// it would silently put values in the wrong fields. Empty cells past the
// header, as some exports add to every row, do not count, except where
// the hours look split by a decimal comma.
func (t *tableScan) shape(r srcRow) *Issue {
	width := len(t.header.text)
	if t.at.delim == 0 || len(r.cells) <= width {
		return nil
	}
	extra := slices.ContainsFunc(r.cells[width:], func(c cell) bool { return !c.blank() })
	split := ""
	if h := t.header.col[fHours]; h >= 0 && h+1 < len(r.cells) && t.at.delim == ',' {
		a, b := strings.TrimSpace(r.cells[h].Text), strings.TrimSpace(r.cells[h+1].Text)
		if isDigitsOnly(a) && isDigitsOnly(b) {
			split = a + "," + b
		}
	}
	if !extra && split == "" {
		return nil
	}
	name := map[rune]string{',': "comma", ';': "semicolon", '\t': "tab"}[t.at.delim]
	problem := fmt.Sprintf("the row has %d cells but the header row (row %d) has %d columns, so its values do not line up with the headers and it was not read", len(r.cells), t.header.row, width)
	var action string
	if split != "" {
		problem += fmt.Sprintf("; most likely the hours are written with a decimal comma (%s) that is not in quotes, which splits them in two", split)
		action = fmt.Sprintf("Write the hours with a dot (%s) or put them in double quotes (\"%s\"), then run again", strings.Replace(split, ",", ".", 1), split)
	} else {
		problem += fmt.Sprintf("; most likely a cell holds a %s (the delimiter of this file), or a decimal comma, and is not in quotes", name)
		action = "Put the cell that holds the " + name + " in double quotes (Excel does this when it saves as CSV), then run again"
	}
	// The member id is usually before the cell that split, so the
	// member's letter can say a row of theirs was not read.
	id := t.labels.id
	if i := t.header.col[fID]; i >= 0 && i < len(r.cells) && cellID(r.cells[i]) != "" {
		id = cellID(r.cells[i])
	}
	what := "more cells than the header"
	if split != "" {
		what = "hours '" + split + "' split in two by a decimal comma"
	}
	return &Issue{File: t.at.file, Sheet: t.at.sheet, Row: r.row, Line: r.line, Kind: ErrBadRow, MemberID: id,
		Value: shorten(rowText(r.cells, t.at.delim)), Problem: problem, Action: action, cell: what}
}

func isDigitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// rowText writes a row back as its line, for an issue's value.
func rowText(cells []cell, delim rune) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = c.Text
	}
	return strings.Join(parts, string(delim))
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
	t.attempt = looksLikeAttempt(t.sc, &bestH)
	found := bestH.recognised()
	problem := fmt.Sprintf("no table of %s found: the best header row (row %d) has %s but no %s column",
		t.sc.what, bestH.row, quoteList(found), strings.Join(missing, ", "))
	for _, a := range bestH.ambiguous {
		if bestH.isAmbiguousIssue(a.col) {
			problem += fmt.Sprintf(" (column %s could be %s: it was not read, as that would be a guess)", bestH.column(a.col), fieldList(a.fields, ""))
		}
	}
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
	col, colIndex := "", 0
	if i := ri.h.col[f]; i >= 0 {
		col, colIndex = ri.h.column(i), i+1
	}
	what := fieldSpecs[f].noun + " empty"
	if v := strings.TrimSpace(value); v != "" {
		what = fieldSpecs[f].noun + " '" + shortValue(v) + "'"
	}
	ri.issues = append(ri.issues, Issue{
		File: ri.at.file, Sheet: ri.at.sheet, Row: ri.r.row, Line: ri.r.line,
		Column: col, Value: shorten(value), Problem: problem, Action: action, Kind: kind,
		cell: what, colIndex: colIndex,
	})
}

// setMember names the member of every issue of the row.
func (ri *rowIssues) setMember(id string) {
	for i := range ri.issues {
		ri.issues[i].MemberID = id
	}
}

// shortValue keeps a value quoted in a member's flag to a few words.
func shortValue(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
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
	// A text of no more bytes than the limit has no more characters:
	// only a longer one is counted.
	if len(c.Text) <= ri.at.opts.MaxCellLength {
		return c, true
	}
	if n := utf8.RuneCountInString(c.Text); n > ri.at.opts.MaxCellLength {
		ri.add(f, c.Text, ErrTooLarge,
			fmt.Sprintf("the cell has %d characters, more than the limit of %d", n, ri.at.opts.MaxCellLength),
			"Shorten the text in this cell")
		return cell{}, false
	}
	return c, true
}

// line returns a single-line field's text (a name, a title): trimmed, with
// line breaks and runs of spaces made one space.
func (ri *rowIssues) line(f field) (string, bool) {
	s, ok := ri.text(f)
	return oneLine(s), ok
}

// column names a field's column ("D (Date)"), or "" when it has none.
func (ri *rowIssues) column(f field) string {
	if i := ri.h.col[f]; i >= 0 {
		return ri.h.column(i)
	}
	return ""
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

// firstText is the text of a row's first non-blank cell.
func firstText(r srcRow) string {
	for _, c := range r.cells {
		if t := strings.TrimSpace(c.Text); t != "" {
			return t
		}
	}
	return ""
}

// totalWords start a totals row's label: "Total", "Sub-total", "Sum",
// "Grand total", "Total hours:".
var totalWords = map[string]bool{"total": true, "totals": true, "subtotal": true, "subtotals": true, "sum": true}

// isTotalLabel reports whether a cell's text labels a totals row.
func isTotalLabel(text string) bool {
	low := strings.ToLower(strings.TrimSpace(text))
	low = strings.ReplaceAll(low, "sub-total", "subtotal")
	low = strings.ReplaceAll(low, "sub total", "subtotal")
	words := strings.FieldsFunc(low, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	if totalWords[words[0]] {
		return true
	}
	switch words[0] {
	case "grand", "overall", "running", "hours":
		return len(words) > 1 && strings.HasPrefix(words[1], "total")
	}
	return false
}

// totalsLabel reports whether a row adds up the table rather than
// recording an activity: one cell is a label such as Total, Sub-total or
// Grand total, the date and category are empty, and every other cell is
// empty, a number or a formula (a sum). It returns the label.
func (t *tableScan) totalsLabel(r srcRow) (string, bool) {
	if !t.sc.idFromLabel { // activity tables only; a register has no totals
		return "", false
	}
	// The cheap test first, as it runs on every row: a row with both a
	// date and a category is an activity.
	filled := func(f field) bool {
		i := t.header.col[f]
		return i >= 0 && i < len(r.cells) && !r.cells[i].blank()
	}
	if filled(fDate) && filled(fCategory) {
		return "", false
	}
	label, labelCol := "", -1
	for i, c := range r.cells {
		if c.blank() {
			continue
		}
		text := strings.TrimSpace(c.Text)
		if labelCol < 0 && isTotalLabel(text) {
			label, labelCol = text, i
			continue
		}
		if i == t.header.col[fDate] || i == t.header.col[fCategory] {
			return "", false
		}
		if _, err := strconv.ParseFloat(strings.TrimSpace(c.Raw), 64); err == nil || strings.HasPrefix(text, "=") {
			continue // a sum: its value, or a formula typed into a CSV
		}
		return "", false
	}
	return label, labelCol >= 0
}

// noteTotals says, once for the sheet, which rows were skipped as totals.
func (t *tableScan) noteTotals() {
	if len(t.totals) == 0 {
		return
	}
	rows := make([]string, 0, len(t.totals))
	for i, tr := range t.totals {
		if i == 5 {
			rows = append(rows, fmt.Sprintf("and %d more", len(t.totals)-5))
			break
		}
		rows = append(rows, strconv.Itoa(tr.row))
	}
	what := fmt.Sprintf("row %s (%q) adds up the hours: it is a totals row, not an activity, so it was skipped", rows[0], shorten(t.totals[0].label))
	if len(t.totals) > 1 {
		what = "rows " + strings.Join(rows, ", ") + " add up the hours (" + strconv.Quote(shorten(t.totals[0].label)) + " ...): they are totals rows, not activities, so they were skipped"
	}
	t.notices = append(t.notices, Notice{File: t.at.file, Sheet: t.at.sheet, Message: what})
}

// minActivityLikeRows: this many rows that look like activities make a
// sheet without a header an attempt at a table.
const minActivityLikeRows = 3

// activityLikeRows counts the rows that look like an activity: a
// category cell and a date (a written date, or an Excel date serial of
// this century) in the same row.
func activityLikeRows(buf []srcRow) int {
	n := 0
	for _, r := range buf {
		var cat, date bool
		for _, c := range r.cells {
			text := strings.TrimSpace(c.Text)
			if text == "" {
				continue
			}
			if _, err := ParseCategory(text); err == nil {
				cat = true
				continue
			}
			raw := strings.TrimSpace(c.Raw)
			if f, err := strconv.ParseFloat(raw, 64); err == nil {
				date = date || (f >= 36526 && f < 73051) // 2000 to 2099
			} else if _, err := ParseDate(text); err == nil {
				date = true
			}
		}
		if cat && date {
			n++
		}
	}
	return n
}

// looksLikeAttempt reports whether a header row without all the required
// columns is still an attempt at the table, so the missing columns are an
// issue to fix: for activities, it names a date column, or the hours and
// something about the activity (title, description, reflection), or the
// member number and another activity column; for the register, two
// columns. A lookup list (categories alone), a per-category summary
// (category and hours) or an instructions sheet is not.
func looksLikeAttempt(sc *schema, h *header) bool {
	if !sc.idFromLabel {
		return h.found(sc) >= 2
	}
	has := func(f field) bool { return h.col[f] >= 0 }
	switch {
	case has(fDate):
		return true
	case has(fHours) && (has(fTitle) || has(fDescription) || has(fReflection)):
		return true
	case has(fID) && h.found(sc) >= 2:
		return true
	}
	return false
}
