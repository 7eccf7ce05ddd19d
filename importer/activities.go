package importer

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/memberid"
)

// ImportActivities reads one CSV or Excel file of CPD activities. It never
// panics and never returns an error: a bad file becomes one file-level
// Issue (Row 0), and the caller goes on with the other files.
// File.SHA256 is the hash of the bytes read. Zero or negative limits in
// opts mean the defaults.
func ImportActivities(path string, opts Options) FileResult {
	res, _ := importFile(path, opts.withDefaults(), activitySchema)
	return res
}

// importBytes reads a file's content held in memory; it is what the fuzz
// targets call. It takes the same path as a file on disk (see input).
// The file name decides CSV or Excel. For the register schema the members
// come back too.
func importBytes(name string, data []byte, opts Options, sc *schema) (res FileResult, members []audit.Member) {
	return importInput(bytesInput(name, data), opts, sc)
}

// panicProblem starts the issue of a file whose reading panicked.
const panicProblem = "the file could not be read: it is damaged or in a form cpdaudit does not understand"

// tableImport gathers what the sheets of one file give.
type tableImport struct {
	sc      *schema
	res     FileResult
	members []audit.Member // register rows, when sc is registerSchema
	// ids: for a register, each member id seen, with where it was first
	// seen.
	ids memberid.Index[audit.Source]
	// dc is how the file's dates are read; dates counts its numeric
	// dates by the orders they are valid in, to choose dc.order.
	dc    dateContext
	dates dateTally
	// firstPass: this is the first reading of the file, which a second
	// one replaces when a date can only be read month first (see
	// importInput). From that date on, it keeps no rows (discard).
	firstPass, discard bool
	// tables counts the tables found; has, the fields any of them has.
	tables int
	has    [numFields]bool
	// rows and rowBlocks: the Rows accepted so far, in blocks of rowBlock
	// (see accept); finishRows makes them res.Rows.
	rows      []Row
	rowBlocks [][]Row
	// memo keeps what the pure parsers gave for values the rows repeat.
	memo parseMemo
}

// parseMemo remembers results of ParseCategory, cellHours and oneLine
// (functions of their text alone) for the values a file repeats: a
// member's name on each of their rows, five categories, a few hours. They
// were a third of the allocations of the goroutine that turns rows into
// activities, which every row waits for. Only values read without an
// error are kept, and at most memoMax of each.
type parseMemo struct {
	cats  map[string]audit.Category
	hours map[hoursKey]float64
	lines [numFields]struct{ in, out string }
}

type hoursKey struct {
	raw  string
	time bool
}

const memoMax = 256

// category is ParseCategory(s).
func (m *parseMemo) category(s string) (audit.Category, error) {
	if c, ok := m.cats[s]; ok {
		return c, nil
	}
	c, err := ParseCategory(s)
	if err == nil && len(m.cats) < memoMax {
		if m.cats == nil {
			m.cats = map[string]audit.Category{}
		}
		m.cats[s] = c
	}
	return c, err
}

// cellHours is cellHours(c).
func (m *parseMemo) cellHours(c cell) (float64, error) {
	k := hoursKey{c.Raw, c.Time}
	if h, ok := m.hours[k]; ok {
		return h, nil
	}
	h, err := cellHours(c)
	if err == nil && len(m.hours) < memoMax {
		if m.hours == nil {
			m.hours = map[hoursKey]float64{}
		}
		m.hours[k] = h
	}
	return h, err
}

// line is ri.line(f), the last text of each field remembered.
func (m *parseMemo) line(ri *rowIssues, f field) (string, bool) {
	s, ok := ri.text(f)
	last := &m.lines[f]
	if s != last.in || last.out == "" {
		last.in, last.out = s, oneLine(s)
	}
	return last.out, ok
}

// tableFound records a table's columns for finish, and its member id
// column for the issues Merge raises on a row.
func (ti *tableImport) tableFound(t *tableScan) {
	ti.tables++
	for f, c := range t.header.col {
		if c >= 0 {
			ti.has[f] = true
		}
	}
	if i := t.header.col[fID]; i >= 0 {
		if ti.res.idColumns == nil {
			ti.res.idColumns = map[string]string{}
		}
		ti.res.idColumns[t.at.sheet] = t.header.column(i)
	}
}

