package importer

import (
	"errors"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/audit"
)

func TestParseHours(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		kind error // nil: no error
	}{
		{"1.5", 1.5, nil},
		{"1,5", 1.5, nil},
		{" 2 ", 2, nil},
		{".5", 0.5, nil},
		{"1h30", 1.5, nil},
		{"1 h 30 min", 1.5, nil},
		{"1hr 30mins", 1.5, nil},
		{"1 hour 30 minutes", 1.5, nil},
		{"1h 15m", 1.25, nil},
		{"1.5h", 1.5, nil},
		{"2 hours", 2, nil},
		{"2 Hours", 2, nil},
		{"90 mins", 1.5, nil},
		{"45 min", 0.75, nil},
		{"30 minutes", 0.5, nil},
		{"1:30", 1.5, nil},
		{"0:45", 0.75, nil},
		{"1:30:00", 1.5, nil},
		{"25:30", 25.5, nil},
		{"", 0, ErrMissingValue},
		{"   ", 0, ErrMissingValue},
		{"0", 0, ErrBadHours},
		{"0:00", 0, ErrBadHours},
		{"-1", 0, ErrBadHours},
		{"two", 0, ErrBadHours},
		{"1h75", 0, ErrBadHours},
		{"1:75", 0, ErrBadHours},
		{"1.2.3", 0, ErrBadHours},
		{"1,000,000", 0, ErrBadHours},
		{"9000", 0, ErrBadHours},
		{"NaN", 0, ErrBadHours},
		{"Inf", 0, ErrBadHours},
		{"1e3", 0, ErrBadHours},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseHours(tt.in)
			if tt.kind != nil {
				if !errors.Is(err, tt.kind) {
					t.Fatalf("ParseHours(%q) = %v, %v; want error %v", tt.in, got, err, tt.kind)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseHours(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time
		kind error
	}{
		{"2025-03-14", day(2025, 3, 14), nil},
		{"2025/3/4", day(2025, 3, 4), nil},
		{"2025-03-14T00:00:00Z", day(2025, 3, 14), nil},
		{"2025-03-14 09:30:00", day(2025, 3, 14), nil},
		{"14/03/2025", day(2025, 3, 14), nil},
		{"4/3/2025", day(2025, 3, 4), nil},
		{"14-03-2025", day(2025, 3, 14), nil},
		{"14.03.25", day(2025, 3, 14), nil},
		{"14/03/2025 00:00", day(2025, 3, 14), nil},
		{"14 Mar 2025", day(2025, 3, 14), nil},
		{"14 March 2025", day(2025, 3, 14), nil},
		{"14-Mar-25", day(2025, 3, 14), nil},
		{"14th March 2025", day(2025, 3, 14), nil},
		{"Friday 14 March 2025", day(2025, 3, 14), nil},
		{"March 14, 2025", day(2025, 3, 14), nil},
		{"Mar 14 2025", day(2025, 3, 14), nil},
		{"sept 1, 2025", day(2025, 9, 1), nil},
		{"45730", day(2025, 3, 14), nil},
		{"45730.75", day(2025, 3, 14), nil}, // a date-time serial: the time is dropped
		{"29/02/2024", day(2024, 2, 29), nil},
		{"", time.Time{}, ErrMissingValue},
		{"29/02/2025", time.Time{}, ErrBadDate},
		{"31/04/2025", time.Time{}, ErrBadDate},
		{"03/14/2025", time.Time{}, ErrBadDate}, // US order: there is no month 14
		{"14 Smarch 2025", time.Time{}, ErrBadDate},
		{"yesterday", time.Time{}, ErrBadDate},
		{"12", time.Time{}, ErrBadDate}, // a small number is not a serial date
		{"14/03/1850", time.Time{}, ErrBadDate},
		{"2025-13-01", time.Time{}, ErrBadDate},
		{"99999999999999999999", time.Time{}, ErrBadDate},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.kind != nil {
				if !errors.Is(err, tt.kind) {
					t.Fatalf("ParseDate(%q) = %v, %v; want error %v", tt.in, got, err, tt.kind)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseDateUSOrderMessage(t *testing.T) {
	_, err := ParseDate("03/14/2025")
	if err == nil || err.Error() != "there is no month 14; dates are read day first (14/03/2025 is 14 March)" {
		t.Fatalf("got %v", err)
	}
}

func TestParseCategory(t *testing.T) {
	tests := []struct {
		in   string
		want audit.Category
		kind error
	}{
		{"Formal Learning", audit.FormalLearning, nil},
		{"formal", audit.FormalLearning, nil},
		{"Formal/Educational", audit.FormalLearning, nil},
		{"FORMAL / EDUCATIONAL LEARNING", audit.FormalLearning, nil},
		{"Work-Based Learning", audit.WorkBasedLearning, nil},
		{"Work based learning", audit.WorkBasedLearning, nil},
		{"workbased", audit.WorkBasedLearning, nil},
		{"WBL", audit.WorkBasedLearning, nil},
		{"Professional Activity", audit.ProfessionalActivity, nil},
		{"Professional activities", audit.ProfessionalActivity, nil},
		{"professional", audit.ProfessionalActivity, nil},
		{"Self-Directed Learning", audit.SelfDirectedLearning, nil},
		{"Self directed", audit.SelfDirectedLearning, nil},
		{"self-directed", audit.SelfDirectedLearning, nil},
		{"SDL", audit.SelfDirectedLearning, nil},
		{"Other", audit.OtherCategory, nil},
		{" other ", audit.OtherCategory, nil},
		{"", "", ErrMissingValue},
		{"Gardening", "", ErrBadCategory},
		{"Learning", "", ErrBadCategory},
		{"Work", "", ErrBadCategory}, // not clearly work-based: not guessed
		{"Informal", "", ErrBadCategory},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCategory(tt.in)
			if tt.kind != nil {
				if !errors.Is(err, tt.kind) {
					t.Fatalf("ParseCategory(%q) = %q, %v; want error %v", tt.in, got, err, tt.kind)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseCategory(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseCategoryNamesTheFive(t *testing.T) {
	_, err := ParseCategory("Gardening")
	want := "this is not one of the five learning categories: Formal Learning, Work-Based Learning, Professional Activity, Self-Directed Learning or Other"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

func TestMatchHeader(t *testing.T) {
	tests := []struct {
		in   string
		want field
		ok   bool
	}{
		{"Member Number", fID, true},
		{"member no.", fID, true},
		{"MEMBERSHIP NUMBER", fID, true},
		{"Member ID", fID, true},
		{"member_id", fID, true},
		{"MemberNumber", fID, true},
		{"IES Number", fID, true},
		{"Name", fName, true},
		{"Full name", fName, true},
		{"First Name", fFirstName, true},
		{"Surname", fLastName, true},
		{"Last name", fLastName, true},
		{"Title", fTitle, true},
		{"Activity", fTitle, true},
		{"CPD Activity", fTitle, true},
		{"Activity Title", fTitle, true},
		{"Learning Category", fCategory, true},
		{"Category", fCategory, true},
		{"CPD Category", fCategory, true},
		{"Activity Type", fCategory, true},
		{"Date", fDate, true},
		{"Activity date", fDate, true},
		{"Date Completed", fDate, true},
		{"Start Date", fDate, true},
		{"Number of hours", fHours, true},
		{"Hours", fHours, true},
		{"CPD Hours", fHours, true},
		{"Hours (CPD)", fHours, true}, // word order
		{"Duration", fHours, true},
		{"Time (hours)", fHours, true},
		{"Description", fDescription, true},
		{"Details", fDescription, true},
		{"Activity Description", fDescription, true},
		{"Reflections", fReflection, true},
		{"Reflection", fReflection, true},
		{"Reflection on activity", fReflection, true},
		{"Membership Grade", fGrade, true},
		{"Grade", fGrade, true},
		{"Registrations", fRegistrations, true},
		{"Job Title", fRole, true},
		{"Role", fRole, true},
		{"Exemption", fExemptionReason, true},
		{"Exemption Reason", fExemptionReason, true},
		{"Exempt Months", fExemptMonths, true},
		{"Months Exempt", fExemptMonths, true},
		{"Higher Education", fHigherEducation, true},
		{"Studying for a Masters", fHigherEducation, true},
		{"Notes", 0, false},
		{"", 0, false},
		{"Date of birth", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := matchHeader(tt.in)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Fatalf("matchHeader(%q) = %v, %v; want %v, %v", tt.in, fieldSpecs[got].label, ok, fieldSpecs[tt.want].label, tt.ok)
			}
		})
	}
}

// TestCellID: a member id cell is cleaned, and a number cell shown with
// leading zeros is read as Excel shows it.
func TestCellID(t *testing.T) {
	for _, tt := range []struct {
		c    cell
		want string
	}{
		{cell{Text: " 12345 ", Raw: " 12345 "}, "12345"},
		{cell{Text: "12345.0", Raw: "12345.0"}, "12345"},
		{cell{Text: "1.2345E4", Raw: "1.2345E4"}, "12345"},
		{cell{Text: "012345", Raw: "012345"}, "012345"},
		{cell{Text: "AB-12", Raw: "AB-12"}, "AB-12"},
		{cell{Text: "12.5", Raw: "12.5"}, "12.5"},
		{cell{}, ""},
		// A number 7 in a cell formatted 000000.
		{cell{Text: "000007", Raw: "7"}, "000007"},
		// Formats that show something else: the number itself.
		{cell{Text: "IES000007", Raw: "7"}, "7"},
		{cell{Text: "12,345", Raw: "12345"}, "12345"},
		{cell{Text: "1.23E+04", Raw: "12345"}, "12345"},
	} {
		if got := cellID(tt.c); got != tt.want {
			t.Errorf("cellID(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestIsTimeFormat(t *testing.T) {
	for code, want := range map[string]bool{
		"h:mm": true, "[h]:mm": true, "[mm]:ss": true, "hh:mm AM/PM": true, "mm:ss": true,
		"dd/mm/yyyy": false, "yyyy-mm-dd": false, "0.0": false, "#,##0.00": false, "d mmm yyyy": false,
		`0.0" hours"`: false, `[Red]0.0`: false, `[$-809]dd mmmm yyyy`: false, `0.0\h`: false,
		`dd/mm/yyyy hh:mm`: true,
	} {
		if got := isTimeFormat(code); got != want {
			t.Errorf("isTimeFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

// TestNeedsShown: the workbook with a time-formatted hours column needs
// the shown values; the LibreOffice export (dates, plain numbers) does not,
// and is read on the faster path.
func TestNeedsShown(t *testing.T) {
	for path, want := range map[string]bool{
		"../fixtures/inputs/good/member-workbook-openpyxl.xlsx":   true,
		"../fixtures/sample/activities/online-tool-export-3.xlsx": false,
	} {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := needsShown(f); got != want {
			t.Errorf("needsShown(%s) = %v, want %v", path, got, want)
		}
		f.Close()
	}
}
