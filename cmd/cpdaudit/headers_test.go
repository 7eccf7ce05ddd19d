package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/internal/testtool"
	"github.com/ies/cpdaudit/report"
)

const headersDir = "../../fixtures/inputs/headers"

// summaryByID reads summary.csv keyed by member id.
func summaryByID(t *testing.T, out string) map[string]map[string]string {
	t.Helper()
	rows := map[string]map[string]string{}
	for _, r := range readCSV(t, filepath.Join(out, "summary.csv")) {
		rows[r["member_id"]] = r
	}
	return rows
}

// Issue 13 end to end: an export and a register whose headers carry
// explanations are read in full; a file that could not be read beside them
// makes the member with no activities REVIEW (never a NOT_MET letter) and
// the run exit 3; the rejected row is traced to its member in
// import-issues.csv, their Summary flags and their PDF; the unused columns
// are notices on the Run sheet and in run.json.
func TestHeadersAndFailedFileEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := runInProcess(t, context.Background(), "run", "--quiet", "--year", "2025",
		"--register", filepath.Join(headersDir, "register-openpyxl.xlsx"), "--out", out,
		filepath.Join(headersDir, "cpd-export-2025.csv"), filepath.Join(badDir, "truncated.xlsx"))
	if r.code != exitIssues {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitIssues, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "warning: 1 input file could not be read (see Import issues); 1 member with no activities found is marked REVIEW, not NOT_MET") {
		t.Errorf("stderr lacks the warning:\n%s", r.stderr)
	}
	sum := summaryByID(t, out)
	// Register columns with explanations were read: 71002 studies (2
	// categories), 71003 was exempt for 6 months (15 hours).
	if sum["71002"]["required_categories"] != "2" || sum["71003"]["required_hours"] != "15" || sum["71003"]["grade"] != "Fellow" {
		t.Errorf("register values not used: 71002 %v, 71003 %v", sum["71002"], sum["71003"])
	}
	// The member with no activities while a file could not be read.
	if m := sum["71004"]; m["outcome"] != "REVIEW" || m["flags"] != "no activities found; 1 input file could not be read: see Import issues" {
		t.Errorf("71004: outcome %q, flags %q", m["outcome"], m["flags"])
	}
	// The rejected row, traced.
	const rejected = "1 row of your record could not be read: row 11 of cpd-export-2025.csv, hours 'eight'"
	if !strings.Contains(sum["71002"]["flags"], rejected) {
		t.Errorf("71002 flags %q lack %q", sum["71002"]["flags"], rejected)
	}
	var traced bool
	for _, is := range readCSV(t, filepath.Join(out, "import-issues.csv")) {
		if is["row"] == "11" {
			traced = is["member_id"] == "71002" && is["value"] == "eight"
		}
	}
	if !traced {
		t.Errorf("import-issues.csv does not give member 71002 for row 11")
	}

	// Notices: on the Run sheet and in run.json, apart from the issues.
	var rec struct {
		Notices []struct {
			File, Sheet, Column, Message string
		}
		Warnings     []string
		ImportIssues int `json:"import_issues"`
	}
	data, err := os.ReadFile(filepath.Join(out, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	var notices []string
	for _, n := range rec.Notices {
		notices = append(notices, filepath.Base(n.File)+"|"+n.Column+"|"+n.Message)
	}
	equalStrings(t, "run.json notices", notices, []string{
		"cpd-export-2025.csv|H (Internal ref)|this column is not used",
		"cpd-export-2025.csv|E (Date (dd/mm/yyyy))|dates are read day first, as in the UK: 02/05/2025 (row 3) is read as 2 May 2025; no date in the file can only be read month first",
		"register-openpyxl.xlsx|H (Date joined)|this column is not used",
	})
	if rec.ImportIssues != 2 || len(rec.Warnings) != 1 || !strings.Contains(rec.Warnings[0], "1 input file could not be read") {
		t.Errorf("run.json: %d issues, warnings %q", rec.ImportIssues, rec.Warnings)
	}
	rows, err := openXLSX(t, filepath.Join(out, "summary.xlsx")).GetRows("Run")
	if err != nil {
		t.Fatal(err)
	}
	var run strings.Builder
	for _, row := range rows {
		run.WriteString(strings.Join(row, "|") + "\n")
	}
	if !strings.Contains(run.String(), "Notices (nothing to fix)\n") || !strings.Contains(run.String(), "cpd-export-2025.csv, column H (Internal ref)|this column is not used") {
		t.Errorf("Run sheet lacks the notices:\n%s", run.String())
	}

	// Every file read: exit 0, and 71004 is NOT_MET with nothing recorded.
	out2 := filepath.Join(t.TempDir(), "out")
	r = runInProcess(t, context.Background(), "run", "--quiet", "--year", "2025",
		"--register", filepath.Join(headersDir, "register-libreoffice.xlsx"), "--out", out2,
		filepath.Join(headersDir, "cpd-export-2025.csv"))
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if m := summaryByID(t, out2)["71004"]; m["outcome"] != "NOT_MET" || m["flags"] != "no CPD activities found in the inputs" {
		t.Errorf("71004 with every file read: %q %q", m["outcome"], m["flags"])
	}

	// Last, as it skips where pdftotext is missing: the member's PDF says
	// which of their rows could not be read.
	pdftotext := testtool.Require(t, "pdftotext")
	txt, err := exec.Command(pdftotext, "-enc", "UTF-8", filepath.Join(out, "feedback", report.FeedbackFileName("71002")), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(txt), rejected) {
		t.Errorf("71002's PDF does not say which row could not be read:\n%s", txt)
	}
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// check lists notices apart from issues and exits 0 when there are only
// notices; a register without grade, exemption and higher-education
// columns says so once each.
func TestCheckNotices(t *testing.T) {
	r := runInProcess(t, context.Background(), "check", "--year", "2025",
		"--register", filepath.Join(headersDir, "register-minimal.csv"), filepath.Join(headersDir, "salutation.csv"))
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"4 notices (nothing to fix):",
		"salutation.csv, column B (Title): read as the member's title (Dr, Mrs ...), not the activity's",
		"register-minimal.csv: no membership grade column",
		"register-minimal.csv: no exempt-months column: nobody's exemption is taken into account",
		"register-minimal.csv: no higher-education column",
		"No import issues to fix.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stdout)
		}
	}
	// An ambiguous header is an issue: exit 3.
	r = runInProcess(t, context.Background(), "check", "--year", "2025", filepath.Join(headersDir, "ambiguous-header.csv"))
	if r.code != exitIssues || !strings.Contains(r.stdout, "could name the Date or the Reflections column") {
		t.Errorf("ambiguous header: exit %d\n%s", r.code, r.stdout)
	}
}

