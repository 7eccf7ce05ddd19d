package importer

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../fixtures/inputs"

func fixture(parts ...string) string { return filepath.Join(append([]string{fixtures}, parts...)...) }

// summary renders activities compactly so a test states every parsed value.
func summary(res FileResult) []string {
	var out []string
	for _, a := range res.Activities {
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s:%d:%d",
			a.MemberID, a.MemberName, a.Title, a.Category, FormatDate(a.Date), FormatHours(a.Hours),
			a.Source.Sheet, a.Source.Row, a.Source.Line))
	}
	return out
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func checkAccounting(t *testing.T, res FileResult) {
	t.Helper()
	if err := res.Accounting.Check(); err != nil {
		t.Fatal(err)
	}
	if res.Accounting.Accepted != len(res.Activities) {
		t.Fatalf("accepted %d but %d activities", res.Accounting.Accepted, len(res.Activities))
	}
}

// The same three activities saved in every CSV dialect read the same.
func TestCSVDialects(t *testing.T) {
	want := []string{
		"20001|Siân Jones|Site visit, £2m remediation scheme|Work-Based Learning|2025-03-14|1.5|:2:2",
		"20001|Siân Jones|Webinar on PFAS|Self-Directed Learning|2025-04-02|2|:3:3",
		"20002|Zoë Müller|Mentoring a graduate|Professional Activity|2025-03-14|0.75|:4:4",
	}
	for _, name := range []string{"utf8.csv", "utf8-bom.csv", "utf16le-tab.csv", "utf16be.csv", "cp1252.csv", "semicolon-decimal-comma.csv"} {
		t.Run(name, func(t *testing.T) {
			res := ImportActivities(fixture("dialects", name), DefaultOptions())
			if len(res.Issues) > 0 {
				t.Fatalf("issues: %v", res.Issues)
			}
			equalLines(t, summary(res), want)
			checkAccounting(t, res)
			a := res.Activities[0]
			if a.Description != "Café meeting with the contractor" ||
				a.Reflection != "It improved my reports because I saw the methods, so clients get clearer advice." {
				t.Fatalf("text cells: %q / %q", a.Description, a.Reflection)
			}
			if len(res.File.SHA256) != 64 || res.File.Size == 0 {
				t.Fatalf("file info %+v", res.File)
			}
		})
	}
}

// Quoted cells spanning lines are one row; rows are spreadsheet rows and
// lines physical lines; the blank line between records is a blank row.
func TestCSVMultilineRowsAndLines(t *testing.T) {
	res := ImportActivities(fixture("dialects", "multiline-crlf.csv"), DefaultOptions())
	if len(res.Issues) > 0 {
		t.Fatalf("issues: %v", res.Issues)
	}
	equalLines(t, summary(res), []string{
		"30001||Report writing course|Formal Learning|2025-03-14|3|:2:2",
		"30001||Field survey|Work-Based Learning|2025-03-20|1.5|:4:6",
		"30001||Reading journals|Self-Directed Learning|2025-03-20|2|:5:8",
	})
	if got := res.Activities[0].Reflection; got != "First line of reflection\nsecond line\nthird line" {
		t.Fatalf("reflection %q", got)
	}
	if res.Accounting != (Accounting{Read: 4, Accepted: 3, Blank: 1}) {
		t.Fatalf("accounting %v", res.Accounting)
	}
}

// Good, bad and blank rows: every row read ends in exactly one place.
func TestMixedRowsAccounting(t *testing.T) {
	res := ImportActivities(fixture("good", "mixed-rows.csv"), DefaultOptions())
	checkAccounting(t, res)
	// Row 13 adds up the hours: a totals row, named in a notice and not
	// counted as a data row.
	if res.Accounting != (Accounting{Read: 11, Accepted: 3, Rejected: 6, Blank: 2}) {
		t.Fatalf("accounting %v", res.Accounting)
	}
	var accepted []int
	for _, a := range res.Activities {
		accepted = append(accepted, a.Source.Row)
	}
	if fmt.Sprint(accepted) != "[2 10 12]" {
		t.Fatalf("accepted rows %v", accepted)
	}
	var got []string
	for _, is := range res.Issues {
		got = append(got, fmt.Sprintf("%d|%s|%s|%v", is.Row, is.Column, is.Value, is.Kind))
	}
	equalLines(t, got, []string{
		"3|E (Hours)|two|bad hours",
		"5|C (Learning Category)|Gardening|bad category",
		"5|D (Date)|31/02/2025|bad date",
		"7|E (Hours)|0|bad hours",
		"8|A (Member Number)||missing value",
		"9|E (Hours)|-1|bad hours",
		"11|||bad row",
	})
	if len(res.Notices) != 2 || !strings.Contains(res.Notices[0].String(), `mixed-rows.csv: row 13 ("Total") adds up the hours: it is a totals row, not an activity, so it was skipped`) ||
		!strings.Contains(res.Notices[1].String(), "mixed-rows.csv, column D (Date): dates are read day first, as in the UK: 01/02/2025 (row 2) is read as 1 February 2025") {
		t.Fatalf("notices %v", res.Notices)
	}
	// Rejected rows are the distinct rows with issues.
	rows := map[int]bool{}
	for _, is := range res.Issues {
		rows[is.Row] = true
	}
	if len(rows) != res.Accounting.Rejected {
		t.Fatalf("%d rows with issues, %d rejected", len(rows), res.Accounting.Rejected)
	}
	want := `../fixtures/inputs/good/mixed-rows.csv, row 3, column E (Hours): this is not a number of hours (write it like 1.5, 1h30 or 90 mins) (value "two"). Write the hours as a number more than zero, like 1.5, 1h30 or 90 mins`
	if res.Issues[0].Error() != want {
		t.Fatalf("message:\n%s\nwant\n%s", res.Issues[0].Error(), want)
	}
}

