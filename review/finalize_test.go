package review

import (
	"archive/zip"
	"io"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/audit"
	"github.com/ies/cpdaudit/runfolder"
)

const (
	fixtureRun       = "../fixtures/review/run2025"
	fixtureDecisions = "../fixtures/review/decisions-libreoffice.xlsx"
)

func TestFinalizeParseDecision(t *testing.T) {
	for in, want := range map[string]Decision{
		"Confirm": Confirm, "  confirm ": Confirm, "CONFIRMED": Confirm,
		"Override to MET": OverrideMet, "override to met": OverrideMet, "Override-to-MET": OverrideMet,
		"Override to NOT_MET": OverrideNotMet, "Override to NOT MET": OverrideNotMet, "OVERRIDE_TO_NOT_MET": OverrideNotMet,
		"Agree": "", "": "", "Override": "", "MET": "",
	} {
		got, ok := ParseDecision(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseDecision(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestFinalizeReadLibreOffice reads the workbook an assessor edited and
// LibreOffice saved: rows re-sorted, one hidden by a filter.
func TestFinalizeReadLibreOffice(t *testing.T) {
	d, err := ReadDecisions(fixtureDecisions)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture must really be LibreOffice's output, not openpyxl's.
	zr, err := zip.OpenReader(fixtureDecisions)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	app, err := zr.Open("docProps/app.xml")
	if err != nil {
		t.Fatal(err)
	}
	props, _ := io.ReadAll(app)
	app.Close()
	if !strings.Contains(string(props), "<Application>LibreOffice") {
		t.Errorf("%s was not saved by LibreOffice: %s", fixtureDecisions, props)
	}
	if d.Sheet != "Summary" || d.Year != 2025 {
		t.Errorf("sheet %q year %d", d.Sheet, d.Year)
	}
	if len(d.Rows) != 16 {
		t.Fatalf("%d rows, want 15 members and the unknown one", len(d.Rows))
	}
	byID := map[string]DecisionRow{}
	for _, r := range d.Rows {
		byID[r.MemberID] = r
	}
	// The hidden (filtered) row is read like any other.
	if r := byID["100101"]; r.Decision != "Confirm" || r.Name != "Zoë Hartley" || r.Outcome != "MET" {
		t.Errorf("100101 = %+v", r)
	}
	if r := byID["100110"]; r.Decision != "Override to MET" || !strings.Contains(r.Comment, "Siân's") || r.Standards[2] != "REVIEW" {
		t.Errorf("100110 = %+v", r)
	}
	// Sorted Z to A by code point (Ŵ, Ł, Đ come after Z): the rows carry
	// the numbers a spreadsheet shows after the sort.
	if d.Rows[0].MemberID != "100104" || d.Rows[0].Row != 2 || byID["100101"].Row != 5 || byID["100199"].Row != 11 {
		t.Errorf("rows after the sort: first %+v, 100101 on %d, 100199 on %d", d.Rows[0], byID["100101"].Row, byID["100199"].Row)
	}
}

func TestFinalizeApplyFixture(t *testing.T) {
	run, err := ReadRun(fixtureRun)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadDecisions(fixtureDecisions)
	if err != nil {
		t.Fatal(err)
	}
	finals := Apply(run, d)
	if len(finals) != 16 {
		t.Fatalf("%d finals, want 15 members and the unknown row", len(finals))
	}
	want := map[string]struct {
		decision Decision
		final    audit.Verdict
		problem  string
	}{
		"100101": {Confirm, audit.Met, ""},
		"100102": {Confirm, audit.NotMet, ""},
		"100103": {OverrideMet, audit.Met, ""},
		"100104": {NoDecision, audit.Met, ""},
		"100105": {NoDecision, "", `"Agree" is not a decision`},
		"100106": {NoDecision, audit.Exempt, ""},
		"100107": {NoDecision, audit.Met, ""},
		"100108": {OverrideNotMet, audit.NotMet, ""},
		"100109": {NoDecision, "", "a comment but no decision"},
		"100110": {OverrideMet, audit.Met, ""},
		"100111": {Confirm, audit.Met, ""},
		"100112": {OverrideNotMet, audit.NotMet, ""},
		"100113": {NoDecision, "", `Outcome is "MET" in the workbook but "NOT_MET" in the run`},
		"100114": {NoDecision, audit.Met, ""},
		"100115": {NoDecision, "", "Confirm cannot settle a REVIEW outcome"},
		"100199": {NoDecision, "", "member id 100199 is not in this run"},
	}
	for _, f := range finals {
		w, ok := want[f.ID]
		if !ok {
			t.Errorf("unexpected final %+v", f)
			continue
		}
		if f.Decision != w.decision || f.Final != w.final || (w.problem == "") != (f.Problem == "") || !strings.Contains(f.Problem, w.problem) {
			t.Errorf("%s: decision %q final %q problem %q; want %q %q %q", f.ID, f.Decision, f.Final, f.Problem, w.decision, w.final, w.problem)
		}
	}
	// Nothing the assessor wrote is lost, applied or not.
	last := finals[len(finals)-1]
	if last.InRun || last.Written != "Override to MET" || last.Comment != "Member not in this run." {
		t.Errorf("unknown member row = %+v", last)
	}
	if f := finals[4]; f.Written != "Agree" || f.Comment != "Looks right to me." {
		t.Errorf("bad decision word lost its text: %+v", f)
	}
	if n := len(Problems(finals)); n != 5 {
		t.Errorf("%d problems, want 5", n)
	}
}

func member(id string, out audit.Verdict, v ...audit.Verdict) Member {
	m := Member{ID: id, Name: "N " + id, Outcome: out}
	for i := range m.Standards {
		m.Standards[i] = audit.Met
	}
	copy(m.Standards[:], v)
	return m
}

func row(n int, m Member, decision, comment string) DecisionRow {
	r := DecisionRow{Row: n, MemberID: m.ID, Name: m.Name, Outcome: string(m.Outcome), Decision: decision, Comment: comment}
	for i, v := range m.Standards {
		r.Standards[i] = string(v)
	}
	return r
}

func testRun(ms ...Member) *Run {
	r := &Run{Members: ms}
	for i, m := range ms {
		r.byID.Add(m.ID, i)
	}
	return r
}

func TestFinalizeApplyRules(t *testing.T) {
	ex := member("E", audit.Exempt, audit.Exempt, audit.Exempt, audit.Exempt, audit.Exempt)
	a := member("A", audit.Met)
	b := member("B", audit.NotMet, audit.NotMet)
	c := member("C", audit.Review, audit.Met, audit.Review)
	run := testRun(a, b, c, ex)
	finals := Apply(run, &Decisions{Rows: []DecisionRow{
		row(2, a, "Confirm", "ok"),
		row(3, a, "Confirm", "ok"), // the same row pasted twice: harmless
		row(4, b, "Confirm", ""),
		row(5, b, "Override to MET", ""), // two rows disagree
		row(6, ex, "Override to NOT_MET", ""),
		{Row: 7, Decision: "Confirm", Comment: "whose?"},
		{Row: 8, Name: "a note in another column"}, // no id, decision or comment: not a decision
	}})
	if f := finals[0]; !f.Applied() || f.Final != audit.Met || len(f.Rows) != 2 {
		t.Errorf("A = %+v", f)
	}
	if f := finals[1]; f.Problem == "" || !strings.Contains(f.Problem, "rows 4, 5") || !strings.Contains(f.Written, "Override to MET") {
		t.Errorf("B = %+v", f)
	}
	if f := finals[2]; f.Decision != NoDecision || f.Final != audit.Review || f.Problem != "" {
		t.Errorf("C with no decision = %+v", f)
	}
	if f := finals[3]; !strings.Contains(f.Problem, "EXEMPT") {
		t.Errorf("E = %+v", f)
	}
	if len(finals) != 5 || !strings.Contains(finals[4].Problem, "no member id") {
		t.Errorf("stray rows: %+v", finals[4:])
	}
}

func TestFinalizeMeasure(t *testing.T) {
	fin := func(m Member, d Decision, final audit.Verdict) Final {
		return Final{Member: m, InRun: true, Decision: d, Final: final}
	}
	finals := []Final{
		fin(member("1", audit.Met), Confirm, audit.Met),
		fin(member("2", audit.Met), Confirm, audit.Met),
		fin(member("3", audit.NotMet, audit.NotMet), Confirm, audit.NotMet),
		fin(member("4", audit.NotMet, audit.Met, audit.NotMet), OverrideMet, audit.Met),
		fin(member("5", audit.Review, audit.Met, audit.Met, audit.Review), OverrideNotMet, audit.NotMet),
		fin(member("6", audit.Met), NoDecision, audit.Met), // not decided: not counted
		{Member: member("7", audit.Met), InRun: true, Problem: "x"},
		fin(member("8", audit.Exempt), Confirm, audit.Exempt), // exempt: not counted
	}
	a := Measure(finals)
	if a.ToolDecided.N != 4 || a.ToolDecided.Agreed != 3 || !a.ToolDecided.KappaDefined {
		t.Errorf("tool decided = %+v", a.ToolDecided)
	}
	// MET/MET x2, NOT_MET/NOT_MET, NOT_MET/MET: po 0.75, pe 0.5*0.75+0.5*0.25 = 0.5.
	if k := a.ToolDecided.Kappa; k < 0.4999 || k > 0.5001 {
		t.Errorf("kappa = %v, want 0.5", k)
	}
	if a.Decided.N != 5 || a.Decided.Agreed != 3 || a.ReviewToNotMet != 1 || a.ReviewToMet != 0 {
		t.Errorf("decided = %+v, review %d/%d", a.Decided, a.ReviewToMet, a.ReviewToNotMet)
	}
	s1, s2, s3 := a.Standards[0], a.Standards[1], a.Standards[2]
	if s1.NotMet != 1 || s1.Overturned != 0 || s1.Attributable.N != 3 {
		t.Errorf("standard 1 = %+v", s1)
	}
	if s2.NotMet != 1 || s2.Overturned != 1 || s2.Attributable.N != 3 || s2.Attributable.Agreed != 2 {
		t.Errorf("standard 2 = %+v", s2)
	}
	if s3.ReviewToNotMet != 1 || s3.Attributable.N != 2 || s3.Attributable.KappaDefined {
		t.Errorf("standard 3 = %+v (all MET on both sides: kappa is not defined)", s3)
	}
	if got := a.Confusion.Counts; got[0][0] != 2 || got[1][1] != 1 || got[1][0] != 1 || got[2][1] != 1 {
		t.Errorf("confusion = %v", got)
	}
}

// Issue 15: a decision row finds its member the one way ids are compared
// everywhere: an id that lost its leading zeros (Excel turned 000007 into
// 7) still finds member 000007; an id that could be either of two members
// finds neither, and is reported.
func TestFinalizeApplyIDsByValue(t *testing.T) {
	a := member("000007", audit.Met)
	b := member("AB12", audit.NotMet, audit.NotMet)
	finals := Apply(testRun(a, b), &Decisions{Rows: []DecisionRow{
		{Row: 2, MemberID: "7", Name: a.Name, Outcome: "MET", Standards: [4]string{"MET", "MET", "MET", "MET"}, Decision: "Confirm"},
		{Row: 3, MemberID: "ab12", Name: b.Name, Outcome: "NOT_MET", Standards: [4]string{"NOT_MET", "MET", "MET", "MET"}, Decision: "Override to MET"},
	}})
	if len(finals) != 2 || !finals[0].Applied() || finals[0].Final != audit.Met || !finals[1].Applied() || finals[1].Final != audit.Met {
		t.Fatalf("finals %+v", finals)
	}
	// A run with both 007 and 7: 0007 could be either.
	c, d := member("007", audit.Met), member("7", audit.Met)
	finals = Apply(testRun(c, d), &Decisions{Rows: []DecisionRow{{Row: 2, MemberID: "0007", Decision: "Confirm"}}})
	if len(finals) != 3 || finals[0].Decision != NoDecision || finals[1].Decision != NoDecision || finals[2].InRun ||
		finals[2].Problem != "row 2: member id 0007 could be member 007 or 7 of this run's summary.csv: write the id exactly as summary.csv does" {
		t.Fatalf("finals %+v", finals)
	}
}

// TestApplySeveralFiles: each assessor fills their own copy; all are read.
// A member decided in one file and left blank in another takes the
// decision; a member decided differently in two files is a problem.
func TestApplySeveralFiles(t *testing.T) {
	a := member("A", audit.NotMet, audit.NotMet)
	b := member("B", audit.Review, audit.Met, audit.Review)
	c := member("C", audit.Met)
	run := testRun(a, b, c)
	inFile := func(file string, rows ...DecisionRow) *Decisions {
		for i := range rows {
			rows[i].File = file
		}
		return &Decisions{File: runfolder.FileHash{Path: file}, Rows: rows}
	}
	first := inFile("dir/alice.xlsx", row(2, a, "Override to MET", "internal note"), row(3, b, "", ""), row(4, c, "Confirm", ""))
	first.Rows[0].MemberComment = "Your hours were recorded twice by mistake."
	second := inFile("dir/bob.xlsx", row(2, a, "", ""), row(3, b, "Override to NOT_MET", ""), row(4, c, "Override to NOT_MET", ""))
	finals := Apply(run, first, second)
	if f := finals[0]; !f.Applied() || f.Final != audit.Met || f.File != "dir/alice.xlsx" || f.MemberComment != "Your hours were recorded twice by mistake." || f.Comment != "internal note" {
		t.Errorf("A = %+v", f)
	}
	if f := finals[1]; !f.Applied() || f.Final != audit.NotMet || f.File != "dir/bob.xlsx" {
		t.Errorf("B = %+v", f)
	}
	f := finals[2]
	if f.Problem == "" || !strings.Contains(f.Problem, "alice.xlsx row 4, bob.xlsx row 4") || !strings.Contains(f.Problem, "more than one decisions file") {
		t.Errorf("C = %+v", f)
	}
	if !strings.Contains(f.Written, "alice.xlsx row 4: Confirm") || !strings.Contains(f.Written, "bob.xlsx row 4: Override to NOT_MET") {
		t.Errorf("C's conflicting decisions are not both kept: %q", f.Written)
	}
}
