package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/internal/testtool"
)

const (
	reviewRun       = "../../fixtures/review/run2025"
	reviewDecisions = "../../fixtures/review/decisions-libreoffice.xlsx"
)

// copyDir copies a run folder fixture, so a test can write into it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// freshRun audits the sample data into a new run folder.
func freshRun(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "run")
	if r := runInProcess(t, context.Background(), sampleArgs(out)...); r.code != exitOK {
		t.Fatalf("run exited %d: %s", r.code, r.stderr)
	}
	return out
}

func openXLSX(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// runSheetValues maps the Run sheet's labels to their values.
func runSheetValues(t *testing.T, path string) (map[string]string, int) {
	t.Helper()
	rows, err := openXLSX(t, path).GetRows("Run")
	if err != nil {
		t.Fatal(err)
	}
	m, seeds := map[string]string{}, 0
	for _, r := range rows {
		if len(r) >= 2 {
			m[r[0]] = r[1]
		}
		if len(r) > 0 && r[0] == "Sample seed" {
			seeds++
		}
	}
	return m, seeds
}

func TestSampleCommand(t *testing.T) {
	dir := freshRun(t)
	before := openXLSX(t, filepath.Join(dir, "summary.xlsx")).GetSheetList()
	args := []string{"sample", "--rate", "20%", "--stratify", "grade", "--seed", "7", dir}
	r := runInProcess(t, context.Background(), args...)
	if r.code != exitOK {
		t.Fatalf("sample exited %d: %s", r.code, r.stderr)
	}
	first, err := os.ReadFile(filepath.Join(dir, "sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(dir, "sample.csv"))
	reasons := map[string]int{}
	for _, row := range rows {
		reasons[row["reason"]]++
		if row["reason"] != "random sample" && row["reason"] != row["outcome"] {
			t.Errorf("%s: reason %q for outcome %q", row["member_id"], row["reason"], row["outcome"])
		}
	}
	// The sample run: 3 REVIEW and 6 NOT_MET; MET members are Full (3),
	// Graduate (1) and unknown grade (1): ceil(20%) of each is 1.
	if reasons["REVIEW"] != 3 || reasons["NOT_MET"] != 6 || reasons["random sample"] != 3 {
		t.Errorf("reasons = %v", reasons)
	}
	if !strings.Contains(r.stdout, "Seed: 7") || !strings.Contains(r.stdout, "12 members for review") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	var rec map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "sample.json"))
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	strata, _ := rec["strata"].([]any)
	if rec["seed"] != "7" || rec["rate"] != "20%" || rec["stratified_by"] != "membership grade" || rec["members_sampled"] != 12.0 || len(strata) != 3 {
		t.Errorf("sample.json = %s", b)
	}
	// Drawing again with the same seed gives the same list, and the Run
	// sheet still holds one record of the sample, not two.
	if r := runInProcess(t, context.Background(), args...); r.code != exitOK {
		t.Fatalf("second sample exited %d", r.code)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "sample.csv"))
	if !bytes.Equal(first, again) {
		t.Error("the same seed drew a different sample")
	}
	vals, seeds := runSheetValues(t, filepath.Join(dir, "summary.xlsx"))
	if seeds != 1 || vals["Sample seed"] != "7" || vals["Sample rate"] != "20%" || vals["Stratified by"] != "membership grade" || vals["Members sampled"] != "12" {
		t.Errorf("Run sheet: %d seed rows, %v", seeds, vals)
	}
	// Everything else in the workbook is still there.
	f := openXLSX(t, filepath.Join(dir, "summary.xlsx"))
	if got := f.GetSheetList(); !slices.Equal(got, before) {
		t.Errorf("sheets %q, want %q", got, before)
	}
	if dvs, _ := f.GetDataValidations("Summary"); len(dvs) != 1 || !strings.Contains(dvs[0].Formula1, "Override to NOT_MET") {
		t.Errorf("the Assessor decision drop-down was lost: %+v", dvs)
	}
	if rows, _ := f.GetRows("Summary"); len(rows) != 16 {
		t.Errorf("Summary has %d rows", len(rows))
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "summary.xlsx"))
	if !bytes.Contains(raw, []byte("xl/charts/chart1.xml")) {
		t.Error("the Compliance charts were lost")
	}
	for _, name := range []string{"sample.csv", "sample.json", "summary.xlsx"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want 0600", name, fi.Mode(), err)
		}
	}

	// Next year: members sampled before are left out of the random draw,
	// even at 100%; the earlier list may be named by its folder.
	prev := filepath.Join(t.TempDir(), "2024")
	if err := os.MkdirAll(prev, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prev, "sample.csv"), first, 0o600); err != nil {
		t.Fatal(err)
	}
	r = runInProcess(t, context.Background(), "sample", "--rate", "100%", "--exclude-audited-since", prev, dir)
	if r.code != exitOK {
		t.Fatalf("sample with exclusion exited %d: %s", r.code, r.stderr)
	}
	excluded := map[string]bool{}
	for _, row := range rows {
		excluded[row["member_id"]] = true
	}
	n := 0
	for _, row := range readCSV(t, filepath.Join(dir, "sample.csv")) {
		if row["reason"] == "random sample" {
			n++
			if excluded[row["member_id"]] {
				t.Errorf("%s was sampled last time and drawn again", row["member_id"])
			}
		}
	}
	if n != 2 {
		t.Errorf("drew %d of the 2 MET members not sampled before", n)
	}
	if !strings.Contains(r.stdout, "Seed: ") || !strings.Contains(r.stdout, "chosen at random") {
		t.Errorf("a chosen seed is not printed:\n%s", r.stdout)
	}
}

