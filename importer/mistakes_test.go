package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ies/cpdaudit/audit"
)

// Issue 15's values, ids and rows: ordinary mistakes that used to change
// verdicts silently. Fixtures in fixtures/values (see its README).

func valuesFixture(name string) string { return filepath.Join("..", "fixtures", "values", name) }

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func ids(acts []audit.Activity) []string {
	var out []string
	for _, a := range acts {
		out = append(out, a.MemberID)
	}
	return out
}

// Point 4: member 000007 written three ways is one member.
func TestMemberIDOneMemberAcrossSources(t *testing.T) {
	reg := ReadRegister(valuesFixture("register.csv"), DefaultOptions())
	if len(reg.Issues) != 1 { // 000008's exempt months, TestRegisterBadCellKeepsMember
		t.Fatalf("register issues %v", reg.Issues)
	}
	// A number 7 formatted 000000 is read as Excel shows it, in a workbook
	// saved by openpyxl and by LibreOffice.
	var books []FileResult
	for _, name := range []string{"ids-openpyxl.xlsx", "ids-libreoffice.xlsx"} {
		res := ImportActivities(valuesFixture(name), DefaultOptions())
		if len(res.Issues) > 0 || !slices.Equal(ids(res.Activities), []string{"000007", "000007"}) {
			t.Fatalf("%s: ids %v, issues %v", name, ids(res.Activities), res.Issues)
		}
		books = append(books, res)
	}
	// The register reads a workbook's ids the same way.
	if wbReg := ReadRegister(valuesFixture("ids-libreoffice.xlsx"), DefaultOptions()); len(wbReg.Members) != 1 || wbReg.Members[0].ID != "000007" {
		t.Fatalf("register from a workbook: %+v", wbReg.Members)
	}
	csvRes := ImportActivities(valuesFixture("ids.csv"), DefaultOptions())
	if !slices.Equal(ids(csvRes.Activities), []string{"007", "007", "8"}) {
		t.Fatalf("CSV ids %v", ids(csvRes.Activities))
	}

	members := func(t *testing.T, files []FileResult, reg *Register) []string {
		t.Helper()
		merged := mergeForTest(t, files, reg, 0)
		var got []string
		for _, m := range merged.Members {
			if m.Member.ID == "000007" || m.Member.ID == "7" || m.Member.ID == "007" {
				got = append(got, fmt.Sprintf("%s|%d|%v|%q", m.Member.ID, len(m.Rows), m.Member.InRegister, m.Member.Flags))
				acts, err := m.Activities()
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range acts {
					if a.MemberID != m.Member.ID {
						t.Errorf("activity %s:%d keeps member id %q, member is %q", a.Source.File, a.Source.Row, a.MemberID, m.Member.ID)
					}
				}
			}
		}
		return got
	}
	t.Run("register and workbook", func(t *testing.T) {
		equalLines(t, members(t, []FileResult{books[0]}, &reg), []string{"000007|2|true|[]"})
	})
	t.Run("register and CSV", func(t *testing.T) {
		merged := mergeForTest(t, []FileResult{csvRes}, &reg, 0)
		equalLines(t, members(t, []FileResult{csvRes}, &reg), []string{"000007|2|true|[]"})
		// The match is stated once for the file.
		if len(merged.Notices) != 1 || !strings.Contains(merged.Notices[0].Message, "007 is member 000007 of the register (3 rows in all") ||
			merged.Notices[0].Column != "A (Member Number)" {
			t.Fatalf("notices %+v", merged.Notices)
		}
	})
	t.Run("workbook and CSV without a register", func(t *testing.T) {
		// The first file's way of writing the id is kept.
		equalLines(t, members(t, []FileResult{books[1], csvRes}, nil), []string{"000007|4|false|[]"})
		equalLines(t, members(t, []FileResult{csvRes, books[1]}, nil), []string{"007|4|false|[]"})
	})
	t.Run("all three", func(t *testing.T) {
		equalLines(t, members(t, []FileResult{books[0], csvRes}, &reg), []string{"000007|4|true|[]"})
	})
	t.Run("duplicates across the ways of writing", func(t *testing.T) {
		// The same activity from both workbooks: the second copy is a
		// duplicate of member 000007's row, whatever the id's form.
		merged := mergeForTest(t, []FileResult{books[0], books[1]}, &reg, 0)
		if merged.Accounting.Rejected != 2 || len(merged.Issues) != 2 || !errors.Is(merged.Issues[0], ErrDuplicate) {
			t.Fatalf("accounting %v, issues %v", merged.Accounting, merged.Issues)
		}
	})
}

