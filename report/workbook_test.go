package report

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/internal/testtool"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

func openWorkbook(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot read the workbook back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWorkbook(t *testing.T) {
	in := sampleInput()
	f := openWorkbook(t, render(t, WriteWorkbook, in))
	if got, want := f.GetSheetList(), []string{runfolder.SheetSummary, runfolder.SheetActivities, runfolder.SheetIssues, runfolder.SheetCompliance, runfolder.SheetRun}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	cell := func(sheet, ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	headers := map[string][]string{
		runfolder.SheetSummary:    {"Member ID", "Name", "Grade", "Counted hours", "Required hours", "Substantive categories", "Required categories", "Standard 1: hours", "Standard 2: balance", "Standard 3: level", "Standard 4: reflections", "Outcome", "Flags for the assessor", "Sampled", "Sample reason", "Assessor decision", runfolder.HeaderCommentToMember, runfolder.HeaderAssessorComment},
		runfolder.SheetActivities: {"Member ID", "Source (file:sheet:row)", "Title", "Category", "Date", "Hours", "Counted", "Reflection", "Quality element", "Users element", "Quality evidence", "Users evidence", "Not counted because", "What the reflection needs", "Flags for the assessor"},
		runfolder.SheetIssues:     {"Source file", "Sheet", "Row", "Column", "Value", "Problem and what to do", "Member ID"},
	}
	for sheet, want := range headers {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], want) {
			t.Errorf("%s header\n got %q\nwant %q", sheet, rows[0], want)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header row not frozen: %+v %v", sheet, panes, err)
		}
		st, _ := f.GetCellStyle(sheet, "A1")
		if s, _ := f.GetStyle(st); s == nil || s.Font == nil || !s.Font.Bold {
			t.Errorf("%s: header not bold", sheet)
		}
	}
	// Autofilters are recorded as the sheet-local _FilterDatabase name.
	var filters []string
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filters = append(filters, dn.RefersTo)
		}
	}
	for _, want := range []string{"'Summary'!$A$1:$R$6", "'Activities'!$A$1:$O$19", "'Import issues'!$A$1:$G$4"} {
		if !slices.Contains(filters, want) {
			t.Errorf("no autofilter %s in %q", want, filters)
		}
	}

	if got := cell(runfolder.SheetSummary, "B2"); got != "Zoë Ashworth" {
		t.Errorf("B2 = %q", got)
	}
	if got := cell(runfolder.SheetSummary, "D2"); got != "38.3" {
		t.Errorf("counted hours D2 = %q, want 38.3", got)
	}
	st, _ := f.GetCellStyle(runfolder.SheetSummary, "D2")
	if s, _ := f.GetStyle(st); s.CustomNumFmt == nil || *s.CustomNumFmt != "0.0" {
		t.Errorf("hours number format = %v, want 0.0", s.CustomNumFmt)
	}
	if got := cell(runfolder.SheetSummary, "I2"); got != "NOT_MET" {
		t.Errorf("standard 2 = %q", got)
	}
	// Formula injection: the text comes back as a string, not a formula.
	if got := cell(runfolder.SheetSummary, "B5"); got != "=cmd|' /C calc'!A0" {
		t.Errorf("B5 = %q", got)
	}
	if fm, _ := f.GetCellFormula(runfolder.SheetSummary, "B5"); fm != "" {
		t.Errorf("B5 holds a formula %q", fm)
	}
	if typ, _ := f.GetCellType(runfolder.SheetSummary, "B5"); typ == excelize.CellTypeFormula {
		t.Error("B5 typed as a formula")
	}
	var found bool
	for r := 2; r <= 19; r++ {
		ref := cellName(3, r)
		if strings.HasPrefix(cell(runfolder.SheetActivities, ref), "=HYPERLINK(") {
			found = true
			if fm, _ := f.GetCellFormula(runfolder.SheetActivities, ref); fm != "" {
				t.Errorf("%s holds a formula %q", ref, fm)
			}
		}
	}
	if !found {
		t.Error("the =HYPERLINK title is missing from Activities")
	}
	if got := cell(runfolder.SheetIssues, "E2"); got != "-1.5" {
		t.Errorf("issue value = %q, want the text -1.5", got)
	}
	if typ, _ := f.GetCellType(runfolder.SheetIssues, "E2"); typ == excelize.CellTypeNumber {
		t.Error("an input value was written as a number")
	}

	dvs, err := f.GetDataValidations(runfolder.SheetSummary)
	if err != nil || len(dvs) != 1 {
		t.Fatalf("Summary data validations: %v %v", dvs, err)
	}
	if dvs[0].Sqref != "P2:P6" || dvs[0].Type != "list" || !strings.Contains(dvs[0].Formula1, "Override to NOT_MET") {
		t.Errorf("assessor drop-down = %+v", dvs[0])
	}
	cf, err := f.GetConditionalFormats(runfolder.SheetSummary)
	if err != nil || len(cf["H2:L6"]) != 4 {
		t.Errorf("verdict conditional formats = %v %v", cf, err)
	}
	if cf, _ := f.GetConditionalFormats(runfolder.SheetActivities); len(cf["H2:H19"]) != 4 {
		t.Errorf("reflection conditional formats = %v", cf)
	}

	// Compliance: rates with the denominator spelled out, and two charts.
	if got := cell(runfolder.SheetCompliance, "A2"); !strings.Contains(got, "members assessed") {
		t.Errorf("Compliance note = %q", got)
	}
	if got := cell(runfolder.SheetCompliance, "G5"); got != "0.25" {
		t.Errorf("overall MET rate = %q, want 0.25", got)
	}
	runRows, _ := f.GetRows(runfolder.SheetRun)
	var runText strings.Builder
	for _, r := range runRows {
		runText.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, want := range []string{"Version|1.2.3-test", "CPD year|2025", "Rows read|25", "Standard 1: hours required in a full year|30|hours.required", "exports/cpd-2025.xlsx|9f86d0", "register.xlsx|",
		"Warning|412 of 415 activities are dated 2024; is --year 2025 right?",
		"Notices (nothing to fix)\n", `exports/cpd-2025.xlsx, sheet "Records", column H (Internal ref)|not used`,
		"register.xlsx|no exempt-months column"} {
		if !strings.Contains(runText.String(), want) {
			t.Errorf("Run sheet lacks %q:\n%s", want, runText.String())
		}
	}
	props, _ := f.GetDocProps()
	if props.Created != "2026-01-15T09:00:00Z" || props.Creator != "cpdaudit 1.2.3-test" {
		t.Errorf("doc props = %+v", props)
	}
}