func TestSampleUsage(t *testing.T) {
	dir := copyDir(t, reviewRun)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"sample", dir}, exitUsage, "needs --rate"},
		{[]string{"sample", "--rate", "0.05", dir}, exitUsage, "ambiguous"},
		{[]string{"sample", "--rate", "5%", "--stratify", "region", dir}, exitUsage, "membership grade"},
		{[]string{"sample", "--rate", "5%", "--seed", "abc", dir}, exitUsage, "--seed"},
		{[]string{"sample", "--rate", "5%"}, exitUsage, "RUN_DIR"},
		{[]string{"sample", "--rate", "5%", dir, dir}, exitUsage, "one RUN_DIR"},
		{[]string{"sample", "--rate", "5%", filepath.Join(dir, "missing")}, exitFailed, "run.json"},
		{[]string{"sample", "--rate", "5%", "--exclude-audited-since", filepath.Join(dir, "nope.csv"), dir}, exitFailed, "earlier sample"},
	} {
		r := runInProcess(t, context.Background(), c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%q: exit %d, want %d with %q; stderr:\n%s", c.args, r.code, c.code, c.msg, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "sample.csv")); err == nil {
		t.Error("a failed sample wrote sample.csv")
	}
}

// TestFinalizeLibreOffice applies the decisions an assessor made in a copy
// of summary.xlsx that LibreOffice saved (rows re-sorted, one filtered out
// of view, a bad decision word, an unknown member id, a changed Outcome).
func TestFinalizeLibreOffice(t *testing.T) {
	dir := copyDir(t, reviewRun)
	r := runInProcess(t, context.Background(), "finalize", dir, "--decisions", reviewDecisions)
	if r.code != exitIssues {
		t.Fatalf("finalize = %d; want %d\n%s", r.code, exitIssues, r.stderr)
	}
	want := map[string][3]string{ // decision, final outcome, problem (a part of it)
		"100101": {"Confirm", "MET", ""},
		"100102": {"Confirm", "NOT_MET", ""},
		"100103": {"Override to MET", "MET", ""},
		"100104": {"no decision", "MET", ""},
		"100105": {"Agree", "", `"Agree" is not a decision`},
		"100106": {"no decision", "EXEMPT", ""},
		"100107": {"no decision", "MET", ""},
		"100108": {"Override to NOT_MET", "NOT_MET", ""},
		"100109": {"", "", "a comment but no decision"},
		"100110": {"Override to MET", "MET", ""},
		"100111": {"Confirm", "MET", ""},
		"100112": {"Override to NOT_MET", "NOT_MET", ""},
		"100113": {"Confirm", "", `Outcome is "MET" in the workbook but "NOT_MET" in the run`},
		"100114": {"no decision", "MET", ""},
		"100115": {"Confirm", "", "Confirm cannot settle a REVIEW outcome"},
		"100199": {"Override to MET", "", "member id 100199 is not in this run"},
	}
	rows := readCSV(t, filepath.Join(dir, "final-summary.csv"))
	if len(rows) != len(want) {
		t.Errorf("final-summary.csv has %d rows, want %d", len(rows), len(want))
	}
	letters := 0
	for _, row := range rows {
		id := row["member_id"]
		w, ok := want[id]
		if !ok {
			t.Errorf("unexpected row %v", row)
			continue
		}
		if row["decision"] != w[0] || row["final_outcome"] != w[1] || (w[2] == "") != (row["problem"] == "") || !strings.Contains(row["problem"], w[2]) {
			t.Errorf("%s: %v; want decision %q final %q problem %q", id, row, w[0], w[1], w[2])
		}
		_, err := os.Stat(filepath.Join(dir, "final", id+".pdf"))
		if hasFinal := w[1] != ""; hasFinal != (err == nil) {
			t.Errorf("%s: final letter exists = %v, want %v", id, err == nil, hasFinal)
		}
		if w[2] != "" && !strings.Contains(r.stderr, w[2]) {
			t.Errorf("stderr does not list %s's problem:\n%s", id, r.stderr)
		}
		if w[1] != "" {
			letters++
		}
	}
	if rows[4]["assessor_comment"] != "Looks right to me." || rows[15]["assessor_comment"] != "Member not in this run." {
		t.Error("a comment with a decision that was not applied was lost")
	}
	if n := countPDFs(t, filepath.Join(dir, "final")); n != letters {
		t.Errorf("final/ holds %d letters, want %d", n, letters)
	}
	if n := countPDFs(t, filepath.Join(dir, "final", "feedback")); n != letters {
		t.Errorf("final/feedback/ holds %d feedback PDFs, want one per letter, %d", n, letters)
	}
	if !strings.Contains(r.stdout, "5 decisions could not be applied") {
		t.Errorf("stdout:\n%s", r.stdout)
	}

	f := openXLSX(t, filepath.Join(dir, "final-summary.xlsx"))
	sheets := f.GetSheetList()
	for _, s := range []string{"Summary", "Activities", "Import issues", "Compliance", "Run", "Final outcomes", "Agreement"} {
		if !slices.Contains(sheets, s) {
			t.Errorf("final-summary.xlsx lacks the %s sheet (has %q)", s, sheets)
		}
	}
	agree, _ := f.GetRows("Agreement")
	var text strings.Builder
	for _, r := range agree {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, w := range []string{"one decision per member, not per standard", "Members the tool decided (MET or NOT_MET)|5|4|", "REVIEW settled as MET|1", "2. A balance across the categories|3|2|"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("Agreement sheet lacks %q:\n%s", w, text.String())
		}
	}
	summary, _ := f.GetRows("Summary")
	for _, r := range summary {
		if r[0] == "100103" && (len(r) < 15 || r[13] != "override to met") {
			t.Errorf("Summary row of 100103 does not carry the decision as written: %q", r)
		}
	}
	vals, _ := runSheetValues(t, filepath.Join(dir, "final-summary.xlsx"))
	if vals["Decisions applied"] != "7" || vals["Decisions not applied"] != "5" {
		t.Errorf("Run sheet: %v", vals)
	}
	for _, name := range []string{"final-summary.csv", "final-summary.xlsx", "final/100101.pdf"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want 0600", name, err)
		}
	}

	text.Reset()
	for _, id := range []string{"100110", "100104"} {
		text.WriteString(pdfText(t, filepath.Join(dir, "final", id+".pdf")))
		text.WriteString(pdfText(t, filepath.Join(dir, "final", "feedback", id+".pdf")))
	}
	for _, w := range []string{"Robert Ashcroft", "No decision recorded", "Dear Robert Ashcroft,"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("letters lack %q", w)
		}
	}
	// This workbook's comments are in the Assessor comment column, which
	// is internal: no letter or feedback prints them. Nor does a letter
	// cite a path of the office's run folder.
	for _, w := range []string{"supervise Siân's graduate team", "feedback/100110.pdf", "The assessor's comment"} {
		if strings.Contains(text.String(), w) {
			t.Errorf("letters print %q", w)
		}
	}
}