// Point 4: a register that lists 007 and 7 makes 0007 ambiguous: an issue,
// never a guess; the register's own pair is an issue too.
func TestMemberIDAmbiguous(t *testing.T) {
	regPath := writeTemp(t, "register.csv", "Member Number,Name\n007,Ann\n7,Bob\n")
	reg := ReadRegister(regPath, DefaultOptions())
	if len(reg.Members) != 2 || reg.Accounting != (Accounting{Read: 2, Accepted: 2}) {
		t.Fatalf("members %+v, accounting %v", reg.Members, reg.Accounting)
	}
	if len(reg.Issues) != 1 || !errors.Is(reg.Issues[0], ErrAmbiguousID) || reg.Issues[0].Row != 3 ||
		reg.Issues[0].Problem != "member numbers 7 (this row) and 007 (row 2) are the same number written with different leading zeros; both are kept as separate members, and an activity row whose member number is written neither way is not counted" {
		t.Fatalf("register issues %v", reg.Issues)
	}
	acts := writeTemp(t, "acts.csv", "Member Number,Title,Category,Date,Hours\n0007,A,SDL,2025-01-02,1\n7,B,SDL,2025-01-03,1\n007,C,SDL,2025-01-04,1\n")
	res := ImportActivities(acts, DefaultOptions())
	merged := mergeForTest(t, []FileResult{res}, &reg, 0)
	if merged.Accounting != (Accounting{Read: 3, Accepted: 2, Rejected: 1}) {
		t.Fatalf("accounting %v", merged.Accounting)
	}
	if len(merged.Issues) != 1 {
		t.Fatalf("issues %v", merged.Issues)
	}
	is := merged.Issues[0]
	if !errors.Is(is, ErrAmbiguousID) || is.Row != 2 || is.Column != "A (Member Number)" || is.Value != "0007" ||
		is.Problem != "member number 0007 could be member 007 or 7 of the register, which lists them as different members; the row was not counted" {
		t.Fatalf("issue %+v", is)
	}
	var got []string
	for _, m := range merged.Members {
		got = append(got, fmt.Sprintf("%s|%s|%d", m.Member.ID, m.Member.Name, len(m.Rows)))
	}
	equalLines(t, got, []string{"007|Ann|1", "7|Bob|1"})
}

// Point 6: one bad register cell keeps the member in the register, with
// that value unset, and says so.
func TestRegisterBadCellKeepsMember(t *testing.T) {
	reg := ReadRegister(valuesFixture("register.csv"), DefaultOptions())
	m, ok := reg.Member("000008")
	if !ok || m.ExemptMonths != 0 || m.Name != "Sam Halfyear" || m.Grade != audit.GradeFull {
		t.Fatalf("member 000008: %+v, %v", m, ok)
	}
	if len(reg.Issues) != 1 {
		t.Fatalf("issues %v", reg.Issues)
	}
	if got, want := reg.Issues[0].Error(), `../fixtures/values/register.csv, row 3, column D (Exempt Months): exempt months must be a whole number from 0 to 12; member 000008 is kept in the register with no exempt months (value "6.5"). Correct the number of exempt months in the register`; got != want {
		t.Fatalf("issue\n got %s\nwant %s", got, want)
	}
	res := ImportActivities(valuesFixture("ids.csv"), DefaultOptions())
	merged := mergeForTest(t, []FileResult{res}, &reg, 0)
	for _, r := range merged.Members {
		if r.Member.ID != "000008" {
			continue
		}
		want := []string{`the register's Exempt Months on row 3 ("6.5") could not be read, so this member was audited with no exempt months: check the register`}
		if !r.Member.InRegister || !slices.Equal(r.Member.Flags, want) || len(r.Rows) != 1 {
			t.Fatalf("member 000008: in register %v, flags %q, rows %d", r.Member.InRegister, r.Member.Flags, len(r.Rows))
		}
		return
	}
	t.Fatal("member 000008 not merged")
}

