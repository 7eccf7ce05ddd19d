package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ies/cpdaudit/runfolder"
)

// nextYearInputs copies the sample's two CSV exports with every "2025"
// made "2026": the same members and records, a year later. (The sample's
// one 2024 activity stays in 2024.)
func nextYearInputs(t *testing.T, files ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exports-2026")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(sampleDir, name))
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte("2025"), []byte("2026"))
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fillDecisions writes an assessors' copy of dir's summary.xlsx: for each
// member id, the given cells by column header.
func fillDecisions(t *testing.T, dir string, cells map[string]map[string]string) string {
	t.Helper()
	f := openXLSX(t, filepath.Join(dir, "summary.xlsx"))
	rows, err := f.GetRows(runfolder.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows[1:] {
		for header, v := range cells[r[0]] {
			col := slices.Index(rows[0], header)
			if col < 0 {
				t.Fatalf("the Summary sheet has no %q column: %q", header, rows[0])
			}
			cell, _ := excelize.CoordinatesToCellName(col+1, i+2)
			if err := f.SetCellStr(runfolder.SheetSummary, cell, v); err != nil {
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

// decideSample decides every sampled member of dir: REVIEW members are
// overridden to MET, everyone else confirmed, except the overrides given.
func decideSample(t *testing.T, dir string, overrides map[string]map[string]string) string {
	t.Helper()
	cells := map[string]map[string]string{}
	for _, row := range readCSV(t, filepath.Join(dir, "sample.csv")) {
		d := "Confirm"
		if row["outcome"] == "REVIEW" {
			d = "Override to MET"
		}
		cells[row["member_id"]] = map[string]string{"Assessor decision": d}
	}
	for id, c := range overrides {
		cells[id] = c
	}
	return fillDecisions(t, dir, cells)
}

func csvByID(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	m := map[string]map[string]string{}
	for _, row := range readCSV(t, path) {
		m[row["member_id"]] = row
	}
	return m
}

// TestTwoYears goes through two years of the office's audit as the README
// tells it: run, sample, decide (with an override of NOT_MET to MET),
// finalize; next year, run with --previous, then run that year again into
// its finalised folder. The folder must tell one story at every step.
func TestTwoYears(t *testing.T) {
	ctx := context.Background()
	t.Setenv("SOURCE_DATE_EPOCH", "1773446400") // 14 March 2026, for the letters' date
	tmp := t.TempDir()
	y1 := filepath.Join(tmp, "audit-2025")
	const overridden = "100102" // NOT_MET in both years' pre-screens
	const confirmed = "100103"  // NOT_MET in both years, confirmed in 2025

	// Year 1.
	if r := runInProcess(t, ctx, sampleArgs(y1)...); r.code != exitOK {
		t.Fatalf("year 1 run exited %d: %s", r.code, r.stderr)
	}
	if r := runInProcess(t, ctx, "sample", "--rate", "20%", "--seed", "1", y1); r.code != exitOK {
		t.Fatalf("year 1 sample exited %d: %s", r.code, r.stderr)
	}
	// The assessors see who was sampled, and why, on the Summary sheet.
	sampled := csvByID(t, filepath.Join(y1, "sample.csv"))
	rows, _ := openXLSX(t, filepath.Join(y1, "summary.xlsx")).GetRows(runfolder.SheetSummary)
	sc, rc := slices.Index(rows[0], "Sampled"), slices.Index(rows[0], "Sample reason")
	for _, r := range rows[1:] {
		s, ok := sampled[r[0]]
		want, reason := "no", ""
		if ok {
			want, reason = "yes", s["reason"]
		}
		got := ""
		if len(r) > rc {
			got = r[rc]
		}
		if r[sc] != want || got != reason {
			t.Errorf("%s: Sampled %q, reason %q; want %q, %q", r[0], r[sc], got, want, reason)
		}
	}
	if sampled[overridden]["outcome"] != "NOT_MET" || sampled[confirmed]["outcome"] != "NOT_MET" {
		t.Fatalf("the sample lacks %s or %s as NOT_MET: %v", overridden, confirmed, sampled)
	}
	dec1 := decideSample(t, y1, map[string]map[string]string{overridden: {
		"Assessor decision":                          "Override to MET",
		"Assessor comment (internal, never printed)": "Spoke to his manager; tool export dropped a course.",
		"Comment to member (printed in the letter)":  "Your permitting course counts in full: your record meets the standards.",
	}})
	r := runInProcess(t, ctx, "finalize", y1, "--decisions", dec1)
	if r.code != exitOK {
		t.Fatalf("year 1 finalize exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "dated 14 March 2026") {
		t.Errorf("finalize does not say the letters' date:\n%s", r.stdout)
	}

	// One consistent set per member: letters.csv lists every member with
	// the register's email, the final outcome and files that exist.
	finals := csvByID(t, filepath.Join(y1, "final-summary.csv"))
	letters := readCSV(t, filepath.Join(y1, "letters.csv"))
	if len(letters) != 15 {
		t.Errorf("letters.csv lists %d members, want all 15", len(letters))
	}
	register := map[string]string{}
	for _, row := range readCSV(t, sampleRegister) {
		register[row["Member Number"]] = row["Email"]
	}
	for _, l := range letters {
		id := l["member_id"]
		if l["email"] != register[id] {
			t.Errorf("%s: email %q, register says %q", id, l["email"], register[id])
		}
		if l["outcome"] != finals[id]["final_outcome"] {
			t.Errorf("%s: letters.csv outcome %q, final-summary.csv %q", id, l["outcome"], finals[id]["final_outcome"])
		}
		for _, p := range []string{l["letter"], l["feedback"]} {
			if _, err := os.Stat(filepath.Join(y1, p)); p == "" || err != nil {
				t.Errorf("%s: file %q listed in letters.csv: %v", id, p, err)
			}
		}
	}
	if finals[overridden]["final_outcome"] != "MET" {
		t.Fatalf("%s: %v", overridden, finals[overridden])
	}
	// The overridden member's letter and feedback both say MET; the
	// comment to the member is printed, the internal one never.
	letter := pdfText(t, filepath.Join(y1, "final", overridden+".pdf"))
	feedback := pdfText(t, filepath.Join(y1, "final", "feedback", overridden+".pdf"))
	for _, text := range []string{letter, feedback} {
		if !strings.Contains(text, "FINAL OUTCOME MET") || !strings.Contains(text, "Your permitting course counts in full") {
			t.Errorf("%s's final set does not say MET with the comment to the member:\n%s", overridden, text)
		}
		if strings.Contains(text, "tool export dropped") {
			t.Errorf("%s's final set prints the internal comment:\n%s", overridden, text)
		}
	}
	if !strings.Contains(letter, "14 March 2026") || !strings.Contains(letter, "Dear Łukasz Nowak,") || !strings.Contains(letter, "Yours sincerely") {
		t.Errorf("the letter is not ready to send:\n%s", letter)
	}
	if strings.Contains(feedback, "Next steps") || strings.Count(feedback, "NOT MET") != 1 {
		t.Errorf("%s's final feedback still tells him what to add:\n%s", overridden, feedback)
	}

	// Year 2, with year 1 as --previous: last year's final outcomes count.
	exports2 := nextYearInputs(t, "online-tool-export-1.csv", "online-tool-export-2.csv")
	y2 := filepath.Join(tmp, "audit-2026")
	args2 := []string{"run", "--year", "2026", "--register", sampleRegister, "--out", y2, "--quiet", "--previous", y1, exports2}
	if r := runInProcess(t, ctx, args2...); r.code != exitOK {
		t.Fatalf("year 2 run exited %d: %s", r.code, r.stderr)
	}
	sum2 := csvByID(t, filepath.Join(y2, "summary.csv"))
	if o := sum2[overridden]; o["outcome"] != "NOT_MET" || o["previous_outcome"] != "MET" || strings.Contains(o["flags"], "two years running") {
		t.Errorf("%s, overridden to MET last year: %v", overridden, o)
	}
	if o := sum2[confirmed]; o["outcome"] != "NOT_MET" || !strings.Contains(o["flags"], "NOT_MET two years running (2025: final outcome; 2026: pre-screen)") {
		t.Errorf("%s, confirmed NOT_MET last year: %v", confirmed, o)
	}
	vals, _ := runSheetValues(t, filepath.Join(y2, "summary.xlsx"))
	if !strings.HasPrefix(vals["Outcomes used"], "final outcomes (final-summary.csv) for 15 members") {
		t.Errorf("Run sheet: Outcomes used = %q", vals["Outcomes used"])
	}

	// Year 2 through to its letters.
	if r := runInProcess(t, ctx, "sample", "--rate", "20%", "--seed", "2", "--exclude-audited-since", y1, y2); r.code != exitOK {
		t.Fatalf("year 2 sample exited %d: %s", r.code, r.stderr)
	}
	dec2 := decideSample(t, y2, nil)
	if r := runInProcess(t, ctx, "finalize", y2, "--decisions", dec2); r.code != exitOK {
		t.Fatalf("year 2 finalize exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	before := pdfText(t, filepath.Join(y2, "final", overridden+".pdf"))

	// The office fixes an export and runs year 2 again into its finalised
	// folder. Without --force it is refused, and nothing changes.
	exports2b := nextYearInputs(t, "online-tool-export-2.csv")
	args2b := slices.Clone(args2)
	args2b[len(args2b)-1] = exports2b
	r = runInProcess(t, ctx, args2b...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--force") || !strings.Contains(r.stderr, "new --out folder") {
		t.Fatalf("a run into a finalised folder: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if got := pdfText(t, filepath.Join(y2, "final", overridden+".pdf")); got != before {
		t.Error("a refused run changed the final letters")
	}
	// With --force the sample and final results move to superseded/, so
	// no letter of the old pre-screen is left beside the new one.
	r = runInProcess(t, ctx, append(args2b, "--force")...)
	if r.code != exitOK || !strings.Contains(r.stdout, "superseded") {
		t.Fatalf("--force run exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, name := range []string{"sample.csv", "sample.json", "final", "final-summary.csv", "final-summary.xlsx", "letters.csv"} {
		if _, err := os.Stat(filepath.Join(y2, name)); err == nil {
			t.Errorf("%s is still in the re-run folder", name)
		}
	}
	moved, _ := filepath.Glob(filepath.Join(y2, "superseded", "*", "final", overridden+".pdf"))
	if len(moved) != 1 {
		t.Fatalf("the earlier letters are not kept in superseded/: %v", moved)
	}
	old := filepath.Dir(filepath.Dir(moved[0]))
	for _, name := range []string{"final-summary.csv", "final-summary.xlsx", "letters.csv", "sample.csv", "sample.json", "summary.csv", "run.json"} {
		if _, err := os.Stat(filepath.Join(old, name)); err != nil {
			t.Errorf("superseded record lacks %s: %v", name, err)
		}
	}
	// The decisions were made on the run that was replaced: refused.
	r = runInProcess(t, ctx, "finalize", y2, "--decisions", dec2)
	if r.code != exitFailed || !strings.Contains(r.stderr, "made from another run") {
		t.Errorf("finalize with decisions on the replaced run: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(y2, "final")); err == nil {
		t.Error("a refused finalize wrote letters")
	}
}

// TestFinalizeSeveralDecisionFiles: two assessors each fill their own copy
// of summary.xlsx; finalize reads both, and a member the two decided
// differently is listed as a problem, not settled by the file order.
func TestFinalizeSeveralDecisionFiles(t *testing.T) {
	ctx := context.Background()
	dir := freshRun(t)
	alice := fillDecisions(t, dir, map[string]map[string]string{
		"100102": {"Assessor decision": "Confirm"},
		"100110": {"Assessor decision": "Override to MET"},
	})
	bob := fillDecisions(t, dir, map[string]map[string]string{
		"100103": {"Assessor decision": "Confirm"},
		"100110": {"Assessor decision": "Override to NOT_MET"},
	})
	r := runInProcess(t, ctx, "finalize", dir, "--decisions", alice, "--decisions", bob)
	if r.code != exitIssues {
		t.Fatalf("finalize exited %d, want %d:\n%s%s", r.code, exitIssues, r.stdout, r.stderr)
	}
	finals := csvByID(t, filepath.Join(dir, "final-summary.csv"))
	if finals["100102"]["decision"] != "Confirm" || finals["100103"]["decision"] != "Confirm" {
		t.Errorf("a decision of one of the two files was lost: %v / %v", finals["100102"], finals["100103"])
	}
	if finals["100102"]["decisions_file"] != alice || finals["100103"]["decisions_file"] != bob {
		t.Errorf("decisions_file: %q, %q", finals["100102"]["decisions_file"], finals["100103"]["decisions_file"])
	}
	p := finals["100110"]["problem"]
	if !strings.Contains(p, "more than one decisions file") || !strings.Contains(r.stderr, "member 100110") {
		t.Errorf("100110, decided differently in two files: problem %q\n%s", p, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "final", "100110.pdf")); err == nil {
		t.Error("100110 got a letter though the two files disagree")
	}
	vals, _ := runSheetValues(t, filepath.Join(dir, "final-summary.xlsx"))
	if vals["Decisions applied"] != "2" {
		t.Errorf("Run sheet: %v", vals)
	}
}