func TestWorkbookCharts(t *testing.T) {
	data := render(t, WriteWorkbook, sampleInput())
	for _, part := range []string{"xl/charts/chart1.xml", "xl/charts/chart2.xml"} {
		if !bytes.Contains(data, []byte(part)) {
			t.Errorf("workbook has no %s", part)
		}
	}
}

func TestTemplate(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTemplate(&b); err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, b.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{SheetRecord, SheetNotes}) {
		t.Fatalf("sheets = %q", got)
	}
	rows, _ := f.GetRows(SheetRecord)
	if rows[0][0] != "Member number:" || rows[1][0] != "Name:" || rows[2][0] != "CPD year:" {
		t.Errorf("labels = %q", rows[:3])
	}
	if !slices.Equal(rows[templateHeaderRow-1], TemplateHeaders) {
		t.Errorf("headers = %q", rows[templateHeaderRow-1])
	}
	dvs, _ := f.GetDataValidations(SheetRecord)
	types := map[string]string{}
	for _, dv := range dvs {
		types[dv.Sqref] = dv.Type
		if dv.Type == "list" && !strings.Contains(dv.Formula1, "Self-Directed Learning") {
			t.Errorf("category list = %q", dv.Formula1)
		}
	}
	want := map[string]string{"A6:A500": "date", "C6:C500": "list", "D6:D500": "decimal"}
	for k, v := range want {
		if types[k] != v {
			t.Errorf("validation on %s = %q, want %q (all: %v)", k, types[k], v, types)
		}
	}
	notes, _ := f.GetRows(SheetNotes)
	var all strings.Builder
	for _, r := range notes {
		all.WriteString(strings.Join(r, " "))
	}
	for i := 1; i <= 4; i++ {
		if !strings.Contains(all.String(), "Standard "+string(rune('0'+i))) {
			t.Errorf("Notes do not explain standard %d", i)
		}
	}
}

// TestLibreOffice converts summary.xlsx and the template with LibreOffice
// (what many offices open them with) and checks the Summary sheet's values
// against summary.csv. One soffice run per file: each takes seconds.
func TestLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice conversion is slow")
	}
	soffice := testtool.Require(t, "soffice")
	dir := t.TempDir()
	writeSample(t, dir)
	out := filepath.Join(dir, "lo")
	// Token 12 = -1 exports every sheet to <name>-<Sheet>.csv; token 9
	// false writes raw values rather than formatted text.
	filter := `csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1`
	for _, name := range []string{"summary.xlsx", "template.xlsx"} {
		cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
			"--headless", "--convert-to", filter, "--outdir", out, filepath.Join(dir, name))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice %s: %v\n%s", name, err, b)
		}
	}
	for _, want := range []string{"summary-Summary.csv", "summary-Activities.csv", "summary-Import issues.csv", "summary-Compliance.csv", "summary-Run.csv", "template-CPD record.csv", "template-Notes.csv"} {
		if _, err := os.Stat(filepath.Join(out, want)); err != nil {
			t.Errorf("LibreOffice wrote no %s", want)
		}
	}
	lo, err := os.ReadFile(filepath.Join(out, "summary-Summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	loRows, err := csv.NewReader(bytes.NewReader(lo)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	csvRows := readCSV(t, ours)
	if len(loRows) != len(csvRows) {
		t.Fatalf("LibreOffice Summary has %d rows, summary.csv %d", len(loRows), len(csvRows))
	}
	for i := 1; i < len(csvRows); i++ {
		for j, want := range csvRows[i] {
			// The CSV defuses formula-like text with a quote; the workbook
			// keeps the text as it is, in a string cell.
			if strings.HasPrefix(want, "'") && len(want) > 1 && strings.ContainsRune("=+-@\t\r", rune(want[1])) {
				want = want[1:]
			}
			if got := loRows[i][j]; got != want {
				t.Errorf("Summary row %d col %d (%s): LibreOffice %q, summary.csv %q", i+1, j+1, csvRows[0][j], got, want)
			}
		}
	}
	tpl, _ := os.ReadFile(filepath.Join(out, "template-CPD record.csv"))
	if !bytes.Contains(tpl, []byte("Date,Title,Learning Category,Number of hours,Description,Reflections")) {
		t.Errorf("template converted without its headers:\n%s", tpl)
	}
}