// Point 5: a row with more cells than the header is an issue naming the
// likely cause, never a silent shift.
func TestRowWiderThanHeader(t *testing.T) {
	res := ImportActivities(valuesFixture("decimal-comma.csv"), DefaultOptions())
	if res.Accounting != (Accounting{Read: 2, Accepted: 1, Rejected: 1}) {
		t.Fatalf("accounting %v, issues %v", res.Accounting, res.Issues)
	}
	if a := res.Activities[0]; a.Title != "Noise survey training" || a.Hours != 2 {
		t.Fatalf("the good row: %+v", a)
	}
	want := `../fixtures/values/decimal-comma.csv, row 3: the row has 9 cells but the header row (row 1) has 8 columns, so its values do not line up with the headers and it was not read; most likely the hours are written with a decimal comma (1,5) that is not in quotes, which splits them in two (value "000010,Carl Comma,Acoustics webinar,Formal Learning,2025-03-14,1,5,A webinar on acoustics.,I learned the new method."). Write the hours with a dot (1.5) or put them in double quotes ("1,5"), then run again`
	if len(res.Issues) != 1 || res.Issues[0].Error() != want || !errors.Is(res.Issues[0], ErrBadRow) {
		t.Fatalf("issues\n got %v\nwant %s", res.Issues, want)
	}

	// A delimiter inside a cell, in a semicolon file; empty cells past the
	// header (a trailing delimiter on every row) are not a shift.
	p := writeTemp(t, "semi.csv", "Member Number;Title;Category;Date;Hours;Reflection\n"+
		"1;Good;SDL;2025-01-02;1;fine;\n"+
		"1;Shifted;SDL;2025-01-03;1;first part; second part\n")
	res = ImportActivities(p, DefaultOptions())
	if res.Accounting != (Accounting{Read: 2, Accepted: 1, Rejected: 1}) || len(res.Issues) != 1 {
		t.Fatalf("accounting %v, issues %v", res.Accounting, res.Issues)
	}
	if is := res.Issues[0]; is.Row != 3 || !strings.Contains(is.Problem, "most likely a cell holds a semicolon (the delimiter of this file), or a decimal comma, and is not in quotes") ||
		is.Action != "Put the cell that holds the semicolon in double quotes (Excel does this when it saves as CSV), then run again" {
		t.Fatalf("issue %+v", is)
	}
}