// A member's own workbook written by openpyxl: labels above the table,
// two sheets, Excel date cells, time-formatted hours, a notes sheet.
func TestMemberWorkbookOpenpyxl(t *testing.T) {
	res := ImportActivities(fixture("good", "member-workbook-openpyxl.xlsx"), DefaultOptions())
	checkAccounting(t, res)
	equalLines(t, summary(res), []string{
		"12345|Zoë Ångström|Groundwater modelling course|Formal Learning|2025-03-14|1.5|CPD Record:6:0",
		"12345|Zoë Ångström|Site audit|Work-Based Learning|2025-05-02|3|CPD Record:7:0",
		"12345|Zoë Ångström|Reading: new BS 10175|Self-Directed Learning|2025-06-20|1.5|CPD Record:9:0",
		"12345|Zoë Ångström|Conference talk|Professional Activity|2025-09-30|2.25|CPD Record:10:0",
		"12345|Zoë Ångström|Year-round Reflection|Other|2025-12-31|2.5|Q4:5:0",
		"12345|Zoë Ångström|Webinar|Self-Directed Learning|2025-11-03|0.75|Q4:6:0",
	})
	if res.Accounting != (Accounting{Read: 7, Accepted: 6, Blank: 1}) {
		t.Fatalf("accounting %v", res.Accounting)
	}
	if len(res.Issues) != 0 {
		t.Fatalf("issues: %v", res.Issues)
	}
	// The Notes sheet is not a table: a notice, nothing to fix.
	if len(res.Notices) != 1 || res.Notices[0].Sheet != "Notes" || !strings.Contains(res.Notices[0].Message, "skipped") {
		t.Fatalf("want one notice for the Notes sheet, got %v", res.Notices)
	}
}

// A 1904-date-system workbook with numeric ids (one stored as 12346.0).
func TestDate1904Workbook(t *testing.T) {
	res := ImportActivities(fixture("good", "date1904-openpyxl.xlsx"), DefaultOptions())
	if len(res.Issues) > 0 {
		t.Fatalf("issues: %v", res.Issues)
	}
	equalLines(t, summary(res), []string{
		"12345|Zoë Ångström|Noise monitoring course|Formal Learning|2025-03-14|7|Export:2:0",
		"12346|Łukasz Nowak|Peer review|Professional Activity|2024-12-31|1.25|Export:3:0",
	})
}

// A CSV converted by LibreOffice: ISO dates became date cells and "1:30"
// a time cell.
func TestLibreOfficeWorkbook(t *testing.T) {
	res := ImportActivities(fixture("good", "libreoffice.xlsx"), DefaultOptions())
	if len(res.Issues) > 0 {
		t.Fatalf("issues: %v", res.Issues)
	}
	equalLines(t, summary(res), []string{
		"80001|Ŵyn Evans|Flood risk seminar|Formal Learning|2025-02-11|1.5|libreoffice-source:2:0",
		"80001|Ŵyn Evans|Supervising a site investigation|Work-Based Learning|2025-06-03|4|libreoffice-source:3:0",
		"80002|Đặng Thu|Committee meeting|Professional Activity|2025-07-15|2.5|libreoffice-source:4:0",
	})
}

// A zero Options value means the defaults, not "nothing allowed".
func TestZeroOptions(t *testing.T) {
	res := ImportActivities(fixture("dialects", "utf8.csv"), Options{})
	if len(res.Activities) != 3 {
		t.Fatalf("issues %v", res.Issues)
	}
}
