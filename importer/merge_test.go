package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/audit"
)

func TestReadRegisterCSV(t *testing.T) {
	reg := ReadRegister(fixture("good", "register.csv"), DefaultOptions())
	var got []string
	for _, m := range reg.Members {
		got = append(got, fmt.Sprintf("%s|%s|%s|%s|%v|%s|%s|%d|%v|%v",
			m.ID, m.Name, m.Email, m.Grade, m.Registrations, m.Role, m.ExemptionReason, m.ExemptMonths, m.HigherEducation, m.InRegister))
	}
	equalLines(t, got, []string{
		"12345|Zoë Ångström|zoe@example.org|Fellow|[CEnv CSci]|Principal consultant||0|false|true",
		"20001|Siân Jones|sian@example.org|Full|[REnvP]|Ecologist|Parental leave|6|false|true",
		"20002|Zoë Müller|zoe.m@example.org|Graduate|[]|Graduate engineer||0|true|true",
		"50001|Jane Smith||Associate|[]|||0|false|true",
		"60001|Đặng Văn|dang@example.org|Student|[]|||0|false|true",
		// Rows 7 and 8 have one bad cell each: the member stays, without
		// that value (issue 15).
		"70001|Bad Grade|||[]|||0|false|true",
		"70002|Bad Months||Full|[]||Career break|0|false|true",
	})
	var issues []string
	for _, is := range reg.Issues {
		issues = append(issues, fmt.Sprintf("%d|%s|%s|%v|%s", is.Row, is.Column, is.Value, is.Kind, is.MemberID))
	}
	// Each issue names the member its row is about.
	equalLines(t, issues, []string{
		"7|E (Grade)|Chief|bad value|70001",
		"8|I (Months Exempt)|13|bad value|70002",
		"9|A (Membership Number)|20001|duplicate|20001",
	})
	if reg.Accounting != (Accounting{Read: 8, Accepted: 7, Rejected: 1}) {
		t.Fatalf("accounting %v", reg.Accounting)
	}
	if want := "exempt months must be a whole number from 0 to 12; member 70002 is kept in the register with no exempt months"; reg.Issues[1].Problem != want {
		t.Fatalf("bad cell message %q, want %q", reg.Issues[1].Problem, want)
	}
	if !strings.Contains(reg.Issues[2].Problem, "already in the register at row 3") {
		t.Fatalf("duplicate message %q", reg.Issues[2].Problem)
	}
}

func TestReadRegisterXLSX(t *testing.T) {
	reg := ReadRegister(fixture("good", "register-openpyxl.xlsx"), DefaultOptions())
	if len(reg.Issues) > 0 {
		t.Fatalf("issues %v", reg.Issues)
	}
	if len(reg.Members) != 2 || reg.Members[0].ID != "12345" || reg.Members[0].Grade != audit.GradeFellow ||
		reg.Members[1].ID != "20002" || !reg.Members[1].HigherEducation || reg.Members[1].Role != "Engineer" {
		t.Fatalf("members %+v", reg.Members)
	}
}

func TestMergeDuplicatesAndNames(t *testing.T) {
	a := ImportActivities(fixture("good", "dup-a.csv"), DefaultOptions())
	b := ImportActivities(fixture("good", "dup-b.csv"), DefaultOptions())
	merged := mergeForTest(t, []FileResult{a, b}, nil, 0)
	members, issues, acc := merged.Members, merged.Issues, merged.Accounting
	if err := acc.Check(); err != nil {
		t.Fatal(err)
	}
	if acc != (Accounting{Read: 7, Accepted: 4, Rejected: 3}) {
		t.Fatalf("accounting %v", acc)
	}
	var got []string
	for _, is := range issues {
		if !errors.Is(is, ErrDuplicate) {
			t.Fatalf("unexpected issue %v", is)
		}
		got = append(got, fmt.Sprintf("%s:%d %s", is.File[strings.LastIndex(is.File, "/")+1:], is.Row, is.Problem))
	}
	const same = " (same member, title, category, date, hours and reflection), so it was not counted twice"
	equalLines(t, got, []string{
		"dup-b.csv:2 this activity is an exact duplicate of ../fixtures/inputs/good/dup-a.csv row 2" + same,
		"dup-b.csv:4 this activity is an exact duplicate of ../fixtures/inputs/good/dup-a.csv row 3" + same,
		"dup-b.csv:6 this activity is an exact duplicate of ../fixtures/inputs/good/dup-b.csv row 5" + same,
	})
	if len(members) != 2 || members[0].Member.ID != "50001" || members[1].Member.ID != "50002" {
		t.Fatalf("members %+v", members)
	}
	m := members[0]
	if len(m.Rows) != 3 || m.Member.Name != "Jane Smith" {
		t.Fatalf("member %+v", m)
	}
	wantFlag := `conflicting names for member 50001: "Jane Smith" (../fixtures/inputs/good/dup-a.csv row 2), "J. Smith" (../fixtures/inputs/good/dup-b.csv row 3)`
	if !slices.Equal(m.Member.Flags, []string{wantFlag}) {
		t.Fatalf("flags %q", m.Member.Flags)
	}
	if len(members[1].Member.Flags) != 0 {
		t.Fatalf("flags %q", members[1].Member.Flags)
	}
}

