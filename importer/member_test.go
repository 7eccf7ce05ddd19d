package importer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Issue 20: a member's own workbook as people keep it (a merged title row,
// labels, rich-text reflections, a hidden row, d mmm yyyy dates, a formula
// for one activity's hours, a Total row, a Summary sheet of SUMIFs, a
// hidden Lists sheet, a chart sheet), saved by openpyxl (formulas without
// results but the activity's, patched in as Excel saves it) and re-saved
// by LibreOffice (every result saved): six activities with their hours, no
// import issue, and notices for what was skipped.
func TestMemberOwnWorkbook(t *testing.T) {
	for file, chart := range map[string]bool{"own-workbook-openpyxl.xlsx": true, "own-workbook-libreoffice.xlsx": false} {
		t.Run(file, func(t *testing.T) {
			res := ImportActivities(fixture("member", file), DefaultOptions())
			checkAccounting(t, res)
			if len(res.Issues) > 0 {
				t.Fatalf("issues: %v", res.Issues)
			}
			const s = "71010|Jane Smith|"
			equalLines(t, summary(res), []string{
				s + "Contaminated land risk assessment course|Formal Learning|2025-02-12|7|CPD record 2025:6:0",
				s + "Supervised trial pitting at a former tannery|Work-Based Learning|2025-03-20|6|CPD record 2025:7:0",
				s + "Branch committee: planning the annual conference|Professional Activity|2025-04-09|4|CPD record 2025:8:0",
				s + "Two sessions of journal reading on PFAS|Self-Directed Learning|2025-05-14|3|CPD record 2025:9:0",
				s + "Mentoring a graduate engineer|Professional Activity|2025-06-25|5|CPD record 2025:10:0",
				s + "Year-round Reflection|Other|2025-09-03|2|CPD record 2025:11:0",
			})
			if res.Accounting != (Accounting{Read: 6, Accepted: 6}) {
				t.Errorf("accounting %v: the Total row must not be a data row", res.Accounting)
			}
			// The rich-text runs read as one text.
			if got := res.Activities[0].Reflection; got != "The course improved my risk assessments because I now derive site-specific criteria instead of relying on screening values. My clients benefit because remediation targets are proportionate, so they spend less." {
				t.Errorf("reflection %q", got)
			}
			var got []string
			for _, n := range res.Notices {
				got = append(got, n.Sheet+": "+n.Message)
			}
			want := []string{
				`CPD record 2025: row 12 ("Total") adds up the hours: it is a totals row, not an activity, so it was skipped`,
				`Summary: the sheet was skipped: it is not a table of CPD activities (its columns "Learning category", "Hours" look like a summary or a list)`,
				`Lists: the sheet was skipped: it is hidden and has no table of CPD activities`,
			}
			// LibreOffice saves the chart sheet as a worksheet holding the
			// chart: an empty sheet, skipped without a word.
			if chart {
				want = append(want, "Chart: the sheet is a chart, not a table, so it was skipped")
			}
			equalLines(t, got, want)
			// No notice tells the member to change anything.
			for _, n := range res.Notices {
				if strings.Contains(n.Message, "Add ") || strings.Contains(n.Message, "missing") {
					t.Errorf("a notice gives advice: %v", n)
				}
			}
		})
	}
}

func TestTotalLabels(t *testing.T) {
	for text, want := range map[string]bool{
		"Total": true, "TOTAL:": true, "Totals": true, "Sub-total": true, "Sub total": true, "Subtotal": true,
		"Sum": true, "Grand total": true, "Total hours": true, "Overall total:": true, "Hours total": true,
		"Total quality management course for auditors": false, "Summary": false, "Sumatra field trip": false,
		"Site audit": false, "": false, "Grand Canyon": false,
	} {
		if got := isTotalLabel(text); got != want {
			t.Errorf("isTotalLabel(%q) = %v, want %v", text, got, want)
		}
	}
}

// A totals row is recognised by its label and by what else it holds: a
// row labelled "Total" that has a date or a category is an activity, and
// goes through the usual checks.
func TestTotalsRowNeedsOnlySums(t *testing.T) {
	h := matchRow(activitySchema, []cell{{Text: "Member Number"}, {Text: "Title"}, {Text: "Category"}, {Text: "Date"}, {Text: "Hours"}}, 1)
	ts := tableScan{sc: activitySchema, header: h}
	row := func(vals ...string) srcRow {
		cells := make([]cell, len(vals))
		for i, v := range vals {
			cells[i] = cell{Text: v, Raw: v}
		}
		return srcRow{row: 9, cells: cells}
	}
	for _, tt := range []struct {
		r    srcRow
		want bool
	}{
		{row("", "Total", "", "", "27"), true},
		{row("", "", "Sub-total", "", "12.5"), true},
		{row("Total", "", "", "", ""), true},            // the sum not yet calculated
		{row("", "Total", "", "", "=SUM(E2:E8)"), true}, // a formula typed into a CSV
		{row("12345", "Total", "", "", "27"), true},     // a number beside the label
		{row("12345", "Total quality course", "Formal Learning", "45700", "3"), false},
		{row("", "Total", "", "45700", "3"), false},    // a date: an activity to check
		{row("", "Total", "Other", "", "3"), false},    // a category: an activity to check
		{row("", "Total", "", "", "see notes"), false}, // text elsewhere
	} {
		if _, got := ts.totalsLabel(tt.r); got != tt.want {
			t.Errorf("totalsLabel(%v) = %v, want %v", tt.r.cells, got, tt.want)
		}
	}
}

// Only a sheet that looks like an attempt at an activity table is an
// issue when columns are missing; a lookup list, a per-category summary
// or instructions are notices.
func TestSheetsThatAreNotTables(t *testing.T) {
	f := excelize.NewFile()
	sheets := map[string][][]any{
		"Record":       {{"Member number:", 71010}, {}, {"Date", "Title", "Category", "Hours"}, {45700, "Course", "Formal Learning", 3}},
		"Attempt":      {{"Date", "Hours", "Notes"}, {45700, 3, "course"}},
		"No header":    {{45700, "Course", "Formal Learning", 3}, {45701, "Visit", "Other", 2}, {45702, "Talk", "Other", 1}},
		"Lookup":       {{"Category"}, {"Formal Learning"}, {"Other"}},
		"By category":  {{"Category", "Hours"}, {"Formal Learning", 3}, {"Total", 3}},
		"Instructions": {{"How to fill in this workbook"}, {"One row per activity."}},
	}
	order := []string{"Record", "Attempt", "No header", "Lookup", "By category", "Instructions"}
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, vals := range sheets[name] {
			cellRef, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cellRef, &vals); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	res, _ := importBytes("own.xlsx", buf.Bytes(), DefaultOptions().withDefaults(), activitySchema)
	var issues, notices []string
	for _, is := range res.Issues {
		issues = append(issues, fmt.Sprintf("%s|%v", is.Sheet, is.Kind))
	}
	for _, n := range res.Notices {
		notices = append(notices, n.Sheet)
	}
	equalLines(t, issues, []string{"Attempt|no table", "No header|no table"})
	equalLines(t, notices, []string{"Lookup", "By category", "Instructions"})
	if len(res.Activities) != 1 {
		t.Errorf("activities %v", res.Activities)
	}
}
