package report

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

// Assessor decisions offered by the drop-down on the Summary sheet.
var assessorDecisions = []string{"Confirm", "Override to MET", "Override to NOT_MET"}

// column is one column of a streamed table sheet: its header, its width in
// Excel's character units and its style.
type column struct {
	header string
	width  float64
	style  int
}

// styles are the cell and conditional styles of one workbook.
type styles struct {
	header, text, wrap, hours, integer, date, percent, title, note, centre int
	// verdict maps a verdict (or reflection level) to a conditional style.
	verdict map[string]int
}

// Fill colours shared by the PDF and the workbook, so a verdict looks the
// same wherever the office meets it.
var verdictColours = map[audit.Verdict]struct{ fill, font string }{
	audit.Met:    {"C6EFCE", "006100"},
	audit.Review: {"FFEB9C", "9C5700"},
	audit.NotMet: {"FFC7CE", "9C0006"},
	audit.Exempt: {"E7E6E6", "3A3838"},
}

func newStyles(f *excelize.File) (*styles, error) {
	var s styles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	top := &excelize.Alignment{Vertical: "top"}
	hoursFmt, dateFmt, pctFmt := "0.0", "yyyy-mm-dd", "0.0%"
	s.header = mk(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Family: "Calibri", Size: 11},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "5B9BD5", Style: 2}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	s.text = mk(&excelize.Style{Alignment: top})
	s.centre = mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}})
	s.wrap = mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	s.hours = mk(&excelize.Style{CustomNumFmt: &hoursFmt, Alignment: top})
	s.integer = mk(&excelize.Style{NumFmt: 1, Alignment: top})
	s.date = mk(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: top})
	s.percent = mk(&excelize.Style{CustomNumFmt: &pctFmt, Alignment: top})
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Calibri", Size: 14}})
	s.note = mk(&excelize.Style{Font: &excelize.Font{Italic: true, Family: "Calibri", Size: 11, Color: "595959"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	s.verdict = map[string]int{}
	add := func(key string, c struct{ fill, font string }) {
		if err != nil {
			return
		}
		var id int
		id, err = f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Color: c.font},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}},
		})
		s.verdict[key] = id
	}
	for _, v := range []audit.Verdict{audit.Met, audit.Review, audit.NotMet, audit.Exempt} {
		add(string(v), verdictColours[v])
	}
	add(string(audit.Adequate), verdictColours[audit.Met])
	add(string(audit.Partial), verdictColours[audit.Review])
	add(string(audit.Descriptive), verdictColours[audit.NotMet])
	add(string(audit.Missing), verdictColours[audit.NotMet])
	return &s, err
}

// WriteWorkbook writes summary.xlsx: the Summary, Activities, Import issues,
// Compliance and Run sheets. The three sheets that grow with the membership
// are streamed; the output is byte-identical for the same input. It is the
// TableWriter fed in.Results, so it writes exactly what a streamed run
// writes.
func WriteWorkbook(w io.Writer, in Input) error {
	return writeTables(in, w, nil, nil)
}

// save writes the workbook through sortedZip so the archive's entry order
// does not depend on map iteration inside excelize. excelize assembles the
// archive in a bytes.Buffer of its own and then copies it to w; sortedZip
// writes to w itself instead, so that buffer stays empty and a large
// workbook is not held in memory twice. (excelize's only other use of the
// buffer, patching zip64 local headers of entries over 4 GiB, finds nothing
// to patch; archive/zip writes those headers itself.)
func save(f *excelize.File, w io.Writer) error { return saveWith(f, w, nil) }

// saveWith is save with the data rows of the streamed tables of ins put
// into their sheets.
func saveWith(f *excelize.File, w io.Writer, ins *sheetInserts) error {
	inserts, err := ins.readers()
	if err != nil {
		return err
	}
	z := newSortedZip(w)
	if ins != nil {
		if err := ins.finish(); err != nil {
			return err
		}
		if ins.zip != nil {
			z = ins.zip
		}
	}
	z.inserts = inserts
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return z })
	_, err = f.WriteTo(w)
	return err
}