// countPDFs counts the PDF files directly in dir.
func countPDFs(t *testing.T, dir string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// pdfText is the text of a PDF as pdftotext reads it, runs of spaces and
// line breaks made one space.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	pdftotext := testtool.Require(t, "pdftotext")
	b, err := exec.Command(pdftotext, path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// editDecisions writes a copy of the run's summary.xlsx with a decision for
// each member id given, found by the Member ID column.
func editDecisions(t *testing.T, dir string, decisions map[string]string) string {
	t.Helper()
	f := openXLSX(t, filepath.Join(dir, "summary.xlsx"))
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "Assessor decision")
	for i, r := range rows[1:] {
		if d, ok := decisions[r[0]]; ok {
			cell, _ := excelize.CoordinatesToCellName(col+1, i+2)
			if err := f.SetCellStr("Summary", cell, d); err != nil {
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

// TestFinalizeFreshRun goes through the whole loop on a run made now, so a
// change to the Summary sheet's headers shows here: run, sample, decide,
// finalize, then finalize again with fewer decisions.
func TestFinalizeFreshRun(t *testing.T) {
	dir := freshRun(t)
	if r := runInProcess(t, context.Background(), "sample", "--rate", "5%", "--seed", "1", dir); r.code != exitOK {
		t.Fatalf("sample exited %d: %s", r.code, r.stderr)
	}
	decisions := map[string]string{}
	var review []string
	for _, row := range readCSV(t, filepath.Join(dir, "sample.csv")) {
		switch row["outcome"] {
		case "REVIEW":
			decisions[row["member_id"]] = "Override to MET"
			review = append(review, row["member_id"])
		default:
			decisions[row["member_id"]] = "Confirm"
		}
	}
	r := runInProcess(t, context.Background(), "finalize", dir, "--decisions", editDecisions(t, dir, decisions))
	if r.code != exitOK {
		t.Fatalf("finalize exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := countPDFs(t, filepath.Join(dir, "final")); n != 15 {
		t.Errorf("%d letters, want 15", n)
	}
	for _, row := range readCSV(t, filepath.Join(dir, "final-summary.csv")) {
		if row["problem"] != "" {
			t.Errorf("problem: %v", row)
		}
	}
	// The REVIEW members' decisions are withdrawn: their letters must go,
	// not linger from the first finalize.
	for _, id := range review {
		delete(decisions, id)
	}
	r = runInProcess(t, context.Background(), "finalize", dir, "--decisions", editDecisions(t, dir, decisions))
	if r.code != exitOK || !strings.Contains(r.stdout, "3 members are at REVIEW with no decision") {
		t.Fatalf("second finalize exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, id := range review {
		if _, err := os.Stat(filepath.Join(dir, "final", id+".pdf")); err == nil {
			t.Errorf("%s: a letter from the earlier finalize was left behind", id)
		}
	}
	if n := countPDFs(t, filepath.Join(dir, "final")); n != 12 {
		t.Errorf("%d letters, want 12", n)
	}
	if n := countPDFs(t, filepath.Join(dir, "final", "feedback")); n != 12 {
		t.Errorf("%d final feedback PDFs, want 12", n)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".cpdaudit-final-*")); len(leftovers) > 0 {
		t.Errorf("staging left behind: %v", leftovers)
	}
}

func TestFinalizeErrors(t *testing.T) {
	dir := copyDir(t, reviewRun)
	notXLSX := filepath.Join(t.TempDir(), "decisions.xlsx")
	if err := os.WriteFile(notXLSX, []byte("member_id,decision\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The decisions of another year's run.
	other := filepath.Join(t.TempDir(), "2024.xlsx")
	f := openXLSX(t, reviewDecisions)
	rows, _ := f.GetRows("Run")
	for i, r := range rows {
		if len(r) > 0 && r[0] == "CPD year" {
			if err := f.SetCellInt("Run", "B"+strconv.Itoa(i+1), 2024); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(other); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"finalize", dir}, exitUsage, "--decisions"},
		{[]string{"finalize", "--decisions", reviewDecisions}, exitUsage, "RUN_DIR"},
		{[]string{"finalize", filepath.Join(dir, "nope"), "--decisions", reviewDecisions}, exitFailed, "run.json"},
		{[]string{"finalize", dir, "--decisions", filepath.Join(dir, "nope.xlsx")}, exitFailed, "cannot read the decisions file"},
		{[]string{"finalize", dir, "--decisions", notXLSX}, exitFailed, "not an Excel workbook"},
		{[]string{"finalize", dir, "--decisions", filepath.Join(dir, "summary.xlsx") + "x"}, exitFailed, "cannot read"},
		{[]string{"finalize", dir, "--decisions", other}, exitFailed, "CPD year 2024"},
	} {
		r := runInProcess(t, context.Background(), c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%q: exit %d, want %d with %q; stderr:\n%s", c.args, r.code, c.code, c.msg, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "final-summary.csv")); err == nil {
		t.Error("a failed finalize wrote final-summary.csv")
	}
}