// Point 10: text is NFC and escape sequences typed literally become the
// characters they stand for.
func TestTextNormalised(t *testing.T) {
	res := ImportActivities(valuesFixture("escapes.csv"), DefaultOptions())
	if len(res.Issues) > 0 || len(res.Activities) != 1 {
		t.Fatalf("issues %v", res.Issues)
	}
	a := res.Activities[0]
	if a.MemberName != "Esmé Sequënce" || a.Title != "Field day soils" || a.Description != "Line one\nLine two" ||
		!strings.HasPrefix(a.Reflection, "Zoë showed me the method\u200d; I now") {
		t.Fatalf("activity %q / %q / %q / %q", a.MemberName, a.Title, a.Description, a.Reflection)
	}
	// The register's "Esme Sequence" differs: the flag quotes both names
	// as characters, never as \u codes.
	reg := ReadRegister(valuesFixture("register.csv"), DefaultOptions())
	merged := mergeForTest(t, []FileResult{res}, &reg, 0)
	for _, m := range merged.Members {
		if m.Member.ID == "000011" {
			want := `conflicting names for member 000011: "Esme Sequence" (the register), "Esmé Sequënce" (../fixtures/values/escapes.csv row 2)`
			if !slices.Equal(m.Member.Flags, []string{want}) {
				t.Fatalf("flags %q", m.Member.Flags)
			}
		}
	}
	for in, want := range map[string]string{
		`Zoe\u0308`:               "Zoë",
		"Zoe\u0308":               "Zoë",
		`emoji \ud83d\ude00 here`: "emoji 😀 here",
		`a\U0001F600b`:            "a😀b",
		`lone \ud83d surrogate`:   "lone  surrogate",
		`one\r\ntwo\tthree`:       "one\ntwo\tthree",
		`C:\new\table.csv`:        `C:\new\table.csv`, // a path: left alone
		`escaped \\n stays`:       `escaped \\n stays`,
		`not \x41 an escape \q`:   `not \x41 an escape \q`,
		"bell\a and \ufeffbom":    "bell and bom",
		"\u0000nul\u0085nel":      "nulnel",
		"plain ASCII, untouched.": "plain ASCII, untouched.",
		"short \\u12 is left \\u": "short \\u12 is left \\u",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// Point 11: hours with a thousands separator.
func TestHoursThousandsSeparator(t *testing.T) {
	for in, want := range map[string]float64{
		"1,000": 1000, "2,500.5": 2500.5, "1,000h": 1000, "1,000 hours": 1000,
		"1,5": 1.5, "0,250": 0.25, "12,5": 12.5, "1,50": 1.5,
	} {
		if got, err := ParseHours(in); err != nil || got != want {
			t.Errorf("ParseHours(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"12,000", "1,000,000", "1,00,000"} {
		if _, err := ParseHours(in); !errors.Is(err, ErrBadHours) {
			t.Errorf("ParseHours(%q): %v, want a bad-hours issue", in, err)
		}
	}
	opts := DefaultOptions()
	opts.Year = 2025
	res := ImportActivities(valuesFixture("hours-years.csv"), opts)
	if len(res.Issues) > 0 || len(res.Activities) != 2 {
		t.Fatalf("issues %v", res.Issues)
	}
	// 1,000 hours is a thousand hours: the audit's implausible-hours flag
	// then shows it to the assessor (TestImplausibleHoursFlag in cmd).
	if res.Activities[0].Hours != 1000 {
		t.Fatalf("hours %v", res.Activities[0].Hours)
	}
	// 14/03/99 is 1999, not 2099: outside the CPD year, so not counted.
	if d := res.Activities[1].Date; !d.Equal(time.Date(1999, 3, 14, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("date %v", d)
	}
}

func TestTwoDigitYears(t *testing.T) {
	for _, tt := range []struct {
		yy          string
		pivot, want int
	}{
		{"25", 2025, 2025}, {"99", 2025, 1999}, {"35", 2025, 2035}, {"36", 2025, 1936},
		{"00", 2025, 2000}, {"99", 2095, 2099}, {"05", 2095, 2105},
	} {
		if got := year(tt.yy, tt.pivot); got != tt.want {
			t.Errorf("year(%s) around %d = %d, want %d", tt.yy, tt.pivot, got, tt.want)
		}
	}
	// 14/03/36 with CPD year 2025 is 1936: before 1950, an issue.
	_, _, err := parseDate("14/03/36", dateContext{pivot: 2025})
	if !errors.Is(err, ErrBadDate) || !strings.Contains(err.Error(), "the year 1936 looks wrong") {
		t.Fatalf("14/03/36: %v", err)
	}
}

func dates(acts []audit.Activity) []string {
	var out []string
	for _, a := range acts {
		out = append(out, FormatDate(a.Date))
	}
	return out
}

// Point 11: a US export is read month first, consistently, and the choice
// is stated once.
func TestDatesMonthFirstFile(t *testing.T) {
	for _, store := range []bool{false, true} {
		opts := DefaultOptions()
		var st *Store
		if store {
			st = NewStore(t.TempDir(), 0)
			defer st.Close()
			opts.Store = st
		}
		res := ImportActivities(valuesFixture("us-dates.csv"), opts)
		if len(res.Issues) > 0 || res.Accounting != (Accounting{Read: 3, Accepted: 3}) {
			t.Fatalf("issues %v, accounting %v", res.Issues, res.Accounting)
		}
		acts := res.Activities
		if store {
			if len(res.Rows) != 3 {
				t.Fatalf("rows %d", len(res.Rows))
			}
			var refs []Ref
			for _, r := range res.Rows {
				refs = append(refs, r.Ref)
			}
			var err error
			if acts, err = st.GetAll(refs); err != nil {
				t.Fatal(err)
			}
		}
		equalLines(t, dates(acts), []string{"2025-03-14", "2025-03-04", "2025-12-25"})
		want := Notice{File: valuesFixture("us-dates.csv"), Column: "E (Date)",
			Message: "dates are read month first, as in the US (03/04/2025 is 4 March 2025): 03/14/2025 (row 2) and 1 other date can only be read month first, and no date in the file can only be read day first"}
		if !slices.Equal(res.Notices, []Notice{want}) {
			t.Fatalf("notices %+v", res.Notices)
		}
	}
}

func TestDatesMixedFile(t *testing.T) {
	res := ImportActivities(valuesFixture("mixed-dates.csv"), DefaultOptions())
	if res.Accounting != (Accounting{Read: 3, Accepted: 2, Rejected: 1}) {
		t.Fatalf("accounting %v", res.Accounting)
	}
	equalLines(t, dates(res.Activities), []string{"2025-03-14", "2025-04-03"})
	if len(res.Issues) != 1 || res.Issues[0].Row != 3 || !strings.Contains(res.Issues[0].Problem, "there is no month 14; dates are read day first") {
		t.Fatalf("issues %v", res.Issues)
	}
	if len(res.Notices) != 1 || res.Notices[0].Message != "dates are read day first, as in the UK (03/04/2025 is 3 April 2025), because 14/03/2025 (row 2) can only be read day first; 03/14/2025 (row 3) can only be read month first, so they are import issues: the file mixes the two orders" {
		t.Fatalf("notices %+v", res.Notices)
	}
}

func TestDatesDayFirstNotice(t *testing.T) {
	p := writeTemp(t, "uk.csv", "Member Number,Title,Category,Date,Hours\n1,A,SDL,14/03/2025,1\n1,B,SDL,03/04/2025,1\n1,C,SDL,05/06/2025,1\n1,D,SDL,2025-07-01,1\n")
	res := ImportActivities(p, DefaultOptions())
	equalLines(t, dates(res.Activities), []string{"2025-03-14", "2025-04-03", "2025-06-05", "2025-07-01"})
	if len(res.Notices) != 1 || res.Notices[0].Message != "dates are read day first, as in the UK: 03/04/2025 (row 3) is read as 3 April 2025; no date in the file can only be read month first" {
		t.Fatalf("notices %+v", res.Notices)
	}
	// Only unambiguous dates: no choice to state.
	p = writeTemp(t, "iso.csv", "Member Number,Title,Category,Date,Hours\n1,A,SDL,14/03/2025,1\n1,D,SDL,2025-07-01,1\n")
	if res := ImportActivities(p, DefaultOptions()); len(res.Notices) != 0 {
		t.Fatalf("notices %+v", res.Notices)
	}
}
