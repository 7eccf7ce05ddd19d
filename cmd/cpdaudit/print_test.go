package main

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ies/cpdaudit/internal/testtool"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

// printedPage is one page of a workbook as LibreOffice prints it.
type printedPage struct {
	sheet     string // from the footer cpdaudit sets: the sheet's name
	landscape bool
	text      string // the page's text, runs of white space as one space
}

var footerRE = regexp.MustCompile(`(?m)^\s*(\S.*?)\s+Page \d+ of \d+\s*$`)
var pageSizeRE = regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts`)

// printWorkbooks converts the workbooks to PDF with LibreOffice, in one
// soffice run (each start costs seconds), and returns each one's pages.
func printWorkbooks(t *testing.T, paths ...string) map[string][]printedPage {
	t.Helper()
	soffice := testtool.Require(t, "soffice")
	pdfinfo := testtool.Require(t, "pdfinfo")
	pdftotext := testtool.Require(t, "pdftotext")
	dir := t.TempDir()
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--convert-to", "pdf", "--outdir", dir}
	if b, err := exec.Command(soffice, append(args, paths...)...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	out := map[string][]printedPage{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".xlsx")
		pdf := filepath.Join(dir, name+".pdf")
		info, err := exec.Command(pdfinfo, "-f", "1", "-l", "9999", pdf).Output()
		if err != nil {
			t.Fatalf("pdfinfo %s: %v", pdf, err)
		}
		for _, m := range pageSizeRE.FindAllStringSubmatch(string(info), -1) {
			n, _ := strconv.Atoi(m[1])
			w, _ := strconv.ParseFloat(m[2], 64)
			h, _ := strconv.ParseFloat(m[3], 64)
			text, err := exec.Command(pdftotext, "-layout", "-f", m[1], "-l", m[1], pdf, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			pg := printedPage{landscape: w > h, text: strings.Join(strings.Fields(string(text)), " ")}
			if f := footerRE.FindAllStringSubmatch(string(text), -1); len(f) > 0 {
				pg.sheet = strings.TrimSpace(f[len(f)-1][1])
			} else {
				t.Errorf("%s page %d has no footer naming its sheet:\n%s", name, n, text)
			}
			out[name] = append(out[name], pg)
		}
	}
	return out
}

// pagesOf are the printed pages of one sheet.
func pagesOf(pages []printedPage, sheet string) []printedPage {
	var out []printedPage
	for _, p := range pages {
		if p.sheet == sheet {
			out = append(out, p)
		}
	}
	return out
}

// TestWorkbooksPrint prints the sample run's summary.xlsx, the final
// workbook after the assessors' decisions and the member template with
// LibreOffice, and checks what the office gets on paper: every table one
// page wide with its header on every page, the Compliance sheet on one
// landscape page, the template on two pages with its labels and notes
// whole. Then it reads the workbooks back for the row heights and page
// setup behind that.
func TestWorkbooksPrint(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice conversion is slow")
	}
	testtool.Require(t, "soffice")
	dir := freshRun(t)
	decisions := writeDecisions(t, dir, map[string][2]string{
		"100102": {"Confirm", "The hours fall short by eight; the member has been told what to add and by when, and the reflections are otherwise strong."},
		"100110": {"Override to MET", "The level signal is a refresher after a career break, which the description says; the record meets the standard."},
		"100113": {"Maybe", ""},
	})
	if r := runInProcess(t, context.Background(), "finalize", dir, "--decisions", decisions); r.code != exitIssues {
		t.Fatalf("finalize exited %d: %s", r.code, r.stderr)
	}
	tmpl := filepath.Join(dir, "template.xlsx")
	if r := runInProcess(t, context.Background(), "template", tmpl); r.code != exitOK {
		t.Fatalf("template exited %d: %s", r.code, r.stderr)
	}
	summary, final := filepath.Join(dir, "summary.xlsx"), filepath.Join(dir, "final-summary.xlsx")
	printed := printWorkbooks(t, summary, final, tmpl)

	// Every sheet of the office's workbooks prints landscape; a table
	// sheet repeats its header (first and last column) on every page,
	// which also shows that no column spilled onto a page of its own.
	tables := map[string][2]string{
		"Summary":        {"Member ID", "Assessor comment"},
		"Activities":     {"Member ID", "Flags for the assessor"},
		"Final outcomes": {"Member ID", "Problem"},
	}
	for _, wb := range []string{"summary", "final-summary"} {
		for i, p := range printed[wb] {
			if !p.landscape {
				t.Errorf("%s page %d (%s) is portrait", wb, i+1, p.sheet)
			}
			if h, ok := tables[p.sheet]; ok && (!strings.Contains(p.text, h[0]) || !strings.Contains(p.text, h[1])) {
				t.Errorf("%s page %d (%s) lacks the header %q ... %q: not one page wide, or the header is not repeated:\n%s", wb, i+1, p.sheet, h[0], h[1], p.text)
			}
		}
		if n := len(pagesOf(printed[wb], "Compliance")); n != 1 {
			t.Errorf("%s: the Compliance sheet prints on %d pages, want 1", wb, n)
		}
		if n := len(pagesOf(printed[wb], "Summary")); n != 1 {
			t.Errorf("%s: the Summary sheet of 15 members prints on %d pages, want 1", wb, n)
		}
	}
	if n := len(pagesOf(printed["summary"], "Activities")); n < 2 {
		t.Errorf("the Activities sheet prints on %d page(s); the repeated-header check needs 2 or more", n)
	}
	if n := len(pagesOf(printed["final-summary"], "Agreement")); n != 1 {
		t.Errorf("the Agreement sheet prints on %d pages, want 1", n)
	}
	// The Run sheet speaks in words: no raw key labels a value (the
	// policy file's names stand after the value, for reference).
	run := strings.Join(pageTexts(pagesOf(printed["summary"], "Run")), " ")
	for _, raw := range []string{"rows_read", "hours.round_up_to 0.5"} {
		if strings.Contains(run, raw) {
			t.Errorf("the Run sheet labels a value with the raw key %q", raw)
		}
	}
	for _, want := range []string{"Rows read 89", "Run date 2025-12-31", "Standard 1: hours required in a full year 30 hours.required"} {
		if !strings.Contains(run, want) {
			t.Errorf("the printed Run sheet lacks %q", want)
		}
	}

	// The template: the record and the notes, a page each, nothing cut.
	tp := printed["template"]
	if len(tp) < 1 || len(tp) > 2 {
		t.Errorf("the template prints on %d pages, want 1 or 2", len(tp))
	}
	record := strings.Join(pageTexts(pagesOf(tp, "CPD record")), " ")
	// "Number of hours" wraps to two lines in its header cell.
	for _, want := range []string{"Member number:", "Number of", "hours", "Reflections"} {
		if !strings.Contains(record, want) {
			t.Errorf("the printed CPD record lacks %q:\n%s", want, record)
		}
	}
	notes := strings.Join(pageTexts(pagesOf(tp, "Notes")), " ")
	for _, want := range []string{"How to fill in this record", "Both parts must be there.", "Self-Directed Learning, Other."} {
		if !strings.Contains(notes, want) {
			t.Errorf("the printed Notes lack %q (cut off?):\n%s", want, notes)
		}
	}

	checkRowHeights(t, summary, "Activities")
	checkRowHeights(t, final, "Summary", "Final outcomes")
	checkPageSetup(t, summary, map[string]bool{"Summary": true, "Activities": true, "Import issues": true, "Compliance": false, "Run": false})
	checkPageSetup(t, final, map[string]bool{"Final outcomes": true, "Agreement": false})
	checkPageSetup(t, tmpl, map[string]bool{"CPD record": true, "Notes": false})

	// Yes and No, not TRUE and FALSE or 1 and 0.
	f := openXLSX(t, summary)
	rows, _ := f.GetRows("Activities")
	for _, col := range []string{"Counted", "Quality element", "Users element"} {
		j := slices.Index(rows[0], col)
		for i, r := range rows[1:] {
			if j < 0 || j >= len(r) || (r[j] != "Yes" && r[j] != "No") {
				t.Errorf("Activities row %d, %s: %q, want Yes or No", i+2, col, r)
				break
			}
		}
	}
}

func pageTexts(pages []printedPage) []string {
	var out []string
	for _, p := range pages {
		out = append(out, p.text)
	}
	return out
}

// writeDecisions writes a copy of the run's summary.xlsx with an assessor
// decision and comment for each member id given.
func writeDecisions(t *testing.T, dir string, decisions map[string][2]string) string {
	t.Helper()
	f := openXLSX(t, filepath.Join(dir, "summary.xlsx"))
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	dec, com := slices.Index(rows[0], "Assessor decision"), slices.Index(rows[0], runfolder.HeaderAssessorComment)
	for i, r := range rows[1:] {
		d, ok := decisions[r[0]]
		if !ok {
			continue
		}
		for j, v := range map[int]string{dec: d[0], com: d[1]} {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if err := f.SetCellStr("Summary", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "decisions.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkRowHeights: every row of the sheets is tall enough for the longest
// text in it, by a rough measure independent of the one that set the
// heights: a character no narrower than 0.8 of a digit, 15 points a line.
// Text that fits one line needs no height of its own.
func checkRowHeights(t *testing.T, path string, sheets ...string) {
	t.Helper()
	f := openXLSX(t, path)
	for _, sheet := range sheets {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		tall := 0
		for i, r := range rows {
			need := 1
			for j, v := range r {
				col, _ := excelize.ColumnNumberToName(j + 1)
				w, _ := f.GetColWidth(sheet, col)
				style, _ := f.GetCellStyle(sheet, fmt.Sprintf("%s%d", col, i+1))
				st, _ := f.GetStyle(style)
				if st == nil || st.Alignment == nil || !st.Alignment.WrapText {
					continue
				}
				lines := 0
				for para := range strings.SplitSeq(v, "\n") {
					lines += max(1, int(math.Ceil(0.8*float64(utf8.RuneCountInString(para))/(w-1))))
				}
				need = max(need, lines)
			}
			if need == 1 {
				continue
			}
			tall++
			if h, _ := f.GetRowHeight(sheet, i+1); h < float64(need)*15 {
				t.Errorf("%s: %s row %d is %g points high; its text needs at least %d lines (%d points)", filepath.Base(path), sheet, i+1, h, need, need*15)
			}
		}
		if tall == 0 {
			t.Errorf("%s: no row of %s has wrapped text: the check checks nothing", filepath.Base(path), sheet)
		}
	}
}

// checkPageSetup: each sheet prints on A4, landscape except the template's
// notes, one page wide, with its header rows repeated when it is a table
// (true in sheets).
func checkPageSetup(t *testing.T, path string, sheets map[string]bool) {
	t.Helper()
	f := openXLSX(t, path)
	titles := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" {
			titles[dn.Scope] = dn.RefersTo
		}
	}
	for sheet, table := range sheets {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		wantOrient := "landscape"
		if sheet == "Notes" {
			wantOrient = "portrait"
		}
		if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != wantOrient || pl.FitToWidth == nil || *pl.FitToWidth != 1 {
			t.Errorf("%s: %s page layout: size %v, orientation %v, fit to width %v; want A4 (9), %s, 1", filepath.Base(path), sheet, deref(pl.Size), deref(pl.Orientation), deref(pl.FitToWidth), wantOrient)
		}
		props, _ := f.GetSheetProps(sheet)
		if props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: %s does not fit its page: the fit-to-width setting is ignored", filepath.Base(path), sheet)
		}
		if _, ok := titles[sheet]; ok != table {
			t.Errorf("%s: %s repeated header rows = %q, want them: %v", filepath.Base(path), sheet, titles[sheet], table)
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
