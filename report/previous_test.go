package report

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
	"github.com/xuri/excelize/v2"
)

// previousInput is sampleInput with a 2024 run: the rich member (NOT_MET
// this year) was NOT_MET then too, IES-04000 (NOT_MET now) was REVIEW,
// IES-03000 was not in it, and a Student only in 2024 gives a grade with
// no member this year.
func previousInput() Input {
	in := sampleInput()
	all := func(v audit.Verdict) [4]audit.Verdict { return [4]audit.Verdict{v, v, v, v} }
	in.Previous = NewPreviousRun(2024, []PreviousMember{
		{ID: "IES-01234", Grade: audit.GradeFull, Standards: [4]audit.Verdict{audit.Met, audit.NotMet, audit.Met, audit.Met}, Outcome: audit.NotMet},
		{ID: "IES-02000", Grade: audit.GradeGraduate, Standards: all(audit.Met), Outcome: audit.Met},
		{ID: "IES-04000", Grade: audit.GradeUnknown, Standards: [4]audit.Verdict{audit.Met, audit.Met, audit.Review, audit.Met}, Outcome: audit.Review},
		{ID: "IES-09999", Grade: audit.GradeStudent, Standards: [4]audit.Verdict{audit.NotMet, audit.Met, audit.Met, audit.Met}, Outcome: audit.NotMet},
		{ID: "70007", Grade: audit.GradeAssociate, Standards: all(audit.Exempt), Outcome: audit.Exempt},
	})
	return in
}

const wantRepeatFlag = "NOT_MET two years running (2024: pre-screen, no final outcome; 2025: pre-screen)"

func TestPreviousSummarySheet(t *testing.T) {
	f := openWorkbook(t, render(t, WriteWorkbook, previousInput()))
	rows, err := f.GetRows(runfolder.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Member ID", "Name", "Grade", "Counted hours", "Required hours", "Substantive categories", "Required categories",
		"Standard 1: hours", "Standard 2: balance", "Standard 3: level", "Standard 4: reflections", "Outcome",
		runfolder.HeaderLastYear, "Flags for the assessor", "Sampled", "Sample reason", "Assessor decision", runfolder.HeaderCommentToMember, runfolder.HeaderAssessorComment}
	if !slices.Equal(rows[0], want) {
		t.Fatalf("Summary header\n got %q\nwant %q", rows[0], want)
	}
	lastYear := map[string]string{
		"IES-01234": "NOT_MET", "IES-02000": "MET", "IES-03000": NotInLastYear, "IES-04000": "REVIEW", "70007": "EXEMPT",
	}
	for _, r := range rows[1:] {
		id := r[0]
		if got := r[12]; got != lastYear[id] {
			t.Errorf("%s: last year's outcome = %q, want %q", id, got, lastYear[id])
		}
		flags := ""
		if len(r) > 13 {
			flags = r[13]
		}
		if got, want := strings.Contains(flags, wantRepeatFlag), id == "IES-01234"; got != want {
			t.Errorf("%s: flags %q, two-years-running flag present = %v, want %v", id, flags, got, want)
		}
	}
	if r := rows[1]; r[0] != "IES-01234" || !strings.HasPrefix(r[13], "Reflection pasted onto 3 activities") {
		t.Errorf("the audit's own flags must come first: %q", r[13])
	}
	dvs, err := f.GetDataValidations(runfolder.SheetSummary)
	if err != nil || len(dvs) != 1 || dvs[0].Sqref != "Q2:Q6" {
		t.Errorf("the assessor drop-down must move to the Assessor decision column Q: %+v %v", dvs, err)
	}
	if cf, _ := f.GetConditionalFormats(runfolder.SheetSummary); len(cf["H2:M6"]) != 4 {
		t.Errorf("verdict colours should cover last year's outcome too: %v", cf)
	}
}

func TestPreviousSummaryCSV(t *testing.T) {
	in := previousInput()
	recs := readCSV(t, render(t, WriteSummaryCSV, in))
	spec := "member_id,name,grade,counted_hours,required_hours,substantive_categories,required_categories,standard1,standard2,standard3,standard4,outcome,flags"
	if got := strings.Join(recs[0], ","); got != spec+",previous_outcome" {
		t.Fatalf("header %s", got)
	}
	want := map[string]string{"IES-01234": "NOT_MET", "IES-02000": "MET", "IES-03000": "", "IES-04000": "REVIEW", "70007": "EXEMPT"}
	for _, r := range recs[1:] {
		if r[13] != want[r[0]] {
			t.Errorf("%s: previous_outcome = %q, want %q", r[0], r[13], want[r[0]])
		}
		if got := strings.Contains(r[12], wantRepeatFlag); got != (r[0] == "IES-01234") {
			t.Errorf("%s: flags %q", r[0], r[12])
		}
	}
	// Without a previous run, summary.csv has SPEC's columns only.
	in.Previous = nil
	if got := strings.Join(readCSV(t, render(t, WriteSummaryCSV, in))[0], ","); got != spec {
		t.Errorf("header without a previous run: %s", got)
	}
}

