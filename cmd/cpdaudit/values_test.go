package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 15's values, ids and rows end to end: the ordinary mistakes of
// fixtures/values, run together with the register. Each used to change a
// verdict silently; now each is read right or named in an issue.

const valuesDir = "../../fixtures/values"

func valuesArgs(cmd string, extra ...string) []string {
	args := append([]string{cmd, "--year", "2025", "--register", filepath.Join(valuesDir, "register.csv")}, extra...)
	for _, f := range []string{"ids-openpyxl.xlsx", "ids.csv", "decimal-comma.csv", "escapes.csv", "hours-years.csv", "us-dates.csv"} {
		args = append(args, filepath.Join(valuesDir, f))
	}
	return args
}

func TestRunValuesMistakes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	r := runInProcess(t, context.Background(), valuesArgs("run", "--out", out, "--quiet")...)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	summary := map[string]map[string]string{}
	for _, row := range readCSV(t, filepath.Join(out, "summary.csv")) {
		summary[row["member_id"]] = row
	}
	// Point 4: 000007 in the register, 7 formatted 000000 in a workbook,
	// 007 in a CSV: one member with all 35 hours, never "no activities".
	m := summary["000007"]
	if m == nil || m["counted_hours"] != "35" || m["standard1"] != "MET" || strings.Contains(m["flags"], "register") || strings.Contains(m["flags"], "no CPD activities") {
		t.Errorf("member 000007: %v", m)
	}
	for _, id := range []string{"7", "007", "8", "0007"} {
		if summary[id] != nil {
			t.Errorf("member %s split from its register member: %v", id, summary[id])
		}
	}
	// Point 6: 000008's exempt months 6.5 keep them in the register,
	// without the exemption, and the flag says why.
	m = summary["000008"]
	if m == nil || m["required_hours"] != "30" || !strings.Contains(m["flags"], `the register's Exempt Months on row 3 ("6.5") could not be read`) ||
		strings.Contains(m["flags"], "not in the member register") {
		t.Errorf("member 000008: %v", m)
	}
	// Point 11: 1,000 hours is a thousand hours, flagged for the assessor;
	// point 5: the member is told that the shifted row was not read.
	if m = summary["000010"]; m == nil || !strings.Contains(m["flags"], "1000 hours claimed for one activity") ||
		!strings.Contains(m["flags"], "1 row of your record could not be read: row 3 of decimal-comma.csv, hours '1,5' split in two by a decimal comma") {
		t.Errorf("member 000010: %v", m)
	}
	// Point 10: the name conflict flag shows the characters, not \u codes.
	if m = summary["000011"]; m == nil || !strings.Contains(m["flags"], `"Esmé Sequënce"`) || strings.Contains(m["flags"], `\u`) {
		t.Errorf("member 000011: %v", m)
	}

	acts := map[string]map[string]string{}
	for _, row := range readCSV(t, filepath.Join(out, "activities.csv")) {
		acts[row["title"]] = row
	}
	// Point 11: the US export is read month first throughout; 14/03/99 is
	// 1999, outside the CPD year.
	for title, date := range map[string]string{"Spring conference": "2025-03-14", "Workshop": "2025-03-04", "Year-round Reflection": "2025-12-25", "A date in 1999": "1999-03-14"} {
		if a := acts[title]; a == nil || a["date"] != date {
			t.Errorf("activity %q: %v, want date %s", title, a, date)
		}
	}
	if a := acts["A date in 1999"]; a == nil || a["counted"] != "false" {
		t.Errorf("the 1999 activity: %v", a)
	}
	if a := acts["Field day soils"]; a == nil || a["member_id"] != "000011" {
		t.Errorf("the escaped title: %v", a)
	}
	// Point 5: the row shifted by a decimal comma is an issue, not read.
	if acts["Acoustics webinar"] != nil {
		t.Errorf("the shifted row was read: %v", acts["Acoustics webinar"])
	}
	found := false
	for _, is := range readCSV(t, filepath.Join(out, "import-issues.csv")) {
		if strings.HasSuffix(is["source_file"], "decimal-comma.csv") && is["row"] == "3" && strings.Contains(is["problem"], "decimal comma (1,5) that is not in quotes") {
			found = true
		}
	}
	if !found {
		t.Error("import-issues.csv lacks the decimal comma row")
	}
}

// check names each mistake and exits 3: there are import issues to fix.
func TestCheckValuesMistakes(t *testing.T) {
	r := runInProcess(t, context.Background(), valuesArgs("check")...)
	if r.code != exitIssues {
		t.Fatalf("exit %d, want %d\n%s%s", r.code, exitIssues, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"decimal-comma.csv, row 3: the row has 9 cells but the header row (row 1) has 8 columns",
		"Write the hours with a dot (1.5) or put them in double quotes (\"1,5\")",
		"register.csv, row 3, column D (Exempt Months): exempt months must be a whole number from 0 to 12; member 000008 is kept in the register with no exempt months (value \"6.5\")",
		"2 import issues to fix.",
		// What was read a particular way is stated once per file.
		"ids.csv, column A (Member Number): member numbers are compared by their value, so leading zeros do not matter (and other ids ignore upper and lower case): 007 is member 000007 of the register (3 rows in all are matched this way)",
		"us-dates.csv, column E (Date): dates are read month first, as in the US (03/04/2025 is 4 March 2025): 03/14/2025 (row 2) and 1 other date can only be read month first",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stdout)
		}
	}
}
