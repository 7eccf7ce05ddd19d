package report

import (
	"io"
	"strconv"

	"github.com/ies/cpdaudit/audit"
	"github.com/xuri/excelize/v2"
)

// Sheet names of the blank member workbook.
const (
	SheetRecord = "CPD record"
	SheetNotes  = "Notes"
)

// TemplateHeaders are the activity table headers of the blank workbook, the
// names SPEC.md lists first for each field, so the importer matches them
// without aliases.
var TemplateHeaders = []string{"Date", "Title", "Learning Category", "Number of hours", "Description", "Reflections"}

// Layout of the CPD record sheet: label cells on top, then the table.
const (
	templateHeaderRow = 5
	templateLastRow   = 500 // rows that carry the drop-down and validations
)

// templateLabels are the label cells above the table, right-aligned in
// column A next to the cells the member fills in.
var templateLabels = []string{"Member number:", "Name:", "CPD year:"}

// templateWidths are the widths of the record's columns. Column A holds
// the dates and, above the table, the labels: wide enough for the longest
// label in bold, which right-aligned in a narrower column lost its start
// ("ber number:").
var templateWidths = []float64{17, 36, 24, 12, 50, 70}

// templateNotes explains the four standards in plain words, after the IES
// guidance "Completing your CPD record", quoting the numbers of policy p.
func templateNotes(p audit.Policy) []struct{ title, text string } {
	hours := audit.FormatHours(p.Hours.Required)
	return []struct{ title, text string }{
		{"How to fill in this record",
			"Put your member number, name and CPD year in the cells at the top of the CPD record sheet. " +
				"Then add one row per activity: the date you did it, a short title, its learning category " +
				"(choose from the list), the number of hours, a description of what you did and your reflections."},
		{"Standard 1: at least " + hours + " hours",
			"Record at least " + hours + " hours of CPD in the year. If you were on a career break, parental leave or long-term " +
				"illness for part of the year, tell the IES office: the hours you need are then reduced."},
		{"Standard 2: a balance across the categories",
			"Spread your activities across at least " + numberWord(p.Balance.RequiredCategories) + " of the five learning categories (" +
				numberWord(p.Balance.RequiredCategoriesHigherEducation) + " if you are studying " +
				"for a Masters' or other higher-education qualification), and keep the spread somewhat even. A token " +
				"hour in a category does not count toward the balance."},
		{"Standard 3: a level that fits your role and experience",
			"Describe each activity so an assessor can see it suits your role and experience. If an activity looks " +
				"basic for your grade, say why you did it: a new role, a refresher, returning from a career break, " +
				"or preparing to teach or supervise others."},
		{"Standard 4: adequate reflections",
			"For each activity, say what value it had for the quality of your own work and why, and how it benefited " +
				"the people who use your work (clients, customers, students, colleagues, the public) and why. Both " +
				"parts must be there."},
		{"Good and great practice",
			"It is good practice to reflect on every activity. It is great practice to add a record titled " +
				"\"Year-round Reflection\" in the Other category, looking back on your learning goals over the year; " +
				"the time it takes counts toward your hours."},
		{"The learning categories",
			"Formal Learning, Work-Based Learning, Professional Activity, Self-Directed Learning, Other."},
	}
}

// numberWord spells a small count as a word ("three"), as the notes do.
func numberWord(n int) string {
	if n >= 0 && n <= 5 {
		return [...]string{"no", "one", "two", "three", "four", "five"}[n]
	}
	return strconv.Itoa(n)
}

// WriteTemplate writes the blank member workbook of `cpdaudit template`: a
// CPD record sheet with label cells and the activity table (category
// drop-down, date and hours validation) and a Notes sheet explaining the
// four standards with the numbers of the default policy.
func WriteTemplate(w io.Writer) error { return WriteTemplateFor(w, audit.DefaultPolicy()) }