// registerGaps are the register columns whose absence changes verdicts,
// and what their absence means, said once per register file.
var registerGaps = []struct {
	f       field
	meaning string
}{
	{fGrade, "no membership grade column: nobody's grade is known, so standard 3 raises no grade-based signal and each letter says the grade is not on record"},
	{fExemptMonths, "no exempt-months column: nobody's exemption is taken into account, so everybody needs the full hours"},
	{fHigherEducation, "no higher-education column: nobody is taken to be studying for a Masters' or other higher-education qualification, so everybody needs 3 categories for standard 2"},
}

// finish adds the notices about the whole file: for a register, the
// columns no table of it has.
func (ti *tableImport) finish() {
	if ti.sc != registerSchema || ti.tables == 0 {
		return
	}
	for _, g := range registerGaps {
		if !ti.has[g.f] {
			ti.res.Notices = append(ti.res.Notices, Notice{File: ti.res.File.Path, Message: g.meaning})
		}
	}
}

func (ti *tableImport) init(name string, sc *schema) {
	ti.sc = sc
	ti.res.File.Path = name
	ti.dc = dateContext{order: dayFirst, pivot: time.Now().Year()}
}

// rowFunc returns the row converter for a table at a place.
func (ti *tableImport) rowFunc(at place) rowFunc {
	if ti.sc == registerSchema {
		return func(h *header, _ *labels, r srcRow) (bool, []Issue) { return ti.member(at, h, r) }
	}
	return func(h *header, lb *labels, r srcRow) (bool, []Issue) { return ti.activity(at, h, lb, r) }
}

// activity turns one data row into an Activity, or the issues that reject it.
func (ti *tableImport) activity(at place, h *header, lb *labels, r srcRow) (bool, []Issue) {
	ri := &rowIssues{at: at, h: h, r: r}
	a := audit.Activity{Source: audit.Source{File: at.file, Sheet: at.sheet, Row: r.row, Line: r.line}}

	title, okTitle := ri.line(fTitle)
	catCell, okCat := ri.get(fCategory)
	dateCell, okDate := ri.get(fDate)
	hoursCell, okHours := ri.get(fHours)

	idCell, okID := ri.get(fID)
	a.MemberID = cellID(idCell)
	if a.MemberID == "" {
		a.MemberID = lb.id
	}
	if a.MemberID == "" && okID {
		ri.add(fID, "", ErrMissingValue, "the member number is empty", "Fill in the member's IES membership number")
	}
	a.MemberName = ti.name(ri, lb)

	if okTitle && title == "" {
		ri.add(fTitle, "", ErrMissingValue, "the activity title is empty", "Give the activity a short title")
	}
	a.Title = title
	if okCat {
		c, err := ti.memo.category(catCell.Text)
		if err != nil {
			ri.add(fCategory, catCell.Text, kindOf(err), err.Error(), "Use one of the five categories: "+categoryList)
		}
		a.Category = c
	}
	if okDate {
		d, kind, err := cellDate(dateCell, at.date1904, ti.dc)
		if ti.dates.counts(kind) {
			// The column's name is made only for the dates tallied.
			ti.dates.note(kind, dateCell.Text, at.sheet, r.row, ri.column(fDate))
		}
		if kind == slashMonthOnly && ti.firstPass {
			ti.discard = true // this reading will be replaced: store no more of it
		}
		if err != nil {
			action := "Write the date day first, like 14/03/2025, or use an Excel date cell"
			if ti.dc.order == monthFirst {
				action = "Write the date month first like the rest of the file (03/14/2025), or as 2025-03-14"
			}
			ri.add(fDate, dateCell.Text, kindOf(err), err.Error(), action)
		}
		a.Date = d
	}
	if okHours {
		hrs, err := ti.memo.cellHours(hoursCell)
		if err != nil {
			ri.add(fHours, hoursCell.Text, kindOf(err), err.Error(), "Write the hours as a number more than zero, like 1.5, 1h30 or 90 mins")
		}
		a.Hours = hrs
	}
	a.Description, _ = ri.text(fDescription)
	a.Reflection, _ = ri.text(fReflection)
	if len(ri.issues) > 0 {
		// The member's Summary flags and feedback then say which of their
		// rows could not be read.
		ri.setMember(a.MemberID)
		return false, ri.issues
	}
	ti.accept(at.opts.Store, &a)
	return true, nil
}

