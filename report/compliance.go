package report

import (
	"fmt"
	"slices"
	"sort"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

// Tally counts verdicts for one group of members.
type Tally struct {
	Label                       string
	Met, Review, NotMet, Exempt int
}

// Assessed is the denominator of the MET rate: every member except the
// exempt, whose standards are not assessed at all.
func (t Tally) Assessed() int { return t.Met + t.Review + t.NotMet }

// MetRate is the share of assessed members with MET, and false when no
// member was assessed (a rate of 0 would wrongly read as "everyone failed").
func (t Tally) MetRate() (float64, bool) {
	if t.Assessed() == 0 {
		return 0, false
	}
	return float64(t.Met) / float64(t.Assessed()), true
}

func (t *Tally) add(v audit.Verdict) {
	switch v {
	case audit.Met:
		t.Met++
	case audit.Review:
		t.Review++
	case audit.NotMet:
		t.NotMet++
	case audit.Exempt:
		t.Exempt++
	}
}

// Compliance holds the rates of the Compliance sheet.
type Compliance struct {
	// Overall tallies the members' outcomes.
	Overall Tally
	// Standards tallies each standard's verdict, standard 1 first.
	Standards [4]Tally
	// Grades tallies outcomes per membership grade, junior to senior, then
	// any other grade names sorted, then members of unknown grade.
	Grades []Tally
}

// unknownGrade labels members whose grade the register did not give.
const unknownGrade = "Unknown grade"

// ComplianceRates tallies outcomes overall, per standard and per grade;
// the standards' labels quote the policy p.
func ComplianceRates(results []audit.MemberResult, p audit.Policy) Compliance {
	ct := newComplianceTally(p)
	for i := range results {
		ct.add(&results[i])
	}
	return ct.rates()
}

// complianceTally accumulates the Compliance rates one member at a time, so
// the streaming TableWriter needs only these counts, not every result, to
// write the Compliance sheet at the end. ComplianceRates uses it too, so the
// two cannot count differently.
type complianceTally struct {
	c       Compliance
	byGrade map[audit.Grade]*Tally
}

func newComplianceTally(p audit.Policy) *complianceTally {
	ct := &complianceTally{byGrade: map[audit.Grade]*Tally{}}
	ct.c.Overall.Label = "All members (outcome)"
	for i := range ct.c.Standards {
		s := audit.Standard(i + 1)
		ct.c.Standards[i].Label = fmt.Sprintf("Standard %d: %s", s, s.Title(p))
	}
	return ct
}

func (ct *complianceTally) add(r *audit.MemberResult) {
	ct.c.Overall.add(r.Outcome)
	for j := range r.Standards {
		ct.c.Standards[j].add(r.Standards[j].Verdict)
	}
	t := ct.byGrade[r.Member.Grade]
	if t == nil {
		t = &Tally{Label: string(r.Member.Grade)}
		if r.Member.Grade == audit.GradeUnknown {
			t.Label = unknownGrade
		}
		ct.byGrade[r.Member.Grade] = t
	}
	t.add(r.Outcome)
}

// rates returns the tallies with the grades in the Compliance sheet's
// order: the known grades junior to senior, other names sorted, unknown
// last. It leaves the tally as it was.
func (ct *complianceTally) rates() Compliance {
	c := ct.c
	c.Grades = nil
	for _, g := range audit.Grades {
		if t := ct.byGrade[g]; t != nil {
			c.Grades = append(c.Grades, *t)
		}
	}
	var other []Tally
	for g, t := range ct.byGrade {
		if g != audit.GradeUnknown && !slices.Contains(audit.Grades, g) {
			other = append(other, *t)
		}
	}
	sort.Slice(other, func(i, j int) bool { return other[i].Label < other[j].Label })
	c.Grades = append(c.Grades, other...)
	if unknown := ct.byGrade[audit.GradeUnknown]; unknown != nil {
		c.Grades = append(c.Grades, *unknown)
	}
	return c
}

// complianceNote says what the denominator is, right above the numbers.
const complianceNote = "MET rate = members with MET ÷ members assessed. Members assessed = MET + REVIEW + NOT_MET: " +
	"exempt members are left out because their standards are not assessed. REVIEW is a pre-screen result " +
	"an assessor still has to decide, so the final rates can be higher once reviews are confirmed."

// writeComplianceSheet writes the Compliance sheet from the rates c, which
// the TableWriter tallied as results went by.
func writeComplianceSheet(f *excelize.File, st *styles, in Input, c Compliance) error {
	const s = runfolder.SheetCompliance
	// Printed, the sheet is one landscape page: the tables with the charts
	// beside them. Last year's section, when there is one, goes on a
	// second page.
	pages := 1
	if in.Previous != nil {
		pages = 2
	}
	if err := SetPrint(f, s, PrintSetup{Landscape: true, PagesWide: 1, PagesTall: pages}); err != nil {
		return err
	}
	// A slice, not a map: the order of calls shapes the <cols> element.
	for i, w := range complianceWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(s, col, col, w); err != nil {
			return err
		}
	}
	title := "Compliance rates"
	if in.Year != 0 {
		title = fmt.Sprintf("Compliance rates, CPD year %d", in.Year)
	}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	add(f.SetCellValue(s, "A1", title))
	add(f.SetCellStyle(s, "A1", "A1", st.title))
	add(f.MergeCell(s, "A2", "G2"))
	add(f.SetCellValue(s, "A2", complianceNote))
	add(f.SetCellStyle(s, "A2", "G2", st.note))
	add(f.SetRowHeight(s, 2, rowHeight(textLines(complianceNote, complianceTableWidth, false))))

	header := []any{"Group", "Members assessed", "MET", "REVIEW", "NOT_MET", "EXEMPT (not in rate)", "MET rate"}
	table := func(top int, group string, rows []Tally) (int, int) {
		header[0] = group
		add(setRow(f, s, 1, top, header...))
		add(f.SetCellStyle(s, cellName(1, top), cellName(7, top), st.header))
		add(f.SetRowHeight(s, top, headerHeight(header, complianceWidths)))
		for i, t := range rows {
			var rate any
			if r, ok := t.MetRate(); ok {
				rate = r
			}
			add(setRow(f, s, 1, top+1+i, t.Label, t.Assessed(), t.Met, t.Review, t.NotMet, t.Exempt, rate))
		}
		first, last := top+1, top+len(rows)
		if len(rows) > 0 {
			add(f.SetCellStyle(s, cellName(7, first), cellName(7, last), st.percent))
		}
		return first, last
	}
	std := append([]Tally{c.Overall}, c.Standards[:]...)
	stdFirst, stdLast := table(4, "Overall and per standard", std)
	gradeTop := stdLast + 3
	gradeFirst, gradeLast := table(gradeTop, "Per membership grade (outcome)", c.Grades)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := rateChart(f, "I4", "MET rate per standard", stdFirst, stdLast); err != nil {
		return err
	}
	// The grade chart goes beside its table, but below the standards chart,
	// which is taller than the standards table.
	gradeChart := max(gradeTop, 4+chartRows+1)
	if len(c.Grades) > 0 {
		if err := rateChart(f, fmt.Sprintf("I%d", gradeChart), "MET rate per membership grade", gradeFirst, gradeLast); err != nil {
			return err
		}
	}
	if in.Previous == nil {
		return nil
	}
	// The year-on-year section starts below this year's tables and charts.
	end := max(stdLast, 4+chartRows)
	if len(c.Grades) > 0 {
		end = max(gradeLast, gradeChart+chartRows)
	}
	return writeYearOnYear(f, st, in, c, end+2)
}