// WriteTemplateFor is WriteTemplate with the numbers of policy p in the
// notes, so a member is told the rules the office applies.
func WriteTemplateFor(w io.Writer, p audit.Policy) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", SheetRecord); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetNotes); err != nil {
		return err
	}
	steps := []func() error{
		func() error { return templateRecord(f) },
		func() error { return templateNotesSheet(f, p) },
		func() error {
			return f.SetDocProps(&excelize.DocProperties{
				Title: "IES CPD record", Creator: "Institution of Environmental Sciences",
				Description: "Record your CPD activities for one year, one row per activity.",
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return save(f, w)
}

func templateRecord(f *excelize.File) error {
	const s = SheetRecord
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	mk := func(st *excelize.Style) int {
		id, err := f.NewStyle(st)
		add(err)
		return id
	}
	label := mk(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Calibri", Size: 11}, Alignment: &excelize.Alignment{Horizontal: "right"}})
	input := mk(&excelize.Style{Border: []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}})
	header := mk(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Family: "Calibri", Size: 11},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "5B9BD5", Style: 2}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	dateFmt, hoursFmt := "dd/mm/yyyy", "0.0#"
	date := mk(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top"}})
	hours := mk(&excelize.Style{CustomNumFmt: &hoursFmt, Alignment: &excelize.Alignment{Vertical: "top"}})
	wrap := mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})

	// Printed, the record is landscape and one page wide, its table header
	// repeated on every page.
	add(SetPrint(f, s, PrintSetup{Landscape: true, PagesWide: 1, TitleRows: strconv.Itoa(templateHeaderRow)}))
	for i, w := range templateWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		add(f.SetColWidth(s, col, col, w))
	}
	for i, l := range templateLabels {
		add(f.SetCellValue(s, cellName(1, i+1), l))
		add(f.SetCellStyle(s, cellName(1, i+1), cellName(1, i+1), label))
		add(f.SetCellStyle(s, cellName(2, i+1), cellName(2, i+1), input))
	}
	hdr := make([]any, len(TemplateHeaders))
	for i, h := range TemplateHeaders {
		hdr[i] = h
	}
	add(setRow(f, s, 1, templateHeaderRow, hdr...))
	add(f.SetCellStyle(s, cellName(1, templateHeaderRow), cellName(len(TemplateHeaders), templateHeaderRow), header))
	add(f.SetRowHeight(s, templateHeaderRow, max(RowHeight(hdr, templateWidths, true), 2*linePt)))
	first, last := templateHeaderRow+1, templateLastRow
	add(f.SetCellStyle(s, cellName(1, first), cellName(1, last), date))
	add(f.SetCellStyle(s, cellName(2, first), cellName(3, last), wrap))
	add(f.SetCellStyle(s, cellName(4, first), cellName(4, last), hours))
	add(f.SetCellStyle(s, cellName(5, first), cellName(6, last), wrap))
	add(f.SetPanes(s, &excelize.Panes{
		Freeze: true, YSplit: templateHeaderRow, TopLeftCell: cellName(1, first), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "B1", ActiveCell: "B1", Pane: "bottomLeft"}},
	}))
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return templateValidations(f, first, last)
}

func templateValidations(f *excelize.File, first, last int) error {
	const s = SheetRecord
	rangeOf := func(col int) string { return cellName(col, first) + ":" + cellName(col, last) }

	dates := excelize.NewDataValidation(true)
	dates.Sqref = rangeOf(1)
	// Excel serial days: 36526 is 1 January 2000, 73051 is 31 December 2099.
	if err := dates.SetRange(36526, 73051, excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	dates.SetError(excelize.DataValidationErrorStyleStop, "Date", "Type the date the activity took place, for example 14/03/2025.")
	dates.SetInput("Date", "The day the activity took place (day/month/year).")

	cats := make([]string, len(audit.Categories))
	for i, c := range audit.Categories {
		cats[i] = string(c)
	}
	category := excelize.NewDataValidation(true)
	category.Sqref = rangeOf(3)
	if err := category.SetDropList(cats); err != nil {
		return err
	}
	category.SetError(excelize.DataValidationErrorStyleStop, "Learning category", "Choose one of the five IES learning categories from the list.")

	hours := excelize.NewDataValidation(true)
	hours.Sqref = rangeOf(4)
	// Up to 100 hours: a week-long course is one activity; the audit flags
	// very long claims for the assessor rather than refusing them here.
	if err := hours.SetRange(0.01, 100, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	hours.SetError(excelize.DataValidationErrorStyleStop, "Number of hours", "Type the hours as a number greater than 0, for example 1.5 for an hour and a half.")
	hours.SetInput("Number of hours", "Hours as a number: 1.5 is an hour and a half.")

	for _, dv := range []*excelize.DataValidation{dates, category, hours} {
		if err := f.AddDataValidation(s, dv); err != nil {
			return err
		}
	}
	return nil
}

func templateNotesSheet(f *excelize.File, p audit.Policy) error {
	const s = SheetNotes
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Calibri", Size: 12}, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	// Printed, the notes are one portrait page wide. Each paragraph spans
	// four columns merged rather than one wide column: LibreOffice does not
	// scale a page down to fit a single column wider than the paper, and
	// cuts it off on both sides instead.
	if err := SetPrint(f, s, PrintSetup{PagesWide: 1}); err != nil {
		return err
	}
	const cols, colWidth = 4, 23
	last, _ := excelize.ColumnNumberToName(cols)
	if err := f.SetColWidth(s, "A", last, colWidth); err != nil {
		return err
	}
	row := 1
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	for _, n := range templateNotes(p) {
		add(f.SetCellValue(s, cellName(1, row), n.title))
		add(f.SetCellStyle(s, cellName(1, row), cellName(1, row), bold))
		// 12-point titles need more than the 15 points of an 11-point row.
		add(f.SetRowHeight(s, row, 18))
		add(f.MergeCell(s, cellName(1, row+1), cellName(cols, row+1)))
		add(f.SetCellValue(s, cellName(1, row+1), n.text))
		add(f.SetCellStyle(s, cellName(1, row+1), cellName(cols, row+1), wrap))
		// Row heights are not computed by Excel for wrapped text written by
		// a library, so give each paragraph room for its lines.
		add(f.SetRowHeight(s, row+1, max(RowHeight([]any{n.text}, []float64{cols * colWidth}, false), linePt)))
		row += 3
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
