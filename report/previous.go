package report

import (
	"fmt"
	"math"
	"sort"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/english"
	"github.com/ies/cpdaudit/internal/memberid"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

// PreviousRun is last year's run, given with "cpdaudit run --previous", as
// plain data: the command reads the run folder, the report only lays it out.
type PreviousRun struct {
	// Year is the previous run's CPD year (from its run.json).
	Year int
	// Dir is the previous run's folder, and FinalFile its
	// final-summary.csv when that run was finalised; both for the Run
	// sheet.
	Dir, FinalFile string
	// Stale counts members whose final outcome was not used because
	// final-summary.csv did not match the run's summary.csv.
	Stale int
	// Outcomes maps a member id to their outcome in the previous run: the
	// final outcome where the run was finalised and the member has one,
	// the pre-screen otherwise. It decides no output order: it is looked
	// up through Outcome.
	Outcomes map[string]audit.Verdict
	// FromFinal holds the members whose outcome is a final outcome.
	FromFinal map[string]bool
	// Compliance holds the previous year's rates, computed from its summary
	// rows the way this year's are.
	Compliance Compliance

	ids memberid.Index[prevOutcome] // Outcomes by id, as memberid compares them
}

// prevOutcome is a member's outcome last year, and whether it is final.
type prevOutcome struct {
	v     audit.Verdict
	final bool
}

// PreviousMember is one member row of the previous run's summary.
type PreviousMember struct {
	ID    string
	Grade audit.Grade
	// Standards holds the verdicts; Standards[i] is standard i+1.
	Standards [4]audit.Verdict
	// Outcome is the pre-screen outcome; Final the final outcome after the
	// assessors' decisions, empty when there is none.
	Outcome audit.Verdict
	Final   audit.Verdict
}

// NewPreviousRun builds a PreviousRun from the previous run's summary rows.
// The Compliance rates stay those of the pre-screen, to compare like with
// like: this year's are a pre-screen too.
func NewPreviousRun(year int, members []PreviousMember) *PreviousRun {
	p := &PreviousRun{Year: year, Outcomes: make(map[string]audit.Verdict, len(members)), FromFinal: map[string]bool{}}
	results := make([]audit.MemberResult, len(members))
	for i, m := range members {
		p.Outcomes[m.ID] = m.Outcome
		if m.Final != "" {
			p.Outcomes[m.ID], p.FromFinal[m.ID] = m.Final, true
		}
		p.ids.Add(m.ID, prevOutcome{p.Outcomes[m.ID], p.FromFinal[m.ID]})
		r := &results[i]
		r.Member = audit.Member{ID: m.ID, Grade: m.Grade}
		r.Outcome = m.Outcome
		for j, v := range m.Standards {
			r.Standards[j] = audit.StandardResult{Standard: audit.Standard(j + 1), Verdict: v}
		}
	}
	// Only the rates are used; the labels come from this year's policy.
	p.Compliance = ComplianceRates(results, audit.DefaultPolicy())
	return p
}

// Outcome returns the member's outcome in the previous run, and false when
// the member was not in it.
//
// Ids are compared the one way ids are compared everywhere (memberid):
// member 000007 this year is member 7 of last year's run. An id that
// could be either of two members of last year's run (007 and 7) is
// neither.
func (p *PreviousRun) Outcome(id string) (audit.Verdict, bool) {
	o, ok := p.lookup(id)
	return o.v, ok
}

// lookup is Outcome, with whether the outcome is a final one.
func (p *PreviousRun) lookup(id string) (prevOutcome, bool) {
	if v, ok := p.Outcomes[id]; ok {
		return prevOutcome{v, p.FromFinal[id]}, true
	}
	if p.ids.Len() != len(p.Outcomes) {
		// Outcomes filled in by hand, not by NewPreviousRun.
		p.ids = memberid.Index[prevOutcome]{}
		for id, v := range p.Outcomes {
			p.ids.Add(id, prevOutcome{v, p.FromFinal[id]})
		}
	}
	f := p.ids.Find(id)
	if f.Match != memberid.Exact && f.Match != memberid.Same {
		return prevOutcome{}, false
	}
	return f.Value, true
}

// NotInLastYear is the year-on-year column's cell for a member who was not
// in last year's run.
const NotInLastYear = "not in last year's run"

// repeatFlag is the assessor flag for a member NOT_MET in both runs. It
// says whether last year's NOT_MET is the final outcome or only the
// pre-screen (that run was not finalised, or the member had no final
// outcome). When the previous run is not the year before (a warning at run
// time), the words say "in both" rather than "two years running".
func repeatFlag(prev, year int, final bool) string {
	last := yearLabel(prev, "last year") + ": pre-screen, no final outcome"
	if final {
		last = yearLabel(prev, "last year") + ": final outcome"
	}
	this := yearLabel(year, "this year") + ": pre-screen"
	if year != 0 && prev == year-1 {
		return fmt.Sprintf("NOT_MET two years running (%s; %s)", last, this)
	}
	return fmt.Sprintf("NOT_MET in both runs (%s; %s)", last, this)
}

// OutcomesUsed says, for the Run sheet, which of last year's outcomes were
// used.
func (p *PreviousRun) OutcomesUsed() string {
	n := len(p.Outcomes)
	f := len(p.FromFinal)
	if p.FinalFile == "" {
		return fmt.Sprintf("pre-screen outcomes (summary.csv) for all %d %s: that run was not finalised", n, english.Plural(n, "member", "members"))
	}
	s := fmt.Sprintf("final outcomes (final-summary.csv) for %d %s; pre-screen outcomes (summary.csv) for %d with no final outcome", f, english.Plural(f, "member", "members"), n-f)
	if p.Stale > 0 {
		s += fmt.Sprintf(" (%d of them because final-summary.csv did not match that run's summary.csv)", p.Stale)
	}
	return s
}

func yearLabel(y int, unknown string) string {
	if y == 0 {
		return unknown
	}
	return fmt.Sprint(y)
}

// annotate adds the member's outcome in this previous run to their Summary
// row, and the two-years-running flag (from repeatFlag) when they were
// NOT_MET both times. A member not in the previous run is left as is.
func (p *PreviousRun) annotate(r *SummaryRow, year int) {
	o, ok := p.lookup(string(r.MemberID))
	if !ok {
		return
	}
	v := o.v
	r.PreviousOutcome = v
	if v == audit.NotMet && r.Outcome == audit.NotMet {
		if r.Flags != "" {
			r.Flags += flagSeparator
		}
		r.Flags += Text(repeatFlag(p.Year, year, o.final))
	}
}

// summaryRowWithPrevious is a summary.csv row when a previous run was given:
// SPEC.md's columns first and in order, then previous_outcome last.
type summaryRowWithPrevious struct {
	SummaryRow
	// PreviousOutcome is empty when the member was not in the previous run:
	// verdict cells hold only verdict words.
	PreviousOutcome audit.Verdict `csv:"previous_outcome"`
}

// yearOnYearRow is one group of the year-on-year table.
type yearOnYearRow struct {
	Label          string
	Previous, This *Tally // nil when the group has no member that year
}

// yearOnYear pairs this year's tallies with last year's: overall and per
// standard, then per grade over the grades of either year, in
// ComplianceRates' order.
func yearOnYear(this, prev Compliance) (std, grades []yearOnYearRow) {
	std = append(std, yearOnYearRow{this.Overall.Label, &prev.Overall, &this.Overall})
	for i := range this.Standards {
		std = append(std, yearOnYearRow{this.Standards[i].Label, &prev.Standards[i], &this.Standards[i]})
	}
	find := func(ts []Tally, label string) *Tally {
		for i := range ts {
			if ts[i].Label == label {
				return &ts[i]
			}
		}
		return nil
	}
	var labels []string
	for _, ts := range [][]Tally{this.Grades, prev.Grades} {
		for _, t := range ts {
			if !containsString(labels, t.Label) {
				labels = append(labels, t.Label)
			}
		}
	}
	sort.SliceStable(labels, func(i, j int) bool {
		ri, rj := gradeRank(labels[i]), gradeRank(labels[j])
		if ri != rj {
			return ri < rj
		}
		return labels[i] < labels[j]
	})
	for _, l := range labels {
		grades = append(grades, yearOnYearRow{l, find(prev.Grades, l), find(this.Grades, l)})
	}
	return std, grades
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// gradeRank orders grade labels as ComplianceRates does: the known grades
// junior to senior, then other names (sorted by the caller), then unknown.
func gradeRank(label string) int {
	for i, g := range audit.Grades {
		if string(g) == label {
			return i
		}
	}
	if label == unknownGrade {
		return len(audit.Grades) + 1
	}
	return len(audit.Grades)
}

// chartRows is how many sheet rows a Compliance chart covers (260 px at the
// default 20 px a row), so a section below a chart starts clear of it.
const chartRows = 14

const yearOnYearNote = "MET rate of each year's pre-screen outcomes (before assessors' decisions), as in the tables above: " +
	"MET ÷ members assessed, exempt members left out. Change is in percentage points. A grade with no member " +
	"assessed in a year has no rate that year. Last year's figures come from the summary.csv of the run given with --previous " +
	"(its pre-screen, even where it was finalised: the Summary sheet's Last year's outcome uses the final outcomes)."

// writeYearOnYear writes the year-on-year section of the Compliance sheet
// from row top: two tables (overall and per standard; per grade), each with
// a clustered column chart of the two years' MET rates.
func writeYearOnYear(f *excelize.File, st *styles, in Input, this Compliance, top int) error {
	const s = runfolder.SheetCompliance
	p := in.Previous
	prevName, thisName := yearLabel(p.Year, "Last year"), yearLabel(in.Year, "This year")
	pointsFmt := `+0.0" pts";-0.0" pts";0.0" pts"`
	points, err := f.NewStyle(&excelize.Style{CustomNumFmt: &pointsFmt})
	if err != nil {
		return err
	}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	title := "Year on year"
	if p.Year != 0 && in.Year != 0 {
		title = fmt.Sprintf("Year on year: CPD years %d and %d", p.Year, in.Year)
	}
	add(f.SetCellValue(s, cellName(1, top), title))
	add(f.SetCellStyle(s, cellName(1, top), cellName(1, top), st.title))
	add(f.MergeCell(s, cellName(1, top+1), cellName(7, top+1)))
	add(f.SetCellValue(s, cellName(1, top+1), yearOnYearNote))
	add(f.SetCellStyle(s, cellName(1, top+1), cellName(7, top+1), st.note))
	add(f.SetRowHeight(s, top+1, rowHeight(textLines(yearOnYearNote, complianceTableWidth, false))))
	// Last year's comparison starts the second printed page.
	add(f.InsertPageBreak(s, cellName(1, top)))

	rate := func(t *Tally) any {
		if t == nil {
			return nil
		}
		if r, ok := t.MetRate(); ok {
			return r
		}
		return nil
	}
	assessed := func(t *Tally) any {
		if t == nil {
			return 0
		}
		return t.Assessed()
	}
	table := func(top int, group string, rows []yearOnYearRow) (int, int) {
		header := []any{group,
			"Members assessed " + prevName, "MET rate " + prevName,
			"Members assessed " + thisName, "MET rate " + thisName, "Change (points)"}
		add(setRow(f, s, 1, top, header...))
		add(f.SetCellStyle(s, cellName(1, top), cellName(6, top), st.header))
		add(f.SetRowHeight(s, top, headerHeight(header, complianceWidths)))
		for i, r := range rows {
			var change any
			r0, ok0 := rate(r.Previous).(float64)
			r1, ok1 := rate(r.This).(float64)
			if ok0 && ok1 {
				change = roundPoints(r1 - r0)
			}
			add(setRow(f, s, 1, top+1+i, r.Label, assessed(r.Previous), rate(r.Previous), assessed(r.This), rate(r.This), change))
		}
		first, last := top+1, top+len(rows)
		if len(rows) > 0 {
			add(f.SetCellStyle(s, cellName(3, first), cellName(3, last), st.percent))
			add(f.SetCellStyle(s, cellName(5, first), cellName(5, last), st.percent))
			add(f.SetCellStyle(s, cellName(6, first), cellName(6, last), points))
		}
		return first, last
	}
	std, grades := yearOnYear(this, p.Compliance)
	stdTop := top + 3
	stdFirst, stdLast := table(stdTop, "Overall and per standard", std)
	gradeTop := max(stdLast, stdTop+chartRows) + 2
	var gradeFirst, gradeLast int
	if len(grades) > 0 {
		gradeFirst, gradeLast = table(gradeTop, "Per membership grade (outcome)", grades)
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := yearChart(f, stdTop, stdFirst, stdLast, fmt.Sprintf("MET rate per standard, %s and %s", prevName, thisName)); err != nil {
		return err
	}
	if len(grades) > 0 {
		return yearChart(f, gradeTop, gradeFirst, gradeLast, fmt.Sprintf("MET rate per membership grade, %s and %s", prevName, thisName))
	}
	return nil
}

// roundPoints turns a difference of two rates into percentage points with
// one decimal, so floating-point noise never shows; adding 0 turns a
// negative zero into 0.
func roundPoints(d float64) float64 { return math.Round(d*1000)/10 + 0 }

// yearChart adds a native clustered column chart of the two years' MET
// rates in rows first..last of a year-on-year table whose header is on row
// hdr: last year in grey, this year in the green of the other charts. The
// series names point at the header cells, so they read "MET rate 2024".
func yearChart(f *excelize.File, hdr, first, last int, title string) error {
	maxRate, minRate := 1.0, 0.0
	ref := func(col string, a, b int) string {
		return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", runfolder.SheetCompliance, col, a, col, b)
	}
	cats := ref("A", first, last)
	return f.AddChart(runfolder.SheetCompliance, fmt.Sprintf("I%d", hdr), &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{
			{
				Name: fmt.Sprintf("'%s'!$C$%d", runfolder.SheetCompliance, hdr), Categories: cats, Values: ref("C", first, last),
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"A5A5A5"}}, DataLabel: chartLabel(),
			},
			{
				Name: fmt.Sprintf("'%s'!$E$%d", runfolder.SheetCompliance, hdr), Categories: cats, Values: ref("E", first, last),
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4E8F3A"}}, DataLabel: chartLabel(),
			},
		},
		Title:     chartTitle(title),
		Legend:    excelize.ChartLegend{Position: "bottom", Font: &excelize.Font{Size: 9, Color: chartInk}},
		Dimension: excelize.ChartDimension{Width: 640, Height: 260},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true},
		XAxis:     excelize.ChartAxis{Font: chartAxisFont()},
		YAxis: excelize.ChartAxis{
			Maximum: &maxRate, Minimum: &minRate, MajorGridLines: true,
			NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}, Font: chartAxisFont(),
		},
	})
}
