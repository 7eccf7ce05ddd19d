package review

import (
	"fmt"
	"io"
	"strconv"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/internal/english"
	"github.com/ies/cpdaudit/report"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

// Sheets the assessor's loop adds to the final workbook.
const (
	SheetFinal     = "Final outcomes"
	SheetAgreement = "Agreement"
)

// EditWorkbook opens the workbook at path, lets edit change it and writes
// it to w. The caller stages w (package staged), so path may be replaced
// by the result: readers then see the old workbook or the new one, never
// a half-written one.
func EditWorkbook(path string, w io.Writer, edit func(*excelize.File, report.SheetStyles) error) error {
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: unzipSizeLimit, UnzipXMLSizeLimit: unzipXMLSizeLimit})
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	st, err := report.NewSheetStyles(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := edit(f, st); err != nil {
		return fmt.Errorf("updating %s: %w", path, err)
	}
	return report.SaveWorkbook(f, w)
}

// runSection writes a titled section of label/value rows on the Run sheet.
// A section already there (from an earlier sample or finalize) is written
// over in place, so running a step again does not pile up copies; a new
// one goes after the last row, one row apart.
func runSection(f *excelize.File, st report.SheetStyles, title string, rows [][]any) error {
	const s = runfolder.SheetRun
	existing, err := f.GetRows(s)
	if err != nil {
		return err
	}
	start := len(existing) + 2
	old := 0
	for i, r := range existing {
		if len(r) > 0 && r[0] == title {
			start = i + 1
			for j := i + 1; j < len(existing) && len(existing[j]) > 0 && existing[j][0] != ""; j++ {
				old++
			}
			break
		}
	}
	// Clear the old section's rows beyond the new one's length.
	for i := len(rows); i < old; i++ {
		for c := 1; c <= 3; c++ {
			if err := f.SetCellValue(s, cell(c, start+1+i), nil); err != nil {
				return err
			}
		}
	}
	if err := f.SetSheetRow(s, cell(1, start), &[]any{title}); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, cell(1, start), cell(3, start), st.Header); err != nil {
		return err
	}
	var widths []float64
	for _, c := range []string{"A", "B", "C"} {
		w, err := f.GetColWidth(s, c)
		if err != nil {
			return err
		}
		widths = append(widths, w)
	}
	for i, r := range rows {
		vals := append([]any{}, r...)
		for len(vals) < 3 {
			vals = append(vals, nil)
		}
		if err := f.SetSheetRow(s, cell(1, start+1+i), &vals); err != nil {
			return err
		}
		// A long value (a path, a hash) wraps on the Run sheet.
		if h := report.RowHeight(vals, widths, false); h > 0 {
			if err := f.SetRowHeight(s, start+1+i, h); err != nil {
				return err
			}
		}
	}
	return nil
}

