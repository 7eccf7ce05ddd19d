package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ies/cpdaudit/runfolder"
)

// specSummaryColumns are SPEC.md's summary.csv columns, in order.
var specSummaryColumns = []string{"member_id", "name", "grade", "counted_hours", "required_hours", "substantive_categories",
	"required_categories", "standard1", "standard2", "standard3", "standard4", "outcome", "flags"}

// previousRun makes last year's run folder from the committed 2025 run:
// its run.json set to CPD year 2024, and member drop's row left out, as if
// they had joined this year.
func previousRun(t *testing.T, drop string) string {
	t.Helper()
	dir := copyDir(t, reviewRun)
	path := filepath.Join(dir, "run.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	rec["cpd_year"] = 2024
	if b, err = json.Marshal(rec); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "summary.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	recs = slices.DeleteFunc(recs, func(r []string) bool { return r[0] == drop })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunPrevious(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	// This year's run without --previous, to compare with.
	plain := filepath.Join(tmp, "plain")
	if r := runInProcess(t, ctx, sampleArgs(plain)...); r.code != exitOK {
		t.Fatalf("run exited %d: %s", r.code, r.stderr)
	}
	const joined = "100102" // NOT_MET this year, not in last year's run
	prev := previousRun(t, joined)
	out := filepath.Join(tmp, "yoy")
	r := runInProcess(t, ctx, sampleArgs(out, "--previous", prev)...)
	if r.code != exitOK {
		t.Fatalf("run --previous exited %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("a 2024 run for a 2025 audit should not warn:\n%s", r.stderr)
	}

	lastYear := map[string]string{}
	for _, row := range readCSV(t, filepath.Join(prev, "summary.csv")) {
		lastYear[row["member_id"]] = row["outcome"]
	}
	thisYear := map[string]map[string]string{}
	for _, row := range readCSV(t, filepath.Join(plain, "summary.csv")) {
		thisYear[row["member_id"]] = row
	}
	// Last year's run was never finalised: its pre-screen is all there is,
	// and the flag says so.
	const flag = "NOT_MET two years running (2024: pre-screen, no final outcome; 2025: pre-screen)"

	// summary.csv: SPEC's columns first and in order, previous_outcome last.
	f, err := os.Open(filepath.Join(out, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	header, err := csv.NewReader(f).Read()
	f.Close()
	if err != nil || !slices.Equal(header, append(slices.Clone(specSummaryColumns), "previous_outcome")) {
		t.Fatalf("summary.csv header = %q (%v)", header, err)
	}
	flagged := map[string]bool{}
	for _, row := range readCSV(t, filepath.Join(out, "summary.csv")) {
		id, was := row["member_id"], thisYear[row["member_id"]]
		for _, c := range specSummaryColumns {
			if c != "flags" && row[c] != was[c] {
				t.Errorf("%s: %s = %q with --previous, %q without", id, c, row[c], was[c])
			}
		}
		if row["previous_outcome"] != lastYear[id] {
			t.Errorf("%s: previous_outcome = %q, want %q", id, row["previous_outcome"], lastYear[id])
		}
		want := lastYear[id] == "NOT_MET" && row["outcome"] == "NOT_MET"
		if got := strings.Contains(row["flags"], flag); got != want {
			t.Errorf("%s (%s last year, %s now): flags %q", id, lastYear[id], row["outcome"], row["flags"])
		}
		flagged[id] = want
	}
	// 100103 is NOT_MET on standard 2 in the committed 2025 run and now.
	if !flagged["100103"] {
		t.Error("member 100103, NOT_MET in both years, is not flagged")
	}
	if flagged[joined] || thisYear[joined]["outcome"] != "NOT_MET" {
		t.Errorf("member %s is NOT_MET now but was not in last year's run: no flag", joined)
	}

	// The Summary sheet: the column after Outcome, the flag in the flags.
	wb := openXLSX(t, filepath.Join(out, "summary.xlsx"))
	rows, err := wb.GetRows(runfolder.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	outcome := slices.Index(rows[0], "Outcome")
	last := slices.Index(rows[0], "Last year's outcome")
	flags := slices.Index(rows[0], "Flags for the assessor")
	decision := slices.Index(rows[0], "Assessor decision")
	if outcome < 0 || last != outcome+1 || decision < last {
		t.Fatalf("Summary header %q: Last year's outcome must follow Outcome, before the assessor columns", rows[0])
	}
	for _, row := range rows[1:] {
		want := lastYear[row[0]]
		if want == "" {
			want = "not in last year's run"
		}
		if row[last] != want {
			t.Errorf("%s: Last year's outcome = %q, want %q", row[0], row[last], want)
		}
		if got := len(row) > flags && strings.Contains(row[flags], flag); got != flagged[row[0]] {
			t.Errorf("%s: Summary flags %q", row[0], row[flags])
		}
	}
	cmp, err := wb.GetRows(runfolder.SheetCompliance)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(cmp, func(r []string) bool { return len(r) > 0 && r[0] == "Year on year: CPD years 2024 and 2025" }) {
		t.Error("the Compliance sheet has no year-on-year section")
	}

	// The same input and previous run give the same bytes.
	again := filepath.Join(tmp, "again")
	if r := runInProcess(t, ctx, sampleArgs(again, "--previous", prev)...); r.code != exitOK {
		t.Fatalf("second run exited %d: %s", r.code, r.stderr)
	}
	a, b := treeFiles(t, out), treeFiles(t, again)
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs with the same --previous", name)
		}
	}

	// The assessor's loop still finds its columns in the wider sheet.
	dec := editDecisions(t, out, map[string]string{"100103": "Confirm", "100110": "Override to MET"})
	if r := runInProcess(t, ctx, "finalize", out, "--decisions", dec); r.code != exitOK {
		t.Fatalf("finalize exited %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	finals := map[string]map[string]string{}
	for _, row := range readCSV(t, filepath.Join(out, "final-summary.csv")) {
		finals[row["member_id"]] = row
	}
	if finals["100103"]["final_outcome"] != "NOT_MET" || finals["100110"]["final_outcome"] != "MET" || finals["100103"]["problem"] != "" {
		t.Errorf("finalize on a run with --previous: %v %v", finals["100103"], finals["100110"])
	}
}

func TestRunPreviousOtherYear(t *testing.T) {
	ctx := context.Background()
	// The committed run is for 2025, the same year as this audit.
	out := filepath.Join(t.TempDir(), "out")
	r := runInProcess(t, ctx, sampleArgs(out, "--previous", reviewRun)...)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "warning: --previous "+reviewRun+" holds the run for CPD year 2025, but this run is for 2025, so last year's would be 2024") {
		t.Errorf("no warning naming both years:\n%s", r.stderr)
	}
	for _, row := range readCSV(t, filepath.Join(out, "summary.csv")) {
		if row["member_id"] == "100103" && !strings.Contains(row["flags"], "NOT_MET in both runs (2025: pre-screen, no final outcome; 2025: pre-screen)") {
			t.Errorf("100103 flags = %q", row["flags"])
		}
	}
}

func TestRunPreviousBad(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	noSummary := filepath.Join(tmp, "no-summary")
	notSummary := filepath.Join(tmp, "not-summary")
	for _, d := range []string{noSummary, notSummary} {
		if err := os.CopyFS(d, os.DirFS(reviewRun)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(noSummary, "summary.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notSummary, "summary.csv"), []byte("Member Number,Title\n1,x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out")
	missing := filepath.Join(tmp, "nowhere")
	for _, c := range []struct {
		previous string
		code     int
		msg      []string
	}{
		{missing, exitFailed, []string{"--previous " + missing, "no such folder"}},
		{sampleRegister, exitFailed, []string{"--previous " + sampleRegister, "is a file, not a folder"}},
		{sampleDir, exitFailed, []string{"--previous " + sampleDir, "no summary.csv and no run.json"}},
		{noSummary, exitFailed, []string{"--previous " + noSummary, "no summary.csv"}},
		{notSummary, exitFailed, []string{"--previous " + notSummary, "column member_id is missing"}},
		{out, exitUsage, []string{"--previous " + out, "also the output folder"}},
	} {
		r := runInProcess(t, ctx, sampleArgs(out, "--previous", c.previous)...)
		if r.code != c.code {
			t.Errorf("--previous %s: exit %d, want %d; stderr:\n%s", c.previous, r.code, c.code, r.stderr)
		}
		for _, m := range c.msg {
			if !strings.Contains(r.stderr, m) {
				t.Errorf("--previous %s: stderr lacks %q:\n%s", c.previous, m, r.stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(out, "run.json")); err == nil {
			t.Errorf("--previous %s: a failed run wrote its output", c.previous)
		}
	}
	if r := runInProcess(t, ctx, "check", "--previous", reviewRun, sampleDir); r.code != exitUsage {
		t.Errorf("check --previous: exit %d, want %d (run only)", r.code, exitUsage)
	}
}