// A --year that most activities are not dated in is caught by check and
// at the top of run (and recorded in run.json).
func TestWrongYearWarning(t *testing.T) {
	const want = "10 of 10 activities are dated 2025; is --year 2024 right?"
	export := filepath.Join(headersDir, "cpd-export-2025.csv")
	r := runInProcess(t, context.Background(), "check", "--year", "2024", export)
	if !strings.HasPrefix(r.stdout, "Warning: "+want+"\n") {
		t.Errorf("check output does not start with the warning:\n%s", r.stdout)
	}
	out := filepath.Join(t.TempDir(), "out")
	r = runInProcess(t, context.Background(), "run", "--quiet", "--year", "2024", "--out", out, export)
	if r.code != exitOK || !strings.HasPrefix(r.stderr, "warning: "+want+"\n") {
		t.Errorf("run: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "run.json"))
	if err != nil || !strings.Contains(string(data), want) {
		t.Errorf("run.json lacks the warning (%v)", err)
	}
	// The right year: no warning.
	r = runInProcess(t, context.Background(), "check", "--year", "2025", export)
	if strings.Contains(r.stdout, "Warning") {
		t.Errorf("warning for the right year:\n%s", r.stdout)
	}
}

// Issue 20: a member's own workbook with a Total row, a Summary sheet and
// a hidden Lists sheet: check exits 0 and lists what it skipped as
// notices, never telling the member to change a sheet that is fine.
func TestMemberWorkbookCheck(t *testing.T) {
	for _, file := range []string{"own-workbook-openpyxl.xlsx", "own-workbook-libreoffice.xlsx"} {
		r := runInProcess(t, context.Background(), "check", "--year", "2025", filepath.Join("../../fixtures/inputs/member", file))
		if r.code != exitOK {
			t.Errorf("%s: exit %d\n%s%s", file, r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{"(nothing to fix):", `sheet "Summary": the sheet was skipped`, `sheet "Lists": the sheet was skipped`,
			`row 12 ("Total") adds up the hours`, "1 member from 1 file; rows read 6 = accepted 6 + rejected 0 + blank 0", "No import issues to fix."} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s: check output lacks %q:\n%s", file, want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "Add the missing column headers") {
			t.Errorf("%s: advice to change a sheet:\n%s", file, r.stdout)
		}
	}
}