// accept keeps an accepted activity: in FileResult.Activities, or, when
// Options.Store is set, in the store with a Row to find it by.
func (ti *tableImport) accept(st *Store, a *audit.Activity) {
	if ti.discard {
		return
	}
	if st == nil {
		ti.res.Activities = append(ti.res.Activities, *a)
		return
	}
	if ti.res.Err != nil {
		return
	}
	row, err := putRow(st, a)
	if err != nil {
		ti.res.Err = err
		return
	}
	// A member's rows usually come together: sharing the strings of the
	// row before keeps one copy of each id and name per member, not one
	// per row.
	if n := len(ti.rows); n > 0 {
		prev := &ti.rows[n-1]
		if prev.MemberID == row.MemberID {
			row.MemberID = prev.MemberID
		}
		if prev.Name == row.Name {
			row.Name = prev.Name
		}
	}
	if len(ti.rows) == cap(ti.rows) {
		// Full blocks are kept as they are and joined once by
		// finishRows: grown by append (1.25 times at a time at this
		// size), the rows of 10,000 members were allocated five times
		// over and copied four, on the goroutine every row waits for.
		if len(ti.rows) > 0 {
			ti.rowBlocks = append(ti.rowBlocks, ti.rows)
		}
		ti.rows = make([]Row, 0, rowBlock)
	}
	ti.rows = append(ti.rows, row)
}

// rowBlock is how many Rows accept keeps in one block.
const rowBlock = 4096

// finishRows joins the blocks accept kept into FileResult.Rows, in order.
func (ti *tableImport) finishRows() {
	if len(ti.rows) == 0 && len(ti.rowBlocks) == 0 {
		return
	}
	n := len(ti.res.Rows) + len(ti.rows)
	for _, b := range ti.rowBlocks {
		n += len(b)
	}
	rows := make([]Row, 0, n)
	rows = append(rows, ti.res.Rows...)
	for _, b := range ti.rowBlocks {
		rows = append(rows, b...)
	}
	ti.res.Rows = append(rows, ti.rows...)
	ti.rowBlocks, ti.rows = nil, nil
}

// name is the member's name: a name column, else first + last name, else
// the "Name:" label above the table.
func (ti *tableImport) name(ri *rowIssues, lb *labels) string {
	if n, _ := ti.memo.line(ri, fName); n != "" {
		return n
	}
	first, _ := ti.memo.line(ri, fFirstName)
	last, _ := ti.memo.line(ri, fLastName)
	if n := strings.TrimSpace(first + " " + last); n != "" {
		return n
	}
	if lb != nil {
		return lb.name
	}
	return ""
}

// kindOf returns the sentinel a parser error matches.
func kindOf(err error) error {
	if ve, ok := err.(*valueError); ok {
		return ve.kind
	}
	return err
}

// cellDate reads a date cell: a number is an Excel serial date (shifted
// when the workbook uses the 1904 date system), anything else is text,
// read in the file's date context.
func cellDate(c cell, date1904 bool, dc dateContext) (time.Time, slashKind, error) {
	raw := strings.TrimSpace(c.Raw)
	if f, err := strconv.ParseFloat(raw, 64); err == nil && date1904 && reSerial.MatchString(raw) {
		raw = strconv.FormatFloat(f+excel1904Offset, 'f', -1, 64)
	}
	return parseDate(raw, dc)
}

// cellHours reads an hours cell. An Excel time cell (1:30 typed into a
// cell formatted h:mm) stores a fraction of a day, so it is turned into
// hours and rounded to the second to undo floating-point noise.
func cellHours(c cell) (float64, error) {
	if c.Time {
		if f, err := strconv.ParseFloat(strings.TrimSpace(c.Raw), 64); err == nil && f > 0 && f*24 <= MaxHours {
			return ParseHours(FormatHours(math.Round(f*24*3600) / 3600))
		}
	}
	return ParseHours(c.Raw)
}