func TestMergeWithRegister(t *testing.T) {
	reg := ReadRegister(fixture("good", "register.csv"), DefaultOptions())
	files := []FileResult{
		ImportActivities(fixture("dialects", "utf8.csv"), DefaultOptions()),
		ImportActivities(fixture("good", "member-workbook-openpyxl.xlsx"), DefaultOptions()),
		ImportActivities(fixture("good", "libreoffice.xlsx"), DefaultOptions()),
	}
	// A store that spills after 64 bytes keeps almost every activity in
	// its file, and a member's rows cross from the file into memory.
	merged := mergeForTest(t, files, &reg, 64)
	members, acc := merged.Members, merged.Accounting
	if err := acc.Check(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range members {
		got = append(got, fmt.Sprintf("%s|%s|%s|%d|%v|%q", r.Member.ID, r.Member.Name, r.Member.Grade,
			len(r.Rows), r.Member.InRegister, r.Member.Flags))
	}
	equalLines(t, got, []string{
		`12345|Zoë Ångström|Fellow|6|true|[]`,
		`20001|Siân Jones|Full|2|true|[]`,
		`20002|Zoë Müller|Graduate|1|true|[]`,
		`50001|Jane Smith|Associate|0|true|["` + FlagNoActivities + `"]`,
		`60001|Đặng Văn|Student|0|true|["` + FlagNoActivities + `"]`,
		`70001|Bad Grade||0|true|["the register's Membership Grade on row 7 (\"Chief\") could not be read, so this member was audited with the grade unknown: check the register" "` + FlagNoActivities + `"]`,
		`70002|Bad Months|Full|0|true|["the register's Exempt Months on row 8 (\"13\") could not be read, so this member was audited with no exempt months: check the register" "` + FlagNoActivities + `"]`,
		`80001|Ŵyn Evans||2|false|["` + FlagNotInRegister + `"]`,
		`80002|Đặng Thu||1|false|["` + FlagNotInRegister + `"]`,
	})
	// Activities keep input order: file order, then sheet and row order.
	var rows []string
	acts, err := members[0].Activities()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts {
		rows = append(rows, fmt.Sprintf("%s:%d", a.Source.Sheet, a.Source.Row))
	}
	if strings.Join(rows, " ") != "CPD Record:6 CPD Record:7 CPD Record:9 CPD Record:10 Q4:5 Q4:6" {
		t.Fatalf("order %v", rows)
	}
}

func TestMergeRegisterNameConflict(t *testing.T) {
	reg := &Register{Members: []audit.Member{{ID: "1", Name: "Ann Lee", InRegister: true}}}
	f := FileResult{
		Activities: []audit.Activity{{MemberID: "1", MemberName: "ann  lee", Title: "x", Source: audit.Source{File: "a.csv", Row: 2}},
			{MemberID: "1", MemberName: "Anne Leigh", Title: "y", Source: audit.Source{File: "a.csv", Row: 3}}},
		Accounting: Accounting{Read: 2, Accepted: 2},
	}
	members := mergeForTest(t, []FileResult{f}, reg, 0).Members
	want := []string{`conflicting names for member 1: "Ann Lee" (the register), "Anne Leigh" (a.csv row 3)`}
	if len(members) != 1 || members[0].Member.Name != "Ann Lee" || !slices.Equal(members[0].Member.Flags, want) {
		t.Fatalf("members %+v", members)
	}
}

// mergeForTest merges files through a store that spills past memLimit
// bytes (0: the default) into the test's temporary folder.
func mergeForTest(t *testing.T, files []FileResult, reg *Register, memLimit int) Merged {
	t.Helper()
	st := NewStore(t.TempDir(), memLimit)
	t.Cleanup(func() { st.Close() })
	m, err := Merge(files, reg, st)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The flag of a member whose rows were rejected says how many and where,
// naming at most three rows; a duplicate row is not among them, as it was
// counted once.
func TestRejectedFlags(t *testing.T) {
	is := func(file, sheet string, row int, member, cell string, kind error) Issue {
		return Issue{File: file, Sheet: sheet, Row: row, MemberID: member, cell: cell, Kind: kind}
	}
	flags := rejectedFlags([]Issue{
		is("exports/a.csv", "", 11, "7", "hours 'eight'", ErrBadHours),
		is("exports/b.xlsx", "CPD", 4, "8", "date '31/02/2025'", ErrBadDate),
		is("exports/b.xlsx", "CPD", 4, "8", "category 'Gardening'", ErrBadCategory),
		is("exports/b.xlsx", "CPD", 5, "8", "hours empty", ErrMissingValue),
		is("exports/b.xlsx", "CPD", 6, "8", "hours '0'", ErrBadHours),
		is("exports/b.xlsx", "CPD", 9, "8", "hours '-1'", ErrBadHours),
		is("exports/b.xlsx", "CPD", 10, "8", "", ErrDuplicate),
		is("exports/b.xlsx", "", 0, "", "", ErrBadFile),
	}, func(id string) string { return id })
	want := map[string]string{
		"7": "1 row of your record could not be read: row 11 of a.csv, hours 'eight'",
		"8": `4 rows of your record could not be read: row 4 of sheet "CPD" in b.xlsx, date '31/02/2025', category 'Gardening'; ` +
			`row 5 of sheet "CPD" in b.xlsx, hours empty; row 6 of sheet "CPD" in b.xlsx, hours '0'; and 1 more (see Import issues)`,
	}
	if len(flags) != len(want) {
		t.Fatalf("flags %q", flags)
	}
	for id, w := range want {
		if flags[id] != w {
			t.Errorf("member %s:\n got %q\nwant %q", id, flags[id], w)
		}
	}
}