// setDocProps fixes the document properties. excelize's default core.xml
// carries a fixed 2006 date rather than the current time; a caller that
// passes a creation time gets that instead, never the wall clock.
func setDocProps(f *excelize.File, version string, year int, created time.Time) error {
	p := &excelize.DocProperties{
		Title:          fmt.Sprintf("CPD audit summary %d", year),
		Subject:        "CPD audit pre-screen",
		Creator:        "cpdaudit " + version,
		LastModifiedBy: "cpdaudit " + version,
		Description:    "Generated by cpdaudit. Verdicts are a pre-screen that an assessor confirms.",
	}
	if year == 0 {
		p.Title = "CPD audit summary"
	}
	if !created.IsZero() {
		ts := created.UTC().Format(time.RFC3339)
		p.Created, p.Modified = ts, ts
	}
	return f.SetDocProps(p)
}

// startTable opens a streamed sheet: column widths and styles, a frozen
// header row and the bold header. Widths and panes must be set on the
// stream writer before its first row, because it writes them at the top of
// the sheet XML as soon as rows start.
func startTable(f *excelize.File, st *styles, sheet string, cols []column) (*excelize.StreamWriter, error) {
	// Printed, a table is landscape, one page wide, with its header on
	// every page. The stream writer writes sheetPr (which holds fitToPage)
	// when it is created, so this comes first; pageSetup is written at
	// Flush.
	if err := SetPrint(f, sheet, PrintSetup{Landscape: true, PagesWide: 1, TitleRows: "1"}); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return nil, err
	}
	header := make([]any, len(cols))
	lines := 2 // headers are two lines high at least, so the row looks like a header
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.header}
		lines = max(lines, textLines(c.header, c.width, true))
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: rowHeight(lines)}); err != nil {
		return nil, err
	}
	return sw, nil
}