func TestRepeatFlagYears(t *testing.T) {
	for _, tt := range []struct {
		prev, year int
		final      bool
		want       string
	}{
		{2024, 2025, false, wantRepeatFlag},
		{2024, 2025, true, "NOT_MET two years running (2024: final outcome; 2025: pre-screen)"},
		{2023, 2025, true, "NOT_MET in both runs (2023: final outcome; 2025: pre-screen)"},
		{2025, 2025, false, "NOT_MET in both runs (2025: pre-screen, no final outcome; 2025: pre-screen)"},
	} {
		if got := repeatFlag(tt.prev, tt.year, tt.final); got != tt.want {
			t.Errorf("repeatFlag(%d, %d, %v) = %q, want %q", tt.prev, tt.year, tt.final, got, tt.want)
		}
	}
}

// TestPreviousFinalOutcomes: where last year's run was finalised, its
// final outcomes are last year's outcomes; the Run sheet says which were
// used.
func TestPreviousFinalOutcomes(t *testing.T) {
	in := previousInput()
	members := []PreviousMember{
		// Overridden to MET last year: not NOT_MET two years running.
		{ID: "IES-01234", Outcome: audit.NotMet, Final: audit.Met},
		// Confirmed NOT_MET last year.
		{ID: "IES-04000", Outcome: audit.NotMet, Final: audit.NotMet},
		{ID: "IES-02000", Outcome: audit.Met},
	}
	in.Previous = NewPreviousRun(2024, members)
	in.Previous.Dir, in.Previous.FinalFile = "audit-2024", "audit-2024/final-summary.csv"
	recs := readCSV(t, render(t, WriteSummaryCSV, in))
	for _, r := range recs[1:] {
		switch r[0] {
		case "IES-01234":
			if r[13] != "MET" || strings.Contains(r[12], "two years running") {
				t.Errorf("overridden member: previous %q, flags %q", r[13], r[12])
			}
		case "IES-04000":
			if r[13] != "NOT_MET" || !strings.Contains(r[12], "NOT_MET two years running (2024: final outcome; 2025: pre-screen)") {
				t.Errorf("confirmed member: previous %q, flags %q", r[13], r[12])
			}
		}
	}
	f := openWorkbook(t, render(t, WriteWorkbook, in))
	rows, _ := f.GetRows(runfolder.SheetRun)
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, w := range []string{"Folder|audit-2024", "Outcomes used|final outcomes (final-summary.csv) for 2 members; pre-screen outcomes (summary.csv) for 1 with no final outcome",
		"Final outcomes file|audit-2024/final-summary.csv"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("Run sheet lacks %q:\n%s", w, text.String())
		}
	}
}