func cell(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// AddSampleToRun records the sample on the Run sheet: seed, rate,
// stratification and the number sampled. The seed is text, because a
// spreadsheet keeps only 15 significant digits of a number.
func AddSampleToRun(f *excelize.File, st report.SheetStyles, s *Sample) error {
	rate := FormatRate(s.Options.Rate)
	if s.EffectiveRate != s.Options.Rate {
		rate += fmt.Sprintf(" (raised to %s to draw at least %d)", FormatRate(s.EffectiveRate), s.Options.Min)
	}
	excluded := 0
	for _, st := range s.Strata {
		excluded += st.Excluded
	}
	return runSection(f, st, "Assessor sample", [][]any{
		{"Sample seed", strconv.FormatUint(s.Options.Seed, 10)},
		{"Sample rate", rate},
		{"Stratified by", s.StratifiedBy()},
		{"Members sampled", len(s.Members), fmt.Sprintf("%d REVIEW, %d NOT_MET, %d random", s.Count(ReasonReview), s.Count(ReasonNotMet), s.Count(ReasonRandom))},
		{"Left out (audited before)", excluded},
		{"Sample list", "sample.csv; sample.json holds the method, to re-draw and check it"},
	})
}

// FinalizeWorkbook turns the run's summary workbook into the final one: the
// Summary sheet's assessor columns filled with what the assessors wrote, a
// Final outcomes sheet (final-summary.csv's table), an Agreement sheet and
// the decisions file recorded on the Run sheet.
func FinalizeWorkbook(f *excelize.File, st report.SheetStyles, finals []Final, a Agreement, ds []*Decisions, p audit.Policy) error {
	if err := fillSummary(f, finals); err != nil {
		return err
	}
	for _, name := range []string{SheetFinal, SheetAgreement} {
		if idx, _ := f.GetSheetIndex(name); idx >= 0 {
			if err := f.DeleteSheet(name); err != nil {
				return err
			}
		}
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	if err := writeFinalSheet(f, st, finals); err != nil {
		return err
	}
	if err := writeAgreementSheet(f, st, a, p); err != nil {
		return err
	}
	n := 0
	for i := range finals {
		if finals[i].Applied() {
			n++
		}
	}
	var rows [][]any
	for _, d := range ds {
		rows = append(rows, []any{"Decisions file", d.File.Path}, []any{"Decisions file SHA-256", d.File.SHA256})
	}
	return runSection(f, st, "Assessor decisions", append(rows,
		[]any{"Decisions applied", n},
		[]any{"Decisions not applied", len(Problems(finals)), "see the Problem column of Final outcomes"},
	))
}

// fillSummary writes each member's decision and comment, as the assessor
// wrote them, into the Summary sheet's assessor columns.
func fillSummary(f *excelize.File, finals []Final) error {
	rows, err := f.GetRows(runfolder.SheetSummary)
	if err != nil || len(rows) == 0 {
		return fmt.Errorf("the workbook has no %s sheet to fill", runfolder.SheetSummary)
	}
	cols, ok := matchColumns(rows[0])
	if !ok || cols.comment < 0 {
		return fmt.Errorf("the %s sheet has no Member ID, Assessor decision and Assessor comment columns", runfolder.SheetSummary)
	}
	// A workbook from an older cpdaudit has no Comment to member column.
	memberCol := -1
	if cols.memberComment >= 0 {
		memberCol = cols.memberComment
	}
	byID := map[string]*Final{}
	for i := range finals {
		if finals[i].InRun {
			byID[finals[i].ID] = &finals[i]
		}
	}
	for i := 1; i < len(rows); i++ {
		if cols.id >= len(rows[i]) {
			continue
		}
		fin := byID[rows[i][cols.id]]
		if fin == nil || (fin.Written == "" && fin.Comment == "" && fin.MemberComment == "") {
			continue
		}
		for _, c := range []struct {
			col  int
			text string
		}{{cols.decision, fin.Written}, {memberCol, fin.MemberComment}, {cols.comment, fin.Comment}} {
			if c.text == "" || c.col < 0 {
				continue // an empty string cell is not an empty cell to Excel
			}
			if err := f.SetCellStr(runfolder.SheetSummary, cell(c.col+1, i+1), c.text); err != nil {
				return err
			}
		}
		if err := fitComment(f, i+1, cols.comment+1, fin.Comment); err != nil {
			return err
		}
		if memberCol >= 0 {
			if err := fitComment(f, i+1, memberCol+1, fin.MemberComment); err != nil {
				return err
			}
		}
	}
	return nil
}

// fitComment makes a Summary row tall enough for the assessor's comment
// in column col, wrapped; a row already taller (for its flags) stays so.
func fitComment(f *excelize.File, row, col int, comment string) error {
	name, _ := excelize.ColumnNumberToName(col)
	w, err := f.GetColWidth(runfolder.SheetSummary, name)
	if err != nil {
		return err
	}
	need := report.RowHeight([]any{comment}, []float64{w}, false)
	if need == 0 {
		return nil
	}
	have, err := f.GetRowHeight(runfolder.SheetSummary, row)
	if err != nil || have >= need {
		return err
	}
	return f.SetRowHeight(runfolder.SheetSummary, row, need)
}

func writeFinalSheet(f *excelize.File, st report.SheetStyles, finals []Final) error {
	const s = SheetFinal
	headers := []any{"Member ID", "Name", "Pre-screen outcome", "Assessor decision", "Final outcome", "Assessor comment (internal)", "Problem", "Comment to member", "Decisions file"}
	widths := []float64{12, 24, 12, 22, 12, 50, 70, 50, 30}
	for i, w := range widths {
		c, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(s, c, c, w); err != nil {
			return err
		}
	}
	if err := f.SetSheetRow(s, "A1", &headers); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, "A1", cell(len(headers), 1), st.Header); err != nil {
		return err
	}
	if err := f.SetRowHeight(s, 1, max(report.RowHeight(headers, widths, true), 30)); err != nil {
		return err
	}
	for i, r := range FinalRows(finals) {
		vals := []any{r.MemberID, r.Name, r.Prescreen, r.Decision, r.Final, r.Comment, r.Problem, r.MemberComment, r.File}
		if err := f.SetSheetRow(s, cell(1, i+2), &vals); err != nil {
			return err
		}
		// The comment and the problem wrap: the row is as tall as the
		// longer of them needs.
		if h := report.RowHeight(vals, widths, false); h > 0 {
			if err := f.SetRowHeight(s, i+2, h); err != nil {
				return err
			}
		}
	}
	last := len(finals) + 1
	// Every cell wraps and sits at the top, so a row made tall by a
	// comment reads across.
	if err := f.SetCellStyle(s, "A2", cell(9, max(last, 2)), st.Wrap); err != nil {
		return err
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.AutoFilter(s, fmt.Sprintf("A1:I%d", max(last, 2)), nil); err != nil {
		return err
	}
	// After the autofilter: excelize's AutoFilter replaces the sheet
	// properties, fit-to-page among them.
	return report.SetPrint(f, s, report.PrintSetup{Landscape: true, PagesWide: 1, TitleRows: "1"})
}

// agreementWidths are the Agreement sheet's column widths; a note spans
// all of them (agreementWidth).
var agreementWidths = []float64{46, 12, 12, 12, 12, 60}

const agreementWidth = 46 + 12*4 + 60

func writeAgreementSheet(f *excelize.File, st report.SheetStyles, a Agreement, p audit.Policy) error {
	const s = SheetAgreement
	if err := report.SetPrint(f, s, report.PrintSetup{Landscape: true, PagesWide: 1, PagesTall: 1}); err != nil {
		return err
	}
	for i, w := range agreementWidths {
		c, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(s, c, c, w); err != nil {
			return err
		}
	}
	row := 1
	var err error
	var pctRows []int
	put := func(style int, vals ...any) {
		if err != nil {
			return
		}
		if len(vals) > 3 {
			if _, ok := vals[3].(float64); ok {
				pctRows = append(pctRows, row)
			}
		}
		err = f.SetSheetRow(s, cell(1, row), &vals)
		if style == 0 {
			// A data row wraps its text and sits at the top, so a row
			// made tall by its last column reads across.
			style = st.Wrap
		}
		if err == nil {
			err = f.SetCellStyle(s, cell(1, row), cell(max(len(vals), 1), row), style)
		}
		// Headers and the "Also" text wrap: the row is as tall as they need.
		if h := report.RowHeight(vals, agreementWidths, style == st.Header); err == nil && h > 0 {
			err = f.SetRowHeight(s, row, h)
		}
		row++
	}
	kappa := func(l Line) any {
		if !l.KappaDefined {
			return "n/a"
		}
		return roundTo(l.Kappa, 3)
	}
	// A note spans the table's width, with room for its lines: no
	// spreadsheet sizes a row to wrapped text a library wrote.
	note := func(text string) {
		if err != nil {
			return
		}
		err = f.MergeCell(s, cell(1, row), cell(6, row))
		put(st.Note, text)
		if h := report.RowHeight([]any{text}, []float64{agreementWidth}, false); err == nil {
			err = f.SetRowHeight(s, row-1, max(h, 15))
		}
	}
	rate := func(l Line) any {
		if l.N == 0 {
			return "n/a"
		}
		return l.Rate()
	}
	put(st.Title, "Agreement between the pre-screen and the assessors")
	note("Only members with an applied decision count; EXEMPT members are left out (an exemption comes from the register, not the tool). Kappa is Cohen's kappa: 1 is full agreement, 0 no better than chance; n/a when every member has the same label on both sides, where chance alone would agree.")
	row++
	put(st.Header, "Overall outcome", "Members", "Same outcome", "Agreement", "Cohen's kappa", "What it means")
	put(0, "Members the tool decided (MET or NOT_MET)", a.ToolDecided.N, a.ToolDecided.Agreed, rate(a.ToolDecided), kappa(a.ToolDecided),
		"How often assessors confirmed a MET or NOT_MET pre-screen.")
	put(0, "All decided members (REVIEW counts as not the same)", a.Decided.N, a.Decided.Agreed, rate(a.Decided), kappa(a.Decided),
		"Tool outcome against final outcome; REVIEW never equals a final outcome, so this is lower by design.")
	put(0, "REVIEW settled as MET", a.ReviewToMet)
	put(0, "REVIEW settled as NOT_MET", a.ReviewToNotMet)
	row++
	put(st.Header, "Pre-screen outcome \\ final outcome", "MET", "NOT_MET")
	for i, l := range a.Confusion.Labels {
		if l != string(audit.Met) && l != string(audit.NotMet) && l != string(audit.Review) {
			continue
		}
		put(0, l, a.Confusion.Counts[i][0], a.Confusion.Counts[i][1])
	}
	row++
	put(st.Title, "Per standard")
	note("Assessors give one decision per member, not per standard, so a standard's own agreement can only be measured where the decision rests on it alone: members whose other three standards were MET on the pre-screen (taking the assessor to accept those). A NOT_MET standard with a final MET outcome was overturned for certain, whatever the other standards said.")
	put(st.Header, "Standard", "Members (decision rests on it)", "Same verdict", "Agreement", "Cohen's kappa", "Also")
	for _, sa := range a.Standards {
		also := fmt.Sprintf("NOT_MET on %d decided %s, overturned to MET on %d; REVIEW (only non-MET standard) settled MET %d, NOT_MET %d.",
			sa.NotMet, english.Plural(sa.NotMet, "member", "members"), sa.Overturned, sa.ReviewToMet, sa.ReviewToNotMet)
		put(0, fmt.Sprintf("%d. %s", sa.Standard, sa.Standard.Title(p)), sa.Attributable.N, sa.Attributable.Agreed,
			rate(sa.Attributable), kappa(sa.Attributable), also)
	}
	if err != nil {
		return err
	}
	// Agreement is a share: show it as a percentage where it is a number.
	for _, r := range pctRows {
		if err := f.SetCellStyle(s, cell(4, r), cell(4, r), st.Percent); err != nil {
			return err
		}
	}
	return nil
}

func roundTo(v float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}

// The Summary sheet's sample columns, by their headers reduced with
// runfolder.HeaderKey.
var (
	hdrSampled      = runfolder.HeaderKey(runfolder.HeaderSampled)
	hdrSampleReason = runfolder.HeaderKey(runfolder.HeaderSampleReason)
)

// MarkSampled fills the Summary sheet's Sampled column ("yes" or "no") and
// Sample reason column (why the member was drawn) for every member, so
// assessors can filter the sheet to the members they must decide. A
// sample drawn again replaces the marks of the earlier one. A workbook from
// an older cpdaudit, without these columns, is left as it is.
func MarkSampled(f *excelize.File, s *Sample) error {
	// The ids are read with the row iterator, not GetRows: the sheet has a
	// row per member, and only one column of it is needed.
	rows, err := f.Rows(runfolder.SheetSummary)
	if err != nil {
		return fmt.Errorf("the workbook has no %s sheet", runfolder.SheetSummary)
	}
	idCol, sampledCol, reasonCol := -1, -1, -1
	var ids []string
	for n := 0; rows.Next(); n++ {
		r, err := rows.Columns()
		if err != nil {
			rows.Close()
			return err
		}
		if n == 0 {
			for i, h := range r {
				switch runfolder.HeaderKey(h) {
				case hdrID:
					idCol = first(idCol, i)
				case hdrSampled:
					sampledCol = first(sampledCol, i)
				case hdrSampleReason:
					reasonCol = first(reasonCol, i)
				}
			}
			if idCol < 0 || sampledCol < 0 || reasonCol < 0 {
				return rows.Close()
			}
			continue
		}
		id := ""
		if idCol < len(r) {
			id = r[idCol]
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if idCol < 0 || sampledCol < 0 || reasonCol < 0 {
		return nil
	}
	reason := make(map[string]Reason, len(s.Members))
	for _, p := range s.Members {
		reason[p.ID] = p.Reason
	}
	for i, id := range ids {
		if id == "" {
			continue
		}
		mark, why := "no", ""
		if r, ok := reason[id]; ok {
			mark, why = "yes", string(r)
		}
		if err := f.SetCellStr(runfolder.SheetSummary, cell(sampledCol+1, i+2), mark); err != nil {
			return err
		}
		var v any
		if why != "" {
			v = why
		}
		if err := f.SetCellValue(runfolder.SheetSummary, cell(reasonCol+1, i+2), v); err != nil {
			return err
		}
	}
	return nil
}