// finishTable adds the autofilter and conditional formats, then flushes.
// The stream writer copies the sheet's autoFilter, conditionalFormatting
// and dataValidations elements from the worksheet model at Flush, so the
// ordinary File methods may set them while the sheet is being streamed.
func finishTable(f *excelize.File, sw *excelize.StreamWriter, sheet string, ncols, nrows int, extra func(last int) error) error {
	last := nrows + 1
	if last < 2 {
		last = 2
	}
	lastCol, _ := excelize.ColumnNumberToName(ncols)
	if err := f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", lastCol, last), nil); err != nil {
		return err
	}
	if extra != nil {
		if err := extra(last); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// colourCells adds one conditional format per key to rangeRef: cells equal
// to the key get the key's colours.
func colourCells(f *excelize.File, st *styles, sheet, rangeRef string, keys []string) error {
	var opts []excelize.ConditionalFormatOptions
	for _, k := range keys {
		id := st.verdict[k]
		opts = append(opts, excelize.ConditionalFormatOptions{
			Type: "cell", Criteria: "==", Value: `"` + k + `"`, Format: &id,
		})
	}
	return f.SetConditionalFormat(sheet, rangeRef, opts)
}

var verdictKeys = []string{string(audit.Met), string(audit.Review), string(audit.NotMet), string(audit.Exempt)}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// summaryColumns are the Summary sheet's columns. With a previous run, a
// "Last year's outcome" column follows Outcome and the columns after it
// move one to the right; the assessor's loop finds columns by header text,
// so that does not disturb it. Without one the sheet is as it always was.
func summaryColumns(st *styles, previous bool) []column {
	cols := []column{
		{runfolder.HeaderMemberID, 12, st.text}, {runfolder.HeaderName, 24, st.wrap}, {"Grade", 11, st.text},
		{"Counted hours", 10, st.hours}, {"Required hours", 10, st.hours},
		{"Substantive categories", 12, st.integer}, {"Required categories", 11, st.integer},
		{"Standard 1: hours", 11, st.centre}, {"Standard 2: balance", 11, st.centre},
		{"Standard 3: level", 11, st.centre}, {"Standard 4: reflections", 12, st.centre},
		{runfolder.HeaderOutcome, 11, st.centre},
	}
	if previous {
		cols = append(cols, column{runfolder.HeaderLastYear, 13, st.centre})
	}
	// Sampled and Sample reason are filled by "cpdaudit sample". Of the two
	// comments, only the one to the member is ever printed in a letter.
	return append(cols,
		column{"Flags for the assessor", 50, st.wrap},
		column{runfolder.HeaderSampled, 9, st.centre}, column{runfolder.HeaderSampleReason, 14, st.text},
		column{runfolder.HeaderDecision, 20, st.text},
		column{runfolder.HeaderCommentToMember, 40, st.wrap}, column{runfolder.HeaderAssessorComment, 40, st.wrap},
	)
}

// summaryOutcomeCol is the Outcome column (L) of the Summary sheet.
const summaryOutcomeCol = 12

// summaryValues are the cells of one member's Summary row.
func summaryValues(r *SummaryRow, previous bool) []any {
	vals := []any{
		string(r.MemberID), string(r.Name), string(r.Grade),
		audit.RoundHours(float64(r.CountedHours)), audit.RoundHours(float64(r.RequiredHours)),
		r.SubstantiveCategories, r.RequiredCategories,
		string(r.Standard1), string(r.Standard2), string(r.Standard3), string(r.Standard4),
		string(r.Outcome),
	}
	if previous {
		last := NotInLastYear
		if r.PreviousOutcome != "" {
			last = string(r.PreviousOutcome)
		}
		vals = append(vals, last)
	}
	return append(vals, string(r.Flags), nil, nil, nil, nil, nil)
}

// finishSummarySheet colours the verdicts and adds the assessor's
// drop-down, then flushes the sheet. The verdict columns run from standard
// 1 (H) to Outcome, or to last year's outcome next to it; the assessor
// decision is third from last.
func finishSummarySheet(f *excelize.File, st *styles, t *table, previous bool) error {
	lastVerdict, _ := excelize.ColumnNumberToName(summaryOutcomeCol + boolInt(previous))
	decision, _ := excelize.ColumnNumberToName(len(t.cols) - 2)
	return t.finish(func(last int) error {
		if err := colourCells(f, st, t.sheet, fmt.Sprintf("H2:%s%d", lastVerdict, last), verdictKeys); err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", decision, decision, last)
		if err := dv.SetDropList(assessorDecisions); err != nil {
			return err
		}
		dv.SetInput("Assessor decision", "Confirm the pre-screen outcome, or override it.")
		dv.SetError(excelize.DataValidationErrorStyleStop, "Assessor decision", "Choose Confirm, Override to MET or Override to NOT_MET.")
		return f.AddDataValidation(t.sheet, dv)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// table is one streamed table sheet being written, row by row: excelize
// writes the sheet and its header row, appendSheetRow the data rows into
// data, which go into the sheet as the workbook is saved.
type table struct {
	f     *excelize.File
	sheet string
	cols  []column
	sw    *excelize.StreamWriter
	rows  int // data rows written so far, the header not counted
	wrap  int // the style of the columns whose text wraps
	data  rowSink
	buf   []byte // one row's XML, reused
}

func openTable(f *excelize.File, st *styles, sheet string, cols []column, ins *sheetInserts) (*table, error) {
	sw, err := startTable(f, st, sheet, cols)
	if err != nil {
		return nil, err
	}
	data, err := ins.add(f, sheet)
	if err != nil {
		return nil, err
	}
	return &table{f: f, sheet: sheet, cols: cols, sw: sw, wrap: st.wrap, data: data}, nil
}

// add writes the next data row, as high as its wrapped text needs. nil
// values still get their column's style so an empty assessor cell keeps
// wrapping.
func (t *table) add(vals []any) error {
	t.rows++
	var err error
	t.buf, err = appendSheetRow(t.buf[:0], t.rows+1, vals, t.cols, wrappedHeight(vals, t.cols, t.wrap))
	if err != nil {
		return err
	}
	return t.data.write(t.buf)
}

// addCells is add for typed cells.
func (t *table) addCells(cells []sheetCell) error {
	t.rows++
	var err error
	t.buf, err = appendSheetCells(t.buf[:0], t.rows+1, cells, t.cols, wrappedCellsHeight(cells, t.cols, t.wrap))
	if err != nil {
		return err
	}
	return t.data.write(t.buf)
}

// finish adds the autofilter, then extra (conditional formats and the
// like), and flushes the sheet.
func (t *table) finish(extra func(last int) error) error {
	return finishTable(t.f, t.sw, t.sheet, len(t.cols), t.rows, extra)
}

// activityColumns are the columns of the Activities sheets.
func activityColumns(st *styles) []column {
	return []column{
		{"Member ID", 12, st.text}, {"Source (file:sheet:row)", 30, st.wrap},
		{"Title", 36, st.wrap}, {"Category", 21, st.text}, {"Date", 11, st.date},
		{"Hours", 8, st.hours}, {"Counted", 9, st.text}, {"Reflection", 12, st.text},
		{"Quality element", 9, st.text}, {"Users element", 9, st.text},
		{"Quality evidence", 45, st.wrap}, {"Users evidence", 45, st.wrap},
		{"Not counted because", 30, st.wrap}, {"What the reflection needs", 45, st.wrap},
		{"Flags for the assessor", 40, st.wrap},
	}
}

// activitySheetCells are the cells of one activity's row (a date cell only
// when there is a date); cells is reused.
func activitySheetCells(cells []sheetCell, r *ActivityRow) []sheetCell {
	var date sheetCell
	if t := time.Time(r.Date); !t.IsZero() {
		date = timeCell(t)
	}
	return append(cells[:0],
		stringCell(string(r.MemberID)), stringCell(string(r.Source)), stringCell(string(r.Title)), stringCell(string(r.Category)), date,
		floatCell(audit.RoundHours(float64(r.Hours))), stringCell(yesNo(r.Counted)), stringCell(string(r.Reflection)), stringCell(yesNo(r.Quality)), stringCell(yesNo(r.Users)),
		stringCell(string(r.QualityEvidence)), stringCell(string(r.UsersEvidence)),
		stringCell(string(r.NotCountedReason)), stringCell(string(r.Advice)), stringCell(string(r.Flags)),
	)
}

// yesNo is how the workbook shows a true/false column: words an office
// reads, where a spreadsheet would show TRUE/FALSE or 1/0. The CSV keeps
// true/false for other systems.
func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// finishActivitiesSheet colours the reflection levels and flushes the sheet.
func finishActivitiesSheet(f *excelize.File, st *styles, t *table) error {
	return t.finish(func(last int) error {
		return colourCells(f, st, t.sheet, fmt.Sprintf("H2:H%d", last),
			[]string{string(audit.Adequate), string(audit.Partial), string(audit.Descriptive), string(audit.Missing)})
	})
}

func writeIssuesSheet(f *excelize.File, st *styles, rows []IssueRow, ins *sheetInserts) error {
	cols := []column{
		{"Source file", 30, st.wrap}, {"Sheet", 14, st.wrap}, {"Row", 7, st.integer},
		{"Column", 18, st.wrap}, {"Value", 24, st.wrap}, {"Problem and what to do", 70, st.wrap},
		{"Member ID", 12, st.text},
	}
	t, err := openTable(f, st, runfolder.SheetIssues, cols, ins)
	if err != nil {
		return err
	}
	for _, r := range rows {
		var row any
		if r.Row > 0 {
			row = int(r.Row)
		}
		if err := t.add([]any{string(r.SourceFile), string(r.Sheet), row, string(r.Column), string(r.Value), string(r.Problem), string(r.MemberID)}); err != nil {
			return err
		}
	}
	return t.finish(nil)
}

// setRow writes values from the given cell in a normally written sheet.
func setRow(f *excelize.File, sheet string, col, row int, vals ...any) error {
	return f.SetSheetRow(sheet, cellName(col, row), &vals)
}

// Widths of the Run sheet's columns: labels, values (hashes, word lists),
// and a third column (file sizes, the policy file's names).
var runWidths = []float64{50, 70, 42}

// writeRunSheet writes the Run sheet from the run record rec, whose member
// and outcome counts the TableWriter tallied. Labels are in words; the
// policy's own names (as in the policy file and run.json) are beside them.
func writeRunSheet(f *excelize.File, st *styles, in Input, rec runfolder.Record) error {
	const s = runfolder.SheetRun
	if err := SetPrint(f, s, PrintSetup{Landscape: true, PagesWide: 1}); err != nil {
		return err
	}
	for i, w := range runWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(s, col, col, w); err != nil {
			return err
		}
	}
	// Every column may hold long text (paths, hashes, word lists): wrap
	// it and align it left and top, so numbers (policy values) line up
	// with the text around them.
	left, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	if err := f.SetColStyle(s, "A:C", left); err != nil {
		return err
	}
	row := 1
	// section writes a section's title row; its other cells title the
	// columns below, when they need one.
	section := func(vals ...any) error {
		if row > 1 {
			row++
		}
		err := setRow(f, s, 1, row, vals...)
		if err == nil {
			err = f.SetCellStyle(s, cellName(1, row), cellName(3, row), st.header)
		}
		row++
		return err
	}
	put := func(vals ...any) error {
		err := setRow(f, s, 1, row, vals...)
		lines := 1
		for i, v := range vals {
			if t, ok := v.(string); ok && i < len(runWidths) {
				lines = max(lines, textLines(t, runWidths[i], false))
			}
		}
		if err == nil && lines > 1 {
			err = f.SetRowHeight(s, row, rowHeight(lines))
		}
		row++
		return err
	}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	add(section("Run"))
	add(put("Tool", "cpdaudit"))
	add(put("Version", rec.Version))
	add(put("CPD year", rec.CPDYear))
	// finalize compares this with the run folder's summary.csv, so
	// decisions are never applied to a run they were not made on.
	add(put(runfolder.RunIDLabel, rec.RunID))
	if rec.StartedAt != nil && rec.FinishedAt != nil && *rec.StartedAt == *rec.FinishedAt {
		add(put("Run date", runTime(*rec.StartedAt)))
	} else {
		if rec.StartedAt != nil {
			add(put("Run started", runTime(*rec.StartedAt)))
		}
		if rec.FinishedAt != nil {
			add(put("Run finished", runTime(*rec.FinishedAt)))
		}
	}
	add(put("Members audited", rec.Members))
	add(put("Import issues", rec.IssueCount))
	add(section("Row accounting"))
	add(put("Rows read", rec.Rows.Read))
	add(put("Rows accepted (audited)", rec.Rows.Accepted))
	add(put("Rows rejected (listed on Import issues)", rec.Rows.Rejected))
	add(put("Blank rows skipped", rec.Rows.Blank))
	add(section("Policy", "Value", "Name in the policy file"))
	for _, pv := range policyValues(in.Policy) {
		add(put(policyLabel(pv.Name), pv.Value, pv.Name))
	}
	if p := in.Previous; p != nil {
		add(section("Last year's run (--previous)"))
		add(put("Folder", p.Dir))
		add(put("Last year's CPD year", p.Year))
		add(put("Outcomes used", p.OutcomesUsed()))
		if p.FinalFile != "" {
			add(put("Final outcomes file", p.FinalFile))
		}
	}
	add(section("Input files", "SHA-256", "Size (bytes)"))
	for _, fi := range in.Files {
		add(put(fi.Path, fi.SHA256, fi.Size))
	}
	add(section("Member register", "SHA-256", "Size (bytes)"))
	if in.Register != nil {
		add(put(in.Register.Path, in.Register.SHA256, in.Register.Size))
	} else {
		add(put("(none given)"))
	}
	if len(in.Warnings) > 0 {
		add(section("Warnings"))
		for _, w := range in.Warnings {
			add(put("Warning", w))
		}
	}
	// Notices are apart from the import issues: nothing to fix, but what
	// was not used or was read in a way a person could not guess.
	add(section("Notices (nothing to fix)"))
	if len(in.Notices) == 0 {
		add(put("(none)"))
	}
	for _, n := range in.Notices {
		add(put(noticePlace(n), n.Message))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// noticePlace names where a notice is about: the file, sheet and column.
func noticePlace(n runfolder.Notice) string {
	where := n.File
	if n.Sheet != "" {
		where += ", sheet " + strconv.Quote(n.Sheet)
	}
	if n.Column != "" {
		where += ", column " + n.Column
	}
	return where
}