func TestPreviousComplianceSheet(t *testing.T) {
	data := render(t, WriteWorkbook, previousInput())
	f := openWorkbook(t, data)
	rows, err := f.GetRows(runfolder.SheetCompliance, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	find := func(from int, first string) int {
		for i := from; i < len(rows); i++ {
			if len(rows[i]) > 0 && rows[i][0] == first {
				return i
			}
		}
		t.Fatalf("no row starting %q on the Compliance sheet after row %d", first, from+1)
		return -1
	}
	top := find(0, "Year on year: CPD years 2024 and 2025")
	hdr := find(top, "Overall and per standard")
	wantHdr := []string{"Overall and per standard", "Members assessed 2024", "MET rate 2024", "Members assessed 2025", "MET rate 2025", "Change (points)"}
	if !slices.Equal(rows[hdr], wantHdr) {
		t.Errorf("year-on-year header = %q", rows[hdr])
	}
	// 2024: 4 assessed (EXEMPT left out), 1 MET; 2025: 4 assessed, 1 MET.
	if got, want := rows[hdr+1], []string{"All members (outcome)", "4", "0.25", "4", "0.25", "0"}; !slices.Equal(got, want) {
		t.Errorf("overall row = %q, want %q", got, want)
	}
	// Standard 1: 2024 3 of 4 MET; 2025 3 of 4 MET (IES-04000 NOT_MET).
	if got := rows[hdr+2]; got[0] != "Standard 1: At least 30 hours of CPD" || got[2] != "0.75" || got[4] != "0.75" {
		t.Errorf("standard 1 row = %q", got)
	}
	// Standard 3: 2024 3 of 4 MET; 2025 2 of 4 MET: -25 points.
	if got := rows[hdr+4]; got[2] != "0.75" || got[4] != "0.5" || got[5] != "-25" {
		t.Errorf("standard 3 row = %q", got)
	}
	g := find(hdr, "Per membership grade (outcome)")
	var labels []string
	for _, r := range rows[g+1:] {
		if len(r) == 0 || r[0] == "" {
			break
		}
		labels = append(labels, r[0])
	}
	if want := []string{"Student", "Graduate", "Associate", "Full", "Fellow", unknownGrade}; !slices.Equal(labels, want) {
		t.Errorf("year-on-year grades = %q, want %q (both years' grades, in ComplianceRates' order)", labels, want)
	}
	if got := rows[g+1]; len(got) != 4 || got[1] != "1" || got[2] != "0" || got[3] != "0" {
		t.Errorf("Student (2024 only) row = %q: a year without the grade has 0 assessed, no rate and no change", got)
	}
	st, _ := f.GetCellStyle(runfolder.SheetCompliance, cellName(3, hdr+2))
	if s, _ := f.GetStyle(st); s == nil || s.CustomNumFmt == nil || *s.CustomNumFmt != "0.0%" {
		t.Error("year-on-year rates are not formatted as percentages")
	}

	charts := chartXML(t, data)
	if len(charts) != 4 {
		t.Fatalf("%d charts, want 4 (this year's two and the year-on-year two)", len(charts))
	}
	clustered := 0
	for _, c := range charts {
		if strings.Contains(c, `<barDir val="col">`) && strings.Contains(c, `<grouping val="clustered">`) {
			clustered++
			if n := strings.Count(c, "<ser>"); n != 2 {
				t.Errorf("a year-on-year chart has %d series, want 2", n)
			}
			if !strings.Contains(c, "Compliance&#39;!$C$") || !strings.Contains(c, "Compliance&#39;!$E$") {
				t.Error("a year-on-year chart does not plot the two MET rate columns")
			}
		}
	}
	if clustered != 2 {
		t.Errorf("%d clustered column charts, want 2", clustered)
	}
}

func TestWithoutPreviousUnchanged(t *testing.T) {
	in := sampleInput()
	data := render(t, WriteWorkbook, in)
	if n := len(chartXML(t, data)); n != 2 {
		t.Errorf("%d charts without --previous, want 2", n)
	}
	f := openWorkbook(t, data)
	rows, _ := f.GetRows(runfolder.SheetCompliance)
	for _, r := range rows {
		if len(r) > 0 && strings.HasPrefix(r[0], "Year on year") {
			t.Error("a year-on-year section without a previous run")
		}
	}
}

func TestPreviousDeterministic(t *testing.T) {
	for _, w := range []func(io.Writer, Input) error{WriteWorkbook, WriteSummaryCSV} {
		a, b := render(t, w, previousInput()), render(t, w, previousInput())
		if !bytes.Equal(a, b) {
			t.Error("two renders with the same previous run differ")
		}
	}
}

// chartXML returns the chart parts of a workbook.
func chartXML(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/charts/chart") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// Issue 15: last year's member 7 is this year's 000007 (the ids compare
// the one way they are compared everywhere); an id that could be either
// of two members of last year's run is neither.
func TestPreviousOutcomeIDsByValue(t *testing.T) {
	p := NewPreviousRun(2024, []PreviousMember{
		{ID: "7", Outcome: audit.NotMet}, {ID: "AB12", Outcome: audit.Met},
		{ID: "008", Outcome: audit.Met}, {ID: "8", Outcome: audit.Review},
	})
	for id, want := range map[string]audit.Verdict{"000007": audit.NotMet, "7": audit.NotMet, "ab12": audit.Met, "008": audit.Met, "8": audit.Review, "0008": "", "9": ""} {
		got, ok := p.Outcome(id)
		if got != want || ok != (want != "") {
			t.Errorf("Outcome(%q) = %q, %v; want %q", id, got, ok, want)
		}
	}
}