// complianceWidths are the widths of the Compliance tables' columns A to G.
var complianceWidths = []float64{48, 12, 9, 9, 10, 12, 10}

// complianceTableWidth is their sum: the width of a note merged across them.
const complianceTableWidth = 48 + 12 + 9 + 9 + 10 + 12 + 10

// headerHeight is the height of a header row of bold text that wraps in
// its columns.
func headerHeight(header []any, widths []float64) float64 {
	return max(RowHeight(header, widths, true), linePt)
}

// Chart text is dark grey on white: excelize's default draws axis labels
// in a 15% tint of the text colour, which is barely visible, printed or
// on screen.
const chartInk = "404040"

func chartTitle(text string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{
		Text: text, Font: &excelize.Font{Bold: true, Size: 12, Color: chartInk},
	}}}
}

func chartAxisFont() excelize.Font { return excelize.Font{Size: 9, Color: chartInk} }

func chartLabel() excelize.ChartDataLabel {
	return excelize.ChartDataLabel{Font: excelize.Font{Size: 9, Color: chartInk}}
}

// rateChart adds a native bar chart of the MET rates in rows first..last.
func rateChart(f *excelize.File, at, title string, first, last int) error {
	maxRate, minRate := 1.0, 0.0
	return f.AddChart(runfolder.SheetCompliance, at, &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       "MET rate",
			Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", runfolder.SheetCompliance, first, last),
			Values:     fmt.Sprintf("'%s'!$G$%d:$G$%d", runfolder.SheetCompliance, first, last),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4E8F3A"}},
			DataLabel:  chartLabel(),
		}},
		Title:     chartTitle(title),
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 560, Height: 260},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true},
		XAxis:     excelize.ChartAxis{ReverseOrder: true, Font: chartAxisFont()},
		YAxis: excelize.ChartAxis{
			Maximum: &maxRate, Minimum: &minRate, MajorGridLines: true,
			NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}, Font: chartAxisFont(),
		},
	})
}
